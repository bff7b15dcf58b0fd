-- Raw `crm_fields` as loaded by dlt: renamed and typed, nothing else (see _gong__staging.yml).
{{ gong_staging_select('crm_fields', [
    ('call_id', 'string'),
    ('object_index', 'bigint'),
    ('field_index', 'bigint'),
    ('party_id', 'string'),
    ('crm_system', 'string'),
    ('object_type', 'string'),
    ('object_id', 'string'),
    ('field_name', 'string'),
    ('field_value', 'string'),
    ('field_value_number', 'double')
]) }}
