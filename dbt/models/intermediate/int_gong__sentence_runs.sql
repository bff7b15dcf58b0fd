{{ config(materialized='incremental', incremental_strategy='gong_calls') }}
-- Monologues: one row per run of consecutive sentences (ordered by segment_index,
-- sentence_index) spoken by the same speaker id. A run may span several transcript segments.
--   duration_seconds = (end_ms of the run's last sentence - start_ms of its first) / 1000
--   talk_seconds     = sum of the run's sentence durations
-- Incremental per call (macros/incremental.sql).
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
  from {{ ref('int_gong__transcript_sentences') }} as s
  where {{ gong_changed_calls_only('s.call_id') }}
  group by call_id, run_number
)

select
  r.call_id,
  r.run_number,
  r.speaker_id,
  r.participant_key,
  r.affiliation,
  r.first_sentence_number,
  r.first_segment_index,
  r.sentences,
  r.start_ms,
  r.end_ms,
  cast(r.end_ms - r.start_ms as {{ gong_type_double() }}) / 1000.0 as duration_seconds,
  r.talk_seconds,
  l.call_load_id,
  {{ gong_invocation_id() }} as dbt_invocation_id
from runs as r
inner join {{ ref('int_gong__call_load_ids') }} as l on l.call_id = r.call_id
