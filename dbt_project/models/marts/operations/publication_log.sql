{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        unique_key=none,
        full_refresh=false,
    )
}}
{#-
    One row per publication attempt. dbt only creates the table (empty) and never writes to
    it (the marts' pre-hook `delete_months_in_range` leaves append-only models alone): the
    log of record is the home's publications/log.jsonl, which each publication copies into the
    table of the file it publishes (zonewh/publish).
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
        cast(null as varchar) as outcome,
        cast(null as varchar) as failing_checks,
        cast(null as varchar) as warning_checks,
        cast(null as timestamptz) as published_at,
        cast(null as varchar) as run_by,
        cast(null as varchar) as note,

)

select * from final
where false
