{{ config(severity='error') }}
-- B5: nominal growth rates agree with the values (± growth_tolerance_pp points).
with

indicators as (

    select * from {{ ref('int_econ_indicators_resolved') }}
    where growth_basis = 'nominal' and {{ in_month_range('month') }}

),

settings as (

    select * from {{ ref('settings') }}

),

tolerance as (

    select
        coalesce(max(try_cast(value as double)) filter (where key = 'growth_tolerance_pp'), 0.1)
            as growth_tolerance_pp
    from settings

),

final as (

    select
        indicators.month,
        indicators.submitter_code as unit_code,
        'econ_indicators' as form_code,
        indicators.indicator_code,
        indicators.cluster,
        indicators.value_ytd,
        indicators.value_ytd_prior,
        indicators.yoy_growth_pct,
        round((indicators.value_ytd / indicators.value_ytd_prior - 1) * 100, 2)
            as computed_growth_pct,
    from indicators
    cross join tolerance
    where
        indicators.yoy_growth_pct is not null
        and indicators.value_ytd is not null
        and coalesce(indicators.value_ytd_prior, 0) <> 0
        and abs(
            indicators.yoy_growth_pct
            - (indicators.value_ytd / indicators.value_ytd_prior - 1) * 100
        ) > tolerance.growth_tolerance_pp

)

select * from final
