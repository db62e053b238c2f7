{#- B2: the mart's grain is unique in the months in range. Failing rows name the month,
    unit and form (the form whose data feeds the mart, or the mart's `form_column`) and the
    duplicated key. -#}
{% test b2_grain_unique(model, columns, form_code, unit_column=none, form_column=none) %}

    {{ config(store_failures=true, severity="error") }}
    {%- set found = 'cast(any_value({}) as varchar)' -%}
    {%- set unit_found = found.format(unit_column) if unit_column else 'cast(null as varchar)' -%}
    {%- set form_found = found.format(form_column) if form_column else 'cast(null as varchar)' -%}
    {#- a grain without month (submission_id) names the month of the repeated rows -#}
    {%- set month_found = [] if 'month' in columns else ['any_value(month) as month'] -%}
    {%- set selected = columns + month_found -%}

with

grain as (

    select
        {{ selected | join(', ') }},
        {{ unit_found }} as unit_code_found,
        {{ form_found }} as form_code_found,
        count(*) as duplicate_rows,
    from {{ model }}
    where {{ in_month_range('month') }}
    group by {{ columns | join(', ') }}
    having count(*) > 1

),

final as (

    select
        month,
        unit_code_found as unit_code,
        {% if 'form_code' in columns -%}
            form_code
        {%- else -%}
            coalesce(form_code_found, '{{ form_code }}')
        {%- endif %} as form_code,
        {% for column in columns if column not in ('month', 'unit_code', 'form_code') -%}
        {{ column }},
        {% endfor -%}
        duplicate_rows,
    from grain

)

select * from final

{% endtest %}
