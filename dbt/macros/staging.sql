{#
  gong_staging_select(table_name, columns)

  Renders the body of a staging model: one select over source('gong', table_name) that casts
  every listed column to its declared type and renames it. The staging models that call it are
  generated from gong_source/tables.py by `python -m pipelines.dbt_schema`.

  columns: a list of (raw_name, type) or (raw_name, type, new_name); type is one of
  string | bigint | double | boolean | timestamp. Timestamps stored with a time zone (dlt's
  timestamptz) become plain timestamps holding the UTC wall clock (gong_utc_timestamp), so
  week/month/day arithmetic downstream never depends on a session time zone.

  A tenant may load only some Gong resources, and dlt never creates a table (or a column) for
  which it saw no data. So a raw table that does not exist reads as an empty, correctly typed
  relation and a missing column reads as a typed NULL. Tables in var gong__required_tables
  (calls, parties) must exist: their absence almost always means gong_schema is wrong.
#}
{% macro gong_staging_select(table_name, columns) -%}
  {%- set src = source('gong', table_name) -%}
  {%- set existing = {} -%}
  {%- set found = [] -%}
  {%- if execute -%}
    {%- set relation = adapter.get_relation(database=src.database, schema=src.schema, identifier=src.identifier) -%}
    {%- if relation is not none -%}
      {%- do found.append(relation) -%}
      {%- for col in adapter.get_columns_in_relation(relation) -%}
        {%- do existing.update({col.name | lower: col}) -%}
      {%- endfor -%}
    {%- elif table_name in var('gong__required_tables', ['calls', 'parties']) -%}
      {{ exceptions.raise_compiler_error(
          "Raw table " ~ src ~ " not found: set the dbt var gong_schema to the dlt dataset name "
          ~ "(now '" ~ src.schema ~ "') and load the '" ~ table_name ~ "' resource first") }}
    {%- endif -%}
  {%- endif -%}
select
  {%- for c in columns %}
    {{ gong_cast_column(c[0], c[1], existing.get(c[0] | lower)) }} as {{ c[2] if c | length > 2 else c[0] }}
    {%- if not loop.last %},{% endif %}
  {%- endfor %}
{%- if found %}
from {{ src }}
{%- else %}
from (select 1 as gong_placeholder) as gong_missing_table
where 1 = 0
{%- endif %}
{%- endmacro %}


{% macro gong_cast_column(name, type_key, column) -%}
  {%- if type_key == 'string' -%}{%- set sql_type = dbt.type_string() -%}
  {%- elif type_key == 'bigint' -%}{%- set sql_type = dbt.type_bigint() -%}
  {%- elif type_key == 'double' -%}{%- set sql_type = gong_type_double() -%}
  {%- elif type_key == 'boolean' -%}{%- set sql_type = dbt.type_boolean() -%}
  {%- elif type_key == 'timestamp' -%}{%- set sql_type = dbt.type_timestamp() -%}
  {%- else -%}
    {{ exceptions.raise_compiler_error("gong_cast_column: unknown type '" ~ type_key ~ "' for column " ~ name) }}
  {%- endif -%}
  {%- if column is none -%}
    cast(null as {{ sql_type }})
  {%- elif type_key == 'timestamp' and (
        'time zone' in (column.data_type | lower)
        or (column.data_type | lower) in ['timestamptz', 'timestamp_tz']) -%}
    {{ gong_utc_timestamp(name) }}
  {%- else -%}
    cast({{ name }} as {{ sql_type }})
  {%- endif -%}
{%- endmacro %}
