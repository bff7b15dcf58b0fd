"""The scheduled job: commit window by window, then build the dbt models.

The source plans its own windows (`gong_source.sync`); the job's part is to commit each one
as its own `pipeline.run`, so its data and its state (the high-water marks, the pass progress)
commit together or not at all. A run that dies part-way keeps every finished window, and the
next run starts where the last committed one ended.
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import dlt
import duckdb
import pendulum
from dlt.common.schema.typing import MERGE_DISPOSITION_HINTS
from dlt.pipeline.exceptions import PipelineStepFailed

from gong_source import DEFAULT_RESOURCES, RESOURCE_NAMES, GongClient, GongConfig, gong_source
from gong_source.budget import DailyBudget
from gong_source.endpoints import ENDPOINTS, Scope, call_scoped_tables, table_names, window_endpoint
from gong_source.errors import DestinationUnavailableError, GongConfigError, GongError, redact
from gong_source.records import ShapingReport
from gong_source.settings import PAGE_SIZE
from gong_source.sync import Plan, SyncState, Window, WindowKind, plan_days, plan_windows, split
from gong_source.timestamps import to_gong_filter, to_utc

from . import dbt_runner, defaults
from .destinations import check_destination, no_dbt_target

logger = logging.getLogger(__name__)

PIPELINE_NAME = "gong"
DEFAULT_DATASET = "gong"
DEFAULT_DUCKDB_PATH = "gong_warehouse.duckdb"
# read once per run, in its first load: the snapshots and the day-windowed stats (not in a backfill)
SNAPSHOT_RESOURCES = table_names(ENDPOINTS, Scope.SNAPSHOT, Scope.DAYS)
CALL_RESOURCES = table_names(ENDPOINTS, Scope.WINDOW, Scope.CALLS)


@dataclass
class RunOptions:
    """Where a run loads and what it selects; Gong's own settings live in `GongConfig`."""

    destination: str = "duckdb"
    duckdb_path: str = DEFAULT_DUCKDB_PATH
    dataset_name: str = DEFAULT_DATASET
    pipeline_name: str = PIPELINE_NAME
    pipelines_dir: str | None = None
    resources: Sequence[str] = DEFAULT_RESOURCES
    run_dbt: bool = True

    def __post_init__(self) -> None:
        unknown = sorted(set(self.resources) - set(RESOURCE_NAMES))
        if unknown:
            raise GongConfigError(
                f"unknown resource(s) {', '.join(unknown)}: choose from {', '.join(RESOURCE_NAMES)}"
            )
        check_destination(self.destination, run_dbt=self.run_dbt)

    @property
    def duckdb_file(self) -> str:
        """The DuckDB warehouse as an absolute path: dlt, the runner and dbt open this one file."""
        return str(Path(self.duckdb_path).resolve())

    @property
    def full(self) -> bool:
        """Every call-scoped table selected: only then are deletions and deep passes applied."""
        return {t.name for t in call_scoped_tables()} <= set(self.resources)


@dataclass
class RunSummary:
    """What a run did; `line()` is the one log line per run."""

    command: str
    windows_done: int = 0
    windows_total: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    throttled: int = 0
    retries: int = 0
    seconds: float = 0.0
    dbt: str = "skipped"
    # what shaping replaced or skipped (NUL characters, speakers without id) and repaired bodies
    repairs: dict[str, int] = field(default_factory=dict)

    def add_rows(self, counts: dict[str, int]) -> None:
        for table, count in counts.items():
            self.rows[table] = self.rows.get(table, 0) + count

    def window_line(self, window: Window) -> str:
        """The progress line after each committed window."""
        return (
            f"window {self.windows_done}/{self.windows_total} {window.describe()} "
            f"rows {sum(self.rows.values())}, requests {self.requests}, 429s {self.throttled}"
        )

    def as_dict(self) -> dict[str, Any]:
        """The summary for machines (`gong-pipeline --json`)."""
        return asdict(self)

    def line(self) -> str:
        rows = " ".join(f"{table}={count}" for table, count in sorted(self.rows.items())) or "no rows"
        repairs = "".join(f"{name} {count}, " for name, count in sorted(self.repairs.items()) if count)
        return (
            f"gong-pipeline {self.command} ok: windows {self.windows_done}/{self.windows_total}, {rows}, "
            f"requests {self.requests} (429s {self.throttled}, retries {self.retries}), "
            f"{repairs}dbt {self.dbt}, {self.seconds:.1f}s"
        )


Progress = Callable[[str], None]


