{{ config(severity='error') }}
-- B6: cluster values of an additive indicator add up to no more than the zone total
-- (+ cluster_sum_tolerance_pct).
with

indicators as (

    select * from {{ ref('int_econ_indicators_resolved') }}
    where is_additive and {{ in_month_range('month') }}

),

settings as (

    select * from {{ ref('settings') }}

),

tolerance as (

    select
        coalesce(
            max(try_cast(value as double)) filter (where key = 'cluster_sum_tolerance_pct'), 0.5
        ) as cluster_sum_tolerance_pct
    from settings

),

sums as (

    select
        month,
        indicator_code,
        any_value(submitter_code) as submitter_code,
        sum(value_ytd) filter (where cluster <> '') as clusters_ytd,
        max(value_ytd) filter (where cluster = '') as zone_ytd,
        count(*) filter (where cluster <> '') as clusters,
    from indicators
    group by month, indicator_code

),

final as (

    select
        sums.month,
        sums.submitter_code as unit_code,
        'econ_indicators' as form_code,
        sums.indicator_code,
        sums.clusters,
        sums.clusters_ytd,
        sums.zone_ytd,
    from sums
    cross join tolerance
    where sums.clusters_ytd > sums.zone_ytd * (1 + tolerance.cluster_sum_tolerance_pct / 100)

)

select * from final
