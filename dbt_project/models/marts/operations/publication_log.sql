{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        unique_key=none,
        full_refresh=false,
    )
}}
{#-
    One row per publication attempt. dbt only creates the table (empty) and never deletes
    from it (`full_refresh=false`; the marts' pre-hook `delete_months_in_range` leaves
    append-only models alone): the publish step appends its row with
    `insert into marts.publication_log ...` (in the published file, and in the working
    warehouse so W5 can see which months were published).
-#}
with

final as (

    select
        cast(null as varchar) as publication_id,
        cast(null as date) as month,
        cast(null as timestamptz) as attempted_at,
        cast(null as boolean) as published,
        cast(null as integer) as blocking_failures,
        cast(null as integer) as warnings,
        cast(null as varchar) as revised_months,
        cast(null as varchar) as software_version,

)

select * from final
where false
