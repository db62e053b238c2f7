{#-
    The issue ledger as of each month: the responsible unit's current ledger of that month.
    Open = not 已解决 at month end; overdue = due before month end and not resolved by then;
    days open = from raised_on to resolved_on when resolved by month end, else to month end.
-#}
with

issues as (

    {{ current_submission_rows('stg_raw__project_issues', 'project_issues') }}

),

aliases as (

    select * from {{ ref('int_unit_aliases') }}

),

dated as (

    select
        issues.*,
        last_day(issues.month) as month_end_on,
        owner.unit_code as owner_unit,
        issues.status = '已解决'
        and coalesce(issues.resolved_on, last_day(issues.month)) <= last_day(issues.month)
            as is_resolved,
    from issues
    left join aliases as owner
        on issues.owner_unit_reported = owner.alias
        and issues.month between owner.valid_from and owner.valid_to

),

final as (

    select
        month,
        issue_code,
        project_code,
        owner_unit,
        owner_unit_reported,
        submitter_code,
        description,
        raised_on,
        due_on,
        status,
        resolved_on,
        not is_resolved as is_open,
        coalesce(due_on < month_end_on and not is_resolved, false) as is_overdue,
        cast(
            date_diff(
                'day',
                raised_on,
                case when is_resolved then coalesce(resolved_on, month_end_on) else month_end_on end
            ) as integer
        ) as days_open,
        submission_id,
        source_row,
    from dated

)

select * from final
