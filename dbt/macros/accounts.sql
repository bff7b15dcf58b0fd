{#
  The account-name rule from the seed notes, in SQL:
    for tld in [".io", ".com", ".net", ".org", ".co"]:     # var gong__account_tlds
        if domain.endswith(tld): domain = domain[:-len(tld)]; break
    account_name = domain.replace("-", " ").title()
  gong_strip_tld() and gong_domain_base() produce the text before title casing; title-case it
  with gong_title_case() (kept separate so models can compute the base once in a CTE).
#}

{% macro gong_account_tlds() -%}
  {%- set tlds = var('gong__account_tlds', ['.io', '.com', '.net', '.org', '.co']) -%}
  {%- if tlds is string -%}
    {%- set tlds = tlds.split(',') | map('trim') | reject('equalto', '') | list -%}
  {%- endif -%}
  {{ return(tlds) }}
{%- endmacro %}

{% macro gong_strip_tld(domain) -%}
  case
  {%- for tld in gong_account_tlds() %}
    when {{ dbt.right(domain, tld | length) }} = {{ gong_string_literal(tld) }}
      then substr({{ domain }}, 1, {{ dbt.length(domain) }} - {{ tld | length }})
  {%- endfor %}
    else {{ domain }}
  end
{%- endmacro %}

{# The account name before title casing: TLD stripped, hyphens -> spaces. #}
{% macro gong_domain_base(domain) -%}
  {{ dbt.replace(gong_strip_tld(domain), "'-'", "' '") }}
{%- endmacro %}

{#
  A web address ('https://www.Globex.com/about') -> its host without 'www.' ('globex.com').
  NULL/empty in, NULL out.
#}
{% macro gong_domain_from_url(url) -%}
  {%- set host -%}
    {{ dbt.split_part(dbt.split_part(dbt.split_part(
        dbt.replace(dbt.replace("lower(trim(" ~ url ~ "))", "'https://'", "''"), "'http://'", "''"),
        "'/'", 1), "'?'", 1), "':'", 1) }}
  {%- endset -%}
  nullif(
    case
      when substr({{ host }}, 1, 4) = 'www.' then substr({{ host }}, 5)
      else {{ host }}
    end,
    ''
  )
{%- endmacro %}
