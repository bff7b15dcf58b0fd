-- One row per (call, transcript speaker id): who is speaking.
-- speaker_id -> the call's party with that speaker_id (the lowest party_id if several share it)
-- -> its name and affiliation. A speaker id that matches no party is kept: participant_key
-- 'speaker:<id>', affiliation 'Unknown'.
with transcript_speakers as (
  select distinct call_id, speaker_id
  from {{ ref('stg_gong__transcript_sentences') }}
  where speaker_id is not null
),

ranked_parties as (
  select
    call_id,
    party_id,
    speaker_id,
    party_name,
    affiliation,
    row_number() over (partition by call_id, speaker_id order by party_id) as speaker_party_rank
  from {{ ref('stg_gong__parties') }}
  where speaker_id is not null
)

select
  ts.call_id,
  ts.speaker_id,
  coalesce(rp.party_id, {{ dbt.concat(["'speaker:'", "ts.speaker_id"]) }}) as participant_key,
  rp.party_id,
  coalesce(nullif(rp.party_name, ''), ts.speaker_id) as speaker_name,
  {{ gong_affiliation('rp.affiliation') }} as affiliation,
  case when rp.party_id is null then false else true end as has_party
from transcript_speakers as ts
left join ranked_parties as rp
  on rp.call_id = ts.call_id
  and rp.speaker_id = ts.speaker_id
  and rp.speaker_party_rank = 1
