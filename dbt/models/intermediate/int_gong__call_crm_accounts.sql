-- The CRM Account of each call's own context: the first crm_objects row (by object_index) with
-- party_id NULL and object_type 'Account', as it is now (the TimeOfCall copy is
-- gong__call_opportunities' business). Its name is the object's Name field; without one, the
-- account name is derived from its Website field's domain by the account-name rule; without
-- either, the object id.
with account_objects as (
  select
    call_id,
    object_index,
    crm_system,
    object_id,
    row_number() over (partition by call_id order by object_index) as account_rank
  from {{ ref('stg_gong__crm_objects') }}
  where party_id is null
    and lower(object_type) = 'account'
    and coalesce(timing, 'Now') <> 'TimeOfCall'
    and object_id is not null
),

fields as (
  select call_id, object_index, field_key, field_value
  from {{ ref('int_gong__crm_first_fields') }}
  where field_key in ('name', 'website')
),

accounts as (
  select
    a.call_id,
    a.object_index,
    a.crm_system,
    a.object_id as crm_account_id,
    nullif(trim(n.field_value), '') as crm_name,
    w.field_value as crm_website
  from account_objects as a
  left join fields as n
    on n.call_id = a.call_id
    and n.object_index = a.object_index
    and n.field_key = 'name'
  left join fields as w
    on w.call_id = a.call_id
    and w.object_index = a.object_index
    and w.field_key = 'website'
  where a.account_rank = 1
),

with_domain as (
  select
    *,
    {{ gong_domain_from_url('crm_website') }} as website_domain
  from accounts
),

with_base as (
  select
    *,
    {{ gong_domain_base('website_domain') }} as website_name_base
  from with_domain
)

select
  call_id,
  object_index,
  crm_system,
  crm_account_id,
  crm_name,
  crm_website,
  website_domain,
  coalesce(crm_name, {{ gong_title_case('website_name_base') }}, crm_account_id) as crm_account_name
from with_base
