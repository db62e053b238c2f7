{#-
    The current version of each (month, unit, form): the accepted one with the highest
    version. A later header-only file is current too and, having no rows, supersedes the
    rows of earlier versions. Reads the months in range and the twelve before them (year to
    date, previous ranks, December's year averages).
-#}
with

submissions as (

    select * from {{ ref('stg_raw__submissions') }}
    where {{ in_month_range('month', 12, true) }}

),

accepted as (

    select
        *,
        row_number() over (
            partition by month, unit_code, form_code
            order by version desc, submitted_at desc
        ) as version_rank
    from submissions
    where is_accepted and form_code is not null

),

final as (

    select
        submission_id,
        month,
        unit_code,
        form_code,
        version,
        submitted_at,
        ingested_at,
        rows_loaded,
    from accepted
    where version_rank = 1

)

select * from final
