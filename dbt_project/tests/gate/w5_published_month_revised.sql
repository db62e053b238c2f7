{{ config(severity='warn') }}
-- W5: a resubmission changed a month already published (a revision): an accepted version
-- ingested after the month's last successful publication (marts.publication_log, which the
-- publish step appends to). Reports revised months up to the last month in range.
with

current_submissions as (

    select * from {{ ref('int_submissions_current') }}

),

publication_log as (

    select * from {{ ref('publication_log') }}

),

last_published as (

    select
        month,
        max(attempted_at) as published_at
    from publication_log
    where published
    group by month

),

final as (

    select
        current_submissions.month,
        current_submissions.unit_code,
        current_submissions.form_code,
        current_submissions.submission_id,
        current_submissions.version,
        current_submissions.ingested_at,
        last_published.published_at,
    from current_submissions
    inner join last_published
        on current_submissions.month = last_published.month
    where
        current_submissions.ingested_at > last_published.published_at
        and current_submissions.month <= {{ month_end() }}

)

select * from final
