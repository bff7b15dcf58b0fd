-- Per call, the transcript talk time, sentences and questions equal the sums over the call's
-- participants in gong__call_speaker_talk_time (every sentence is attributed to one participant).
with speakers as (
  select
    call_id,
    sum(transcript_talk_seconds) as talk_seconds,
    sum(sentences) as sentences,
    sum(questions_asked) as questions
  from {{ ref('gong__call_speaker_talk_time') }}
  group by call_id
)

select
  c.call_id,
  c.transcript_total_talk_seconds,
  s.talk_seconds,
  c.sentences,
  s.sentences as speaker_sentences
from {{ ref('gong__call_talk_time') }} as c
left join speakers as s on s.call_id = c.call_id
where c.has_transcript
  and (
    s.call_id is null
    or abs(c.transcript_total_talk_seconds - s.talk_seconds) > 0.000001
    or c.sentences <> s.sentences
    or c.internal_questions + c.external_questions > s.questions
  )
