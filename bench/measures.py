"""The measures of docs/BENCHMARKS.md; each returns report rows measured in this run.

The pipeline is a black box: every measure runs `gong-pipeline run` or `backfill` (in this process
through `pipelines.cli.main`, or in a child process through `bench.probe`), configured only by
`SOURCES__GONG__*` variables and the committed `.dlt/config.toml`, and counts requests at the
server (the emulator's request log, the replay server's counters). Any sync engine behind that
command is measured the same way.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from gong_emulator import CompanySpec, RequestRecord
from gong_source import GongConfig, settings
from pipelines import cli

from . import emulator, profile
from .emulator import ACCESS_KEY, ACCESS_KEY_SECRET, ROOT, Tenant
from .replay import ReplayHandle, Selector, replay_server, selector_key, selector_of

UNLIMITED = 1e6  # requests/s for the client when the server does not limit
QUOTA_PER_DAY = GongConfig().daily_request_budget
RSS_HEADROOM_MB = 120


@dataclass
class Row:
    """One line of the report: a value, what it is compared with, and the target."""

    key: str
    measure: str
    value: float
    unit: str
    reference: float
    reference_label: str
    target: str
    met: bool | None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return self.value / self.reference if self.reference else None


@dataclass
class Sizes:
    """Tenant shapes of one bench run; `small()` keeps the whole run well under a minute."""

    first_load_calls: int = 3000
    steady_calls_per_day: tuple[int, ...] = (100, 1000, 3000)
    steady_hours: int = 24
    steady_history_days: float = 8.0  # covers a 7-day lookback
    steady_seconds: float = 120  # per tenant: past this, the day is extrapolated from the runs done
    # A backfill of several 7-day windows: start-up and the last window's load are paid once
    # (about a second), and the gaps between windows, if any, show.
    quota_calls: int = 12000
    quota_days: float = 24.0
    floor_calls: int = 10
    sentences_per_call: int = 300
    rss_calls: tuple[int, ...] = (334, 3334, 10000)  # 100,200 / 1,000,200 / 3,000,000 sentences

    @classmethod
    def small(cls) -> Sizes:
        return cls(
            first_load_calls=300,
            steady_calls_per_day=(100,),
            steady_hours=2,
            steady_history_days=2.0,
            steady_seconds=30,
            quota_calls=60,
            quota_days=6.0,
            sentences_per_call=50,
            rss_calls=(20, 200),
        )


@dataclass
class Context:
    """Scratch directory, progress output and facts shared by the measures."""

    workdir: Path
    say: Callable[[str], None] = print
    details: dict[str, Any] = field(default_factory=dict)
    selectors: list[Selector] = field(default_factory=list)  # the extensive bodies the pipeline sends


def gong_env(base_url: str, rate: float, start: datetime) -> dict[str, str]:
    """The pipeline's settings for one server; the daily budget is lifted so demand is counted."""
    return {
        "SOURCES__GONG__ACCESS_KEY": ACCESS_KEY,
        "SOURCES__GONG__ACCESS_KEY_SECRET": ACCESS_KEY_SECRET,
        "SOURCES__GONG__BASE_URL": base_url,
        "SOURCES__GONG__RATE_LIMIT_PER_SECOND": str(rate),
        "SOURCES__GONG__START_DATE": start.isoformat(),
        "SOURCES__GONG__DAILY_REQUEST_BUDGET": str(10**9),
    }


def warehouse_flags(ctx: Context, name: str) -> list[str]:
    """A fresh DuckDB file and dlt working dir per measure; dbt off."""
    return [
        "--skip-dbt",
        "--quiet",
        "--duckdb",
        str(ctx.workdir / f"{name}.duckdb"),
        "--pipelines-dir",
        str(ctx.workdir / f"{name}_pipelines"),
    ]


def run_cli(argv: Sequence[str], env: dict[str, str]) -> None:
    """`gong-pipeline ARGV` in this process with `env` set; raises with its stderr on failure."""
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(list(argv))
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    if code != 0:
        raise RuntimeError(f"gong-pipeline {argv[0]} failed: {err.getvalue().strip()[-2000:]}")


def table_rows(warehouse: Path, table: str) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        found = con.execute(f"SELECT count(*) FROM gong.{table}").fetchone()
    return int(found[0]) if found else 0


def _endpoints(log: Sequence[RequestRecord]) -> Counter[str]:
    return Counter(f"{r.method} {r.path}" for r in log)


def _endpoint_note(counts: Counter[str]) -> str:
    return ", ".join(f"{name.split()[1]} {count}" for name, count in sorted(counts.items()))


