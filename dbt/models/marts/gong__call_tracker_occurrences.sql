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

parties_by_speaker as (
  select
    call_id,
    speaker_id as match_id,
    party_id,
    user_id,
    affiliation,
    row_number() over (partition by call_id, speaker_id order by party_id) as match_rank
  from {{ ref('stg_gong__parties') }}
  where speaker_id is not null
),

parties_by_user as (
  select
    call_id,
    user_id as match_id,
    party_id,
    user_id,
    affiliation,
    row_number() over (partition by call_id, user_id order by party_id) as match_rank
  from {{ ref('stg_gong__parties') }}
  where user_id is not null
),

matched as (
  select
    o.*,
    case
      when s.party_id is not null then 'speaker_id'
      when u.party_id is not null then 'user_id'
    end as speaker_match,
    case when s.party_id is not null then s.party_id else u.party_id end as party_id,
    case when s.party_id is not null then s.user_id else u.user_id end as user_id,
    case when s.party_id is not null then s.affiliation else u.affiliation end as party_affiliation
  from occurrences as o
  left join parties_by_speaker as s
    on s.call_id = o.call_id
    and s.match_id = o.speaker_id
    and s.match_rank = 1
  left join parties_by_user as u
    on u.call_id = o.call_id
    and u.match_id = o.speaker_id
    and u.match_rank = 1
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
