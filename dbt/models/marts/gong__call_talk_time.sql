-- One row per call: talk time two ways side by side (Gong's reported call_speakers talk time and
-- the sum of transcript sentence durations), talk ratio, longest monologue, speaker switches and
-- questions per side. Definitions: see _gong__marts.yml.
with calls as (
  select
    call_id,
    call_title,
    started_at,
    duration_seconds,
    primary_user_id,
    direction,
    scope
  from {{ ref('stg_gong__calls') }}
),

participants as (
  select
    call_id,
    count(*) as participants,
    sum(case when affiliation = 'Internal' then 1 else 0 end) as internal_participants,
    sum(case when affiliation = 'External' then 1 else 0 end) as external_participants
  from {{ ref('int_gong__call_participants') }}
  where participant_source = 'party'
  group by call_id
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
  from {{ ref('int_gong__transcript_sentences') }}
  group by call_id
),

gong_speakers as (
  select
    cs.call_id,
    sum(cs.talk_time_seconds) as total_talk_seconds,
    sum(case when p.affiliation = 'Internal' then cs.talk_time_seconds else 0 end) as internal_talk_seconds,
    sum(case when p.affiliation = 'External' then cs.talk_time_seconds else 0 end) as external_talk_seconds
  from {{ ref('stg_gong__call_speakers') }} as cs
  left join {{ ref('int_gong__call_participants') }} as p
    on p.call_id = cs.call_id
    and p.participant_key = cs.party_id
  group by cs.call_id
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
  from {{ ref('int_gong__sentence_runs') }}
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
  cast(
    t.internal_talk_seconds / nullif(t.internal_talk_seconds + t.external_talk_seconds, 0)
    as {{ gong_type_double() }}
  ) as talk_ratio,
  cast(g.total_talk_seconds as {{ gong_type_double() }}) as gong_total_talk_seconds,
  cast(g.internal_talk_seconds as {{ gong_type_double() }}) as gong_internal_talk_seconds,
  cast(g.external_talk_seconds as {{ gong_type_double() }}) as gong_external_talk_seconds,
  cast(
    g.internal_talk_seconds / nullif(g.internal_talk_seconds + g.external_talk_seconds, 0)
    as {{ gong_type_double() }}
  ) as gong_talk_ratio,
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
  cast(t.external_questions as {{ dbt.type_bigint() }}) as external_questions
from calls as c
left join participants as p on p.call_id = c.call_id
left join transcript as t on t.call_id = c.call_id
left join gong_speakers as g on g.call_id = c.call_id
left join longest_monologue as lm
  on lm.call_id = c.call_id
  and lm.monologue_rank = 1
