-- Raw `call_interaction_stats` as loaded by dlt: renamed and typed, nothing else (see _gong__staging.yml).
{{ gong_staging_select('call_interaction_stats', [
    ('call_id', 'string'),
    ('stat_name', 'string'),
    ('stat_value', 'double')
]) }}
