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

        ---------- numerics (money converted to 万元; other units as reported)
        trim(unit) as unit_reported,
        {{ money_factor_wan('unit') }} is not null as is_money,
        coalesce({{ to_wan('target_value', 'unit') }}, target_value) as target_value,
        target_growth_pct

    from source

)

select * from renamed
