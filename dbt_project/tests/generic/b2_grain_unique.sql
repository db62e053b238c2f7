{#- B2: the mart's grain is unique in the months in range. Failing rows name the month,
    unit and form (the form whose data feeds the mart) and the duplicated key. -#}
{% test b2_grain_unique(model, columns, form_code, unit_column=none) %}

    {{ config(store_failures=true, severity="error") }}

with

grain as (

    select
        {{ columns | join(', ') }},
        {% if unit_column %}cast(any_value({{ unit_column }}) as varchar){% else %}cast(null as varchar){% endif %} as unit_code_found,
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
        {% if 'form_code' in columns %}form_code{% else %}'{{ form_code }}'{% endif %} as form_code,
        {% for column in columns if column not in ('month', 'unit_code', 'form_code') -%}
        {{ column }},
        {% endfor -%}
        duplicate_rows,
    from grain

)

select * from final

{% endtest %}
