{{ config(severity='error') }}
-- B3: a project's year-to-date investment = last month's + this month's (± ytd_tolerance_wan;
-- January starts the year), and never above the total investment.
with

progress as (

    select * from {{ ref('int_project_progress_current') }}

),

plans as (

    select * from {{ ref('int_key_project_plans_as_of_month') }}

),

settings as (

    select * from {{ ref('settings') }}

),

tolerance as (

    select
        coalesce(max(try_cast(value as double)) filter (where key = 'ytd_tolerance_wan'), 1.0)
            as ytd_tolerance_wan
    from settings

),

chained as (

    select
        progress.month,
        progress.submitter_code,
        progress.project_code,
        progress.invested_month_wan,
        progress.invested_ytd_wan,
        previous.invested_ytd_wan as previous_ytd_wan,
        previous.month is not null as has_previous,
        plans.total_investment_wan,
    from progress
    left join progress as previous
        on progress.project_code = previous.project_code
        and previous.month = progress.month - interval 1 month
        and month(progress.month) > 1
    left join plans
        on progress.month = plans.month
        and progress.project_code = plans.project_code
    where {{ in_month_range('progress.month') }}

),

final as (

    select
        chained.month,
        chained.submitter_code as unit_code,
        'project_progress' as form_code,
        chained.project_code,
        chained.invested_month_wan,
        chained.invested_ytd_wan,
        chained.previous_ytd_wan,
        chained.total_investment_wan,
        case
            when chained.invested_ytd_wan
                > chained.total_investment_wan + tolerance.ytd_tolerance_wan
                then 'ytd above total investment'
            else 'ytd != previous ytd + month'
        end as reason,
    from chained
    cross join tolerance
    where
        (
            month(chained.month) = 1
            and abs(chained.invested_ytd_wan - chained.invested_month_wan)
            > tolerance.ytd_tolerance_wan
        )
        or (
            chained.has_previous
            and abs(
                chained.invested_ytd_wan
                - (chained.previous_ytd_wan + chained.invested_month_wan)
            ) > tolerance.ytd_tolerance_wan
        )
        or chained.invested_ytd_wan > chained.total_investment_wan + tolerance.ytd_tolerance_wan

)

select * from final
