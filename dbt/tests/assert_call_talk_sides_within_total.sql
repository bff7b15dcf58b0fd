-- Internal + external talk never exceeds the total, for both measures; for the transcript,
-- internal + external + unknown is exactly the total.
select call_id
from {{ ref('gong__call_talk_time') }}
where transcript_internal_talk_seconds + transcript_external_talk_seconds
      > transcript_total_talk_seconds + 0.000001
   or abs(
        transcript_internal_talk_seconds + transcript_external_talk_seconds
        + transcript_unknown_talk_seconds - transcript_total_talk_seconds
      ) > 0.000001
   or gong_internal_talk_seconds + gong_external_talk_seconds > gong_total_talk_seconds + 0.000001
