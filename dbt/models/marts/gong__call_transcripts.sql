{{ config(
    materialized='incremental',
    incremental_strategy='gong_calls',
    enabled=var('gong__transcript_text_enabled', true),
) }}
-- One row per call that has a transcript: the whole transcript as text, one line per speaker
-- segment, in segment order:
--   Speaker NAME (Topic): sentence sentence ...
-- NAME is the party's name, else the speaker id; " (Topic)" is left out when the topic is NULL
-- or empty; a segment's sentences are joined by one space, lines by a newline.
-- Personal data: var gong__transcript_text_enabled false leaves this model out.
-- Incremental per call (macros/incremental.sql).
with sentences as (
  select
    s.call_id,
    s.segment_index,
    s.sentence_index,
    s.speaker_id,
    s.speaker_name,
    s.topic,
    t.sentence_text
  from {{ ref('int_gong__transcript_sentences') }} as s
  inner join {{ ref('stg_gong__transcript_sentences') }} as t
    on t.call_id = s.call_id
    and t.segment_index = s.segment_index
    and t.sentence_index = s.sentence_index
  where {{ gong_changed_calls_only('s.call_id') }}
    and {{ gong_changed_calls_only('t.call_id') }}
),

segments as (
  select
    call_id,
    segment_index,
    min(speaker_id) as speaker_id,
    min(speaker_name) as speaker_name,
    max(topic) as topic,
    count(*) as sentences,
    {{ dbt.listagg("coalesce(sentence_text, '')", "' '", "order by sentence_index") }} as segment_text
  from sentences
  group by call_id, segment_index
),

lines as (
  select
    call_id,
    segment_index,
    sentences,
    {{ dbt.concat([
        "'Speaker '",
        "coalesce(speaker_name, speaker_id, '')",
        "case when topic is not null and topic <> '' then " ~ dbt.concat(["' ('", "topic", "')'"]) ~ " else '' end",
        "': '",
        "segment_text",
    ]) }} as transcript_line
  from segments
),

transcripts as (
  select
    call_id,
    count(*) as segments,
    sum(sentences) as sentences,
    {{ dbt.listagg('transcript_line', gong_newline(), 'order by segment_index') }} as transcript_text
  from lines
  group by call_id
),

calls as (
  select c.call_id, c.call_title, c.started_at
  from {{ ref('stg_gong__calls') }} as c
  where {{ gong_changed_calls_only('c.call_id') }}
)

select
  t.call_id,
  c.call_title,
  c.started_at,
  cast(t.segments as {{ dbt.type_bigint() }}) as segments,
  cast(t.sentences as {{ dbt.type_bigint() }}) as sentences,
  t.transcript_text,
  l.call_load_id,
  {{ gong_invocation_id() }} as dbt_invocation_id
from transcripts as t
inner join calls as c on c.call_id = t.call_id
inner join {{ ref('int_gong__call_load_ids') }} as l on l.call_id = t.call_id
