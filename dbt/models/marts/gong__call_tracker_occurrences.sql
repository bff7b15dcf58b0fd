-- One row per tracker occurrence, with who said it. Gong's occurrence speakerId is normally the
-- transcript speaker id of one of the call's parties, but Gong's documented example carries the
-- party's userId there instead: an occurrence matches the call's party with that speaker_id,
-- else the call's party with that user_id (the lowest party_id either way). speaker_match says
-- which ('speaker_id' | 'user_id'); NULL, with affiliation 'Unknown', when neither matches.
with occurrences as (
  select * from {{ ref('stg_gong__call_tracker_occurrences') }}
),

trackers as (
  select call_id, tracker_index, tracker_type
  from {{ ref('stg_gong__call_trackers') }}
),

calls as (
  select call_id, started_at
  from {{ ref('stg_gong__calls') }}
),

party_ids as (
  select call_id, speaker_id as match_id, 'speaker_id' as speaker_match, 1 as match_priority,
    party_id, user_id, affiliation
  from {{ ref('stg_gong__parties') }}
  where speaker_id is not null

  union all

  select call_id, user_id as match_id, 'user_id' as speaker_match, 2 as match_priority,
    party_id, user_id, affiliation
  from {{ ref('stg_gong__parties') }}
  where user_id is not null
),

ranked_party_ids as (
  select
    *,
    row_number() over (
      partition by call_id, match_id order by match_priority, party_id
    ) as match_rank
  from party_ids
),

matched as (
  select
    o.*,
    p.speaker_match,
    p.party_id,
    p.user_id,
    p.affiliation as party_affiliation
  from occurrences as o
  left join ranked_party_ids as p
    on p.call_id = o.call_id
    and p.match_id = o.speaker_id
    and p.match_rank = 1
)

select
  m.call_id,
  m.tracker_index,
  m.occurrence_index,
  c.started_at as call_started_at,
  m.tracker_id,
  m.tracker_name,
  t.tracker_type,
  m.phrase,
  m.start_seconds,
  m.speaker_id,
  m.speaker_match,
  m.party_id,
  m.user_id,
  {{ gong_affiliation('m.party_affiliation') }} as affiliation
from matched as m
inner join calls as c on c.call_id = m.call_id
left join trackers as t
  on t.call_id = m.call_id
  and t.tracker_index = m.tracker_index
