{#- The months this run builds: the vars' range (even when nothing was submitted for it),
    or every month raw.submissions knows. -#}
-- depends_on: {{ ref('stg_raw__submissions') }}
with

bounds as (

    -- one row; no months at all while nothing was ever submitted and no range is given
    {% if has_month_range() -%}
        select
            {{ month_start() }} as first_month,
            {{ month_end() }} as last_month
    {%- else -%}
        select
            min(month) as first_month,
            max(month) as last_month
        from {{ ref('stg_raw__submissions') }}
    {%- endif %}

),

final as (

    select cast(unnest(generate_series(first_month, last_month, interval 1 month)) as date) as month
    from bounds
    where first_month is not null

)

select * from final
