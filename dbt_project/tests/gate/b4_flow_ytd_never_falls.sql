{{ config(severity='error') }}
-- B4: a flow indicator's year-to-date value never falls within a year.
with

indicators as (

    select * from {{ ref('int_econ_indicators_resolved') }}
    where kind = 'flow'

),

with_previous as (

    select
        *,
        lag(value_ytd) over same_year as previous_ytd,
        lag(month) over same_year as previous_month,
    from indicators
    where value_ytd is not null
    window same_year as (partition by indicator_code, cluster, year(month) order by month)

),

final as (

    select
        month,
        submitter_code as unit_code,
        'econ_indicators' as form_code,
        indicator_code,
        cluster,
        value_ytd,
        previous_month,
        previous_ytd,
    from with_previous
    where value_ytd < previous_ytd and {{ in_month_range('month') }}

)

select * from final
