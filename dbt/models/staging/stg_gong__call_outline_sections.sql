-- Raw `call_outline_sections` as loaded by dlt: renamed and typed, nothing else (see _gong__staging.yml).
{{ gong_staging_select('call_outline_sections', [
    ('call_id', 'string'),
    ('section_index', 'bigint'),
    ('section_name', 'string'),
    ('start_seconds', 'double'),
    ('duration_seconds', 'double')
]) }}
