-- Raw `call_topics` as loaded by dlt: renamed and typed, nothing else (see _gong__staging.yml).
{{ gong_staging_select('call_topics', [
    ('call_id', 'string'),
    ('topic_index', 'bigint'),
    ('topic_name', 'string'),
    ('duration_seconds', 'double')
]) }}
