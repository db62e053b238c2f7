{{ config(severity='error') }}
-- B1: every mandatory (unit, form) of the month is accepted or waived with a reason.
with

expected as (

    select * from {{ ref('int_submissions_expected') }}
    where is_mandatory and {{ in_month_range('month') }}

),

submission_status as (

    select * from {{ ref('submission_status') }}

),

final as (

    select
        expected.month,
        expected.unit_code,
        expected.form_code,
        coalesce(submission_status.status, 'missing') as status,
        expected.due_on,
        coalesce(submission_status.versions, 0) as versions,
    from expected
    left join submission_status
        on expected.month = submission_status.month
        and expected.unit_code = submission_status.unit_code
        and expected.form_code = submission_status.form_code
    where coalesce(submission_status.status, 'missing') not in ('on_time', 'late', 'waived')

)

select * from final
