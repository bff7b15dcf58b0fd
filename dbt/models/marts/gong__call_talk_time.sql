{{ config(materialized='incremental', incremental_strategy='gong_calls') }}
-- One row per call. Two sources of talk time, each used for what it can answer:
--   transcript_*  every speaker, from transcript sentence durations: the only source of external
--                 talk, so talk_ratio and the external side are NULL for a call without one;
--   gong_*        what Gong reports: company talk from interaction.speakers (Gong lists only
--                 company users there, never external participants) and Gong's own per-call
--                 interaction stats (Talk Ratio, Longest Monologue, Interactivity, Patience,
--                 Question Rate), NULL where Gong sent none.
-- Definitions: see _gong__marts.yml. Incremental per call (macros/incremental.sql).
with calls as (
  select
    c.call_id,
    c.call_title,
    c.started_at,
    c.duration_seconds,
    c.primary_user_id,
    c.direction,
    c.scope
  from {{ ref('stg_gong__calls') }} as c
  where {{ gong_changed_calls_only('c.call_id') }}
),

participants as (
  select
    p.call_id,
    count(*) as participants,
    sum(case when p.affiliation = 'Internal' then 1 else 0 end) as internal_participants,
    sum(case when p.affiliation = 'External' then 1 else 0 end) as external_participants
  from {{ ref('int_gong__call_participants') }} as p
  where p.participant_source = 'party'
    and {{ gong_changed_calls_only('p.call_id') }}
  group by p.call_id
),

transcript as (
  select
    call_id,
    count(*) as sentences,
    count(distinct speaker_id) as transcript_speakers,
    sum(duration_seconds) as total_talk_seconds,
    sum(case when affiliation = 'Internal' then duration_seconds else 0 end) as internal_talk_seconds,
    sum(case when affiliation = 'External' then duration_seconds else 0 end) as external_talk_seconds,
    sum(case when affiliation = 'Unknown' then duration_seconds else 0 end) as unknown_talk_seconds,
    sum(case when is_speaker_switch then 1 else 0 end) as speaker_switches,
    sum(case when is_question and affiliation = 'Internal' then 1 else 0 end) as internal_questions,
    sum(case when is_question and affiliation = 'External' then 1 else 0 end) as external_questions
  from {{ ref('int_gong__transcript_sentences') }} as s
  where {{ gong_changed_calls_only('s.call_id') }}
  group by call_id
),

gong_speakers as (
  select
    call_id,
    sum(case when user_id is not null then talk_time_seconds end) as company_talk_seconds
  from {{ ref('stg_gong__call_speakers') }} as cs
  where {{ gong_changed_calls_only('cs.call_id') }}
  group by call_id
),

gong_stats as (
  select
    call_id,
    max(case when stat_name = 'Talk Ratio' then stat_value end) as talk_ratio,
    max(case when stat_name = 'Longest Monologue' then stat_value end) as longest_monologue_seconds,
    max(case when stat_name = 'Interactivity' then stat_value end) as interactivity,
    max(case when stat_name = 'Patience' then stat_value end) as patience_seconds,
    max(case when stat_name = 'Question Rate' then stat_value end) as question_rate
  from {{ ref('stg_gong__call_interaction_stats') }} as st
  where {{ gong_changed_calls_only('st.call_id') }}
  group by call_id
),

longest_monologue as (
  select
    call_id,
    duration_seconds,
    participant_key,
    speaker_id,
    affiliation,
    row_number() over (
      partition by call_id order by duration_seconds desc, first_sentence_number
    ) as monologue_rank
  from {{ ref('int_gong__sentence_runs') }} as r
  where {{ gong_changed_calls_only('r.call_id') }}
)

select
  c.call_id,
  c.call_title,
  c.started_at,
  {{ gong_week_start('c.started_at') }} as call_week_start,
  {{ gong_month_start('c.started_at') }} as call_month_start,
  c.duration_seconds,
  c.primary_user_id,
  c.direction,
  c.scope,
  cast(coalesce(p.participants, 0) as {{ dbt.type_bigint() }}) as participants,
  cast(coalesce(p.internal_participants, 0) as {{ dbt.type_bigint() }}) as internal_participants,
  cast(coalesce(p.external_participants, 0) as {{ dbt.type_bigint() }}) as external_participants,
  case when t.call_id is not null then true else false end as has_transcript,
  case when g.call_id is not null then true else false end as has_gong_talk_time,
  cast(t.sentences as {{ dbt.type_bigint() }}) as sentences,
  cast(t.transcript_speakers as {{ dbt.type_bigint() }}) as transcript_speakers,
  cast(t.total_talk_seconds as {{ gong_type_double() }}) as transcript_total_talk_seconds,
  cast(t.internal_talk_seconds as {{ gong_type_double() }}) as transcript_internal_talk_seconds,
  cast(t.external_talk_seconds as {{ gong_type_double() }}) as transcript_external_talk_seconds,
  cast(t.unknown_talk_seconds as {{ gong_type_double() }}) as transcript_unknown_talk_seconds,
  cast(t.internal_talk_seconds / nullif(t.total_talk_seconds, 0) as {{ gong_type_double() }}) as talk_ratio,
  cast(g.company_talk_seconds as {{ gong_type_double() }}) as gong_internal_talk_seconds,
  cast(s.talk_ratio as {{ gong_type_double() }}) as gong_talk_ratio,
  cast(s.longest_monologue_seconds as {{ gong_type_double() }}) as gong_longest_monologue_seconds,
  cast(s.interactivity as {{ gong_type_double() }}) as gong_interactivity,
  cast(s.patience_seconds as {{ gong_type_double() }}) as gong_patience_seconds,
  cast(s.question_rate as {{ gong_type_double() }}) as gong_question_rate,
  cast(lm.duration_seconds as {{ gong_type_double() }}) as longest_monologue_seconds,
  lm.participant_key as longest_monologue_participant_key,
  lm.speaker_id as longest_monologue_speaker_id,
  lm.affiliation as longest_monologue_affiliation,
  cast(t.speaker_switches as {{ dbt.type_bigint() }}) as speaker_switches,
  cast(
    t.speaker_switches / nullif(c.duration_seconds / 60.0, 0)
    as {{ gong_type_double() }}
  ) as speaker_switches_per_minute,
  cast(t.internal_questions as {{ dbt.type_bigint() }}) as internal_questions,
  cast(t.external_questions as {{ dbt.type_bigint() }}) as external_questions,
  l.call_load_id,
  {{ gong_invocation_id() }} as dbt_invocation_id
from calls as c
inner join {{ ref('int_gong__call_load_ids') }} as l on l.call_id = c.call_id
left join participants as p on p.call_id = c.call_id
left join transcript as t on t.call_id = c.call_id
left join gong_speakers as g on g.call_id = c.call_id
left join gong_stats as s on s.call_id = c.call_id
left join longest_monologue as lm
  on lm.call_id = c.call_id
  and lm.monologue_rank = 1
