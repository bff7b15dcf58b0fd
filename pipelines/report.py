"""`gong-pipeline report`: one self-contained HTML dashboard over the dbt models.

The report reads only what dbt built (schema `<dataset>_analytics`), never the raw tables, so it
shows exactly the figures a BI tool on the marts would. What it queries is `pipelines.report_queries`;
this module runs those queries over any DB-API connection and writes the page.

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
from .report_queries import MEASURES, PERIOD_QUERY, QUERIES, RELATIONS, ReportData, Rows
from .runner import RunOptions, make_pipeline

DEFAULT_WEEKS = 12
DEFAULT_REPORT_PATH = "gong_report.html"


class Connection(Protocol):
    """What the report needs of a DB-API connection (duckdb, psycopg2, ...)."""

    def cursor(self) -> Any: ...


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
