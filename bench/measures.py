"""The five measures of docs/BENCHMARKS.md; each returns report rows measured in this run."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from gong_emulator import CallFilter, GongEmulator
from gong_source import GongConfig, settings, tables
from gong_source.timestamps import to_utc
from pipelines import runner
from pipelines.runner import RunOptions, RunSummary

from . import emulator
from .emulator import ACCESS_KEY, ACCESS_KEY_SECRET, Tenant
from .naive import naive_requests

UNLIMITED = 1e6  # requests/s for the client when the emulator's limit is off
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Row:
    """One line of the report: a value, what it is compared with, and the target."""

    key: str
    measure: str
    value: float
    unit: str
    reference: float
    reference_label: str
    ratio: float | None
    target: str
    met: bool | None
    note: str = ""


@dataclass
class Sizes:
    """Sizes of one bench run; `small()` keeps the whole run well under a minute."""

    request_calls: int = 2000
    quota_calls: int = 4500
    throughput_calls: int = 3334
    sentences_per_call: int = 300
    json_path_calls: int = 167
    rss_calls: tuple[int, int] = (334, 3334)

    @classmethod
    def small(cls) -> Sizes:
        return cls(
            request_calls=200,
            quota_calls=60,
            throughput_calls=60,
            sentences_per_call=50,
            json_path_calls=20,
            rss_calls=(20, 200),
        )


@dataclass
class Context:
    """Scratch directory and progress output shared by the measures."""

    workdir: Path
    say: Callable[[str], None] = print
    details: dict[str, Any] = field(default_factory=dict)


def _config(base_url: str, rate: float) -> GongConfig:
    return GongConfig(
        access_key=ACCESS_KEY,
        access_key_secret=ACCESS_KEY_SECRET,
        base_url=base_url,
        rate_limit_per_second=rate,
    )


def _options(ctx: Context, name: str, tenant: Tenant, window_days: float) -> RunOptions:
    return RunOptions(
        destination="duckdb",
        duckdb_path=str(ctx.workdir / f"{name}.duckdb"),
        dataset_name="gong",
        pipeline_name=f"bench_{name}",
        pipelines_dir=str(ctx.workdir / f"{name}_pipelines"),
        start_date=tenant.start,
        lookback_days=7,
        window_days=window_days,
        run_dbt=False,
    )


def _quiet(_: str) -> None:
    return None


# -- 1. requests ----------------------------------------------------------------------------------
def listed_windows(emu: GongEmulator) -> list[tuple[datetime, datetime]]:
    """The windows a run listed, read from the first page of each GET /v2/calls in the log."""
    windows = []
    for record in emu.requests:
        if record.method == "GET" and record.path == settings.CALLS_PATH and "cursor" not in record.query:
            windows.append((to_utc(record.query["fromDateTime"]), to_utc(record.query["toDateTime"])))
    return windows


def minimum_requests(
    emu: GongEmulator, windows: list[tuple[datetime, datetime]], *, transcripts: bool = True
) -> int:
    """Fewest requests that can load these windows: one page per 100 calls and endpoint.

    Listing a window costs at least one request even when it is empty; details and transcripts
    cost ceil(calls / 100) each (transcripts 0 when all are loaded); users page by 100; one
    workspaces request.
    """
    total = 1 + math.ceil(len(emu.company.users) / settings.PAGE_SIZE)
    for start, end in windows:
        flt = CallFilter(from_us=_us(start), to_us=_us(end))
        pages = math.ceil(emu.company.count(flt, now=emu.clock.now()) / settings.PAGE_SIZE)
        total += max(1, pages) + pages + (pages if transcripts else 0)
    return total


def _us(instant: datetime) -> int:
    return round(instant.timestamp() * 1_000_000)


def measure_requests(ctx: Context, n_calls: int) -> list[Row]:
    """Requests the pipeline uses vs the minimum and vs one-request-per-call."""
    tenant = Tenant(n_calls, sentences_per_call=5)
    with emulator.in_process(tenant) as emu:
        options = _options(ctx, "requests", tenant, window_days=settings.DEFAULT_WINDOW_DAYS)
        summary = runner.run(options, _config(emu.base_url, UNLIMITED), _quiet)
        log = emu.requests
        windows = listed_windows(emu)
        minimum = minimum_requests(emu, windows)
        used = len(log)
        emu.clear_requests()
        naive = naive_requests(emu.base_url, (ACCESS_KEY, ACCESS_KEY_SECRET), windows)
    by_endpoint = Counter(f"{r.method} {r.path}" for r in log)
    ctx.details["requests"] = {"by_endpoint": dict(by_endpoint), "windows": len(windows)}
    ctx.say(f"1. requests: {used} used, minimum {minimum}, naive {naive} ({len(windows)} windows)")
    note = f"{n_calls} calls, {len(windows)} windows of 7 days; client counted {summary.requests}"
    return [
        Row(
            "1a",
            "requests vs minimum",
            used,
            "requests",
            minimum,
            "minimum",
            used / minimum,
            "<= 1.02",
            used / minimum <= 1.02,
            note,
        ),
        Row(
            "1b",
            "requests vs naive client",
            used,
            "requests",
            naive,
            "naive (1 per call per endpoint)",
            used / naive,
            "(context)",
            None,
            f"naive: list pages + {2 * n_calls} per-call requests + users + workspaces",
        ),
    ]


# -- 2 and 5. under the quota ----------------------------------------------------------------------
def measure_quota(ctx: Context, n_calls: int) -> list[Row]:
    """Wall time at 3 requests/s vs the floor, 429s; then an immediate re-run (steady state)."""
    tenant = Tenant(n_calls, sentences_per_call=5)
    rate = settings.DEFAULT_RATE_LIMIT_PER_SECOND
    with emulator.in_process(tenant, rate_limit_per_second=rate) as emu:
        options = _options(ctx, "quota", tenant, window_days=30)
        config = _config(emu.base_url, rate)
        started = time.monotonic()
        summary = runner.run(options, config, _quiet)
        wall = time.monotonic() - started
        log = emu.requests
        throttled = max(summary.throttled, sum(1 for r in log if r.status == 429))
        windows = len(listed_windows(emu))
        floor = len(log) / rate
        ctx.say(f"2. quota: {len(log)} requests in {wall:.1f}s (floor {floor:.1f}s), 429s {throttled}")

        emu.clear_requests()
        started = time.monotonic()
        steady = runner.run(options, config, _quiet)
        steady_wall = time.monotonic() - started
        steady_log = emu.requests
        steady_windows = listed_windows(emu)
        steady_min = minimum_requests(emu, steady_windows, transcripts=False)
        steady_floor = len(steady_log) / rate
    by_endpoint = Counter(f"{r.method} {r.path}" for r in steady_log)
    ctx.details["steady"] = {"by_endpoint": dict(by_endpoint), "summary": steady.line()}
    ctx.say(f"5. steady: {len(steady_log)} requests (minimum {steady_min}) in {steady_wall:.1f}s")
    endpoints = ", ".join(f"{k.split()[1]} {v}" for k, v in sorted(by_endpoint.items()))
    return [
        Row(
            "2a",
            "wall time at 3 req/s vs floor",
            wall,
            "s",
            floor,
            f"floor = {len(log)} requests / 3",
            wall / floor,
            "<= 1.10",
            wall / floor <= 1.10,
            f"{n_calls} calls, {windows} window(s), dbt off; {_rows_note(summary)}",
        ),
        Row(
            "2b",
            "429 responses at 3 req/s",
            throttled,
            "429s",
            0,
            "zero",
            None,
            "= 0",
            throttled == 0,
            "client's count and the emulator's log (burst 3)",
        ),
        Row(
            "5a",
            "steady state (nothing new): requests",
            len(steady_log),
            "requests",
            steady_min,
            "minimum for the 7-day lookback",
            len(steady_log) / steady_min,
            "<= 1.02",
            len(steady_log) / steady_min <= 1.02,
            f"{endpoints}; transcripts already loaded are not asked for again",
        ),
        Row(
            "5b",
            "steady state (nothing new): wall time",
            steady_wall,
            "s",
            steady_floor,
            f"floor = {len(steady_log)} requests / 3",
            steady_wall / steady_floor,
            "<= floor + 5 s",
            steady_wall <= steady_floor + 5,
            f"immediate re-run of 2 (lookback 7 days, rate limit on); {_rows_note(steady)}",
        ),
    ]


def _rows_note(summary: RunSummary) -> str:
    return f"{sum(summary.rows.values())} rows"


# -- 3. throughput ---------------------------------------------------------------------------------
SENTENCE_COLUMNS = ", ".join(tables.TRANSCRIPT_SENTENCES.column_names)


def measure_throughput(ctx: Context, n_calls: int, sentences: int, json_calls: int) -> list[Row]:
    """Sentences/s end to end vs DuckDB's own Arrow load and vs dlt's default JSON path."""
    tenant = Tenant(n_calls, sentences)
    e2e_rate, e2e_rows, steps = _pipeline_rate(ctx, "throughput", tenant)
    arrow_rate = _arrow_direct_rate(ctx, ctx.workdir / "throughput.duckdb", e2e_rows)
    json_tenant = Tenant(json_calls, sentences, seed=12)
    with json_item_path():
        json_rate, json_rows, json_steps = _pipeline_rate(ctx, "json_path", json_tenant)
    ctx.details["throughput"] = {"arrow_steps": steps, "json_steps": json_steps}
    ctx.say(
        f"3. throughput: e2e {e2e_rate:,.0f}/s ({e2e_rows} sentences), arrow direct {arrow_rate:,.0f}/s, "
        f"default JSON path {json_rate:,.0f}/s ({json_rows} sentences)"
    )
    return [
        Row(
            "3a",
            "sentences/s end to end vs DuckDB from Arrow",
            e2e_rate,
            "sentences/s",
            arrow_rate,
            "DuckDB CREATE TABLE AS from an Arrow table",
            e2e_rate / arrow_rate,
            ">= 0.5",
            e2e_rate / arrow_rate >= 0.5,
            f"{e2e_rows} sentences, all tables loaded; steps {_steps(steps)}",
        ),
        Row(
            "3b",
            "sentences/s end to end vs dlt default JSON path",
            e2e_rate,
            "sentences/s",
            json_rate,
            f"same pipeline, row dicts + insert_values ({json_rows} sentences)",
            e2e_rate / json_rate,
            ">= 20",
            e2e_rate / json_rate >= 20,
            f"JSON path steps {_steps(json_steps)}",
        ),
    ]


def _steps(steps: list[dict[str, float]]) -> str:
    total: Counter[str] = Counter()
    for window in steps:
        total.update(window)
    return " ".join(f"{name} {seconds:.1f}s" for name, seconds in total.items())


def _pipeline_rate(ctx: Context, name: str, tenant: Tenant) -> tuple[float, int, list[dict[str, float]]]:
    """Sentences/s of one run (emulator in a child process, its limit off)."""
    with emulator.child_process(tenant) as base_url, traced_windows() as steps:
        options = _options(ctx, name, tenant, window_days=30)
        started = time.perf_counter()
        summary = runner.run(options, _config(base_url, UNLIMITED), _quiet)
        wall = time.perf_counter() - started
    rows = summary.rows.get("transcript_sentences", 0)
    return rows / wall, rows, steps


def _arrow_direct_rate(ctx: Context, warehouse: Path, expected: int) -> float:
    """DuckDB's own load speed for the same rows: Arrow table -> fresh DuckDB file."""
    with duckdb.connect(str(warehouse), read_only=True) as source:
        arrow = source.sql(f"SELECT {SENTENCE_COLUMNS} FROM gong.transcript_sentences").to_arrow_table()
    if arrow.num_rows != expected:
        raise AssertionError(f"warehouse holds {arrow.num_rows} sentences, the run reported {expected}")
    target = ctx.workdir / "arrow_direct.duckdb"
    with duckdb.connect(str(target)) as con:
        con.register("arrow_sentences", arrow)
        started = time.perf_counter()
        con.execute("CREATE TABLE transcript_sentences AS SELECT * FROM arrow_sentences")
        con.execute("CHECKPOINT")
        seconds = time.perf_counter() - started
    return arrow.num_rows / seconds


