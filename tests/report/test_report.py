"""The report's data and file, without a browser: figures equal the marts, the file loads nothing."""

from __future__ import annotations

import re
import shutil
from contextlib import closing
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import dlt
import duckdb
import psycopg2
import pytest

from pipelines.cli import main
from pipelines.report import (
    analytics_schema,
    relation_schema,
    report_data,
    write_report,
    write_warehouse_report,
)
from pipelines.report_queries import RELATIONS
from pipelines.runner import RunOptions
from tests.report.conftest import DemoReport
from tests.report.expected import Expected, read_models
from tests.support import NOW, POSTGRES_URL, emulator, require_postgres, small_spec, unique_name


@pytest.fixture(scope="module")
def models(demo_report: DemoReport) -> dict[str, list[dict[str, Any]]]:
    with duckdb.connect(str(demo_report.duckdb_path), read_only=True) as connection:
        return read_models(connection, demo_report.schema)


@pytest.mark.parametrize("weeks", [12, 2])
def test_figures_equal_the_marts(demo_report, models, weeks):
    with duckdb.connect(str(demo_report.duckdb_path), read_only=True) as connection:
        data = report_data(connection, demo_report.schema, weeks)
    expected = Expected(models, weeks)
    weeks_with_calls = len(Expected(models, 10_000).week_starts)
    assert data.weeks == expected.week_starts and len(data.weeks) == min(weeks, weeks_with_calls)
    want = expected.kpis()
    assert want["calls"] > 20 and want["accounts"] > 3  # the company gives every figure something to show
    assert data.kpis == {key: pytest.approx(value) for key, value in want.items()}
    top = [(row["account_name"], row["external_talk_minutes"]) for row in data.results["top_accounts"]]
    assert top == [(name, pytest.approx(minutes)) for name, minutes in expected.top_accounts()]
    assert {
        row["tracker_name"]: row["mentions"] for row in data.results["trackers"]
    } == expected.tracker_mentions()
    assert {row["outcome"]: row["calls"] for row in data.results["call_outcomes"]} == expected.outcomes()
    per_week = {(row["week_start"], row["scope"]): row["calls"] for row in data.results["calls_per_week"]}
    assert sum(per_week.values()) == want["calls"]
    assert len(data.results["rep_week_talk_ratio"]) == len(expected.rep_weeks())


def test_the_file_loads_nothing_and_inlines_plotly_once(demo_report):
    page = demo_report.html_path.read_text(encoding="utf-8")
    markup = _Markup()
    markup.feed(page)
    bundles = [script for script in markup.scripts if "plotly.js v" in script[:200]]
    assert len(bundles) == 1 and page.count("plotly.js v") == 1
    assert markup.tags_with_source == [], "every script and image is inline"
    external = re.compile(r"https?://", re.IGNORECASE)
    assert [value for value in markup.link_values if external.search(value)] == []
    assert [css for css in markup.css if re.search(r"url\(\s*['\"]?\s*https?:|@import", css, re.I)] == []
    # Our own scripts (each chart's Plotly.newPlot and the print handler) name no URL at all.
    assert [s[:80] for s in markup.scripts if s not in bundles and external.search(s)] == []
    assert "MathJax" not in "".join(s for s in markup.scripts if s not in bundles)
    assert "default-src 'none'" in markup.csp


def test_report_command_writes_the_page_and_names_what_is_missing(demo_report, tmp_path, capsys):
    out = tmp_path / "nested" / "report.html"
    assert main(["report", "--duckdb", str(demo_report.duckdb_path), "--out", str(out)]) == 0
    line = capsys.readouterr().out.strip()
    calls = int(re.search(r"\((\d+) calls", line).group(1))  # type: ignore[union-attr]
    assert str(out) in line and calls == _demo_calls(demo_report)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")

    missing = tmp_path / "none.html"
    assert (
        main(["report", "--duckdb", str(demo_report.duckdb_path), "--dataset", "crm", "--out", str(missing)])
        == 78  # ExitCode.CONFIG
    )
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "crm_analytics has no gong__call_talk_time" in err and not missing.exists()
    assert main(["report", "--duckdb", str(tmp_path / "nope.duckdb")]) == 78
    assert "nope.duckdb does not exist: pass --duckdb PATH" in capsys.readouterr().err


def test_an_empty_warehouse_gives_a_page_that_says_so(demo_report, tmp_path):
    with duckdb.connect(str(tmp_path / "empty.duckdb")) as connection:
        connection.execute(f"attach '{demo_report.duckdb_path}' as demo (read_only)")
        connection.execute("create schema gong_analytics")
        connection.execute("create schema gong_analytics_staging")
        for table in RELATIONS.values():
            source = f"demo.{relation_schema(table, demo_report.schema)}.{table}"
            target = f"{relation_schema(table, 'gong_analytics')}.{table}"
            connection.execute(f"create table {target} as select * from {source} limit 0")
        summary = write_report(connection, "gong_analytics", tmp_path / "empty.html")
    page = summary.path.read_text(encoding="utf-8")
    assert summary.calls == 0 and "No calls loaded yet" in page and page.count("No data in this period") == 5