def run(
    options: RunOptions, config: GongConfig, progress: Progress = print, until: datetime | None = None
) -> RunSummary:
    """Incremental load: every window the source plans up to `until` (now), one commit each."""
    pipeline = make_pipeline(options)
    finish_pending(pipeline)
    with _gong_client(pipeline, config) as client:
        end = to_utc(until) if until is not None else pendulum.now("UTC")
        return _load_windows("run", pipeline, options, config, client, end, progress)


def backfill(
    options: RunOptions, config: GongConfig, start: datetime, end: datetime, progress: Progress = print
) -> RunSummary:
    """Load a historical range window by window; a re-run skips the windows already committed."""
    start, end = to_utc(start, "backfill start"), to_utc(end, "backfill end")
    if start >= end:
        raise GongConfigError("backfill --start must be before --end")
    pipeline = make_pipeline(options)
    finish_pending(pipeline)
    with _gong_client(pipeline, config) as client:
        remaining = plan(pipeline, options, config, end, backfill=(start, end))
        if remaining:
            progress(estimate_backfill(client, remaining, options))
        return _load_windows(
            "backfill", pipeline, options, config, client, end, progress, backfill_range=(start, end)
        )


def plan(
    pipeline: dlt.Pipeline,
    options: RunOptions,
    config: GongConfig,
    until: datetime,
    backfill: tuple[datetime, datetime] | None = None,
) -> Plan:
    """The windows the source would read now, from the pipeline's committed state (none when
    no call table is selected: nothing would read them, so the job would never get past them)."""
    wanted = [r for r in options.resources if r in CALL_RESOURCES]
    if not wanted:
        return Plan()
    state = _source_state(pipeline)
    return plan_windows(state, config, until, wanted, full=options.full, backfill=backfill)


def _source_state(pipeline: dlt.Pipeline) -> SyncState:
    """The source state the pipeline last committed (read-only use: planning)."""
    return SyncState(pipeline.state.get("sources", {}).get(pipeline.default_schema_name or "gong", {}))


def describe_plan(options: RunOptions, config: GongConfig, progress: Progress = print) -> Plan:
    """`run --plan`: what a run would read, from local state, without sending a request."""
    pipeline = make_pipeline(options)
    planned = plan(pipeline, options, config, pendulum.now("UTC"))
    snapshots = [r for r in options.resources if r in SNAPSHOT_RESOURCES]
    # one request at least per snapshot endpoint with a selected table, and per day window
    snapshot_requests = sum(
        1 for e in ENDPOINTS if e.scope is Scope.SNAPSHOT and set(e.table_names) & set(options.resources)
    )
    day_requests = _day_requests(pipeline, options, config)
    for window in planned:
        progress(f"  {window.describe()}")
    listing = len([w for w in planned if w.kind is not WindowKind.RECONCILE])
    progress(
        f"plan: {len(planned)} window(s) ({listing} with content), "
        f"snapshots {', '.join(snapshots) or 'none'}; "
        f"at least {len(planned) + snapshot_requests + day_requests} requests: 1 per window and per "
        "100 calls listed, 1 per 100 calls whose transcript is still missing, 1 per 100 users, "
        f"1 per settings endpoint, {day_requests} for the day-windowed stats (1 per day window and 100 items)"
    )
    return planned


def _day_requests(pipeline: dlt.Pipeline, options: RunOptions, config: GongConfig) -> int:
    """Day windows the selected day-windowed tables still need (at least 1 request each)."""
    state = _source_state(pipeline)
    now = pendulum.now("UTC")
    return sum(
        len(plan_days(state, config, now, table, e.one_day_per_request))
        for e in ENDPOINTS
        if e.scope is Scope.DAYS
        for table in e.table_names
        if table in options.resources
    )


def estimate_backfill(client: GongClient, windows: Plan, options: RunOptions) -> str:
    """Requests and time a backfill will take, from one probe of how many calls the range holds."""
    listing = window_endpoint(ENDPOINTS)
    body = {
        "filter": {
            "fromDateTime": to_gong_filter(windows.windows[0].start),
            "toDateTime": to_gong_filter(windows.windows[-1].end),
        }
    }
    probe = client.post(listing.path, json=body)
    calls = int(((probe or {}).get("records") or {}).get("totalRecords") or 0)
    endpoints = sum(
        1
        for e in ENDPOINTS
        if e.scope in (Scope.WINDOW, Scope.CALLS) and set(e.table_names) & set(options.resources)
    )
    # Every window pages on its own, so each endpoint costs at most one extra page per window.
    expected = endpoints * (math.ceil(calls / PAGE_SIZE) + len(windows))
    seconds = expected / client.config.rate_limit_per_second
    return (
        f"backfill plan: {len(windows)} window(s), about {calls} calls, at most {expected} requests, "
        f"about {pendulum.duration(seconds=round(seconds)).in_words()} at "
        f"{client.config.rate_limit_per_second:g} requests/s"
    )


