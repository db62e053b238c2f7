with

ledger as (

    select * from {{ ref('int_project_issues_ledger') }}
    where {{ in_month_range('month') }}

),

unit_names as (

    select * from {{ ref('int_unit_names') }}

),

final as (

    select
        ledger.month,
        ledger.issue_code,
        ledger.project_code,
        ledger.owner_unit,
        ledger.raised_on,
        ledger.due_on,
        ledger.status,
        ledger.resolved_on,
        ledger.is_overdue,
        ledger.days_open,
        owner_names.unit_name as owner_unit_name,
        ledger.description,
        ---------- lineage
        ledger.submission_id,
        ledger.source_row,
    from ledger
    left join unit_names as owner_names
        on ledger.owner_unit = owner_names.unit_code
        and ledger.month between owner_names.valid_from and owner_names.valid_to

)

select * from final