# -- 1. requests per 100 calls of a first load ---------------------------------------------------------
def extensive_selectors(log: Sequence[RequestRecord]) -> list[Selector]:
    """Each distinct extensive request body (minus filter and cursor) the pipeline sent."""
    found: dict[str, Selector] = {}
    for r in log:
        if r.path == settings.CALLS_EXTENSIVE_PATH and isinstance(r.json_body, dict):
            found.setdefault(selector_key(r.json_body), selector_of(r.json_body))
    return list(found.values())


def measure_first_load(ctx: Context, n_calls: int) -> list[Row]:
    """Requests per 100 calls of a first `run` against the floor: extensive pages + transcript batches."""
    tenant = Tenant(n_calls, sentences_per_call=5)
    warehouse = ctx.workdir / "first_load.duckdb"
    with emulator.in_process(tenant) as emu:
        run_cli(["run", *warehouse_flags(ctx, "first_load")], gong_env(emu.base_url, UNLIMITED, tenant.start))
        log = emu.requests
        users_pages = math.ceil(len(emu.company.users) / settings.PAGE_SIZE)
    loaded = table_rows(warehouse, "calls")
    if loaded != n_calls:
        raise AssertionError(f"the first load stored {loaded} calls of {n_calls}")
    ctx.selectors = extensive_selectors(log)
    counts = _endpoints(log)
    per_100 = (len(log) - users_pages - 1) * 100 / n_calls
    floor = 2 * math.ceil(n_calls / settings.PAGE_SIZE) * 100 / n_calls
    ctx.details["first_load"] = {"requests": len(log), "by_endpoint": dict(counts)}
    ctx.say(
        f"1. first load: {len(log)} requests for {n_calls} calls, {per_100:.2f} per 100 (floor {floor:.2f})"
    )
    return [
        Row(
            "1",
            "requests per 100 calls, first load",
            per_100,
            "requests",
            floor,
            "floor: extensive pages + transcript batches of 100",
            f"<= {1.02 * floor:.2f}",
            per_100 <= 1.02 * floor,
            f"{n_calls} calls over {tenant.days:g} days; {len(log)} requests: {_endpoint_note(counts)} "
            f"(users {users_pages} + workspaces 1 not counted per call)",
        )
    ]


# -- 2. steady state of hourly runs ------------------------------------------------------------------------
def measure_steady(
    ctx: Context, calls_per_day: tuple[int, ...], hours: int, history_days: float, budget_seconds: float
) -> list[Row]:
    """Requests per day of hourly `run`s after a first load, the emulator's and pipeline's clock advancing.

    A run that re-reads a long lookback costs a minute of CPU at 3,000 calls/day: when `hours` runs
    would outlast `budget_seconds`, the day is extrapolated from the runs done (the note says so).
    An engine whose hourly runs are cheap gets the whole simulated day, daily deep lookback included.
    """
    try:
        import time_machine
    except ImportError:
        raise RuntimeError("the steady-state measure needs time-machine: pip install -e '.[dev]'") from None
    rows = []
    for index, per_day in enumerate(calls_per_day):
        now = datetime.now().astimezone().replace(minute=0, second=0, microsecond=0)
        spec = CompanySpec(
            seed=31 + index,
            n_calls=round(per_day * (history_days + hours / 24)),
            sentences_per_call=3,
            start=now - timedelta(days=history_days),
            end=now + timedelta(hours=hours),
        )  # the emulator's default lags: late calls, late transcripts, private calls, comments
        name = f"steady_{per_day}"
        # everything enabled: the optional settings and day-windowed stats count toward the quota
        flags = ["run", "--resources", "all", *warehouse_flags(ctx, name)]
        with time_machine.travel(now, tick=True) as clock, emulator.in_process(spec) as emu:
            env = gong_env(emu.base_url, UNLIMITED, spec.start)
            run_cli(flags, env)  # the first load, not counted
            # Hours count from the end of the first load, so the last run is a whole day after
            # it and the daily deep lookback falls inside the day, however long the runs take.
            loaded = datetime.now().astimezone()
            emu.clear_requests()
            started = time.perf_counter()
            done = 0
            while done < hours and (done == 0 or time.perf_counter() - started < budget_seconds):
                done += 1
                clock.move_to(loaded + timedelta(hours=done))
                run_cli(flags, env)
            log = emu.requests
        seconds = time.perf_counter() - started
        per_day_requests = len(log) * 24 / done
        runs = (
            f"{done} hourly runs"
            if done == hours
            else f"{done} of {hours} hourly runs (time budget), x {24 / done:.1f}"
        )
        counts = _endpoints(log)
        ctx.details[name] = {"requests": len(log), "hours": done, "by_endpoint": dict(counts)}
        ctx.say(f"2. steady {per_day}/day: {len(log)} requests in {runs} ({seconds:.0f}s)")
        share = per_day_requests / QUOTA_PER_DAY
        rows.append(
            Row(
                f"2{'abc'[index]}",
                f"hourly runs, {per_day:,} calls/day: share of the daily quota",
                100 * share,
                "%",
                10,
                "10% of 10,000 requests/day",
                "<= 10%",
                share <= 0.10,
                f"{per_day_requests:,.0f} requests/day from {runs} after a {history_days:g}-day first load: "
                f"{_endpoint_note(counts)}",
            )
        )
    return rows


