with

current_submissions as (

    select * from {{ ref('int_submissions_current') }}
    where form_code = 'investment_signings' and {{ in_month_range('month') }}

),

signings as (

    select * from {{ ref('stg_raw__investment_signings') }}
    where submission_id in (select submission_id from current_submissions)

),

final as (

    select
        month,
        signing_code,
        project_name,
        investor,
        signed_on,
        agreed_investment_wan,
        case
            when agreed_investment_wan >= 100000 then '>=10亿'
            when agreed_investment_wan >= 10000 then '1-10亿'
            else '<1亿'
        end as size_band,
        project_code,
    from signings

)

select * from final
