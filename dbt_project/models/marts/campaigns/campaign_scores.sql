with

ranked as (

    select * from {{ ref('int_campaign_scores_ranked') }}
    where {{ in_month_range('month') }}

),

unit_names as (

    select * from {{ ref('int_unit_names') }}

),

final as (

    select
        ranked.month,
        ranked.campaign_code,
        ranked.unit_code,
        coalesce(names.unit_name, ranked.unit_name) as unit_name,
        ranked.unit_group,
        {{ to_score('ranked.total_score') }} as total_score,
        {{ to_score('ranked.max_score') }} as max_score,
        ranked.rank,
        ranked.previous_rank,
        ranked.problems_found,
        ---------- lineage: a total sums the criteria rows of one return, so no single row
        ranked.submission_id,
        cast(null as integer) as source_row,
    from ranked
    left join unit_names as names
        on ranked.unit_code = names.unit_code
        and ranked.month between names.valid_from and names.valid_to

)

select * from final
