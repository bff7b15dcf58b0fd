-- One row per account and calendar month (UTC, of the call's started_at) with at least one call.
-- Calls without started_at are left out.
with call_accounts as (
  select call_id, account_id, started_at
  from {{ ref('gong__call_accounts') }}
  where account_id is not null
    and started_at is not null
),

talk as (
  select call_id, call_month_start, duration_seconds, transcript_external_talk_seconds, talk_ratio
  from {{ ref('gong__call_talk_time') }}
),

parties as (
  select call_id, user_id, email_address, affiliation
  from {{ ref('stg_gong__parties') }}
),

calls_rollup as (
  select
    ca.account_id,
    t.call_month_start as month_start,
    count(*) as calls,
    min(ca.started_at) as first_call_at,
    max(ca.started_at) as last_call_at,
    sum(t.duration_seconds) / 60.0 as total_minutes,
    sum(t.transcript_external_talk_seconds) / 60.0 as external_talk_minutes,
    avg(t.talk_ratio) as avg_talk_ratio
  from call_accounts as ca
  inner join talk as t on t.call_id = ca.call_id
  group by ca.account_id, t.call_month_start
),

people_rollup as (
  select
    ca.account_id,
    t.call_month_start as month_start,
    count(distinct case
      when lower(p.affiliation) = 'external' then lower(trim(p.email_address))
    end) as distinct_external_contacts,
    count(distinct case
      when lower(p.affiliation) = 'internal' then p.user_id
    end) as distinct_reps
  from call_accounts as ca
  inner join talk as t on t.call_id = ca.call_id
  inner join parties as p on p.call_id = ca.call_id
  group by ca.account_id, t.call_month_start
),

accounts as (
  select account_id, account_name from {{ ref('gong__accounts') }}
)

select
  r.account_id,
  r.month_start,
  a.account_name,
  cast(r.calls as {{ dbt.type_bigint() }}) as calls,
  r.first_call_at,
  r.last_call_at,
  cast(r.total_minutes as {{ gong_type_double() }}) as total_minutes,
  cast(r.external_talk_minutes as {{ gong_type_double() }}) as external_talk_minutes,
  cast(r.avg_talk_ratio as {{ gong_type_double() }}) as avg_talk_ratio,
  cast(coalesce(pr.distinct_external_contacts, 0) as {{ dbt.type_bigint() }}) as distinct_external_contacts,
  cast(coalesce(pr.distinct_reps, 0) as {{ dbt.type_bigint() }}) as distinct_reps
from calls_rollup as r
left join people_rollup as pr
  on pr.account_id = r.account_id
  and pr.month_start = r.month_start
left join accounts as a on a.account_id = r.account_id
