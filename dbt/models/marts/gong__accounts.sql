-- One row per account (gong__call_accounts.account_id) over all of its calls: the all-time rows
-- of int_gong__account_rollups, named after the account's most recent call.
with latest as (
  select
    account_id,
    account_name,
    account_source,
    account_domain,
    row_number() over (
      partition by account_id
      order by case when started_at is null then 1 else 0 end, started_at desc, call_id desc
    ) as recency_rank
  from {{ ref('gong__call_accounts') }}
  where account_id is not null
)

select
  r.account_id,
  l.account_name,
  l.account_source,
  l.account_domain,
  r.calls,
  r.first_call_at,
  r.last_call_at,
  r.total_minutes,
  r.external_talk_minutes,
  r.avg_talk_ratio,
  r.distinct_external_contacts,
  r.distinct_reps,
  cast({{ dbt.datediff('r.last_call_at', gong_utc_now(), 'day') }} as {{ dbt.type_bigint() }})
    as days_since_last_call
from {{ ref('int_gong__account_rollups') }} as r
inner join latest as l
  on l.account_id = r.account_id
  and l.recency_rank = 1
where r.rollup_grain = 'account'
