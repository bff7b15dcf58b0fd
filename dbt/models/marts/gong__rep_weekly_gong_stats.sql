-- One row per user and ISO week (Monday start) of Gong's own per-user day stats
-- (user_day_activity, user_day_interaction_stats; days are dates in the company time zone):
-- activity summed over the week's days, interaction stats averaged over the days that have them,
-- beside the connector's transcript-derived figures of the same week (gong__rep_weekly_talk_time,
-- whose weeks are of UTC call start). manager_id is the user's manager at the end of the week.
with activity as (
  select
    user_id,
    {{ gong_week_start("cast(day as date)") }} as week_start,
    sum(calls_as_host) as calls_as_host,
    sum(calls_attended) as calls_attended,
    sum(calls_comments_given) as calls_comments_given,
    sum(calls_comments_received) as calls_comments_received,
    sum(calls_scorecards_filled) as calls_scorecards_filled,
    sum(calls_scorecards_received) as calls_scorecards_received
  from {{ ref('stg_gong__user_day_activity') }}
  group by user_id, {{ gong_week_start("cast(day as date)") }}
),

interaction as (
  select
    user_id,
    {{ gong_week_start("cast(day as date)") }} as week_start,
    count(*) as days_with_stats,
    avg(longest_monologue) as avg_longest_monologue,
    avg(interactivity) as avg_interactivity,
    avg(patience) as avg_patience,
    avg(question_rate) as avg_question_rate
  from {{ ref('stg_gong__user_day_interaction_stats') }}
  group by user_id, {{ gong_week_start("cast(day as date)") }}
),

weeks as (
  select user_id, week_start from activity
  union
  select user_id, week_start from interaction
)

select
  w.user_id,
  w.week_start,
  u.manager_id,
  u.full_name as user_full_name,
  cast(coalesce(a.calls_as_host, 0) as {{ dbt.type_bigint() }}) as calls_as_host,
  cast(coalesce(a.calls_attended, 0) as {{ dbt.type_bigint() }}) as calls_attended,
  cast(coalesce(a.calls_comments_given, 0) as {{ dbt.type_bigint() }}) as calls_comments_given,
  cast(coalesce(a.calls_comments_received, 0) as {{ dbt.type_bigint() }}) as calls_comments_received,
  cast(coalesce(a.calls_scorecards_filled, 0) as {{ dbt.type_bigint() }}) as calls_scorecards_filled,
  cast(coalesce(a.calls_scorecards_received, 0) as {{ dbt.type_bigint() }}) as calls_scorecards_received,
  cast(coalesce(i.days_with_stats, 0) as {{ dbt.type_bigint() }}) as days_with_stats,
  cast(i.avg_longest_monologue as {{ gong_type_double() }}) as avg_longest_monologue,
  cast(i.avg_interactivity as {{ gong_type_double() }}) as avg_interactivity,
  cast(i.avg_patience as {{ gong_type_double() }}) as avg_patience,
  cast(i.avg_question_rate as {{ gong_type_double() }}) as avg_question_rate,
  t.calls_hosted as transcript_calls_hosted,
  t.avg_talk_ratio as transcript_avg_talk_ratio
from weeks as w
left join activity as a on a.user_id = w.user_id and a.week_start = w.week_start
left join interaction as i on i.user_id = w.user_id and i.week_start = w.week_start
left join {{ ref('gong__rep_weekly_talk_time') }} as t
  on t.user_id = w.user_id
  and t.week_start = w.week_start
left join {{ ref('int_gong__user_versions') }} as u
  on u.user_id = w.user_id
  and {{ gong_user_version_at('u', dbt.dateadd('day', 7, 'w.week_start')) }}
