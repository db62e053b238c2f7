with

source as (

    select * from {{ source('raw', 'econ_indicators') }}

),

renamed as (

    select
        ---------- lineage
        submission_id,
        cast(month as date) as month,
        unit_code as submitter_code,
        source_row,

        ---------- ids
        trim(indicator_code) as indicator_code,
        nullif(trim(cluster), '') as cluster_reported,

        ---------- text
        nullif(trim(indicator_name), '') as indicator_name_reported,
        trim(unit) as unit_reported,
        note,

        ---------- numerics (money in 万元, rounded once to 1 元; other units as reported)
        {{ money_factor_wan('unit') }} is not null as is_money,
        cast(coalesce({{ to_wan('value_month', 'unit') }}, value_month) as double) as value_month,
        cast(coalesce({{ to_wan('value_ytd', 'unit') }}, value_ytd) as double) as value_ytd,
        cast(
            coalesce({{ to_wan('value_ytd_prior', 'unit') }}, value_ytd_prior) as double
        ) as value_ytd_prior,
        yoy_growth_pct,
        cast(city_rank as integer) as city_rank

    from source

)

select * from renamed