def make_pipeline(options: RunOptions) -> dlt.Pipeline:
    defaults.apply()
    if options.destination == "duckdb":
        destination: Any = dlt.destinations.duckdb(options.duckdb_file)
    else:
        destination = options.destination  # any dlt destination, configured the dlt way
    return dlt.pipeline(
        pipeline_name=options.pipeline_name,
        destination=destination,
        dataset_name=options.dataset_name,
        pipelines_dir=options.pipelines_dir,  # type: ignore[arg-type]  # None: dlt's default dir
        progress=defaults.ReturnFreedMemory(),
    )


def finish_pending(pipeline: dlt.Pipeline) -> None:
    """Load what a killed or failed run extracted but did not load, before planning anything new.

    A package the destination refuses again is discarded and the pipeline's state rewound to
    before it (dlt's `abort_packages`), so its window is read again: a bad package never wedges
    later runs, and no mark moves past data that did not load. This is also the first contact
    with the destination, so an unreachable one fails here, before any Gong request is spent.
    """
    try:
        pipeline.sync_destination()
    except Exception as error:
        name = pipeline.destination.destination_name
        raise DestinationUnavailableError(
            f"destination {name} is unreachable ({exit_message(error)}); check "
            f"DESTINATION__{name.upper()}__CREDENTIALS or [destination.{name}] in .dlt/secrets.toml"
        ) from None
    if not pipeline.has_pending_data:
        return
    _dedup_cut_off_packages(pipeline)
    try:
        pipeline.run().raise_on_failed_jobs()
    except PipelineStepFailed as failed:
        if failed.step != "load":
            raise
        # Retried once and refused again (text Postgres cannot store, a constraint): loading it
        # a third time would fail the same way, so it is discarded and the window read again.
        pipeline.abort_packages()
        logger.warning(
            "a load package the destination refused twice was discarded (%s); its window is read again",
            exit_message(failed),
        )


def _dedup_cut_off_packages(pipeline: dlt.Pipeline) -> None:
    """Switch dlt's dedup of the staged rows back on in a package whose load was cut off mid-job.

    The call tables skip it (`Table.resource_hints`), but a copy job killed after its copy into
    staging committed, before dlt marked it done, runs again on resume and stages its rows twice;
    only the dedup on the primary key keeps one of each (tests/reliability/test_kill.py).
    """
    packages = pipeline._get_load_storage().normalized_packages  # dlt has no public accessor
    hint = MERGE_DISPOSITION_HINTS["deduplicated"]
    for load_id in packages.list_packages():
        if packages.list_started_jobs(load_id):
            schema = packages.load_schema(load_id)
            for table in schema.tables.values():
                table.pop(hint, None)  # type: ignore[misc]
            packages.save_schema(load_id, schema)


# --------------------------------------------------------------------------------------------------
@contextlib.contextmanager
def _gong_client(pipeline: dlt.Pipeline, config: GongConfig) -> Iterator[GongClient]:
    """A client whose request count is charged to the day's budget, saved even on failure."""
    budget = DailyBudget.for_pipeline(pipeline, config)
    try:
        with GongClient(config, budget=budget.budget) as client:
            yield client
    finally:
        budget.save()


def _load_windows(
    command: str,
    pipeline: dlt.Pipeline,
    options: RunOptions,
    config: GongConfig,
    client: GongClient,
    until: datetime,
    progress: Progress,
    *,
    backfill_range: tuple[datetime, datetime] | None = None,
) -> RunSummary:
    started = time.monotonic()
    call_resources = [r for r in options.resources if r in CALL_RESOURCES]
    snapshots = [r for r in options.resources if r in SNAPSHOT_RESOURCES and backfill_range is None]
    remaining = plan(pipeline, options, config, until, backfill_range)
    summary = RunSummary(command, windows_total=len(remaining))
    report = ShapingReport()
    if backfill_range is not None:  # count the windows an interrupted backfill already committed
        summary.windows_total = len(split(*backfill_range, config.window_days))
        summary.windows_done = summary.windows_total - len(remaining)
    first = True
    with contextlib.closing(_KeptOpen(options)) as warehouse:
        while remaining or (first and snapshots):
            chosen = call_resources + (snapshots if first else [])
            source = gong_source(
                config=config,
                client=client,
                until=until,
                max_windows=1,
                backfill=backfill_range,
                report=report,
            ).with_resources(*chosen)
            summary.add_rows(_run_window(pipeline, source))
            warehouse.checkpoint()
            _update(summary, client)
            if remaining:
                summary.windows_done += 1
                progress(summary.window_line(remaining.windows[0]))
            first = False
            remaining = plan(pipeline, options, config, until, backfill_range)
    summary.repairs = {**report.counts(), "repaired_responses": client.stats.repaired_responses}
    for table, markers in report.markers().items():  # rows stored, not rows sent
        summary.rows[table] = summary.rows.get(table, 0) - markers
    summary.rows = {table: count for table, count in summary.rows.items() if count}
    if options.run_dbt:
        result = dbt_runner.run_dbt(**dbt_target(pipeline, options))
        if not result.success:
            raise GongError(f"dbt build failed: {result.message}")
        summary.dbt = result.message
    summary.seconds = time.monotonic() - started
    return summary


