with

rewards as (

    select * from {{ ref('int_campaign_rewards_computed') }}
    where {{ in_month_range('month') }}

),

final as (

    select
        month,
        campaign_code,
        unit_code,
        rule_code,
        amount_wan,
        reason,
    from rewards

)

select * from final
