{#
  unique_combination: no two rows share the same values in all of the given columns (a compound
  key). dbt_utils-free. Usage:
    data_tests:
      - unique_combination:
          arguments:
            combination_of_columns: [call_id, party_id]
#}
{% test unique_combination(model, combination_of_columns) %}
select
  {{ combination_of_columns | join(', ') }},
  count(*) as duplicate_rows
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1
{% endtest %}
