{{ config(severity='warn') }}
-- W2: a project 在建 with no investment for three months running.
with

progress as (

    select * from {{ ref('int_project_progress_current') }}

),

idle as (

    select *
    from progress
    where status = '在建' and coalesce(invested_month_wan, 0) = 0

),

final as (

    select
        idle.month,
        idle.submitter_code as unit_code,
        'project_progress' as form_code,
        idle.project_code,
        idle.status,
        idle.invested_ytd_wan,
    from idle
    inner join idle as one_before
        on idle.project_code = one_before.project_code
        and one_before.month = idle.month - interval 1 month
    inner join idle as two_before
        on idle.project_code = two_before.project_code
        and two_before.month = idle.month - interval 2 month
    where {{ in_month_range('idle.month') }}

)

select * from final
