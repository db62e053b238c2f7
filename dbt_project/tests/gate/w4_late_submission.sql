{{ config(severity='warn') }}
-- W4: a late submission.
with

submission_status as (

    select * from {{ ref('submission_status') }}
    where {{ in_month_range('month') }}

),

final as (

    select
        month,
        unit_code,
        form_code,
        due_on,
        accepted_at,
        versions,
    from submission_status
    where status = 'late'

)

select * from final
