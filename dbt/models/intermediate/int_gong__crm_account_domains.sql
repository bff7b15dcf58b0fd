-- One row per web domain named by a CRM Account's Website field: the account that domain belongs
-- to, so a call without CRM context whose participants write from that domain resolves to the
-- same account instead of a second, e-mail-derived one. When several CRM Accounts give the same
-- domain, the one on the most calls wins (then the smallest id); its name is the one on its
-- latest call.
with crm as (
  select
    a.call_id,
    a.crm_account_id,
    a.crm_account_name,
    a.website_domain,
    c.started_at
  from {{ ref('int_gong__call_crm_accounts') }} as a
  inner join {{ ref('stg_gong__calls') }} as c on c.call_id = a.call_id
),

per_account as (
  select website_domain, crm_account_id, count(*) as calls
  from crm
  where website_domain is not null
  group by website_domain, crm_account_id
),

ranked as (
  select
    website_domain,
    crm_account_id,
    row_number() over (partition by website_domain order by calls desc, crm_account_id) as domain_rank
  from per_account
),

latest_name as (
  select
    crm_account_id,
    crm_account_name,
    row_number() over (
      partition by crm_account_id
      order by case when started_at is null then 1 else 0 end, started_at desc, call_id desc
    ) as name_rank
  from crm
)

select
  r.website_domain,
  r.crm_account_id,
  n.crm_account_name
from ranked as r
inner join latest_name as n on n.crm_account_id = r.crm_account_id and n.name_rank = 1
where r.domain_rank = 1
