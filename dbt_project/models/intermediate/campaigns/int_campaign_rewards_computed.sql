{#-
    What the reward rules (reference data) give for the ranks and averages:
    - monthly `rank`: units ranked rank_from..rank_to get amount_wan (ties share the rank,
      each tied unit gets that rank's amount);
    - monthly `rank_first` / `rank_last`: red / black lists (amount 0, list_name says which);
    - quarterly `rank_last`: the last of the quarter's summed totals, at the quarter's end;
    - December `year_lowest_average`: the unit(s) with the lowest average over the year's
      assessed months (a fine); when the rule `disqualifies_awards`, that unit gets no
      positive amount in December (its December monthly awards and year-end awards);
    - December `year_average`: units (on the year's creation list when required) whose
      average lies in [min_average, max_average).
-#}
with

ranked as (

    select
        *,
        rank = max(rank) over (partition by month, campaign_code, unit_group) as is_last,
    from {{ ref('int_campaign_scores_ranked') }}

),

rules as (

    select * from {{ ref('reward_rules') }}

),

creation_list as (

    select * from {{ ref('creation_list') }}

),

monthly_rank as (

    select
        ranked.month,
        ranked.campaign_code,
        ranked.unit_code,
        rules.rule_code,
        rules.amount_wan,
        rules.reason_zh as reason,
    from ranked
    inner join rules
        on ranked.campaign_code = rules.campaign_code
        and ranked.unit_group = rules.unit_group
        and rules.period = 'monthly'
        and (
            (rules.basis = 'rank' and ranked.rank between rules.rank_from and rules.rank_to)
            or (rules.basis = 'rank_first' and ranked.rank = 1)
            or (rules.basis = 'rank_last' and ranked.is_last)
        )

),

quarter_totals as (

    select
        campaign_code,
        unit_group,
        unit_code,
        cast(date_trunc('quarter', month) + interval 2 month as date) as month,
        sum(total_score) as quarter_score,
    from ranked
    group by all

),

quarter_ranked as (

    select
        *,
        rank() over (
            partition by month, campaign_code, unit_group order by quarter_score desc
        ) as quarter_rank,
    from quarter_totals
    -- only complete quarters: the quarter's last month has been assessed
    where month in (select month from ranked)

),

quarterly as (

    select
        quarter_ranked.month,
        quarter_ranked.campaign_code,
        quarter_ranked.unit_code,
        rules.rule_code,
        rules.amount_wan,
        rules.reason_zh as reason,
    from quarter_ranked
    inner join rules
        on quarter_ranked.campaign_code = rules.campaign_code
        and quarter_ranked.unit_group = rules.unit_group
        and rules.period = 'quarterly'
    qualify
        (rules.basis = 'rank' and quarter_rank between rules.rank_from and rules.rank_to)
        or (rules.basis = 'rank_first' and quarter_rank = 1)
        or (
            rules.basis = 'rank_last'
            and quarter_rank = max(quarter_rank) over (
                partition by
                    quarter_ranked.month, quarter_ranked.campaign_code,
                    quarter_ranked.unit_group, rules.rule_code
            )
        )

),

year_averages as (

    select
        make_date(year(month), 12, 1) as month,
        campaign_code,
        unit_group,
        unit_code,
        avg(total_score) as average_score,
    from ranked
    group by all

),

december as (

    select
        year_averages.month,
        year_averages.campaign_code,
        year_averages.unit_code,
        rules.rule_code,
        rules.amount_wan,
        rules.reason_zh as reason,
        rules.disqualifies_awards,
    from year_averages
    inner join rules
        on year_averages.campaign_code = rules.campaign_code
        and year_averages.unit_group = rules.unit_group
        and rules.period = 'december'
    left join creation_list
        on year(year_averages.month) = creation_list.year
        and year_averages.campaign_code = creation_list.campaign_code
        and year_averages.unit_code = creation_list.unit_code
    where
        (not rules.requires_creation_list or creation_list.unit_code is not null)
        and (rules.min_average is null or year_averages.average_score >= rules.min_average)
        and (rules.max_average is null or year_averages.average_score < rules.max_average)
    qualify
        rules.basis = 'year_average'
        or (
            rules.basis = 'year_lowest_average'
            and year_averages.average_score = min(year_averages.average_score) over (
                partition by
                    year_averages.month, year_averages.campaign_code,
                    year_averages.unit_group, rules.rule_code
            )
        )

),

disqualified as (

    select distinct
        month,
        campaign_code,
        unit_code
    from december
    where disqualifies_awards

),

all_rewards as (

    select * from monthly_rank
    union all
    select * from quarterly
    union all
    select * exclude (disqualifies_awards) from december

),

final as (

    select all_rewards.*
    from all_rewards
    left join disqualified
        on all_rewards.month = disqualified.month
        and all_rewards.campaign_code = disqualified.campaign_code
        and all_rewards.unit_code = disqualified.unit_code
    where disqualified.unit_code is null or all_rewards.amount_wan <= 0

)

select * from final
