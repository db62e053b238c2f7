{#- Waivers the office records as data (raw.waivers): one row per record, a revocation
    being a record with `revoked`. -#}
with

source as (

    select * from {{ optional_source('raw', 'waivers', {
        'month': 'date',
        'unit_code': 'varchar',
        'form_code': 'varchar',
        'reason': 'varchar',
        'approved_by': 'varchar',
        'recorded_by': 'varchar',
        'recorded_at': 'timestamptz',
        'revoked': 'boolean',
    }) }}

),

renamed as (

    select
        ---------- ids
        cast(month as date) as month,
        trim(unit_code) as unit_code,
        trim(form_code) as form_code,

        ---------- text
        nullif(trim(reason), '') as reason,
        nullif(trim(approved_by), '') as approved_by,
        nullif(trim(recorded_by), '') as recorded_by,

        ---------- the record
        cast(recorded_at as timestamptz) as recorded_at,
        coalesce(revoked, false) as is_revoked

    from source

)

select * from renamed
