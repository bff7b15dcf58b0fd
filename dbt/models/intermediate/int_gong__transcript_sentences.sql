{{ config(materialized='table') }}
-- Transcript sentences in call order, with who spoke (int_gong__speaker_identity) and the flags
-- the talk-time marts add up:
--   duration_seconds   (end_ms - start_ms) / 1000
--   is_question        the sentence, trailing spaces trimmed, ends in '?'
--   is_speaker_switch  the previous sentence of the call (by segment_index, sentence_index)
--                      has a different speaker id
--   run_number         1.. numbering of runs of consecutive sentences by one speaker (monologues)
with sentences as (
  select * from {{ ref('stg_gong__transcript_sentences') }}
),

identity as (
  select call_id, speaker_id, participant_key, affiliation, speaker_name
  from {{ ref('int_gong__speaker_identity') }}
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
    s.sentence_text,
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
  call_id,
  segment_index,
  sentence_index,
  sentence_number,
  speaker_id,
  participant_key,
  affiliation,
  speaker_name,
  topic,
  start_ms,
  end_ms,
  duration_seconds,
  sentence_text,
  is_question,
  is_speaker_switch,
  starts_run,
  ends_run,
  sum(starts_run) over (
    partition by call_id order by segment_index, sentence_index
    rows between unbounded preceding and current row
  ) as run_number
from flagged
