{#-
    Numbers as the marts publish them: money in 万元 as DECIMAL(18, 4) (to 1 元), so sums
    add up as on paper; percentages and percentage points rounded once to 2 decimals.
-#}

{#- The factor that turns an amount in `unit` (亿元 / 万元 / 元) into 万元; NULL for a unit
    that is not money. -#}
{% macro money_factor_wan(unit) -%}
    case trim({{ unit }})
        when '亿元' then 10000.0
        when '万元' then 1.0
        when '元' then 0.0001
    end
{%- endmacro %}

{#- An amount in `unit` in 万元 as DECIMAL(18, 4): the raw DOUBLE converted and rounded once
    to 4 decimals (1 元), so 6.23 亿元 is 62300.0000 万元 and 0.4 + 0.4 + … add up exactly;
    NULL when `unit` is not money. -#}
{% macro to_wan(amount, unit) -%}
    cast(round({{ amount }} * {{ money_factor_wan(unit) }}, 4) as decimal(18, 4))
{%- endmacro %}

{#- A percentage or a difference in percentage points as published: rounded once to 2
    decimals, DECIMAL(10, 2). Flags (is_lagging) are decided on the unrounded value. -#}
{% macro to_pct(value) -%}
    cast(round({{ value }}, 2) as decimal(10, 2))
{%- endmacro %}

{#- A score or a sum of scores as published: DECIMAL(9, 2) (scores have at most two
    decimals). -#}
{% macro to_score(value) -%}
    cast(round({{ value }}, 2) as decimal(9, 2))
{%- endmacro %}
