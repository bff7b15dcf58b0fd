-- The company's own e-mail domains: var gong__internal_domains when set (a list, or a
-- comma-separated string), otherwise every domain seen on an Internal party.
{%- set configured = var('gong__internal_domains', []) -%}
{%- if configured is string -%}
  {%- set configured = configured.split(',') | map('trim') | reject('equalto', '') | list -%}
{%- endif %}

{% if configured | length > 0 -%}
select distinct email_domain, domain_source
from (
  {%- for domain in configured %}
  select
    cast({{ gong_string_literal(domain | lower) }} as {{ dbt.type_string() }}) as email_domain,
    cast('var' as {{ dbt.type_string() }}) as domain_source
  {%- if not loop.last %}
  union all
  {%- endif %}
  {%- endfor %}
) as configured_domains
{%- else -%}
select distinct
  lower(trim(email_domain)) as email_domain,
  cast('internal_parties' as {{ dbt.type_string() }}) as domain_source
from {{ ref('stg_gong__parties') }}
where lower(affiliation) = 'internal'
  and email_domain is not null
  and trim(email_domain) <> ''
{%- endif %}
