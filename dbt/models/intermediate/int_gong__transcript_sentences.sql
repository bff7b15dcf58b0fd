{{ config(materialized='incremental', incremental_strategy='gong_calls') }}
-- Transcript sentences in call order, with who spoke (int_gong__speaker_identity) and the flags
-- the talk-time marts add up (the text itself stays in staging):
--   duration_seconds   (end_ms - start_ms) / 1000
--   is_question        the sentence, trailing spaces trimmed, ends in '?'
--   is_speaker_switch  the previous sentence of the call (by segment_index, sentence_index)
--                      has a different speaker id
--   run_number         1.. numbering of runs of consecutive sentences by one speaker (monologues)
-- Incremental per call (macros/incremental.sql): a run recomputes only the changed calls.
with sentences as (
  select s.*
  from {{ ref('stg_gong__transcript_sentences') }} as s
  where {{ gong_changed_calls_only('s.call_id') }}
),

identity as (
  select i.call_id, i.speaker_id, i.participant_key, i.affiliation, i.speaker_name
  from {{ ref('int_gong__speaker_identity') }} as i
  where {{ gong_changed_calls_only('i.call_id') }}
),

ordered as (
  select
    s.call_id,
    s.segment_index,
    s.sentence_index,
    s.speaker_id,
    s.topic,
    s.start_ms,
    s.end_ms,
    i.participant_key,
    i.affiliation,
    i.speaker_name,
    cast(s.end_ms - s.start_ms as {{ gong_type_double() }}) / 1000.0 as duration_seconds,
    case when {{ dbt.right('trim(s.sentence_text)', 1) }} = '?' then true else false end as is_question,
    row_number() over (
      partition by s.call_id order by s.segment_index, s.sentence_index
    ) as sentence_number,
    lag(s.speaker_id) over (
      partition by s.call_id order by s.segment_index, s.sentence_index
    ) as previous_speaker_id,
    lead(s.speaker_id) over (
      partition by s.call_id order by s.segment_index, s.sentence_index
    ) as next_speaker_id
  from sentences as s
  left join identity as i
    on i.call_id = s.call_id
    and i.speaker_id = s.speaker_id
),

flagged as (
  select
    *,
    case when previous_speaker_id is null or previous_speaker_id <> speaker_id then 1 else 0 end as starts_run,
    case when next_speaker_id is null or next_speaker_id <> speaker_id then 1 else 0 end as ends_run,
    case
      when previous_speaker_id is not null and previous_speaker_id <> speaker_id then true
      else false
    end as is_speaker_switch
  from ordered
)

select
  f.call_id,
  f.segment_index,
  f.sentence_index,
  f.sentence_number,
  f.speaker_id,
  f.participant_key,
  f.affiliation,
  f.speaker_name,
  f.topic,
  f.start_ms,
  f.end_ms,
  f.duration_seconds,
  f.is_question,
  f.is_speaker_switch,
  f.starts_run,
  f.ends_run,
  sum(f.starts_run) over (
    partition by f.call_id order by f.segment_index, f.sentence_index
    rows between unbounded preceding and current row
  ) as run_number,
  l.call_load_id,
  {{ gong_invocation_id() }} as dbt_invocation_id
from flagged as f
inner join {{ ref('int_gong__call_load_ids') }} as l on l.call_id = f.call_id
