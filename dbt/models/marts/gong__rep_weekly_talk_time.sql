-- One row per rep (internal user) and ISO week (Monday start, of the call's UTC started_at) in
-- which the rep hosted at least one call (calls.primary_user_id). All measures are over the calls
-- the rep hosted that week; averages skip calls where the figure is NULL. Name and manager_id
-- are the rep's at the end of that week (users with history), so a manager change keeps past weeks.
with hosted_calls as (
  select *
  from {{ ref('gong__call_talk_time') }}
  where primary_user_id is not null
    and started_at is not null
),

rep_speech as (
  select
    call_id,
    user_id,
    sum(transcript_talk_seconds) as rep_talk_seconds,
    sum(gong_talk_seconds) as rep_gong_talk_seconds,
    max(longest_monologue_seconds) as rep_longest_monologue_seconds
  from {{ ref('gong__call_speaker_talk_time') }}
  where user_id is not null
  group by call_id, user_id
),


weekly as (
  select
    c.primary_user_id as user_id,
    c.call_week_start as week_start,
    count(*) as calls_hosted,
    sum(case when c.has_transcript then 1 else 0 end) as calls_with_transcript,
    sum(c.duration_seconds) / 60.0 as hosted_minutes,
    avg(c.talk_ratio) as avg_talk_ratio,
    avg(c.gong_talk_ratio) as avg_gong_talk_ratio,
    avg(c.gong_longest_monologue_seconds) as avg_gong_longest_monologue_seconds,
    avg(c.gong_interactivity) as avg_gong_interactivity,
    avg(c.gong_patience_seconds) as avg_gong_patience_seconds,
    avg(c.gong_question_rate) as avg_gong_question_rate,
    sum(r.rep_talk_seconds) / 60.0 as rep_talk_minutes,
    sum(r.rep_gong_talk_seconds) / 60.0 as rep_gong_talk_minutes,
    max(r.rep_longest_monologue_seconds) as longest_monologue_seconds,
    max(c.longest_monologue_seconds) as longest_call_monologue_seconds
  from hosted_calls as c
  left join rep_speech as r
    on r.call_id = c.call_id
    and r.user_id = c.primary_user_id
  group by c.primary_user_id, c.call_week_start
)

select
  w.user_id,
  w.week_start,
  u.full_name as user_full_name,
  u.email_address as user_email_address,
  u.manager_id,
  cast(w.calls_hosted as {{ dbt.type_bigint() }}) as calls_hosted,
  cast(w.calls_with_transcript as {{ dbt.type_bigint() }}) as calls_with_transcript,
  cast(w.hosted_minutes as {{ gong_type_double() }}) as hosted_minutes,
  cast(w.avg_talk_ratio as {{ gong_type_double() }}) as avg_talk_ratio,
  cast(w.avg_gong_talk_ratio as {{ gong_type_double() }}) as avg_gong_talk_ratio,
  cast(w.avg_gong_longest_monologue_seconds as {{ gong_type_double() }}) as avg_gong_longest_monologue_seconds,
  cast(w.avg_gong_interactivity as {{ gong_type_double() }}) as avg_gong_interactivity,
  cast(w.avg_gong_patience_seconds as {{ gong_type_double() }}) as avg_gong_patience_seconds,
  cast(w.avg_gong_question_rate as {{ gong_type_double() }}) as avg_gong_question_rate,
  cast(w.rep_talk_minutes as {{ gong_type_double() }}) as rep_talk_minutes,
  cast(w.rep_gong_talk_minutes as {{ gong_type_double() }}) as rep_gong_talk_minutes,
  cast(w.longest_monologue_seconds as {{ gong_type_double() }}) as longest_monologue_seconds,
  cast(w.longest_call_monologue_seconds as {{ gong_type_double() }}) as longest_call_monologue_seconds
from weekly as w
left join {{ ref('int_gong__user_versions') }} as u
  on u.user_id = w.user_id
  and {{ gong_user_version_at('u', dbt.dateadd('day', 7, 'w.week_start')) }}
