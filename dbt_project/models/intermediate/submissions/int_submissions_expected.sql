{#-
    What the calendar expects in each month in range: (month, unit, form) with its due date.
    drc and ist submit their own forms; `plan_responsible` = every responsible unit of the
    year's plan as of the month; `campaign_lead` = the lead office of every campaign running.
-#}
with

months as (

    select * from {{ ref('int_months_in_range') }}

),

calendar as (

    select * from {{ ref('submission_calendar') }}

),

plans as (

    select * from {{ ref('int_key_project_plans_as_of_month') }}

),

campaigns as (

    select * from {{ ref('campaigns') }}

),

forms_due as (

    select
        months.month,
        calendar.form_code,
        calendar.submitter,
        calendar.is_mandatory,
        calendar.allows_empty,
        cast(
            months.month
            + to_months(calendar.due_month_offset)
            + to_days(calendar.due_day - 1)
            as date
        ) as due_on,
    from months
    cross join calendar
    where
        calendar.months = 'all'
        or list_contains(
            list_transform(
                string_split(calendar.months, '|'), lambda m: try_cast(trim(m) as integer)
            ),
            month(months.month)
        )

),

submitters as (

    -- a submitter that is not a role is the unit code itself (drc, ist)
    select distinct
        month,
        submitter,
        submitter as unit_code
    from forms_due
    where submitter not in ('plan_responsible', 'campaign_lead')
    union all
    select distinct
        month,
        'plan_responsible' as submitter,
        responsible_unit as unit_code
    from plans
    where responsible_unit is not null
    union all
    select
        months.month,
        'campaign_lead' as submitter,
        campaigns.lead_unit as unit_code,
    from months
    inner join campaigns
        on months.month >= campaigns.start_month
        and (campaigns.end_month is null or months.month <= campaigns.end_month)

),

final as (

    select distinct
        forms_due.month,
        submitters.unit_code,
        forms_due.form_code,
        forms_due.due_on,
        forms_due.is_mandatory,
        forms_due.allows_empty,
    from forms_due
    inner join submitters
        on forms_due.month = submitters.month
        and forms_due.submitter = submitters.submitter

)

select * from final
