with

ranked as (

    select * from {{ ref('int_campaign_scores_ranked') }}
    where {{ in_month_range('month') }}

),

final as (

    select
        month,
        campaign_code,
        unit_code,
        unit_name,
        unit_group,
        cast(total_score as double) as total_score,
        max_score,
        rank,
        previous_rank,
        problems_found,
    from ranked

)

select * from final
