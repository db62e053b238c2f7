{#-
    One row per month, unit and form the calendar expects, and one per unexpected
    (month, unit, known form) that was submitted. Status, in order: on_time / late (an
    accepted version exists; judged on the first accepted version's submission time
    against the end of the due day in China Standard Time), waived (a waiver in force:
    int_waivers_in_force, from waivers.csv and the office's raw.waivers), rejected (only
    rejected versions), missing. errors/warnings: of the current version,
    else of the latest version.
-#}
with

expected as (

    select * from {{ ref('int_submissions_expected') }}

),

submissions as (

    select * from {{ ref('stg_raw__submissions') }}
    where {{ in_month_range('month') }} and form_code is not null

),

calendar as (

    select * from {{ ref('submission_calendar') }}

),

waivers as (

    select * from {{ ref('int_waivers_in_force') }}

),

unit_names as (

    select * from {{ ref('int_unit_names') }}

),

received as (

    select
        month,
        unit_code,
        form_code,
        min(submitted_at) as first_received_at,
        min(submitted_at) filter (where is_accepted) as accepted_at,
        cast(count(*) as integer) as versions,
        arg_max(errors, (is_accepted, version)) as errors,
        arg_max(warnings, (is_accepted, version)) as warnings,
    from submissions
    group by month, unit_code, form_code

),

unexpected as (

    select
        received.month,
        received.unit_code,
        received.form_code,
        cast(
            received.month
            + to_months(calendar.due_month_offset)
            + to_days(calendar.due_day - 1)
            as date
        ) as due_on,
    from received
    left join calendar
        on received.form_code = calendar.form_code
    where not exists (
            select 1 from expected
            where expected.month = received.month
                and expected.unit_code = received.unit_code
                and expected.form_code = received.form_code
        )

),

grid as (

    select
        month,
        unit_code,
        form_code,
        due_on
    from expected
    union all
    select
        month,
        unit_code,
        form_code,
        due_on
    from unexpected

),

final as (

    select
        grid.month,
        grid.unit_code,
        grid.form_code,
        grid.due_on,
        received.first_received_at,
        received.accepted_at,
        coalesce(received.versions, 0) as versions,
        case
            when received.accepted_at is not null
                -- on time: no later than the end of the due day in CST (UTC+8)
                then case
                        when grid.due_on is null
                            or epoch(received.accepted_at)
                            < epoch(cast(grid.due_on + 1 as timestamp)) - 8 * 3600
                            then 'on_time'
                        else 'late'
                    end
            when waivers.reason is not null then 'waived'
            when received.versions > 0 then 'rejected'
            else 'missing'
        end as status,
        coalesce(received.errors, 0) as errors,
        coalesce(received.warnings, 0) as warnings,
        names.unit_name,
    from grid
    left join received
        on grid.month = received.month
        and grid.unit_code = received.unit_code
        and grid.form_code = received.form_code
    left join waivers
        on grid.month = waivers.month
        and grid.unit_code = waivers.unit_code
        and grid.form_code = waivers.form_code
    left join unit_names as names
        on grid.unit_code = names.unit_code
        and grid.month between names.valid_from and names.valid_to

)

select * from final
