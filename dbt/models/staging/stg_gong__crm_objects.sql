-- Raw `crm_objects` as loaded by dlt: renamed and typed, nothing else (see _gong__staging.yml).
{{ gong_staging_select('crm_objects', [
    ('call_id', 'string'),
    ('object_index', 'bigint'),
    ('party_id', 'string'),
    ('crm_system', 'string'),
    ('object_type', 'string'),
    ('object_id', 'string'),
    ('timing', 'string')
]) }}
