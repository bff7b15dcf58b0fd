"""What the report shows: the dbt models it reads, the queries over them and their results.

Data only, no I/O: `pipelines.report` runs the queries over a warehouse connection and
`pipelines.report_page` draws `ReportData`. Every query is defined once in `QUERIES` and names
its output columns there; the mart columns that carry a measure are looked up in `MEASURES`,
the one place to switch them (e.g. to Gong's own Talk Ratio stat). Queries are plain SQL that
DuckDB and PostgreSQL both run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

# dbt models the report reads, by the name the queries use. Trackers and call outcomes have no mart
# yet, so they come from dbt's staging models (built by the same `dbt build`, in the marts schema's
# `_staging` sibling).
RELATIONS = {
    "calls": "gong__call_talk_time",
    "rep_weeks": "gong__rep_weekly_talk_time",
    "call_accounts": "gong__call_accounts",
    "trackers": "stg_gong__call_trackers",
    "call_details": "stg_gong__call_details",
}

# Mart columns behind each measure: switch a measure to another column here and nowhere else.
MEASURES = {
    "call_talk_ratio": "talk_ratio",  # gong__call_talk_time, from the transcript
    "call_longest_monologue_seconds": "longest_monologue_seconds",  # gong__call_talk_time
    "call_external_talk_seconds": "transcript_external_talk_seconds",  # gong__call_talk_time
    "rep_talk_ratio": "avg_talk_ratio",  # gong__rep_weekly_talk_time
    "rep_longest_monologue_seconds": "longest_monologue_seconds",  # gong__rep_weekly_talk_time
}

# The report covers the last `weeks` weeks up to the latest week with calls, or fewer if the
# calls begin later.
PERIOD_QUERY = "select min(call_week_start) as first_week, max(call_week_start) as last_week from {calls}"

# {calls}, {rep_weeks}, ... are schema-qualified relations; {call_talk_ratio}, ... columns of
# MEASURES; {period_start} is the first Monday the report covers, as a date literal; {rep} is a
# rep's display name (grouped with user_id, so two reps of one name never merge).
QUERIES = {
    "kpis": """
        select
          count(*) as calls,
          cast(sum(duration_seconds) / 3600.0 as double precision) as hours_recorded,
          cast(avg(case when has_transcript then 1.0 else 0.0 end) as double precision) as transcribed_share,
          cast(avg({call_talk_ratio}) as double precision) as avg_talk_ratio,
          cast(sum({call_external_talk_seconds}) / 60.0 as double precision) as external_talk_minutes,
          cast(max({call_longest_monologue_seconds}) as double precision) as longest_monologue_seconds,
          count(distinct primary_user_id) as reps,
          (
            select count(distinct a.account_id)
            from {call_accounts} as a
            inner join {calls} as c on c.call_id = a.call_id
            where c.call_week_start >= {period_start}
          ) as accounts
        from {calls}
        where call_week_start >= {period_start}
    """,
    "rep_week_talk_ratio": """
        select
          user_id,
          {rep} as rep,
          week_start,
          cast({rep_talk_ratio} as double precision) as talk_ratio,
          calls_hosted
        from {rep_weeks}
        where week_start >= {period_start}
        order by rep, user_id, week_start
    """,
    "rep_longest_monologue": """
        select
          user_id,
          {rep} as rep,
          cast(max({rep_longest_monologue_seconds}) as double precision) as longest_monologue_seconds
        from {rep_weeks}
        where week_start >= {period_start}
        group by user_id, {rep}
        having max({rep_longest_monologue_seconds}) is not null
        order by longest_monologue_seconds desc, rep
        limit 15
    """,
    "calls_per_week": """
        select
          call_week_start as week_start,
          coalesce(scope, 'Unknown') as scope,
          count(*) as calls
        from {calls}
        where call_week_start >= {period_start}
        group by call_week_start, coalesce(scope, 'Unknown')
        order by week_start, scope
    """,
    "top_accounts": """
        select
          a.account_id,
          max(a.account_name) as account_name,
          count(*) as calls,
          cast(sum(c.{call_external_talk_seconds}) / 60.0 as double precision) as external_talk_minutes
        from {call_accounts} as a
        inner join {calls} as c on c.call_id = a.call_id
        where a.account_id is not null
          and c.call_week_start >= {period_start}
        group by a.account_id
        having sum(c.{call_external_talk_seconds}) > 0
        order by external_talk_minutes desc, account_name
        limit 10
    """,
    "trackers": """
        select
          t.tracker_name,
          cast(sum(t.occurrence_count) as bigint) as mentions,
          count(distinct case when t.occurrence_count > 0 then t.call_id end) as calls
        from {trackers} as t
        inner join {calls} as c on c.call_id = t.call_id
        where c.call_week_start >= {period_start}
        group by t.tracker_name
        having sum(t.occurrence_count) > 0
        order by mentions desc, tracker_name
        limit 15
    """,
    "call_outcomes": """
        select
          coalesce(d.call_outcome_category, 'No category') as category,
          coalesce(d.call_outcome_name, 'No outcome set') as outcome,
          count(*) as calls
        from {call_details} as d
        inner join {calls} as c on c.call_id = d.call_id
        where c.call_week_start >= {period_start}
        group by
          coalesce(d.call_outcome_category, 'No category'),
          coalesce(d.call_outcome_name, 'No outcome set')
        order by calls desc, outcome
    """,
}

Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class ReportData:
    """Every figure the page shows, each the result of one query in QUERIES."""

    schema: str
    first_week: date | None  # Monday of the first week covered; None when no call has a week
    last_week: date | None
    results: dict[str, Rows]

    @property
    def kpis(self) -> dict[str, Any]:
        return self.results["kpis"][0]

    @property
    def weeks(self) -> list[date]:
        """Mondays of every week covered, with calls or not."""
        if self.first_week is None or self.last_week is None:
            return []
        count = (self.last_week - self.first_week).days // 7 + 1
        return [self.first_week + timedelta(weeks=index) for index in range(count)]
