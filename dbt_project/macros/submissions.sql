{#-
    Which submitted rows count. Each (month, unit, form) has one current version
    (int_submissions_current: the accepted one with the highest version); only its rows count.
-#}

{#- The rows of the staging model `staging_model` that belong to a current version of the
    form `form_code`. A CTE body: `rows as ({{ current_submission_rows(...) }})`. -#}
{% macro current_submission_rows(staging_model, form_code) -%}
    select * from {{ ref(staging_model) }}
    where submission_id in (
        select submission_id from {{ ref('int_submissions_current') }}
        where form_code = '{{ form_code }}'
    )
{%- endmacro %}

{#- For each month in range (int_months_in_range), the month of the `form_code` submission
    in force: the latest current one of the same year up to that month (a revision replaces
    the January form from its month on). Columns: `month`, `<month_in_force>`; a month with
    no such submission yet has no row. A CTE body. -#}
{% macro submission_month_in_force(form_code, month_in_force) -%}
    select
        months.month,
        max(submissions.month) as {{ month_in_force }},
    from {{ ref('int_months_in_range') }} as months
    inner join {{ ref('int_submissions_current') }} as submissions
        on year(months.month) = year(submissions.month)
        and months.month >= submissions.month
    where submissions.form_code = '{{ form_code }}'
    group by months.month
{%- endmacro %}
