{#- One row per month and project of the year's plan as of the month. -#}
with

plans as (

    select * from {{ ref('int_key_project_plans_as_of_month') }}
    where {{ in_month_range('month') }}

),

progress as (

    select * from {{ ref('int_project_progress_current') }}
    where {{ in_month_range('month') }}

),

issues as (

    select * from {{ ref('int_project_issues_ledger') }}
    where {{ in_month_range('month') }}

),

unit_names as (

    select * from {{ ref('int_unit_names') }}

),

issue_counts as (

    select
        month,
        project_code,
        cast(count(*) filter (where is_open) as integer) as open_issues,
        cast(count(*) filter (where is_overdue) as integer) as overdue_issues,
    from issues
    group by month, project_code

),

measured as (

    select
        plans.month,
        plans.project_code,
        plans.project_name,
        plans.level,
        plans.category,
        plans.responsible_unit,
        plans.town,
        plans.total_investment_wan,
        plans.annual_plan_wan,
        progress.invested_month_wan,
        progress.invested_ytd_wan,
        -- unrounded: the flag is decided on these, the mart publishes them rounded
        progress.invested_ytd_wan / nullif(plans.annual_plan_wan, 0) * 100 as plan_completion,
        month(plans.month) / 12.0 * 100 as time_progress,
        progress.status,
        coalesce(issue_counts.open_issues, 0) as open_issues,
        coalesce(issue_counts.overdue_issues, 0) as overdue_issues,
        responsible_names.unit_name as responsible_unit_name,
        town_names.unit_name as town_name,
        progress.submission_id,
        progress.source_row,
        plans.submission_id as plan_submission_id,
        plans.source_row as plan_source_row,
    from plans
    left join progress
        on plans.month = progress.month
        and plans.project_code = progress.project_code
    left join issue_counts
        on plans.month = issue_counts.month
        and plans.project_code = issue_counts.project_code
    left join unit_names as responsible_names
        on plans.responsible_unit = responsible_names.unit_code
        and plans.month between responsible_names.valid_from and responsible_names.valid_to
    left join unit_names as town_names
        on plans.town = town_names.unit_code
        and plans.month between town_names.valid_from and town_names.valid_to

),

final as (

    select
        month,
        project_code,
        project_name,
        level,
        category,
        responsible_unit,
        town,
        total_investment_wan,
        annual_plan_wan,
        invested_month_wan,
        invested_ytd_wan,
        {{ to_pct('plan_completion') }} as plan_completion_pct,
        {{ to_pct('time_progress') }} as time_progress_pct,
        {{ to_pct('plan_completion - time_progress') }} as progress_gap_pp,
        plan_completion - time_progress < {{ var('lagging_threshold_pp', -10) }} as is_lagging,
        status,
        open_issues,
        overdue_issues,
        responsible_unit_name,
        town_name,
        ---------- lineage: the month's progress row, and the plan row in force
        submission_id,
        source_row,
        plan_submission_id,
        plan_source_row,
    from measured

)

select * from final
