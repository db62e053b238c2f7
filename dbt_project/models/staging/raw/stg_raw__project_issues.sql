with

source as (

    select * from {{ source('raw', 'project_issues') }}

),

renamed as (

    select
        ---------- lineage
        submission_id,
        cast(month as date) as month,
        unit_code as submitter_code,
        source_row,

        ---------- ids
        trim(issue_code) as issue_code,
        trim(project_code) as project_code,
        trim(owner_unit) as owner_unit_reported,

        ---------- text
        description,
        status,

        ---------- dates
        raised_on,
        due_on,
        resolved_on

    from source

)

select * from renamed
