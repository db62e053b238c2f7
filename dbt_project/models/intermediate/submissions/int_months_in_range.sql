{#- The months this run builds: the vars' range, or every month raw.submissions knows. -#}
with

submissions as (

    select * from {{ ref('stg_raw__submissions') }}

),

bounds as (

    -- one row; no months at all while nothing was ever submitted
    select
        {% if has_month_range() -%}
            any_value({{ month_start() }}) as first_month,
            any_value({{ month_end() }}) as last_month
        {%- else -%}
            min(month) as first_month,
            max(month) as last_month
        {%- endif %}
    from submissions

),

final as (

    select cast(unnest(generate_series(first_month, last_month, interval 1 month)) as date) as month
    from bounds
    where first_month is not null

)

select * from final
