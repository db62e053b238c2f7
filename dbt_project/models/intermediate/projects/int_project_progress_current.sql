{#- The current progress rows of each month (the months in range and the year before). -#}
with

progress as (

    {{ current_submission_rows('stg_raw__project_progress', 'project_progress') }}

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