@contextmanager
def traced_windows() -> Iterator[list[dict[str, float]]]:
    """Record dlt's extract/normalize/load seconds per window, for the report's notes."""
    steps: list[dict[str, float]] = []
    original = runner._run_window

    def traced(pipeline: Any, source: Any) -> dict[str, int]:
        counts = original(pipeline, source)
        trace = pipeline.last_trace
        steps.append(
            {
                s.step: (s.finished_at - s.started_at).total_seconds()
                for s in trace.steps
                if s.step in ("extract", "normalize", "load")
            }
        )
        return counts

    runner._run_window = traced
    try:
        yield steps
    finally:
        runner._run_window = original


@contextmanager
def json_item_path() -> Iterator[None]:
    """Make the source yield row dicts instead of Arrow tables: dlt's default item path.

    dlt then runs its relational normalizer and, on DuckDB, loads `insert_values` files.
    """
    original_to_arrow = tables.Table.to_arrow
    original_from_columns = tables.Table.from_columns

    def to_rows(self: tables.Table, rows: Any) -> list[dict[str, Any]]:
        return [dict(row) for row in rows]

    def from_columns(self: tables.Table, columns: Any) -> list[dict[str, Any]]:
        names = list(columns)
        return [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]

    tables.Table.to_arrow = to_rows  # type: ignore[method-assign,assignment]
    tables.Table.from_columns = from_columns  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        tables.Table.to_arrow = original_to_arrow  # type: ignore[method-assign]
        tables.Table.from_columns = original_from_columns  # type: ignore[method-assign]


