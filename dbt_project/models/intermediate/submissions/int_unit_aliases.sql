{#-
    Every way a form may name a unit, with the time it is valid: the unit code; the exact
    name of a department or town; `town/village` for a village (never the village name
    alone: two villages are called 杨庄村).
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

by_code as (

    select
        unit_code as alias,
        *
    from units

),

by_name as (

    select
        unit_name as alias,
        *
    from units
    where unit_type <> 'village'

),

by_town_and_name as (

    select
        parent.unit_name || '/' || village.unit_name as alias,
        village.unit_code,
        village.unit_name,
        village.unit_type,
        village.parent_code,
        greatest(village.valid_from, parent.valid_from) as valid_from,
        least(village.valid_to, parent.valid_to) as valid_to,
    from units as village
    inner join units as parent
        on village.parent_code = parent.unit_code
        and village.valid_to >= parent.valid_from
        and village.valid_from <= parent.valid_to
    where village.unit_type = 'village'

),

final as (

    select * from by_code
    union all
    select * from by_name
    union all
    select * from by_town_and_name

)

select * from final
