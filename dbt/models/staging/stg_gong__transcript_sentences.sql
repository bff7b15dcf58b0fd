-- Raw `transcript_sentences` as loaded by dlt: renamed and typed, nothing else (see _gong__staging.yml).
{{ gong_staging_select('transcript_sentences', [
    ('call_id', 'string'),
    ('segment_index', 'bigint'),
    ('sentence_index', 'bigint'),
    ('speaker_id', 'string'),
    ('topic', 'string'),
    ('start_ms', 'bigint'),
    ('end_ms', 'bigint'),
    ('text', 'string', 'sentence_text')
]) }}
