-- One row per account (gong__call_accounts.account_id) over all of its calls.
with call_accounts as (
  select call_id, account_id, account_name, account_source, account_domain, started_at
  from {{ ref('gong__call_accounts') }}
  where account_id is not null
),

talk as (
  select call_id, duration_seconds, transcript_external_talk_seconds, talk_ratio
  from {{ ref('gong__call_talk_time') }}
),

parties as (
  select call_id, user_id, email_address, affiliation
  from {{ ref('stg_gong__parties') }}
),

latest as (
  select
    account_id,
    account_name,
    account_source,
    account_domain,
    row_number() over (
      partition by account_id
      order by case when started_at is null then 1 else 0 end, started_at desc, call_id desc
    ) as recency_rank
  from call_accounts
),

calls_rollup as (
  select
    ca.account_id,
    count(*) as calls,
    min(ca.started_at) as first_call_at,
    max(ca.started_at) as last_call_at,
    sum(t.duration_seconds) / 60.0 as total_minutes,
    sum(t.transcript_external_talk_seconds) / 60.0 as external_talk_minutes,
    avg(t.talk_ratio) as avg_talk_ratio
  from call_accounts as ca
  inner join talk as t on t.call_id = ca.call_id
  group by ca.account_id
),

people_rollup as (
  select
    ca.account_id,
    count(distinct case
      when lower(p.affiliation) = 'external' then lower(trim(p.email_address))
    end) as distinct_external_contacts,
    count(distinct case
      when lower(p.affiliation) = 'internal' then p.user_id
    end) as distinct_reps
  from call_accounts as ca
  inner join parties as p on p.call_id = ca.call_id
  group by ca.account_id
)

select
  r.account_id,
  l.account_name,
  l.account_source,
  l.account_domain,
  cast(r.calls as {{ dbt.type_bigint() }}) as calls,
  r.first_call_at,
  r.last_call_at,
  cast(r.total_minutes as {{ gong_type_double() }}) as total_minutes,
  cast(r.external_talk_minutes as {{ gong_type_double() }}) as external_talk_minutes,
  cast(r.avg_talk_ratio as {{ gong_type_double() }}) as avg_talk_ratio,
  cast(coalesce(pr.distinct_external_contacts, 0) as {{ dbt.type_bigint() }}) as distinct_external_contacts,
  cast(coalesce(pr.distinct_reps, 0) as {{ dbt.type_bigint() }}) as distinct_reps,
  cast({{ dbt.datediff('r.last_call_at', gong_utc_now(), 'day') }} as {{ dbt.type_bigint() }})
    as days_since_last_call
from calls_rollup as r
inner join latest as l
  on l.account_id = r.account_id
  and l.recency_rank = 1
left join people_rollup as pr on pr.account_id = r.account_id
