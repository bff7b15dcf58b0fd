-- One row per call participant (participant_key), from three places:
--   'party'              every row of parties (participant_key = party_id), whether it spoke or not;
--   'call_speaker'       a Gong speaker in call_speakers whose party_id is not in parties
--                        (affiliation Internal when it carries a user_id, else Unknown);
--   'transcript_speaker' a transcript speaker id that matches no party (participant_key
--                        'speaker:<id>', affiliation Unknown).
with parties as (
  select * from {{ ref('stg_gong__parties') }}
),

call_speakers as (
  select * from {{ ref('stg_gong__call_speakers') }}
),

unmatched_speakers as (
  select * from {{ ref('int_gong__speaker_identity') }}
  where not has_party
),

participants as (
  select
    call_id,
    party_id as participant_key,
    cast('party' as {{ dbt.type_string() }}) as participant_source,
    party_id,
    speaker_id,
    user_id,
    nullif(party_name, '') as participant_name,
    email_address,
    lower(email_domain) as email_domain,
    party_title,
    {{ gong_affiliation('affiliation') }} as affiliation
  from parties

  union all

  select
    cs.call_id,
    cs.party_id as participant_key,
    cast('call_speaker' as {{ dbt.type_string() }}) as participant_source,
    cs.party_id,
    cast(null as {{ dbt.type_string() }}) as speaker_id,
    cs.user_id,
    cast(null as {{ dbt.type_string() }}) as participant_name,
    cast(null as {{ dbt.type_string() }}) as email_address,
    cast(null as {{ dbt.type_string() }}) as email_domain,
    cast(null as {{ dbt.type_string() }}) as party_title,
    case when cs.user_id is not null then 'Internal' else 'Unknown' end as affiliation
  from call_speakers as cs
  where not exists (
    select 1 from parties as p
    where p.call_id = cs.call_id and p.party_id = cs.party_id
  )

  union all

  select
    call_id,
    participant_key,
    cast('transcript_speaker' as {{ dbt.type_string() }}) as participant_source,
    cast(null as {{ dbt.type_string() }}) as party_id,
    speaker_id,
    cast(null as {{ dbt.type_string() }}) as user_id,
    cast(null as {{ dbt.type_string() }}) as participant_name,
    cast(null as {{ dbt.type_string() }}) as email_address,
    cast(null as {{ dbt.type_string() }}) as email_domain,
    cast(null as {{ dbt.type_string() }}) as party_title,
    'Unknown' as affiliation
  from unmatched_speakers
)

select * from participants
