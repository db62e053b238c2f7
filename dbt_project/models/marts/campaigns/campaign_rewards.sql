with

rewards as (

    select * from {{ ref('int_campaign_rewards_computed') }}
    where {{ in_month_range('month') }}

),

unit_names as (

    select * from {{ ref('int_unit_names') }}

),

final as (

    select
        rewards.month,
        rewards.campaign_code,
        rewards.unit_code,
        rewards.rule_code,
        cast(rewards.amount_wan as decimal(18, 4)) as amount_wan,
        rewards.reason,
        names.unit_name,
    from rewards
    left join unit_names as names
        on rewards.unit_code = names.unit_code
        and rewards.month between names.valid_from and names.valid_to

)

select * from final
