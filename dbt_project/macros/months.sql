{#-
    Months are partitions. The vars `month_start` and `month_end` ('YYYY-MM-01' or 'YYYY-MM')
    name the months a run (re)builds; without them every month is in range.
-#}

{% macro _month_var(name, default) -%}
    {#- the var, else ZONEWH_MONTH_START / ZONEWH_MONTH_END (what zonewh.build.build sets:
        env vars, unlike --vars, keep dbt's partial parsing) -#}
    {%- set value = var(name, none) -%}
    {%- if value is none or value == '' -%}
        {%- set value = env_var('ZONEWH_' ~ (name | upper), '') -%}
    {%- endif -%}
    {%- if value is none or value == '' -%}
        {{ return(default) }}
    {%- endif -%}
    {%- set value = value | string -%}
    {%- if value | length == 7 -%}
        {%- set value = value ~ '-01' -%}
    {%- endif -%}
    {{ return(value[:8] ~ '01') }}
{%- endmacro %}

{% macro month_start() -%}
    date '{{ _month_var("month_start", "1900-01-01") }}'
{%- endmacro %}

{% macro month_end() -%}
    date '{{ _month_var("month_end", "2999-12-01") }}'
{%- endmacro %}

{% macro has_month_range() -%}
    {{ return(_month_var('month_start', '') != '' and _month_var('month_end', '') != '') }}
{%- endmacro %}

{#- `column` lies in the months in range, widened by `lookback_months` before the first
    month, or back to the January of the first month's year when `from_year_start`. -#}
{% macro in_month_range(column, lookback_months=0, from_year_start=false) -%}
    {%- if from_year_start and lookback_months -%}
        {{ column }} >= least(
            date_trunc('year', {{ month_start() }}),
            {{ month_start() }} - interval {{ lookback_months }} month
        )
    {%- elif from_year_start -%}
        {{ column }} >= date_trunc('year', {{ month_start() }})
    {%- else -%}
        {{ column }} >= {{ month_start() }} - interval {{ lookback_months }} month
    {%- endif %}
    and {{ column }} <= {{ month_end() }}
{%- endmacro %}

{#- Pre-hook of the incremental marts: drop the months being rebuilt, so a month that now
    yields no rows loses its old ones too (delete+insert alone only replaces months present
    in the new rows). Only marts partitioned by month (`delete+insert` on `month`) are
    touched: an append-only table (publication_log, `incremental_strategy='append'`) never
    loses a row, whatever months a build covers. -#}
{% macro delete_months_in_range() -%}
    {%- set is_month_partitioned = config.get('incremental_strategy') == 'delete+insert'
        and config.get('unique_key') == 'month' -%}
    {%- if execute and is_month_partitioned and is_incremental() and not flags.FULL_REFRESH -%}
        delete from {{ this }} where {{ in_month_range('month') }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{#- An amount in `unit` (亿元 / 万元 / 元) in 万元, rounded to 6 decimals (0.01 元) so that
    6.23 亿元 is 62300 万元, not 62300.00000000001; NULL for a unit that is not money. -#}
{% macro money_factor_wan(unit) -%}
    case trim({{ unit }})
        when '亿元' then 10000.0
        when '万元' then 1.0
        when '元' then 0.0001
    end
{%- endmacro %}

{% macro to_wan(amount, unit) -%}
    round({{ amount }} * {{ money_factor_wan(unit) }}, 6)
{%- endmacro %}
