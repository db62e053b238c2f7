with

signings as (

    {{ current_submission_rows('stg_raw__investment_signings', 'investment_signings') }}

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
        ---------- lineage
        submission_id,
        source_row,
    from signings
    where {{ in_month_range('month') }}

)

select * from final
