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
        progress.invested_ytd_wan / nullif(plans.annual_plan_wan, 0) * 100 as plan_completion_pct,
        month(plans.month) / 12.0 * 100 as time_progress_pct,
        progress.status,
        coalesce(issue_counts.open_issues, 0) as open_issues,
        coalesce(issue_counts.overdue_issues, 0) as overdue_issues,
    from plans
    left join progress
        on plans.month = progress.month
        and plans.project_code = progress.project_code
    left join issue_counts
        on plans.month = issue_counts.month
        and plans.project_code = issue_counts.project_code

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
        plan_completion_pct,
        time_progress_pct,
        plan_completion_pct - time_progress_pct as progress_gap_pp,
        plan_completion_pct - time_progress_pct
        < {{ var('lagging_threshold_pp', -10) }} as is_lagging,
        status,
        open_issues,
        overdue_issues,
    from measured

)

select * from final
