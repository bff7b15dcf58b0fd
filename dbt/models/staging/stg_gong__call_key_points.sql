-- Raw `call_key_points` as loaded by dlt: renamed and typed, nothing else (see _gong__staging.yml).
{{ gong_staging_select('call_key_points', [
    ('call_id', 'string'),
    ('key_point_index', 'bigint'),
    ('text', 'string', 'key_point_text')
]) }}
