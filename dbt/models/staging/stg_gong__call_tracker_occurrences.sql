-- Raw `call_tracker_occurrences` as loaded by dlt: renamed and typed, nothing else (see _gong__staging.yml).
{{ gong_staging_select('call_tracker_occurrences', [
    ('call_id', 'string'),
    ('tracker_index', 'bigint'),
    ('occurrence_index', 'bigint'),
    ('tracker_id', 'string'),
    ('tracker_name', 'string'),
    ('phrase', 'string'),
    ('start_seconds', 'double'),
    ('speaker_id', 'string')
]) }}
