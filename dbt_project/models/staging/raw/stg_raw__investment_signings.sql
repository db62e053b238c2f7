with

source as (

    select * from {{ source('raw', 'investment_signings') }}

),

renamed as (

    select
        ---------- lineage
        submission_id,
        cast(month as date) as month,
        source_row,

        ---------- ids
        trim(signing_code) as signing_code,
        nullif(trim(project_code), '') as project_code,

        ---------- text
        project_name,
        investor,
        industry,

        ---------- numerics (the form is in 亿元; 万元 as DECIMAL to 1 元)
        {{ to_wan('agreed_investment', "'亿元'") }} as agreed_investment_wan,

        ---------- dates
        signed_on

    from source

)

select * from renamed
