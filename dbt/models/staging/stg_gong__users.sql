-- Raw `users` as loaded by dlt: renamed and typed, nothing else (see _gong__staging.yml).
{{ gong_staging_select('users', [
    ('user_id', 'string'),
    ('email_address', 'string'),
    ('first_name', 'string'),
    ('last_name', 'string'),
    ('full_name', 'string'),
    ('title', 'string'),
    ('phone_number', 'string'),
    ('manager_id', 'string'),
    ('active', 'boolean', 'is_active'),
    ('created_at', 'timestamp'),
    ('trusted_email_address', 'string'),
    ('meeting_consent_page_url', 'string'),
    ('spoken_languages', 'string')
], passthrough_prefixes=['setting_']) }}
