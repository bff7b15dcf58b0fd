-- Raw `call_speakers` as loaded by dlt: renamed and typed, nothing else (see _gong__staging.yml).
{{ gong_staging_select('call_speakers', [
    ('call_id', 'string'),
    ('party_id', 'string'),
    ('user_id', 'string'),
    ('talk_time_seconds', 'double')
]) }}
