-- One row per call and CRM opportunity of the call's own context: stage, amount and close date
-- as they were when the call started (contextTiming TimeOfCall) and as they are now. The first
-- copy of an opportunity (by object_index) per timing counts, and its first field of each name.
with opportunities as (
  select
    call_id,
    object_index,
    crm_system,
    object_id,
    coalesce(timing, 'Now') as timing,
    row_number() over (
      partition by call_id, object_id, coalesce(timing, 'Now') order by object_index
    ) as copy_rank
  from {{ ref('stg_gong__crm_objects') }}
  where party_id is null
    and lower(object_type) = 'opportunity'
    and object_id is not null
),

fields as (
  select call_id, object_index, field_key, field_value, field_value_number
  from {{ ref('int_gong__crm_first_fields') }}
  where field_key in ('stagename', 'amount', 'closedate')
),

by_timing as (
  select
    o.call_id,
    o.object_id,
    o.timing,
    min(o.crm_system) as crm_system,
    max(case when f.field_key = 'stagename' then f.field_value end) as stage,
    max(case when f.field_key = 'amount' then f.field_value_number end) as amount,
    max(case when f.field_key = 'closedate' then f.field_value end) as close_date
  from opportunities as o
  left join fields as f
    on f.call_id = o.call_id
    and f.object_index = o.object_index
  where o.copy_rank = 1
  group by o.call_id, o.object_id, o.timing
),

pairs as (
  select call_id, object_id, min(crm_system) as crm_system
  from by_timing
  group by call_id, object_id
)

select
  p.call_id,
  p.object_id as opportunity_id,
  p.crm_system,
  c.started_at as call_started_at,
  c.primary_user_id,
  t.stage as stage_at_call,
  cast(t.amount as {{ gong_type_double() }}) as amount_at_call,
  t.close_date as close_date_at_call,
  n.stage as stage_now,
  cast(n.amount as {{ gong_type_double() }}) as amount_now,
  n.close_date as close_date_now,
  case
    when t.stage is null or n.stage is null then null
    else (t.stage <> n.stage)
  end as stage_changed
from pairs as p
inner join {{ ref('stg_gong__calls') }} as c on c.call_id = p.call_id
left join by_timing as t
  on t.call_id = p.call_id
  and t.object_id = p.object_id
  and t.timing = 'TimeOfCall'
left join by_timing as n
  on n.call_id = p.call_id
  and n.object_id = p.object_id
  and n.timing = 'Now'
