{#-
    The current indicator rows of each month in the catalog's unit, cluster resolved to its
    code ('' = whole zone). Stock indicators carry the month-end level in both value
    columns; a flow indicator's monthly value, when not reported, is its year-to-date value
    less the previous report's of the same year (NULL when that report is missing).
-#}
with

reported as (

    {{ current_submission_rows('stg_raw__econ_indicators', 'econ_indicators') }}

),

indicators as (

    select * from {{ ref('indicators') }}

),

clusters as (

    select * from {{ ref('clusters') }}

),

converted as (

    select
        reported.month,
        reported.indicator_code,
        coalesce(clusters.cluster_code, reported.cluster_reported, '') as cluster,
        coalesce(indicators.indicator_name, reported.indicator_name_reported) as indicator_name,
        reported.indicator_name_reported,
        coalesce(indicators.unit, reported.unit_reported) as unit,
        indicators.kind,
        case when indicators.frequency = 'quarterly' then 3 else 1 end as months_per_report,
        case
            when indicators.growth_basis in ('comparable', 'nominal')
                then indicators.growth_basis
        end as growth_basis,
        coalesce(indicators.is_additive, false) as is_additive,
        indicators.indicator_code is not null as is_in_catalog,
        -- staging gave money in 万元; bring it to the catalog's money unit
        case
            when reported.is_money and {{ money_factor_wan('indicators.unit') }} is not null
                then 1.0 / {{ money_factor_wan('indicators.unit') }}
            else 1.0
        end as to_catalog_unit,
        reported.value_month,
        reported.value_ytd,
        reported.value_ytd_prior,
        reported.yoy_growth_pct,
        reported.city_rank,
        reported.submitter_code,
        reported.submission_id,
        reported.source_row,
    from reported
    left join indicators
        on reported.indicator_code = indicators.indicator_code
    left join clusters
        on reported.cluster_reported in (clusters.cluster_code, clusters.cluster_name)

),

in_catalog_unit as (

    select
        * exclude (value_month, value_ytd, value_ytd_prior, to_catalog_unit),
        value_month * to_catalog_unit as value_month_reported,
        value_ytd * to_catalog_unit as value_ytd_reported,
        value_ytd_prior * to_catalog_unit as value_ytd_prior,
    from converted

),

with_previous as (

    select
        *,
        lag(value_ytd_reported) over same_year as previous_ytd,
        lag(month) over same_year as previous_month,
    from in_catalog_unit
    window same_year as (
        partition by indicator_code, cluster, year(month)
        order by month
    )

),

final as (

    select
        month,
        indicator_code,
        cluster,
        indicator_name,
        indicator_name_reported,
        unit,
        kind,
        case
            when kind = 'stock' then coalesce(value_month_reported, value_ytd_reported)
            when value_month_reported is not null then value_month_reported
            -- the year's first report: the year to date is the period's value
            when previous_month is null and month(month) = months_per_report
                then value_ytd_reported
            -- the previous report of the year is the one just before: the difference
            when previous_month = month - to_months(months_per_report)
                then value_ytd_reported - previous_ytd
        end as value_month,
        case
            when kind = 'stock' then coalesce(value_month_reported, value_ytd_reported)
            else value_ytd_reported
        end as value_ytd,
        value_ytd_prior,
        yoy_growth_pct,
        growth_basis,
        city_rank,
        is_additive,
        is_in_catalog,
        submitter_code,
        submission_id,
        source_row,
    from with_previous

)

select * from final
