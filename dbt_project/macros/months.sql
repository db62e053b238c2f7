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

{#- Pre-hook of the marts, before `delete_months_in_range`: a column whose type in the
    existing table differs from the contract's `data_type` (a mart built before money became
    DECIMAL) is converted in place, so an incremental build never leaves a column of an
    older type behind (`append_new_columns` only adds columns). A new table, a full refresh
    and a column not there yet are left to the materialisation. -#}
{% macro align_column_types() -%}
    {%- set statements = [] -%}
    {%- if execute and is_incremental() and not flags.FULL_REFRESH -%}
        {%- set existing = {} -%}
        {%- for column in adapter.get_columns_in_relation(this) -%}
            {%- do existing.update({column.name | lower: column.data_type}) -%}
        {%- endfor -%}
        {%- for name, column in model.columns.items() -%}
            {%- set declared = column.data_type -%}
            {%- set found = existing.get(name | lower) -%}
            {%- if declared and found
                and (declared | lower | replace(' ', '')) != (found | lower | replace(' ', '')) -%}
                {%- do statements.append(
                    'alter table ' ~ this ~ ' alter column ' ~ adapter.quote(name)
                    ~ ' set data type ' ~ declared
                ) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if statements -%}
        {{ statements | join(';\n') }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
