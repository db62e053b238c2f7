{{ config(severity='warn') }}
-- W3: an indicator name differs from the catalog.
with

indicators as (

    select * from {{ ref('int_econ_indicators_resolved') }}
    where {{ in_month_range('month') }}

),

final as (

    select
        month,
        submitter_code as unit_code,
        'econ_indicators' as form_code,
        indicator_code,
        cluster,
        indicator_name_reported,
        indicator_name as catalog_name,
    from indicators
    where is_in_catalog and indicator_name_reported <> indicator_name

)

select * from final
