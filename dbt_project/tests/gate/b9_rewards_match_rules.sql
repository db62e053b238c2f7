{{ config(severity='error') }}
-- B9: the rewards paid equal what the monthly rank rules give for the published ranks
-- (recomputed from the campaign_scores mart; December's disqualified unit excepted).
with

scores as (

    select * from {{ ref('campaign_scores') }}
    where {{ in_month_range('month') }}

),

rewards as (

    select * from {{ ref('campaign_rewards') }}
    where {{ in_month_range('month') }}

),

rules as (

    select * from {{ ref('reward_rules') }}
    where period = 'monthly' and basis = 'rank'

),

disqualified as (

    select distinct
        rewards.month,
        rewards.campaign_code,
        rewards.unit_code
    from rewards
    inner join {{ ref('reward_rules') }} as all_rules
        on rewards.rule_code = all_rules.rule_code
    where all_rules.disqualifies_awards

),

due as (

    select
        scores.month,
        scores.campaign_code,
        scores.unit_code,
        rules.rule_code,
        rules.amount_wan,
    from scores
    inner join rules
        on scores.campaign_code = rules.campaign_code
        and scores.unit_group = rules.unit_group
        and scores.rank between rules.rank_from and rules.rank_to
    where not exists (
            select 1 from disqualified
            where disqualified.month = scores.month
                and disqualified.campaign_code = scores.campaign_code
                and disqualified.unit_code = scores.unit_code
        )

),

paid as (

    select rewards.*
    from rewards
    where rewards.rule_code in (select rule_code from rules)

),

final as (

    select
        coalesce(due.month, paid.month) as month,
        coalesce(due.unit_code, paid.unit_code) as unit_code,
        'campaign_scores' as form_code,
        coalesce(due.campaign_code, paid.campaign_code) as campaign_code,
        coalesce(due.rule_code, paid.rule_code) as rule_code,
        due.amount_wan as amount_due_wan,
        paid.amount_wan as amount_paid_wan,
    from due
    full outer join paid
        on due.month = paid.month
        and due.campaign_code = paid.campaign_code
        and due.unit_code = paid.unit_code
        and due.rule_code = paid.rule_code
    where due.amount_wan is distinct from paid.amount_wan

)

select * from final
