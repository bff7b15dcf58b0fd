-- The account rollup, written once for both account marts: one row per account over all of its
-- calls (rollup_grain 'account', month_start NULL; gong__accounts) and one per account and UTC
-- month of its dated calls (rollup_grain 'account_month'; gong__account_monthly). Calls are those
-- gong__call_accounts resolves to an account; distinct people are counted per row of either grain.
with account_calls as (
  select
    ca.call_id,
    ca.account_id,
    ca.started_at,
    t.call_month_start as month_start,
    t.duration_seconds,
    t.transcript_external_talk_seconds,
    t.talk_ratio
  from {{ ref('gong__call_accounts') }} as ca
  inner join {{ ref('gong__call_talk_time') }} as t on t.call_id = ca.call_id
  where ca.account_id is not null
),

calls_rollup as (
  select
    account_id,
    month_start,
    grouping(month_start) as is_all_time,
    count(*) as calls,
    min(started_at) as first_call_at,
    max(started_at) as last_call_at,
    sum(duration_seconds) / 60.0 as total_minutes,
    sum(transcript_external_talk_seconds) / 60.0 as external_talk_minutes,
    avg(talk_ratio) as avg_talk_ratio
  from account_calls
  group by grouping sets ((account_id), (account_id, month_start))
  having grouping(month_start) = 1 or month_start is not null
),

people_rollup as (
  select
    ac.account_id,
    ac.month_start,
    grouping(ac.month_start) as is_all_time,
    count(distinct case
      when lower(p.affiliation) = 'external' then lower(trim(p.email_address))
    end) as distinct_external_contacts,
    count(distinct case
      when lower(p.affiliation) = 'internal' then p.user_id
    end) as distinct_reps
  from account_calls as ac
  inner join {{ ref('stg_gong__parties') }} as p on p.call_id = ac.call_id
  group by grouping sets ((ac.account_id), (ac.account_id, ac.month_start))
)

select
  r.account_id,
  case when r.is_all_time = 1 then 'account' else 'account_month' end as rollup_grain,
  r.month_start,
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
  and pr.is_all_time = r.is_all_time
  and pr.month_start is not distinct from r.month_start
