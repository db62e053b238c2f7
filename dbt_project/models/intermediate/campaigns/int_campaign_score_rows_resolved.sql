{#-
    The current score rows of each month, the assessed unit resolved among the units valid
    in the month (its code, or `town/village`); its group is its type.
-#}
with

scores as (

    {{ current_submission_rows('stg_raw__campaign_scores', 'campaign_scores') }}

),

aliases as (

    select * from {{ ref('int_unit_aliases') }}

),

final as (

    select
        scores.month,
        scores.campaign_code,
        coalesce(units.unit_code, scores.assessed_unit_reported) as unit_code,
        units.unit_name,
        units.unit_type as unit_group,
        units.unit_code is not null as is_unit_known,
        scores.assessed_unit_reported,
        scores.criterion_code,
        scores.score,
        scores.problems_found,
        scores.deduction_reason,
        scores.inspected_on,
        scores.submitter_code,
        scores.submission_id,
        scores.source_row,
    from scores
    left join aliases as units
        on scores.assessed_unit_reported = units.alias
        and scores.month between units.valid_from and units.valid_to

)

select * from final
