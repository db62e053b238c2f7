{#- The forms intake knows (raw.forms, filled from its form registry): code and title. -#}
with

source as (

    select * from {{ optional_source('raw', 'forms', {
        'form_code': 'varchar',
        'form_name': 'varchar',
    }) }}

),

renamed as (

    select
        ---------- ids
        trim(form_code) as form_code,

        ---------- text
        nullif(trim(form_name), '') as form_name

    from source

)

select * from renamed