# -- 4. memory -------------------------------------------------------------------------------------
def measure_memory(ctx: Context, calls: tuple[int, int], sentences: int) -> list[Row]:
    """Peak RSS of `gong-pipeline run` in a child process at two data sizes, 10x apart."""
    peaks = [_peak_rss_mb(ctx, Tenant(n, sentences, seed=13 + i), f"rss_{n}") for i, n in enumerate(calls)]
    (small_mb, small_rows), (big_mb, big_rows) = peaks
    growth = big_mb / small_mb
    data_growth = big_rows / small_rows
    ctx.say(f"4. memory: {small_mb:.0f} MB at {small_rows} sentences, {big_mb:.0f} MB at {big_rows}")
    return [
        Row(
            "4a",
            f"peak RSS at {small_rows:,} sentences",
            small_mb,
            "MB",
            500,
            "500 MB",
            small_mb / 500,
            "< 500 MB",
            small_mb < 500,
            "whole `gong-pipeline run --skip-dbt` process (its VmHWM at exit)",
        ),
        Row(
            "4b",
            f"peak RSS at {big_rows:,} sentences",
            big_mb,
            "MB",
            500,
            "500 MB",
            big_mb / 500,
            "< 500 MB",
            big_mb < 500,
            "emulator in another process",
        ),
        Row(
            "4c",
            "peak RSS growth vs data growth",
            growth,
            "x",
            data_growth,
            f"data grew {data_growth:.0f}x",
            growth / data_growth,
            "< 1 (sublinear)",
            growth < data_growth,
            "",
        ),
    ]


