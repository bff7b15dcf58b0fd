{{ config(materialized='incremental', incremental_strategy='gong_calls') }}
-- One row per call x participant (int_gong__call_participants): Gong's reported talk time next to
-- the talk time summed from the transcript, with sentences, questions and monologues.
-- Transcript measures are 0 for a participant who never spoke in a call that has a transcript and
-- NULL when the call has no transcript. Gong lists only company users (a user_id) in
-- call_speakers: gong_talk_seconds is their reported talk (0 when a company user of a call with
-- call_speakers rows is not listed) and NULL for everyone else, whom Gong never reports.
-- Only the call's own rows go in (names of users and accounts: join stg_gong__users and
-- gong__call_accounts), so it is incremental per call (macros/incremental.sql).
with calls as (
  select c.call_id
  from {{ ref('stg_gong__calls') }} as c
  where {{ gong_changed_calls_only('c.call_id') }}
),

participants as (
  select p.*
  from {{ ref('int_gong__call_participants') }} as p
  where {{ gong_changed_calls_only('p.call_id') }}
),

sentences as (
  select s.*
  from {{ ref('int_gong__transcript_sentences') }} as s
  where {{ gong_changed_calls_only('s.call_id') }}
),

speakers as (
  select cs.*
  from {{ ref('stg_gong__call_speakers') }} as cs
  where {{ gong_changed_calls_only('cs.call_id') }}
),

calls_with_transcript as (
  select distinct call_id from sentences
),

calls_with_gong_talk as (
  select distinct call_id from speakers
),

gong_talk as (
  select call_id, party_id, sum(talk_time_seconds) as gong_talk_seconds
  from speakers
  group by call_id, party_id
),

transcript_talk as (
  select
    call_id,
    participant_key,
    sum(duration_seconds) as transcript_talk_seconds,
    count(*) as sentences,
    sum(case when is_question then 1 else 0 end) as questions_asked,
    min(start_ms) as first_sentence_start_ms
  from sentences
  group by call_id, participant_key
),

monologues as (
  select
    r.call_id,
    r.participant_key,
    count(*) as monologues,
    max(r.duration_seconds) as longest_monologue_seconds
  from {{ ref('int_gong__sentence_runs') }} as r
  where {{ gong_changed_calls_only('r.call_id') }}
  group by r.call_id, r.participant_key
),

call_transcript_totals as (
  select call_id, sum(duration_seconds) as call_transcript_talk_seconds
  from sentences
  group by call_id
)

select
  p.call_id,
  p.participant_key,
  p.participant_source,
  p.party_id,
  p.speaker_id,
  p.user_id,
  p.participant_name,
  p.email_address,
  p.email_domain,
  p.party_title,
  p.affiliation,
  case when p.affiliation = 'Internal' then true else false end as is_internal,
  cast(case
    when g.call_id is not null then g.gong_talk_seconds
    when cg.call_id is not null and p.user_id is not null then 0
  end as {{ gong_type_double() }}) as gong_talk_seconds,
  cast(case
    when ct.call_id is not null then coalesce(t.transcript_talk_seconds, 0)
  end as {{ gong_type_double() }}) as transcript_talk_seconds,
  cast(case
    when ct.call_id is not null then coalesce(t.transcript_talk_seconds, 0) / nullif(tot.call_transcript_talk_seconds, 0)
  end as {{ gong_type_double() }}) as transcript_talk_share,
  cast(case when ct.call_id is not null then coalesce(t.sentences, 0) end as {{ dbt.type_bigint() }}) as sentences,
  cast(case when ct.call_id is not null then coalesce(t.questions_asked, 0) end as {{ dbt.type_bigint() }})
    as questions_asked,
  cast(case when ct.call_id is not null then coalesce(m.monologues, 0) end as {{ dbt.type_bigint() }}) as monologues,
  cast(case
    when ct.call_id is not null then coalesce(m.longest_monologue_seconds, 0)
  end as {{ gong_type_double() }}) as longest_monologue_seconds,
  cast(t.first_sentence_start_ms as {{ gong_type_double() }}) / 1000.0 as first_spoke_at_seconds,
  l.call_load_id,
  {{ gong_invocation_id() }} as dbt_invocation_id
from participants as p
inner join calls as c on c.call_id = p.call_id
inner join {{ ref('int_gong__call_load_ids') }} as l on l.call_id = p.call_id
left join calls_with_transcript as ct on ct.call_id = p.call_id
left join calls_with_gong_talk as cg on cg.call_id = p.call_id
left join gong_talk as g on g.call_id = p.call_id and g.party_id = p.party_id
left join transcript_talk as t on t.call_id = p.call_id and t.participant_key = p.participant_key
left join monologues as m on m.call_id = p.call_id and m.participant_key = p.participant_key
left join call_transcript_totals as tot on tot.call_id = p.call_id
