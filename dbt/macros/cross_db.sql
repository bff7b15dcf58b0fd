{#-
  Small cross-database helpers. Each one is dispatched (adapter.dispatch) so another engine can
  override it with `<adapter>__<name>`; the default covers Postgres and DuckDB, and the overrides
  below keep Snowflake and BigQuery in reach.
-#}

{# A 64-bit float. dbt.type_float() is a 4-byte FLOAT on DuckDB, so it is not used. #}
{% macro gong_type_double() -%}
  {{ return(adapter.dispatch('gong_type_double', 'gong')()) }}
{%- endmacro %}
{% macro default__gong_type_double() -%}double precision{%- endmacro %}
{% macro bigquery__gong_type_double() -%}float64{%- endmacro %}


{# A timestamptz expression -> a plain timestamp holding the UTC wall clock. #}
{% macro gong_utc_timestamp(expression) -%}
  {{ return(adapter.dispatch('gong_utc_timestamp', 'gong')(expression)) }}
{%- endmacro %}
{% macro default__gong_utc_timestamp(expression) -%}({{ expression }} at time zone 'UTC'){%- endmacro %}
{% macro snowflake__gong_utc_timestamp(expression) -%}convert_timezone('UTC', {{ expression }})::timestamp_ntz{%- endmacro %}
{% macro bigquery__gong_utc_timestamp(expression) -%}datetime({{ expression }}, 'UTC'){%- endmacro %}


{# Now, as a plain UTC timestamp (same type as the staged *_at columns). #}
{% macro gong_utc_now() -%}
  {{ gong_utc_timestamp(dbt.current_timestamp()) }}
{%- endmacro %}


{# A newline character, for joining transcript lines. #}
{% macro gong_newline() -%}
  {{ return(adapter.dispatch('gong_newline', 'gong')()) }}
{%- endmacro %}
{% macro default__gong_newline() -%}chr(10){%- endmacro %}
{% macro bigquery__gong_newline() -%}'\n'{%- endmacro %}


{# First day (a date) of the ISO week (Monday) containing a timestamp. #}
{% macro gong_week_start(expression) -%}
  {{ return(adapter.dispatch('gong_week_start', 'gong')(expression)) }}
{%- endmacro %}
{% macro default__gong_week_start(expression) -%}
  cast({{ dbt.date_trunc('week', expression) }} as date)
{%- endmacro %}
{% macro bigquery__gong_week_start(expression) -%}
  date_trunc(date({{ expression }}), isoweek)
{%- endmacro %}


{# First day (a date) of the month containing a timestamp. #}
{% macro gong_month_start(expression) -%}
  cast({{ dbt.date_trunc('month', expression) }} as date)
{%- endmacro %}


{#
  Title case with Python str.title() semantics for ASCII text: a letter is upper-cased when the
  character before it is not a letter (start of string, space, digit, punctuation), otherwise
  lower-cased; everything else is unchanged. So 'acme2go labs' -> 'Acme2Go Labs'.
  DuckDB has no initcap: its implementation walks the characters with a list lambda. Postgres'
  initcap treats digits as part of a word ('Acme2go'), so Postgres walks the characters with
  generate_series to match Python exactly. Other engines fall back to initcap.
#}
{% macro gong_title_case(expression) -%}
  {{ return(adapter.dispatch('gong_title_case', 'gong')(expression)) }}
{%- endmacro %}

{% macro default__gong_title_case(expression) -%}
  initcap({{ expression }})
{%- endmacro %}

{% macro duckdb__gong_title_case(expression) -%}
  array_to_string(
    list_transform(
      range(1, length({{ expression }}) + 1),
      lambda i: case
        when i = 1 or not regexp_matches(substr({{ expression }}, i - 1, 1), '[A-Za-z]')
          then upper(substr({{ expression }}, i, 1))
        else lower(substr({{ expression }}, i, 1))
      end
    ),
    ''
  )
{%- endmacro %}

{% macro postgres__gong_title_case(expression) -%}
  case
    when {{ expression }} is null then null
    when {{ expression }} = '' then ''
    else (
      select string_agg(
        case
          when gong_chars.i = 1 or substr({{ expression }}, gong_chars.i - 1, 1) !~ '[A-Za-z]'
            then upper(substr({{ expression }}, gong_chars.i, 1))
          else lower(substr({{ expression }}, gong_chars.i, 1))
        end,
        '' order by gong_chars.i
      )
      from generate_series(1, length({{ expression }})) as gong_chars(i)
    )
  end
{%- endmacro %}


{# Sort text by code point (like Python), not by the database's locale collation. #}
{% macro gong_binary_sort(expression) -%}
  {{ return(adapter.dispatch('gong_binary_sort', 'gong')(expression)) }}
{%- endmacro %}
{% macro default__gong_binary_sort(expression) -%}{{ expression }}{%- endmacro %}
{% macro postgres__gong_binary_sort(expression) -%}{{ expression }} collate "C"{%- endmacro %}


{# Gong affiliation -> 'Internal' | 'External' | 'Unknown' (NULL and anything else -> 'Unknown'). #}
{% macro gong_affiliation(expression) -%}
  case lower({{ expression }})
    when 'internal' then 'Internal'
    when 'external' then 'External'
    else 'Unknown'
  end
{%- endmacro %}


{#
  A text value (from a var) as a SQL string literal: single quotes doubled; on Snowflake and
  BigQuery, whose literals take backslash escapes, backslashes doubled too.
#}
{% macro gong_string_literal(value) -%}
  {{ return(adapter.dispatch('gong_string_literal', 'gong')(value | string)) }}
{%- endmacro %}
{% macro default__gong_string_literal(value) -%}'{{ value | replace("'", "''") }}'{%- endmacro %}
{% macro snowflake__gong_string_literal(value) -%}'{{ value | replace("\\", "\\\\") | replace("'", "''") }}'{%- endmacro %}
{% macro bigquery__gong_string_literal(value) -%}'{{ value | replace("\\", "\\\\") | replace("'", "\\'") }}'{%- endmacro %}