def _peak_rss_mb(ctx: Context, tenant: Tenant, name: str) -> tuple[float, int]:
    with emulator.child_process(tenant) as base_url:
        env = {
            **os.environ,
            "RUNTIME__DLTHUB_TELEMETRY": "false",
            "SOURCES__GONG__ACCESS_KEY": ACCESS_KEY,
            "SOURCES__GONG__ACCESS_KEY_SECRET": ACCESS_KEY_SECRET,
            "SOURCES__GONG__BASE_URL": base_url,
            "SOURCES__GONG__RATE_LIMIT_PER_SECOND": str(UNLIMITED),
        }
        warehouse = ctx.workdir / f"{name}.duckdb"
        args = [
            sys.executable,
            "-m",
            "bench.peak",  # = python -m pipelines.cli, reporting its own peak RSS
            "run",
            "--skip-dbt",
            "--quiet",
            "--duckdb",
            str(warehouse),
            "--pipelines-dir",
            str(ctx.workdir / f"{name}_pipelines"),
            "--start-date",
            tenant.start.isoformat(),
            "--window-days",
            "30",
        ]
        peak_file = ctx.workdir / f"{name}.peak"
        env["BENCH_PEAK_RSS_FILE"] = str(peak_file)
        done = subprocess.run(
            args,
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"pipeline run for the memory measure failed: {done.stderr.strip()[-2000:]}")
    peak_kib = int(peak_file.read_text())
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("SELECT count(*) FROM gong.transcript_sentences").fetchone()
    return peak_kib / 1024, int(rows[0]) if rows else 0
