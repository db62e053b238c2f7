{{ config(severity='error') }}
-- B8: every referenced project, unit and indicator exists (valid in the month).
with

plans as (

    select * from {{ ref('int_key_project_plans_as_of_month') }}
    where {{ in_month_range('month') }}

),

progress as (

    select * from {{ ref('int_project_progress_current') }}
    where {{ in_month_range('month') }}

),

issues as (

    select * from {{ ref('int_project_issues_ledger') }}
    where {{ in_month_range('month') }}

),

indicators as (

    select * from {{ ref('int_econ_indicators_resolved') }}
    where {{ in_month_range('month') }}

),

clusters as (

    select * from {{ ref('clusters') }}

),

score_rows as (

    select * from {{ ref('int_campaign_score_rows_resolved') }}
    where {{ in_month_range('month') }}

),

campaigns as (

    select * from {{ ref('campaigns') }}

),

problems as (

    select
        month,
        'drc' as unit_code,
        'key_project_plan' as form_code,
        'responsible_unit' as reference,
        responsible_unit_reported as value,
        project_code as row_key,
    from plans
    where responsible_unit is null

    union all

    select
        month,
        'drc' as unit_code,
        'key_project_plan' as form_code,
        'town' as reference,
        town_reported as value,
        project_code as row_key
    from plans
    where town_reported is not null and town is null

    union all

    select
        progress.month,
        progress.submitter_code as unit_code,
        'project_progress' as form_code,
        'project_code' as reference,
        progress.project_code as value,
        progress.project_code as row_key
    from progress
    left join plans
        on progress.month = plans.month
        and progress.project_code = plans.project_code
    where plans.project_code is null

    union all

    select
        issues.month,
        issues.submitter_code as unit_code,
        'project_issues' as form_code,
        'project_code' as reference,
        issues.project_code as value,
        issues.issue_code as row_key
    from issues
    left join plans
        on issues.month = plans.month
        and issues.project_code = plans.project_code
    where plans.project_code is null

    union all

    select
        month,
        submitter_code as unit_code,
        'project_issues' as form_code,
        'owner_unit' as reference,
        owner_unit_reported as value,
        issue_code as row_key
    from issues
    where owner_unit is null

    union all

    select
        month,
        submitter_code as unit_code,
        'econ_indicators' as form_code,
        'indicator_code' as reference,
        indicator_code as value,
        indicator_code || '/' || cluster as row_key
    from indicators
    where not is_in_catalog

    union all

    select
        month,
        submitter_code as unit_code,
        'econ_indicators' as form_code,
        'cluster' as reference,
        cluster as value,
        indicator_code || '/' || cluster as row_key
    from indicators
    where cluster <> '' and cluster not in (select cluster_code from clusters)

    union all

    select distinct
        month,
        submitter_code as unit_code,
        'campaign_scores' as form_code,
        'assessed_unit' as reference,
        assessed_unit_reported as value,
        campaign_code as row_key
    from score_rows
    where not is_unit_known

    union all

    select distinct
        month,
        submitter_code as unit_code,
        'campaign_scores' as form_code,
        'campaign_code' as reference,
        campaign_code as value,
        campaign_code as row_key
    from score_rows
    where campaign_code not in (select campaign_code from campaigns)

),

final as (

    select * from problems

)

select * from final
