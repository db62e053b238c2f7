{#- A compound primary key is unique: no two rows share the values of `combination_of_columns`
    (as dbt_utils' test of the same name). Failing rows: the duplicated key and how often. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with

keys as (

    select
        {{ combination_of_columns | join(', ') }},
        count(*) as duplicate_rows,
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1

)

select * from keys

{% endtest %}
