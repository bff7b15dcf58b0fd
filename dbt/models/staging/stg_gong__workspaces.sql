-- Raw `workspaces` as loaded by dlt: renamed and typed, nothing else (see _gong__staging.yml).
{{ gong_staging_select('workspaces', [
    ('workspace_id', 'string'),
    ('name', 'string', 'workspace_name'),
    ('description', 'string')
]) }}
