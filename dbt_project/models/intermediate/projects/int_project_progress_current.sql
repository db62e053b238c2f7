{#- The current progress rows of each month (the months in range and the year before). -#}
with

current_submissions as (

    select * from {{ ref('int_submissions_current') }}
    where form_code = 'project_progress'

),

progress as (

    select * from {{ ref('stg_raw__project_progress') }}
    where submission_id in (select submission_id from current_submissions)

),

final as (

    select
        month,
        project_code,
        submitter_code,
        project_name_reported,
        invested_month_wan,
        invested_ytd_wan,
        status,
        actual_start_on,
        progress_note,
        issues_note,
        submission_id,
        source_row,
    from progress

)

select * from final
