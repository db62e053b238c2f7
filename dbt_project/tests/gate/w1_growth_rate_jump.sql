{{ config(severity='warn') }}
-- W1: a growth rate moves more than 15 points from last month.
with

indicators as (

    select * from {{ ref('int_econ_indicators_resolved') }}
    where yoy_growth_pct is not null

),

with_previous as (

    select
        *,
        lag(yoy_growth_pct) over by_indicator as previous_growth_pct,
        lag(month) over by_indicator as previous_month,
    from indicators
    window by_indicator as (partition by indicator_code, cluster order by month)

),

final as (

    select
        month,
        submitter_code as unit_code,
        'econ_indicators' as form_code,
        indicator_code,
        cluster,
        yoy_growth_pct,
        previous_growth_pct,
    from with_previous
    where
        {{ in_month_range('month') }}
        and previous_month = month - interval 1 month
        and abs(yoy_growth_pct - previous_growth_pct) > 15

)

select * from final
