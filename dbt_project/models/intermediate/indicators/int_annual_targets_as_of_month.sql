{#-
    The annual targets in force in each month in range: drc's targets submissions of the
    year up to the month, the latest replacing earlier ones; values in the catalog's unit.
-#}
with

target_month_for_month as (

    {{ submission_month_in_force('annual_targets', 'target_month') }}

),

targets as (

    {{ current_submission_rows('stg_raw__annual_targets', 'annual_targets') }}

),

indicators as (

    select * from {{ ref('indicators') }}

),

clusters as (

    select * from {{ ref('clusters') }}

),

final as (

    select
        target_month_for_month.month,
        targets.indicator_code,
        coalesce(clusters.cluster_code, targets.cluster_reported, '') as cluster,
        case
            when targets.is_money and {{ money_factor_wan('indicators.unit') }} is not null
                then targets.target_value / {{ money_factor_wan('indicators.unit') }}
            else targets.target_value
        end as annual_target,
        targets.target_growth_pct,
        target_month_for_month.target_month,
    from target_month_for_month
    inner join targets
        on target_month_for_month.target_month = targets.month
    left join indicators
        on targets.indicator_code = indicators.indicator_code
    left join clusters
        on targets.cluster_reported in (clusters.cluster_code, clusters.cluster_name)

)

select * from final
