"""`gong-pipeline report`: one self-contained HTML dashboard over the dbt models.

The report reads only what dbt built (schema `<dataset>_analytics`), never the raw tables, so it
shows exactly the figures a BI tool on the marts would. Every query is defined once in `QUERIES`
and names its output columns there; the mart columns that carry a measure are looked up in
`MEASURES`, the one place to switch them (e.g. to Gong's own Talk Ratio stat). Queries are plain
SQL that DuckDB and PostgreSQL both run, over any DB-API connection.

    with open_warehouse(RunOptions(duckdb_path="gong_warehouse.duckdb")) as connection:
        summary = write_report(connection, analytics_schema("gong"), Path("gong_report.html"))
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import duckdb

from gong_source.errors import GongConfigError

from .dbt_runner import marts_schema
from .runner import RunOptions, make_pipeline

DEFAULT_WEEKS = 12
DEFAULT_REPORT_PATH = "gong_report.html"

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


class Connection(Protocol):
    """What the report needs of a DB-API connection (duckdb, psycopg2, ...)."""

    def cursor(self) -> Any: ...


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


@dataclass(frozen=True)
class ReportSummary:
    path: Path
    calls: int
    weeks: int
    schema: str

    def line(self) -> str:
        return (
            f"gong-pipeline report ok: {self.path} "
            f"({self.calls} calls over {self.weeks} weeks of {self.schema})"
        )


def analytics_schema(dataset: str) -> str:
    """Where dbt builds the marts of `dataset` (`<dataset>_analytics`, normalized the dlt way)."""
    return marts_schema(dataset)


def relation_schema(table: str, schema: str) -> str:
    """Staging models live beside the marts, in `<marts schema>_staging`."""
    return f"{schema}_staging" if table.startswith("stg_") else schema


def report_data(connection: Connection, schema: str, weeks: int = DEFAULT_WEEKS) -> ReportData:
    """Run every query over the last `weeks` weeks that hold calls."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", schema):
        raise GongConfigError(f"report schema {schema!r} is not a plain identifier: pass --dataset NAME")
    if weeks < 1:
        raise GongConfigError(f"report --weeks must be at least 1, got {weeks}")
    _check_relations(connection, schema)
    names = {key: f"{relation_schema(table, schema)}.{table}" for key, table in RELATIONS.items()}
    (period,) = _fetch(connection, PERIOD_QUERY.format(**names))
    first_week, last_week = _as_date(period["first_week"]), _as_date(period["last_week"])
    period_start = (
        max(first_week, last_week - timedelta(weeks=weeks - 1)) if first_week and last_week else None
    )
    # With no call at all every query still runs, over an empty period.
    literal = f"cast('{(period_start or date.max).isoformat()}' as date)"
    values = {**names, **MEASURES, "period_start": literal, "rep": "coalesce(user_full_name, user_id)"}
    results = {name: _fetch(connection, sql.format(**values)) for name, sql in QUERIES.items()}
    return ReportData(schema=schema, first_week=period_start, last_week=last_week, results=results)


def write_report(
    connection: Connection, schema: str, out: Path, weeks: int = DEFAULT_WEEKS, source: str = ""
) -> ReportSummary:
    """Query the models and write the HTML page to `out`; `source` names the warehouse on the page."""
    from .report_page import render  # plotly is imported only when a report is built

    data = report_data(connection, schema, weeks)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(data, source=source, generated_at=datetime.now(UTC)), encoding="utf-8")
    return ReportSummary(path=out, calls=int(data.kpis["calls"]), weeks=len(data.weeks), schema=schema)


@contextmanager
def open_warehouse(options: RunOptions) -> Iterator[Connection]:
    """A read connection to the warehouse `options` load: the DuckDB file, else dlt's SQL client."""
    if options.destination == "duckdb":
        path = Path(options.duckdb_path)
        if not path.is_file():
            raise GongConfigError(
                f"DuckDB file {path} does not exist: pass --duckdb PATH (the file `gong-pipeline run` loaded)"
            )
        with duckdb.connect(str(path), read_only=True) as connection:
            yield connection
        return
    with make_pipeline(options).sql_client() as client:
        yield client.native_connection


def write_warehouse_report(options: RunOptions, out: str, weeks: int = DEFAULT_WEEKS) -> ReportSummary:
    """The report of the warehouse `options` load into (what `run` just loaded and built)."""
    source = Path(options.duckdb_path).name if options.destination == "duckdb" else options.destination
    with open_warehouse(options) as connection:
        return write_report(connection, analytics_schema(options.dataset_name), Path(out), weeks, source)


def _check_relations(connection: Connection, schema: str) -> None:
    schemas = ", ".join(f"'{name}'" for name in (schema, f"{schema}_staging"))
    present = {
        (str(row["table_schema"]), str(row["table_name"]).lower())
        for row in _fetch(
            connection,
            "select table_schema, table_name from information_schema.tables "
            f"where table_schema in ({schemas})",
        )
    }
    missing = [
        table for table in RELATIONS.values() if (relation_schema(table, schema), table) not in present
    ]
    if missing:
        raise GongConfigError(
            f"report: {schema} has no {', '.join(missing)}: build the dbt models first "
            "(`gong-pipeline run` without --skip-dbt), or pass the --dataset they were built for"
        )


def _fetch(connection: Connection, sql: str) -> Rows:
    cursor = connection.cursor()
    try:
        cursor.execute(sql)
        columns = [column[0] for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    finally:
        cursor.close()


def _as_date(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value
