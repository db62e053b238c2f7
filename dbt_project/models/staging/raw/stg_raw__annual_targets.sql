with

source as (

    select * from {{ source('raw', 'annual_targets') }}

),

renamed as (

    select
        ---------- lineage
        submission_id,
        cast(month as date) as month,
        source_row,

        ---------- ids
        trim(indicator_code) as indicator_code,
        nullif(trim(cluster), '') as cluster_reported,

        ---------- numerics (money in 万元, rounded once to 1 元; other units as reported)
        trim(unit) as unit_reported,
        {{ money_factor_wan('unit') }} is not null as is_money,
        cast(
            coalesce({{ to_wan('target_value', 'unit') }}, target_value) as double
        ) as target_value,
        target_growth_pct

    from source

)

select * from renamed
