-- One row per call: the account the call is about.
--   1. the CRM Account of the call's own context (int_gong__call_crm_accounts), else
--   2. the call's most frequent eligible External e-mail domain (int_gong__call_external_domains):
--      the CRM Account whose Website is that domain when there is one (int_gong__crm_account_domains,
--      so a company is one account whether or not a call carried CRM context), else the domain
--      itself, named by the account-name rule (strip one TLD, hyphens -> spaces, title case).
-- A call without any External party has no account, and neither has one whose External parties
-- are all at free-mail or company domains and that carries no CRM Account.
with calls as (
  select call_id, call_title, started_at, primary_user_id
  from {{ ref('stg_gong__calls') }}
),

external_participants as (
  select call_id, count(*) as external_parties
  from {{ ref('stg_gong__parties') }}
  where lower(affiliation) = 'external'
  group by call_id
),

crm as (
  select * from {{ ref('int_gong__call_crm_accounts') }}
),

crm_domains as (
  select * from {{ ref('int_gong__crm_account_domains') }}
),

top_domain as (
  select call_id, email_domain, external_parties, domain_account_name
  from {{ ref('int_gong__call_external_domains') }}
  where account_domain_rank = 1
),

resolved as (
  select
    c.call_id,
    c.call_title,
    c.started_at,
    c.primary_user_id,
    coalesce(e.external_parties, 0) as external_parties,
    crm.crm_system,
    crm.crm_account_id,
    crm.crm_account_name,
    crm.website_domain as crm_website_domain,
    td.email_domain as top_external_domain,
    td.external_parties as top_external_domain_parties,
    td.domain_account_name as top_external_domain_account_name,
    case
      when coalesce(e.external_parties, 0) = 0 then null
      when crm.crm_account_id is not null then 'crm'
      when cd.crm_account_id is not null then 'crm_website'
      when td.email_domain is not null then 'email_domain'
    end as account_source,
    cd.crm_account_id as website_account_id,
    cd.crm_account_name as website_account_name
  from calls as c
  left join external_participants as e on e.call_id = c.call_id
  left join crm on crm.call_id = c.call_id
  left join top_domain as td on td.call_id = c.call_id
  left join crm_domains as cd on cd.website_domain = td.email_domain
)

select
  call_id,
  case account_source
    when 'crm' then crm_account_id
    when 'crm_website' then website_account_id
    when 'email_domain' then top_external_domain
  end as account_id,
  case account_source
    when 'crm' then crm_account_name
    when 'crm_website' then website_account_name
    when 'email_domain' then top_external_domain_account_name
  end as account_name,
  account_source,
  case account_source
    when 'crm' then coalesce(crm_website_domain, top_external_domain)
    else top_external_domain
  end as account_domain,
  call_title,
  started_at,
  primary_user_id,
  external_parties,
  crm_system,
  crm_account_id,
  crm_account_name,
  top_external_domain,
  top_external_domain_parties,
  top_external_domain_account_name
from resolved
