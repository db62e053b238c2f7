{#-
    The name a reader sees for each unit, per version of the unit (org_units is
    time-versioned: a renamed unit keeps its code and gets a new row). Departments and
    towns by their name; a village as `town/village` (two villages are called 杨庄村), one
    row per overlap of the village's and its town's versions. Join on the code and the
    month between valid_from and valid_to: one name per unit and month.
-#}
with

org_units as (

    select * from {{ ref('org_units') }}

),

units as (

    select
        unit_code,
        unit_name,
        unit_type,
        parent_code,
        valid_from,
        coalesce(valid_to, date '9999-12-31') as valid_to,
    from org_units

),

departments_and_towns as (

    select
        unit_code,
        unit_name,
        unit_type,
        valid_from,
        valid_to,
    from units
    where unit_type <> 'village'

),

villages as (

    select
        village.unit_code,
        town.unit_name || '/' || village.unit_name as unit_name,
        village.unit_type,
        greatest(village.valid_from, town.valid_from) as valid_from,
        least(village.valid_to, town.valid_to) as valid_to,
    from units as village
    inner join units as town
        on village.parent_code = town.unit_code
        and village.valid_to >= town.valid_from
        and village.valid_from <= town.valid_to
    where village.unit_type = 'village'

),

final as (

    select * from departments_and_towns
    union all
    select * from villages

)

select * from final
