-- One row per account and calendar month (UTC, of the call's started_at) with at least one call:
-- the monthly rows of int_gong__account_rollups. Calls without started_at have no month.
select
  r.account_id,
  r.month_start,
  a.account_name,
  r.calls,
  r.first_call_at,
  r.last_call_at,
  r.total_minutes,
  r.external_talk_minutes,
  r.avg_talk_ratio,
  r.distinct_external_contacts,
  r.distinct_reps
from {{ ref('int_gong__account_rollups') }} as r
left join {{ ref('gong__accounts') }} as a on a.account_id = r.account_id
where r.rollup_grain = 'account_month'
