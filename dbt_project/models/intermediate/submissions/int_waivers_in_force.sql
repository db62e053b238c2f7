{#-
    The waivers in force per (month, unit, form): the reference file `waivers.csv` and the
    office's records in raw.waivers. The latest record of a (month, unit, form) counts; a
    waiver is in force when either holds it with a reason and that latest record is not a
    revocation (a revocation recorded by the office withdraws the file's waiver too).
-#}
with

seeded as (

    select * from {{ ref('waivers') }}

),

recorded as (

    select * from {{ ref('stg_raw__waivers') }}

),

latest_recorded as (

    select *
    from recorded
    qualify
        row_number() over (
            partition by month, unit_code, form_code
            order by recorded_at desc nulls last, is_revoked desc
        ) = 1

),

seeded_with_reason as (

    select
        month,
        unit_code,
        form_code,
        nullif(trim(reason), '') as reason,
        nullif(trim(approved_by), '') as approved_by,
    from seeded
    where nullif(trim(reason), '') is not null

),

combined as (

    select
        coalesce(latest_recorded.month, seeded_with_reason.month) as month,
        coalesce(latest_recorded.unit_code, seeded_with_reason.unit_code) as unit_code,
        coalesce(latest_recorded.form_code, seeded_with_reason.form_code) as form_code,
        coalesce(latest_recorded.reason, seeded_with_reason.reason) as reason,
        coalesce(latest_recorded.approved_by, seeded_with_reason.approved_by) as approved_by,
        latest_recorded.recorded_by,
        latest_recorded.recorded_at,
        coalesce(latest_recorded.is_revoked, false) as is_revoked,
        case
            when latest_recorded.reason is not null and not latest_recorded.is_revoked
                then 'raw.waivers'
            else 'waivers.csv'
        end as recorded_in,
    from latest_recorded
    full outer join seeded_with_reason
        on latest_recorded.month = seeded_with_reason.month
        and latest_recorded.unit_code = seeded_with_reason.unit_code
        and latest_recorded.form_code = seeded_with_reason.form_code

),

final as (

    select * exclude (is_revoked)
    from combined
    where not is_revoked and reason is not null

)

select * from final