# -- 3. a backfill at 3 requests/s ------------------------------------------------------------------------
def measure_quota(ctx: Context, n_calls: int, days: float) -> list[Row]:
    """Wall time of `backfill` at Gong's 3 requests/s vs requests / 3, and the 429s it met."""
    tenant = Tenant(n_calls, sentences_per_call=5, days=days)
    defaults = GongConfig()
    rate = defaults.rate_limit_per_second
    end = tenant.end + timedelta(days=1)
    argv = ["backfill", "--start", tenant.start.isoformat(), "--end", end.isoformat()]
    with emulator.in_process(tenant, rate_limit_per_second=rate) as emu:
        started = time.perf_counter()
        run_cli([*argv, *warehouse_flags(ctx, "quota")], gong_env(emu.base_url, rate, tenant.start))
        wall = time.perf_counter() - started
        log = emu.requests
    throttled = sum(1 for r in log if r.status == 429)
    floor = len(log) / rate
    windows = math.ceil((end - tenant.start) / timedelta(days=defaults.window_days))  # default windows
    ctx.details["quota"] = {"requests": len(log), "wall": wall, "by_endpoint": dict(_endpoints(log))}
    ctx.say(f"3. quota: {len(log)} requests in {wall:.1f}s (requests / 3 = {floor:.1f}s), 429s {throttled}")
    return [
        Row(
            "3a",
            "backfill wall time at 3 requests/s",
            wall,
            "s",
            floor,
            f"{len(log)} requests / 3",
            "<= 1.02 x",
            wall <= 1.02 * floor,
            f"{n_calls} calls over {tenant.days:g} days ({windows} windows); whole command, "
            "emulator limiting at 3/s (burst 3)",
        ),
        Row("3b", "429 responses during that backfill", throttled, "429s", 0, "zero", "= 0", throttled == 0),
    ]


# -- 4 and 5. memory and CPU against the replay server ------------------------------------------------------
@dataclass
class ProbedRun:
    """One `gong-pipeline run --skip-dbt` child process against the replay server."""

    sentences: int
    peak_rss_mb: float
    cpu_seconds: float
    wall_seconds: float
    steps: dict[str, float]
    server_cpu_seconds: float
    requests: int


def probe_run(
    ctx: Context, name: str, tenant: Tenant, replay: ReplayHandle, wrap: Sequence[str] = ()
) -> ProbedRun:
    """Run the pipeline in a child (optionally under `wrap`, e.g. py-spy) and read what it cost."""
    facts_file = ctx.workdir / f"{name}.probe.json"
    env = {
        **os.environ,
        **gong_env(replay.base_url, UNLIMITED, tenant.start),
        "RUNTIME__DLTHUB_TELEMETRY": "false",
        "BENCH_PROBE_FILE": str(facts_file),
    }
    before = replay.stats()
    command = [*wrap, sys.executable, "-m", "bench.probe", "run", *warehouse_flags(ctx, name)]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    after = replay.stats()
    if done.returncode != 0:
        raise RuntimeError(
            f"gong-pipeline run against the replay server failed: {done.stderr.strip()[-2000:]}"
        )
    unrecorded = after["unrecorded"] - before["unrecorded"]
    if unrecorded:
        raise RuntimeError(
            f"the pipeline sent {unrecorded} request(s) the replay server never recorded "
            f"({after['by_endpoint']}): teach bench/replay.py to record that endpoint"
        )
    sentences = table_rows(ctx.workdir / f"{name}.duckdb", "transcript_sentences")
    if sentences != replay.sentences:
        raise AssertionError(
            f"{name}: loaded {sentences} sentences, the replay server holds {replay.sentences}"
        )
    facts = json.loads(facts_file.read_text())
    return ProbedRun(
        sentences=sentences,
        peak_rss_mb=facts["peak_rss_mb"],
        cpu_seconds=facts["cpu_seconds"],
        wall_seconds=facts["wall_seconds"],
        steps=facts["steps"],
        server_cpu_seconds=after["cpu_seconds"] - before["cpu_seconds"],
        requests=after["requests"] - before["requests"],
    )


