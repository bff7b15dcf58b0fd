-- Raw `parties` as loaded by dlt: renamed and typed, nothing else (see _gong__staging.yml).
{{ gong_staging_select('parties', [
    ('call_id', 'string'),
    ('party_id', 'string'),
    ('speaker_id', 'string'),
    ('user_id', 'string'),
    ('name', 'string', 'party_name'),
    ('email_address', 'string'),
    ('email_domain', 'string'),
    ('title', 'string', 'party_title'),
    ('affiliation', 'string'),
    ('phone_number', 'string'),
    ('methods', 'string'),
    ('crm_object_type', 'string'),
    ('crm_object_id', 'string')
]) }}