@pytest.mark.parametrize("how", ["flag", "config"])
def test_run_writes_the_report_when_asked(demo_report, tmp_path, monkeypatch, capsys, how):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(demo_report.duckdb_path, warehouse)
    out = tmp_path / "run_report.html"
    spec = small_spec(n_calls=12, start=NOW - timedelta(days=3))
    with emulator(spec) as emu:
        for name, value in {
            "SOURCES__GONG__ACCESS_KEY": emu.access_key,
            "SOURCES__GONG__ACCESS_KEY_SECRET": emu.access_key_secret,
            "SOURCES__GONG__BASE_URL": emu.base_url,
            "SOURCES__GONG__RATE_LIMIT_PER_SECOND": "1000",
            **({"REPORT__PATH": str(out)} if how == "config" else {}),
        }.items():
            monkeypatch.setenv(name, value)
        flag = ["--report", str(out)] if how == "flag" else []
        args = [
            "run",
            "--duckdb",
            str(warehouse),
            "--skip-dbt",
            "--pipelines-dir",
            str(tmp_path / "p"),
            "--progress",
        ]
        assert main([*args, "--start-date", spec.start.isoformat(), *flag]) == 0
    assert f"gong-pipeline report ok: {out} ({_demo_calls(demo_report)} calls" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.postgres
def test_postgres_gives_the_same_report(demo_report, tmp_path, monkeypatch):
    require_postgres()
    dataset = unique_name("report")
    schema = analytics_schema(dataset)
    with duckdb.connect(str(demo_report.duckdb_path), read_only=True) as connection:
        duck = report_data(connection, demo_report.schema)
        tables = {
            t: connection.execute(
                f"select * from {relation_schema(t, demo_report.schema)}.{t}"
            ).to_arrow_table()
            for t in RELATIONS.values()
        }
    for target in {relation_schema(t, schema) for t in tables}:
        pipeline = dlt.pipeline(
            pipeline_name=f"{dataset}_{target}",
            destination=dlt.destinations.postgres(POSTGRES_URL),
            dataset_name=target,
            pipelines_dir=str(tmp_path / "copy"),
        )
        copied = [
            dlt.resource(rows, name=t) for t, rows in tables.items() if relation_schema(t, schema) == target
        ]
        pipeline.run(copied).raise_on_failed_jobs()
    try:
        with closing(psycopg2.connect(POSTGRES_URL)) as connection:
            postgres = report_data(connection, schema)
        assert postgres.weeks == duck.weeks
        for name, rows in duck.results.items():
            assert _sorted(postgres.results[name]) == [
                {k: pytest.approx(v) if isinstance(v, float) else v for k, v in row.items()}
                for row in _sorted(rows)
            ], name
        # `run --destination postgres --report` reads through dlt's SQL client.
        monkeypatch.setenv("DESTINATION__POSTGRES__CREDENTIALS", POSTGRES_URL)
        options = RunOptions(destination="postgres", dataset_name=dataset, pipelines_dir=str(tmp_path / "p"))
        summary = write_warehouse_report(options, str(tmp_path / "pg.html"))
        assert summary.calls == duck.kpis["calls"] and summary.path.is_file()
    finally:
        with closing(psycopg2.connect(POSTGRES_URL)) as connection, connection.cursor() as cursor:
            for target in (schema, f"{schema}_staging"):
                cursor.execute(f"drop schema if exists {target} cascade")
            connection.commit()


def _sorted(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows in one order whatever the engine's collation; Decimal as float."""
    plain = [{k: float(v) if isinstance(v, Decimal) else v for k, v in row.items()} for row in rows]
    return sorted(plain, key=lambda row: repr(sorted(row.items())))


def _demo_calls(demo_report: DemoReport) -> int:
    with duckdb.connect(str(demo_report.duckdb_path), read_only=True) as connection:
        (count,) = connection.execute(
            f"select count(*) from {demo_report.schema}.gong__call_talk_time"
        ).fetchall()[0]
    return int(count)


class _Markup(HTMLParser):
    """The page as a browser reads it: tags and attributes, style sheets, script bodies."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.css: list[str] = []
        self.link_values: list[str] = []
        self.tags_with_source: list[str] = []
        self.csp = ""
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        loads = tag in ("script", "img", "iframe", "link", "object", "embed", "audio", "video", "source")
        if loads and (values.get("src") or values.get("href") or values.get("data")):
            self.tags_with_source.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "action", "poster", "srcset", "data", "background"):
                self.link_values.append(value or "")
            if name == "style":
                self.css.append(value or "")
        if (values.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp = values.get("content") or ""
        self._open = tag if tag in ("script", "style") else None

    def handle_endtag(self, tag: str) -> None:
        self._open = None

    def handle_data(self, data: str) -> None:
        if self._open == "script":
            self.scripts.append(data)
        elif self._open == "style":
            self.css.append(data)
