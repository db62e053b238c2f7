with

indicators as (

    select * from {{ ref('int_econ_indicators_resolved') }}
    where {{ in_month_range('month') }}

),

targets as (

    select * from {{ ref('int_annual_targets_as_of_month') }}

),

final as (

    select
        indicators.month,
        indicators.indicator_code,
        indicators.indicator_name,
        indicators.cluster,
        indicators.unit,
        indicators.value_month,
        indicators.value_ytd,
        {{ to_pct('indicators.yoy_growth_pct') }} as yoy_growth_pct,
        indicators.growth_basis,
        targets.annual_target,
        {{ to_pct('indicators.value_ytd / nullif(targets.annual_target, 0) * 100') }}
            as target_completion_pct,
        indicators.city_rank,
        ---------- lineage
        indicators.submission_id,
        indicators.source_row,
    from indicators
    left join targets
        on indicators.month = targets.month
        and indicators.indicator_code = targets.indicator_code
        and indicators.cluster = targets.cluster

)

select * from final
