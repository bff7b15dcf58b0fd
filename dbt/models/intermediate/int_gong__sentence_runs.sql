{{ config(materialized='table') }}
-- Monologues: one row per run of consecutive sentences (ordered by segment_index,
-- sentence_index) spoken by the same speaker id. A run may span several transcript segments.
--   duration_seconds = (end_ms of the run's last sentence - start_ms of its first) / 1000
--   talk_seconds     = sum of the run's sentence durations
with runs as (
  select
    call_id,
    run_number,
    min(speaker_id) as speaker_id,
    min(participant_key) as participant_key,
    min(affiliation) as affiliation,
    min(sentence_number) as first_sentence_number,
    min(segment_index) as first_segment_index,
    count(*) as sentences,
    max(case when starts_run = 1 then start_ms end) as start_ms,
    max(case when ends_run = 1 then end_ms end) as end_ms,
    sum(duration_seconds) as talk_seconds
  from {{ ref('int_gong__transcript_sentences') }}
  group by call_id, run_number
)

select
  call_id,
  run_number,
  speaker_id,
  participant_key,
  affiliation,
  first_sentence_number,
  first_segment_index,
  sentences,
  start_ms,
  end_ms,
  cast(end_ms - start_ms as {{ gong_type_double() }}) / 1000.0 as duration_seconds,
  talk_seconds
from runs
