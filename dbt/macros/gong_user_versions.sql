{#
  gong_user_version_at(alias, instant): the join condition that picks, of int_gong__user_versions
  aliased `alias`, the one version of a user in force at `instant` (valid_from <= instant <
  valid_to). Before the first load the first version stands in, after a user left Gong the last,
  so every user matches exactly one version at any instant.
#}
{% macro gong_user_version_at(alias, instant) -%}
  ({{ alias }}.valid_from <= {{ instant }} or {{ alias }}.version_rank = 1)
  and ({{ alias }}.valid_to > {{ instant }} or {{ alias }}.valid_to is null
       or {{ alias }}.version_rank = {{ alias }}.version_count)
{%- endmacro %}
