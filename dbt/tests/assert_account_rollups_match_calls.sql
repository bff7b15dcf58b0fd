-- gong__accounts counts exactly the calls gong__call_accounts resolves to the account, and the
-- months of gong__account_monthly add up to it (calls without started_at have no month).
with per_call as (
  select
    account_id,
    count(*) as calls,
    sum(case when started_at is not null then 1 else 0 end) as dated_calls
  from {{ ref('gong__call_accounts') }}
  where account_id is not null
  group by account_id
),

per_month as (
  select account_id, sum(calls) as calls
  from {{ ref('gong__account_monthly') }}
  group by account_id
)

select a.account_id, a.calls, pc.calls as resolved_calls, pm.calls as monthly_calls
from {{ ref('gong__accounts') }} as a
full outer join per_call as pc on pc.account_id = a.account_id
left join per_month as pm on pm.account_id = coalesce(a.account_id, pc.account_id)
where a.account_id is null
   or pc.account_id is null
   or a.calls <> pc.calls
   or coalesce(pm.calls, 0) <> pc.dated_calls
