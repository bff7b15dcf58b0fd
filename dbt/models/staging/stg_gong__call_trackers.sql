-- Raw `call_trackers` as loaded by dlt: renamed and typed, nothing else (see _gong__staging.yml).
{{ gong_staging_select('call_trackers', [
    ('call_id', 'string'),
    ('tracker_index', 'bigint'),
    ('tracker_id', 'string'),
    ('tracker_name', 'string'),
    ('tracker_type', 'string'),
    ('occurrence_count', 'bigint')
]) }}
