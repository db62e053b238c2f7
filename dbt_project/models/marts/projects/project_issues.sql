with

ledger as (

    select * from {{ ref('int_project_issues_ledger') }}
    where {{ in_month_range('month') }}

),

final as (

    select
        month,
        issue_code,
        project_code,
        owner_unit,
        raised_on,
        due_on,
        status,
        resolved_on,
        is_overdue,
        days_open,
    from ledger

)

select * from final
