-- One row per (call, e-mail domain of its External parties) with the number of External parties
-- at that domain. A domain is eligible to name the call's account unless it is one of the
-- company's own domains (int_gong__internal_domains) or a free-mail domain (seed
-- gong_free_mail_domains). account_domain_rank 1 = the eligible domain with the most External
-- parties, ties broken alphabetically (code-point order); NULL for ineligible domains.
-- email_domain falls back to the part after '@' of email_address when the raw domain is empty.
with external_parties as (
  select
    call_id,
    party_id,
    coalesce(
      nullif(lower(trim(email_domain)), ''),
      nullif(lower(trim({{ dbt.split_part('email_address', "'@'", 2) }})), '')
    ) as email_domain
  from {{ ref('stg_gong__parties') }}
  where lower(affiliation) = 'external'
),

counted as (
  select
    call_id,
    email_domain,
    count(*) as external_parties
  from external_parties
  where email_domain is not null
  group by call_id, email_domain
),

classified as (
  select
    c.call_id,
    c.email_domain,
    c.external_parties,
    case when i.email_domain is not null then true else false end as is_internal_domain,
    case when f.domain is not null then true else false end as is_free_mail_domain
  from counted as c
  left join (select distinct email_domain from {{ ref('int_gong__internal_domains') }}) as i
    on i.email_domain = c.email_domain
  left join (select distinct lower(domain) as domain from {{ ref('gong_free_mail_domains') }}) as f
    on f.domain = c.email_domain
),

eligibility as (
  select
    *,
    case when is_internal_domain or is_free_mail_domain then false else true end as is_account_domain
  from classified
),

ranked as (
  select
    *,
    row_number() over (
      partition by call_id, is_account_domain
      order by external_parties desc, {{ gong_binary_sort('email_domain') }}
    ) as rank_in_group,
    {{ gong_domain_base('email_domain') }} as domain_name_base
  from eligibility
)

select
  call_id,
  email_domain,
  external_parties,
  is_internal_domain,
  is_free_mail_domain,
  is_account_domain,
  case when is_account_domain then rank_in_group end as account_domain_rank,
  {{ gong_title_case('domain_name_base') }} as domain_account_name
from ranked
