with

source as (

    select * from {{ source('raw', 'project_progress') }}

),

renamed as (

    select
        ---------- lineage
        submission_id,
        cast(month as date) as month,
        unit_code as submitter_code,
        source_row,

        ---------- ids
        trim(project_code) as project_code,

        ---------- text
        project_name as project_name_reported,
        status,
        progress_note,
        issues_note,

        ---------- numerics (the form is in 万元; DECIMAL to 1 元)
        {{ to_wan('invested_month', "'万元'") }} as invested_month_wan,
        {{ to_wan('invested_ytd', "'万元'") }} as invested_ytd_wan,

        ---------- dates
        actual_start as actual_start_on

    from source

)

select * from renamed