def measure_connector(
    ctx: Context,
    floor_calls: int,
    rss_calls: tuple[int, ...],
    sentences_per_call: int,
    *,
    profile_top: int = 0,
) -> list[Row]:
    """Peak RSS against the floor, CPU-s per million sentences and the replay server's CPU share."""
    runs: dict[int, ProbedRun] = {}
    for index, n_calls in enumerate((floor_calls, *rss_calls)):
        tenant = Tenant(n_calls, sentences_per_call, seed=41 + index)
        with replay_server(tenant, ctx.selectors) as replay:
            ctx.say(f"4. replay: {replay.sentences:,} sentences recorded in {replay.record_seconds:.0f}s")
            runs[n_calls] = run = probe_run(ctx, f"rss_{n_calls}", tenant, replay)
            ctx.say(
                f"4. peak {run.peak_rss_mb:.0f} MB, {run.cpu_seconds:.1f} CPU-s, {run.wall_seconds:.1f}s wall"
            )
            if profile_top and index == len(rss_calls) // 2 + 1:
                ctx.details["profile"] = {
                    "sentences": run.sentences,
                    **profile.record(
                        ctx.workdir / "profile.txt",
                        lambda wrap: probe_run(ctx, "profile", tenant, replay, wrap),  # noqa: B023
                        profile_top,
                    ),
                }
    ctx.details["connector"] = {n: vars(run) for n, run in runs.items()}
    floor = runs[floor_calls]
    limit = floor.peak_rss_mb + RSS_HEADROOM_MB
    rows = [
        Row(
            "4a",
            f"peak RSS, process floor ({floor_calls} calls)",
            floor.peak_rss_mb,
            "MB",
            floor.peak_rss_mb,
            "itself",
            "(reference)",
            None,
            f"{floor.sentences:,} sentences",
        )
    ]
    for index, n_calls in enumerate(rss_calls):
        run = runs[n_calls]
        rows.append(
            Row(
                f"4{'bcd'[index]}",
                f"peak RSS at {run.sentences:,} sentences",
                run.peak_rss_mb,
                "MB",
                limit,
                f"floor + {RSS_HEADROOM_MB} MB",
                f"<= floor + {RSS_HEADROOM_MB} MB",
                run.peak_rss_mb <= limit,
                f"{n_calls} calls x {sentences_per_call} sentences over {Tenant.days:g} days; "
                f"`gong-pipeline run --skip-dbt` (VmHWM), replay server in another process",
            )
        )
    largest = runs[rss_calls[-1]]
    millions = largest.sentences / 1e6
    per_million = largest.cpu_seconds / millions
    steps = " ".join(
        f"{step} {largest.steps[f'{step}_cpu'] / millions:.1f}" for step in ("extract", "normalize", "load")
    )
    others = largest.cpu_seconds - sum(largest.steps[f"{s}_cpu"] for s in ("extract", "normalize", "load"))
    marginal = {
        runs[n].sentences: (runs[n].cpu_seconds - floor.cpu_seconds)
        * 1e6
        / (runs[n].sentences - floor.sentences)
        for n in rss_calls
    }
    above_floor = ", ".join(f"{sentences:,} {cpu:.1f}" for sentences, cpu in marginal.items())
    server_cpu = sum(r.server_cpu_seconds for r in runs.values())
    pipeline_cpu = sum(r.cpu_seconds for r in runs.values())
    share = 100 * server_cpu / (server_cpu + pipeline_cpu)
    return [
        *rows,
        Row(
            "5a",
            "CPU seconds per million sentences, end to end",
            per_million,
            "CPU-s",
            20,
            "20 CPU-s",
            "<= 20",
            per_million <= 20,
            f"run of {largest.sentences:,} sentences, every table, {largest.wall_seconds:.0f}s wall; "
            f"per million: {steps}, outside the steps {others / millions:.1f} (start-up, planning); "
            f"per million above the floor run, by size: {above_floor}",
        ),
        Row(
            "5b",
            "replay server's share of the runs' CPU",
            share,
            "%",
            5,
            "5%",
            "<= 5%",
            share <= 5,
            f"server {server_cpu:.1f} CPU-s, pipeline {pipeline_cpu:.1f} CPU-s in the {len(runs)} runs of 4",
        ),
    ]
