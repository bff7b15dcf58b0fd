{{ config(materialized='table') }}
-- One row per call: the newest dlt load among its raw rows in every call-scoped table, as unix
-- seconds. A reload of a call rewrites its calls row, so this only grows while the call exists;
-- the incremental models rebuild the calls loaded after the newest call_load_id they hold
-- (macros/incremental.sql).
with raw_load_ids as (
  {%- for table in gong_call_scoped_tables() %}
  {%- if not loop.first %}

  union all
  {%- endif %}

  select call_id, cast(_dlt_load_id as {{ gong_type_double() }}) as load_id
  from {{ ref('stg_gong__' ~ table) }}
  {%- endfor %}
)

select
  r.call_id,
  max(r.load_id) as call_load_id
from raw_load_ids as r
inner join {{ ref('stg_gong__calls') }} as c on c.call_id = r.call_id
group by r.call_id
