{{ config(severity='error') }}
-- B7: every assessed unit has every criterion of its campaign and group scored, within
-- 0..maximum (and no criterion foreign to the campaign).
with

score_rows as (

    select * from {{ ref('int_campaign_score_rows_resolved') }}
    where {{ in_month_range('month') }}

),

criteria as (

    select * from {{ ref('campaign_criteria') }}

),

assessed as (

    select distinct
        month,
        campaign_code,
        unit_code,
        unit_group,
        submitter_code
    from score_rows

),

missing as (

    select
        assessed.month,
        assessed.submitter_code as unit_code,
        'campaign_scores' as form_code,
        assessed.campaign_code,
        assessed.unit_code as assessed_unit,
        criteria.criterion_code,
        cast(null as double) as score,
        'criterion not scored' as reason,
    from assessed
    inner join criteria
        on assessed.campaign_code = criteria.campaign_code
        and assessed.unit_group = criteria.unit_group
    left join score_rows
        on assessed.month = score_rows.month
        and assessed.campaign_code = score_rows.campaign_code
        and assessed.unit_code = score_rows.unit_code
        and criteria.criterion_code = score_rows.criterion_code
    where score_rows.criterion_code is null

),

out_of_range as (

    select
        score_rows.month,
        score_rows.submitter_code as unit_code,
        'campaign_scores' as form_code,
        score_rows.campaign_code,
        score_rows.unit_code as assessed_unit,
        score_rows.criterion_code,
        score_rows.score,
        case
            when criteria.criterion_code is null then 'criterion not of the campaign and group'
            else 'score outside 0..' || criteria.max_score
        end as reason,
    from score_rows
    left join criteria
        on score_rows.campaign_code = criteria.campaign_code
        and score_rows.unit_group = criteria.unit_group
        and score_rows.criterion_code = criteria.criterion_code
    where
        criteria.criterion_code is null
        or score_rows.score < 0
        or score_rows.score > criteria.max_score

),

final as (

    select * from missing
    union all
    select * from out_of_range

)

select * from final
