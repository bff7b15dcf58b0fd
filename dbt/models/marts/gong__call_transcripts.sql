-- One row per call that has a transcript: the whole transcript as text, one line per speaker
-- segment, in segment order:
--   Speaker NAME (Topic): sentence sentence ...
-- NAME is the party's name, else the speaker id; " (Topic)" is left out when the topic is NULL
-- or empty; a segment's sentences are joined by one space, lines by a newline.
with sentences as (
  select s.*
  from {{ ref('int_gong__transcript_sentences') }} as s
  inner join {{ ref('stg_gong__calls') }} as c on c.call_id = s.call_id
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
  select call_id, call_title, started_at
  from {{ ref('stg_gong__calls') }}
),

accounts as (
  select call_id, account_id, account_name
  from {{ ref('gong__call_accounts') }}
)

select
  t.call_id,
  c.call_title,
  c.started_at,
  a.account_id,
  a.account_name,
  cast(t.segments as {{ dbt.type_bigint() }}) as segments,
  cast(t.sentences as {{ dbt.type_bigint() }}) as sentences,
  t.transcript_text
from transcripts as t
inner join calls as c on c.call_id = t.call_id
left join accounts as a on a.call_id = t.call_id
