-- For the transcript, internal + external never exceeds the total, and internal + external +
-- unknown is exactly the total.
select call_id
from {{ ref('gong__call_talk_time') }}
where transcript_internal_talk_seconds + transcript_external_talk_seconds
      > transcript_total_talk_seconds + 0.000001
   or abs(
        transcript_internal_talk_seconds + transcript_external_talk_seconds
        + transcript_unknown_talk_seconds - transcript_total_talk_seconds
      ) > 0.000001
