with

source as (

    select * from {{ source('raw', 'submissions') }}

),

renamed as (

    select
        ---------- ids
        submission_id,
        unit_code,
        form_code,

        ---------- file
        file_path,
        file_name,
        sha256,
        cast(size_bytes as bigint) as size_bytes,
        receipt_path,
        quarantine_path,
        archive_path,

        ---------- version and outcome
        cast(month as date) as month,
        cast(version as integer) as version,
        status,
        status in ('accepted', 'accepted_with_warnings') as is_accepted,
        cast(coalesce(errors, 0) as integer) as errors,
        cast(coalesce(warnings, 0) as integer) as warnings,
        cast(coalesce(rows_loaded, 0) as integer) as rows_loaded,
        reason_zh,
        reason_en,

        ---------- timestamps
        cast(submitted_at as timestamptz) as submitted_at,
        cast(ingested_at as timestamptz) as ingested_at

    from source

)

select * from renamed
