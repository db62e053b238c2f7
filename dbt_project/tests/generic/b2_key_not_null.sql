{#- B2: no key column of the mart is null in the months in range. -#}
{% test b2_key_not_null(model, columns, form_code, unit_column=none, form_column=none) %}

    {{ config(store_failures=true, severity="error") }}

with

keys as (

    select *
    from {{ model }}
    where
        ({{ in_month_range('month') }} or month is null)
        and ({{ columns | join(' is null or ') }} is null)

),

final as (

    select
        month,
        {% if unit_column %}{{ unit_column }}{% else %}cast(null as varchar){% endif %} as unit_code,
        {% if 'form_code' in columns -%}
            form_code
        {%- elif form_column -%}
            coalesce({{ form_column }}, '{{ form_code }}')
        {%- else -%}
            '{{ form_code }}'
        {%- endif %} as form_code,
        {% for column in columns if column not in ('month', 'unit_code', 'form_code') -%}
        {{ column }},
        {% endfor -%}
    from keys

)

select * from final

{% endtest %}
