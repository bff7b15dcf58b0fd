-- Every hosted call with a start time is counted in exactly one rep-week.
with hosted as (
  select count(*) as calls
  from {{ ref('stg_gong__calls') }}
  where primary_user_id is not null and started_at is not null
),

weekly as (
  select coalesce(sum(calls_hosted), 0) as calls
  from {{ ref('gong__rep_weekly_talk_time') }}
)

select hosted.calls as hosted_calls, weekly.calls as weekly_calls
from hosted
cross join weekly
where hosted.calls <> weekly.calls
