-- The first field of each name (case-insensitive, by field_index) of every CRM object of a call:
-- what the account and opportunity models read as an object's Name, Website, StageName, ...
with ranked as (
  select
    call_id,
    object_index,
    lower(field_name) as field_key,
    field_value,
    field_value_number,
    row_number() over (
      partition by call_id, object_index, lower(field_name) order by field_index
    ) as field_rank
  from {{ ref('stg_gong__crm_fields') }}
  where field_name is not null
)

select call_id, object_index, field_key, field_value, field_value_number
from ranked
where field_rank = 1
