-- Raw `call_comments` as loaded by dlt: renamed and typed, nothing else (see _gong__staging.yml).
{{ gong_staging_select('call_comments', [
    ('call_id', 'string'),
    ('comment_id', 'string'),
    ('commenter_user_id', 'string'),
    ('comment', 'string', 'comment_text'),
    ('posted_at', 'timestamp'),
    ('audio_start_seconds', 'double'),
    ('audio_end_seconds', 'double'),
    ('in_reply_to', 'string'),
    ('during_call', 'boolean')
]) }}
