-- One row per reviewed rep, ISO week of the review (UTC reviewed_at) and scorecard question:
-- how many scorecards the rep received that week (all questions), how many answered this
-- question with a score, and the average score (not-applicable answers and NULL scores skipped).
-- manager_id is the rep's manager at the end of that week (users with history).
with answers as (
  select
    a.*,
    {{ gong_week_start('a.reviewed_at') }} as week_start
  from {{ ref('stg_gong__scorecard_answers') }} as a
  where a.reviewed_user_id is not null
    and a.reviewed_at is not null
),

received as (
  select reviewed_user_id, week_start, count(distinct answered_scorecard_id) as scorecards_received
  from answers
  group by reviewed_user_id, week_start
),

per_question as (
  select
    reviewed_user_id,
    week_start,
    scorecard_id,
    question_id,
    max(scorecard_name) as scorecard_name,
    sum(case when score is not null and not coalesce(not_applicable, false) then 1 else 0 end)
      as scored_answers,
    avg(case when not coalesce(not_applicable, false) then score end) as avg_score
  from answers
  group by reviewed_user_id, week_start, scorecard_id, question_id
)

select
  q.reviewed_user_id as user_id,
  q.week_start,
  u.manager_id,
  u.full_name as user_full_name,
  q.scorecard_id,
  q.scorecard_name,
  q.question_id,
  d.question_text,
  d.is_overall,
  cast(r.scorecards_received as {{ dbt.type_bigint() }}) as scorecards_received,
  cast(q.scored_answers as {{ dbt.type_bigint() }}) as scored_answers,
  cast(q.avg_score as {{ gong_type_double() }}) as avg_score
from per_question as q
inner join received as r
  on r.reviewed_user_id = q.reviewed_user_id
  and r.week_start = q.week_start
left join {{ ref('stg_gong__scorecard_questions') }} as d
  on d.scorecard_id = q.scorecard_id
  and d.question_id = q.question_id
left join {{ ref('int_gong__user_versions') }} as u
  on u.user_id = q.reviewed_user_id
  and {{ gong_user_version_at('u', dbt.dateadd('day', 7, 'q.week_start')) }}
