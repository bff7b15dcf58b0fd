{{ config(enabled=var('gong__time_spine_enabled', true)) }}
-- One row per day, 2010 to 2040: the time spine MetricFlow needs for the metrics in
-- _gong__semantic.yml. Leave it out (var gong__time_spine_enabled false) when the project has one.
select cast(date_day as date) as date_day
from (
  {{ dbt.date_spine('day', "cast('2010-01-01' as date)", "cast('2041-01-01' as date)") }}
) as days
