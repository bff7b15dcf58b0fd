-- One row per (call, transcript speaker id): who is speaking.
-- speaker_id -> the call's party with that speaker_id (the lowest party_id if several share it)
-- -> the Gong user (internal) or the e-mail address/domain (external). A speaker id that matches
-- no party is kept: participant_key 'speaker:<id>', affiliation 'Unknown'.
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
    user_id,
    party_name,
    email_address,
    email_domain,
    affiliation,
    row_number() over (partition by call_id, speaker_id order by party_id) as speaker_party_rank
  from {{ ref('stg_gong__parties') }}
  where speaker_id is not null
),

users as (
  select user_id, full_name, email_address
  from {{ ref('stg_gong__users') }}
)

select
  ts.call_id,
  ts.speaker_id,
  coalesce(rp.party_id, {{ dbt.concat(["'speaker:'", "ts.speaker_id"]) }}) as participant_key,
  rp.party_id,
  rp.user_id,
  rp.party_name,
  coalesce(nullif(rp.party_name, ''), ts.speaker_id) as speaker_name,
  rp.email_address,
  lower(rp.email_domain) as email_domain,
  {{ gong_affiliation('rp.affiliation') }} as affiliation,
  u.full_name as user_full_name,
  u.email_address as user_email_address,
  case when rp.party_id is null then false else true end as has_party
from transcript_speakers as ts
left join ranked_parties as rp
  on rp.call_id = ts.call_id
  and rp.speaker_id = ts.speaker_id
  and rp.speaker_party_rank = 1
left join users as u
  on u.user_id = rp.user_id
