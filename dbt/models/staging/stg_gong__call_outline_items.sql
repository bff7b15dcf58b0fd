-- Raw `call_outline_items` as loaded by dlt: renamed and typed, nothing else (see _gong__staging.yml).
{{ gong_staging_select('call_outline_items', [
    ('call_id', 'string'),
    ('section_index', 'bigint'),
    ('item_index', 'bigint'),
    ('text', 'string', 'item_text'),
    ('start_seconds', 'double')
]) }}
