{#-
    Campaign totals per month, campaign and assessed unit, ranked within campaign × group ×
    month (competition ranking: 1, 2, 2, 4), with the unit's rank in the previous month the
    campaign assessed its group (within `previous_rank_lookback_months`).
    The assessed unit is resolved among the units valid in the month; its group is its type.
    Scores have at most two decimals: totals are summed as DECIMAL, so that 33.3 + 33.3 + 17.4
    ties with 84 (as doubles the sum is 83.99999999999999 and would rank below it).
-#}
with

resolved as (

    select * from {{ ref('int_campaign_score_rows_resolved') }}

),

criteria as (

    select * from {{ ref('campaign_criteria') }}

),

totals as (

    select
        month,
        campaign_code,
        unit_code,
        any_value(unit_name) as unit_name,
        any_value(unit_group) as unit_group,
        sum(cast(score as decimal(9, 2))) as total_score,
        cast(sum(problems_found) as integer) as problems_found,
        count(distinct criterion_code) as criteria_scored,
        -- the campaign's scores of a month come from its lead office's current return
        min(submission_id) as submission_id,
    from resolved
    group by month, campaign_code, unit_code

),

max_scores as (

    select
        campaign_code,
        unit_group,
        sum(max_score) as max_score,
        count(*) as criteria_count,
    from criteria
    group by campaign_code, unit_group

),

ranked as (

    select
        totals.*,
        max_scores.max_score,
        max_scores.criteria_count,
        cast(
            rank() over (
                partition by totals.month, totals.campaign_code, totals.unit_group
                order by totals.total_score desc
            ) as integer
        ) as rank,
        cast(
            count(*) over (
                partition by totals.month, totals.campaign_code, totals.unit_group
            ) as integer
        ) as units_ranked,
    from totals
    left join max_scores
        on totals.campaign_code = max_scores.campaign_code
        and totals.unit_group = max_scores.unit_group

),

group_months as (

    select distinct
        campaign_code,
        unit_group,
        month
    from ranked

),

assessed_months as (

    select
        campaign_code,
        unit_group,
        month,
        lag(month) over (partition by campaign_code, unit_group order by month) as previous_month,
    from group_months

),

final as (

    select
        ranked.month,
        ranked.campaign_code,
        ranked.unit_code,
        ranked.unit_name,
        ranked.unit_group,
        ranked.total_score,
        ranked.max_score,
        ranked.rank,
        previous.rank as previous_rank,
        ranked.problems_found,
        ranked.units_ranked,
        ranked.criteria_scored,
        ranked.criteria_count,
        assessed_months.previous_month,
        ranked.submission_id,
    from ranked
    inner join assessed_months
        on ranked.campaign_code = assessed_months.campaign_code
        and ranked.unit_group is not distinct from assessed_months.unit_group
        and ranked.month = assessed_months.month
    left join ranked as previous
        on ranked.campaign_code = previous.campaign_code
        and ranked.unit_code = previous.unit_code
        and assessed_months.previous_month = previous.month
        and assessed_months.previous_month
        >= ranked.month - interval {{ var('previous_rank_lookback_months', 12) }} month

)

select * from final
