{#-
    One row per file received, every version, rejected ones too (raw.submissions), with the
    unit's name valid in the month and the form's title. `is_current`: the version whose
    rows the marts use (the accepted one with the highest version of its month, unit and
    form): the `submission_id` the lineage columns of the other marts point at.
-#}
with

submissions as (

    select * from {{ ref('stg_raw__submissions') }}
    where {{ in_month_range('month') }}

),

current_versions as (

    select * from {{ ref('int_submissions_current') }}

),

forms as (

    select * from {{ ref('stg_raw__forms') }}

),

unit_names as (

    select * from {{ ref('int_unit_names') }}

),

final as (

    select
        submissions.submission_id,
        submissions.month,
        submissions.unit_code,
        names.unit_name,
        submissions.form_code,
        forms.form_name,
        submissions.file_path,
        submissions.version,
        submissions.submitted_at,
        submissions.status,
        submissions.errors,
        submissions.warnings,
        submissions.rows_loaded,
        submissions.file_name,
        submissions.ingested_at,
        current_versions.submission_id is not null as is_current,
        submissions.reason_zh,
        submissions.reason_en,
        submissions.receipt_path,
        submissions.quarantine_path,
        submissions.archive_path,
    from submissions
    left join current_versions
        on submissions.submission_id = current_versions.submission_id
    left join forms
        on submissions.form_code = forms.form_code
    left join unit_names as names
        on submissions.unit_code = names.unit_code
        and submissions.month between names.valid_from and names.valid_to

)

select * from final
