{{ config(materialized='incremental', incremental_strategy='gong_calls') }}
-- One row per tracker occurrence, with who said it. Gong's occurrence speakerId is normally the
-- transcript speaker id of one of the call's parties, but Gong's documented example carries the
-- party's userId there instead: an occurrence matches the call's party with that speaker_id,
-- else the call's party with that user_id (the lowest party_id either way). speaker_match says
-- which ('speaker_id' | 'user_id'); NULL, with affiliation 'Unknown', when neither matches.
-- Incremental per call (macros/incremental.sql).
with occurrences as (
  select o.*
  from {{ ref('stg_gong__call_tracker_occurrences') }} as o
  where {{ gong_changed_calls_only('o.call_id') }}
),

trackers as (
  select t.call_id, t.tracker_index, t.tracker_type
  from {{ ref('stg_gong__call_trackers') }} as t
  where {{ gong_changed_calls_only('t.call_id') }}
),

calls as (
  select c.call_id, c.started_at
  from {{ ref('stg_gong__calls') }} as c
  where {{ gong_changed_calls_only('c.call_id') }}
),

parties as (
  select p.call_id, p.party_id, p.speaker_id, p.user_id, p.affiliation
  from {{ ref('stg_gong__parties') }} as p
  where {{ gong_changed_calls_only('p.call_id') }}
),

party_ids as (
  select call_id, speaker_id as match_id, 'speaker_id' as speaker_match, 1 as match_priority,
    party_id, user_id, affiliation
  from parties
  where speaker_id is not null

  union all

  select call_id, user_id as match_id, 'user_id' as speaker_match, 2 as match_priority,
    party_id, user_id, affiliation
  from parties
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
  {{ gong_affiliation('m.party_affiliation') }} as affiliation,
  l.call_load_id,
  {{ gong_invocation_id() }} as dbt_invocation_id
from matched as m
inner join calls as c on c.call_id = m.call_id
inner join {{ ref('int_gong__call_load_ids') }} as l on l.call_id = m.call_id
left join trackers as t
  on t.call_id = m.call_id
  and t.tracker_index = m.tracker_index
