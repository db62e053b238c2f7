with

source as (

    select * from {{ source('raw', 'campaign_scores') }}

),

renamed as (

    select
        ---------- lineage
        submission_id,
        cast(month as date) as month,
        unit_code as submitter_code,
        source_row,

        ---------- ids
        trim(campaign_code) as campaign_code,
        trim(assessed_unit) as assessed_unit_reported,
        trim(criterion_code) as criterion_code,

        ---------- numerics
        score,
        cast(coalesce(problems_found, 0) as integer) as problems_found,

        ---------- text and dates
        deduction_reason,
        inspected_on

    from source

)

select * from renamed
