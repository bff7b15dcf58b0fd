-- One row per tracker, account and ISO week of the call (UTC started_at) and side: how many
-- times the tracker was heard (occurrences) and on how many calls. Side is the affiliation of
-- who said it (gong__call_tracker_occurrences: Internal, External or Unknown); the account is
-- the call's (gong__call_accounts; NULL account_id when the call has none).
select
  o.tracker_id,
  max(o.tracker_name) as tracker_name,
  a.account_id,
  max(a.account_name) as account_name,
  {{ gong_week_start('o.call_started_at') }} as week_start,
  o.affiliation as side,
  cast(count(*) as {{ dbt.type_bigint() }}) as mentions,
  cast(count(distinct o.call_id) as {{ dbt.type_bigint() }}) as calls
from {{ ref('gong__call_tracker_occurrences') }} as o
left join {{ ref('gong__call_accounts') }} as a on a.call_id = o.call_id
where o.call_started_at is not null
group by o.tracker_id, a.account_id, {{ gong_week_start('o.call_started_at') }}, o.affiliation