class _KeptOpen:
    """One connection that keeps a DuckDB warehouse open from a run's first window to its last.

    dlt closes the database (a checkpoint) whenever its last connection is returned and opens
    it again (reading the catalog) for the next, many times per load with parallel jobs: that
    was a third of a window's load (docs/BENCHMARKS.md), and the tail of a run at 3 requests/s
    pays it. DuckDB shares one open database among a process's connections to the same file,
    so the one held here keeps it open; `checkpoint()` after each window writes what the window
    stored, as the close did, while the next window's listing is read ahead. Closed before dbt
    opens the file. Other destinations need none of this.
    """

    def __init__(self, options: RunOptions) -> None:
        self._connection = duckdb.connect(options.duckdb_file) if options.destination == "duckdb" else None

    def checkpoint(self) -> None:
        if self._connection is not None:
            self._connection.execute("CHECKPOINT")

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()


def _run_window(pipeline: dlt.Pipeline, source: Any) -> dict[str, int]:
    try:
        pipeline.run(source).raise_on_failed_jobs()
    except PipelineStepFailed as failed:
        cause = _innermost(failed)
        if isinstance(cause, GongError):
            raise cause from failed  # callers handle Gong's errors, not dlt's wrapping of them
        raise
    normalize_info = pipeline.last_trace.last_normalize_info if pipeline.last_trace else None
    counts = dict(normalize_info.row_counts) if normalize_info else {}
    return {table: count for table, count in counts.items() if not table.startswith("_dlt")}


def _update(summary: RunSummary, client: GongClient) -> None:
    summary.requests = client.stats.requests
    summary.throttled = client.stats.throttled
    summary.retries = client.stats.retries


def dbt_target(pipeline: dlt.Pipeline, options: RunOptions) -> dict[str, Any]:
    """dbt settings that point at the warehouse this pipeline just loaded.

    dbt's artifacts go to the pipeline's own working dir, so tenants side by side never share
    (or overwrite) one `run_results.json`.
    """
    own = {
        "target_path": Path(pipeline.working_dir) / "dbt" / "target",
        "log_path": Path(pipeline.working_dir) / "dbt" / "logs",
    }
    if options.destination == "duckdb":
        env = {"GONG_DUCKDB_PATH": options.duckdb_file}
        return {"target": "duckdb", "raw_schema": options.dataset_name, "env": env, **own}
    if options.destination == "postgres":
        credentials: Any = pipeline.destination_client().config.credentials  # type: ignore[attr-defined]
        env = {
            "GONG_PG_HOST": str(credentials.host),
            "GONG_PG_PORT": str(credentials.port or 5432),
            "GONG_PG_USER": str(credentials.username),
            "GONG_PG_PASSWORD": str(credentials.password or ""),
            "GONG_PG_DATABASE": str(credentials.database),
        }
        return {"target": "postgres", "raw_schema": options.dataset_name, "env": env, **own}
    raise no_dbt_target(options.destination)


def _innermost(error: BaseException) -> BaseException:
    """The Gong error inside dlt's wrappers, else the deepest cause."""
    root = error
    while not isinstance(root, GongError):
        inner = getattr(root, "exception", None) if isinstance(root, PipelineStepFailed) else None
        inner = inner or root.__cause__ or root.__context__
        if inner is None:
            break
        root = inner
    return root


def exit_message(error: BaseException, secrets: Sequence[str] = ()) -> str:
    """The one-line reason a run failed, from the innermost Gong error when there is one."""
    root = _innermost(error)
    text = redact(str(root), secrets) or type(root).__name__
    return text if isinstance(root, GongError) else f"{type(root).__name__}: {text}"[:600]
