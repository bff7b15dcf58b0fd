-- Raw `call_highlights` as loaded by dlt: renamed and typed, nothing else (see _gong__staging.yml).
{{ gong_staging_select('call_highlights', [
    ('call_id', 'string'),
    ('highlight_index', 'bigint'),
    ('item_index', 'bigint'),
    ('title', 'string', 'highlight_title'),
    ('text', 'string', 'highlight_text'),
    ('start_seconds', 'double')
]) }}
