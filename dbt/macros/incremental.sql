{#
  Call-grain incremental models: an hourly run rebuilds only the calls whose raw rows changed.

  Every raw row carries the dlt load that wrote it (_dlt_load_id), and a reload of a call
  replaces all of its rows in every call-scoped table (merge on call_id), so a call has changed
  since a model was built when its newest load id (int_gong__call_load_ids.call_load_id) is newer
  than the newest call_load_id the model holds. A call-grain model

    {{ config(materialized='incremental', incremental_strategy='gong_calls', unique_key='call_id') }}

  selects call_load_id (joined from int_gong__call_load_ids: every such model must ref it outside
  any condition, as the strategy below refers to it) and dbt_invocation_id
  ({{ gong_invocation_id() }}: the dbt run that built the row), and filters each
  of its inputs with {{ gong_changed_calls_only('<alias>.call_id') }}: every call on a full build,
  only the changed calls on an incremental one. The gong_calls strategy then replaces the rows of
  those calls as a set (a call may have many rows, or none left), and deletes the rows of calls
  that are gone from the calls table (and so from int_gong__call_load_ids), so deletions reach
  the marts too.
#}

{# The calls to (re)build: those loaded since `relation` (default: this model) was built. #}
{% macro gong_changed_calls(relation=none) -%}
  select call_id
  from {{ ref('int_gong__call_load_ids') }}
  where call_load_id > (select coalesce(max(call_load_id), -1) from {{ relation or this }})
{%- endmacro %}


{# A filter on a call id column: always true on a full build, the changed calls otherwise. #}
{% macro gong_changed_calls_only(call_id_column) -%}
  {%- if is_incremental() -%}
    {{ call_id_column }} in ({{ gong_changed_calls() }})
  {%- else -%}
    1 = 1
  {%- endif -%}
{%- endmacro %}


{# The dbt run that built a row (run_results.json's metadata.invocation_id). #}
{% macro gong_invocation_id() -%}
  cast('{{ invocation_id }}' as {{ dbt.type_string() }})
{%- endmacro %}


{#
  Incremental strategy 'gong_calls': delete the rows of the changed calls (the same set the model
  selected: the target is unchanged until this delete) and of calls gone from the calls table,
  then insert the rebuilt rows. One transaction on Postgres; DuckDB and Postgres alike.
#}
{% macro get_incremental_gong_calls_sql(arg_dict) -%}
  {%- set model_relation = arg_dict['target_relation'] -%}
  {%- set columns = arg_dict['dest_columns'] | map(attribute='quoted') | join(', ') -%}
  delete from {{ model_relation }}
  where call_id in ({{ gong_changed_calls(model_relation) }})
     or call_id not in (select call_id from {{ ref('int_gong__call_load_ids') }});
  insert into {{ model_relation }} ({{ columns }})
  select {{ columns }} from {{ arg_dict['temp_relation'] }}
{%- endmacro %}
