with

source as (

    select * from {{ source('raw', 'key_project_plan') }}

),

renamed as (

    select
        ---------- lineage
        submission_id,
        cast(month as date) as month,
        source_row,

        ---------- ids
        trim(project_code) as project_code,
        trim(responsible_unit) as responsible_unit_reported,
        nullif(trim(town), '') as town_reported,

        ---------- text
        project_name,
        level,
        category,

        ---------- numerics (the form is in 亿元; 万元 as DECIMAL to 1 元)
        {{ to_wan('total_investment', "'亿元'") }} as total_investment_wan,
        {{ to_wan('annual_plan', "'亿元'") }} as annual_plan_wan,

        ---------- dates
        planned_start as planned_start_on

    from source

)

select * from renamed
