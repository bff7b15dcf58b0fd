-- A call's longest monologue is the longest of its participants' longest monologues, and it is
-- at least as long as any single sentence of the call.
with by_speaker as (
  select call_id, max(longest_monologue_seconds) as longest
  from {{ ref('gong__call_speaker_talk_time') }}
  group by call_id
),

longest_sentence as (
  select call_id, max(duration_seconds) as longest
  from {{ ref('int_gong__transcript_sentences') }}
  group by call_id
)

select c.call_id
from {{ ref('gong__call_talk_time') }} as c
left join by_speaker as s on s.call_id = c.call_id
left join longest_sentence as l on l.call_id = c.call_id
where c.has_transcript
  and (
    s.longest is null
    or abs(c.longest_monologue_seconds - s.longest) > 0.000001
    or c.longest_monologue_seconds < l.longest - 0.000001
  )
