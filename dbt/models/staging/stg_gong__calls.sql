-- Raw `calls` as loaded by dlt: renamed and typed, nothing else (see _gong__staging.yml).
{{ gong_staging_select('calls', [
    ('call_id', 'string'),
    ('url', 'string', 'call_url'),
    ('title', 'string', 'call_title'),
    ('scheduled_at', 'timestamp'),
    ('started_at', 'timestamp'),
    ('ended_at', 'timestamp'),
    ('duration_seconds', 'double'),
    ('primary_user_id', 'string'),
    ('direction', 'string'),
    ('system', 'string', 'call_system'),
    ('scope', 'string'),
    ('media', 'string'),
    ('language', 'string'),
    ('workspace_id', 'string'),
    ('sdr_disposition', 'string'),
    ('client_unique_id', 'string'),
    ('custom_data', 'string'),
    ('purpose', 'string'),
    ('meeting_url', 'string'),
    ('is_private', 'boolean'),
    ('calendar_event_id', 'string')
]) }}
