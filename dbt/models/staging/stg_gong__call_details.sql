-- Raw `call_details` as loaded by dlt: renamed and typed, nothing else (see _gong__staging.yml).
{{ gong_staging_select('call_details', [
    ('call_id', 'string'),
    ('started_at', 'timestamp'),
    ('brief', 'string'),
    ('call_outcome_id', 'string'),
    ('call_outcome_category', 'string'),
    ('call_outcome_name', 'string'),
    ('questions_company_count', 'bigint'),
    ('questions_non_company_count', 'bigint')
]) }}
