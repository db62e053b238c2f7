{#-
    The year's key-project plan as of each month in range: drc's plan submissions of that
    year up to the month; the latest (a revision) replaces the plan from its month on.
    Responsible unit and town are resolved to codes among the units valid in the month.
-#}
with

plan_month_for_month as (

    {{ submission_month_in_force('key_project_plan', 'plan_month') }}

),

plan_rows as (

    {{ current_submission_rows('stg_raw__key_project_plans', 'key_project_plan') }}

),

aliases as (

    select * from {{ ref('int_unit_aliases') }}

),

final as (

    select
        plan_month_for_month.month,
        plan_rows.project_code,
        plan_rows.project_name,
        plan_rows.level,
        plan_rows.category,
        responsible.unit_code as responsible_unit,
        plan_rows.responsible_unit_reported,
        town.unit_code as town,
        plan_rows.town_reported,
        plan_rows.total_investment_wan,
        plan_rows.annual_plan_wan,
        plan_rows.planned_start_on,
        plan_month_for_month.plan_month,
        plan_rows.submission_id,
        plan_rows.source_row,
    from plan_month_for_month
    inner join plan_rows
        on plan_month_for_month.plan_month = plan_rows.month
    left join aliases as responsible
        on plan_rows.responsible_unit_reported = responsible.alias
        and plan_month_for_month.month between responsible.valid_from and responsible.valid_to
    left join aliases as town
        on plan_rows.town_reported = town.alias
        and town.unit_type = 'town'
        and plan_month_for_month.month between town.valid_from and town.valid_to

)

select * from final
