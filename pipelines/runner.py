"""The scheduled job: plan windows from state, load them one by one, then build the dbt models.

Each window is its own `pipeline.run`, so its data and its state (the high-water mark, the
calls remembered for the lookback) commit together or not at all. A run that dies part-way
keeps every finished window, and the next run starts where the last committed one ended.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import dlt
import pendulum
from dlt.pipeline.exceptions import PipelineStepFailed

from gong_source import RESOURCE_NAMES, GongClient, GongConfig, RequestBudget, gong_source, settings
from gong_source.errors import DestinationUnavailableError, GongConfigError, GongError, redact
from gong_source.settings import CALLS_PATH, PAGE_SIZE
from gong_source.source import split_windows
from gong_source.timestamps import to_gong_filter, to_utc
from gong_source.values import setting_date, setting_number

from . import dbt_runner, defaults
from .destinations import check_destination, no_dbt_target

PIPELINE_NAME = "gong"
DEFAULT_DATASET = "gong"
DEFAULT_DUCKDB_PATH = "gong_warehouse.duckdb"
FULL_REFRESH_RESOURCES = ("users", "workspaces")
CALL_RESOURCES = tuple(name for name in RESOURCE_NAMES if name not in FULL_REFRESH_RESOURCES)
# Ten years covers any Gong tenant; a window under an hour only multiplies requests.
MAX_DAYS = 3650
MIN_WINDOW_DAYS = 1 / 24


@dataclass
class RunOptions:
    """What a run loads and where; the CLI fills it from flags and `.dlt/config.toml`."""

    destination: str = "duckdb"
    duckdb_path: str = DEFAULT_DUCKDB_PATH
    dataset_name: str = DEFAULT_DATASET
    pipeline_name: str = PIPELINE_NAME
    pipelines_dir: str | None = None
    start_date: datetime | str = settings.DEFAULT_START_DATE
    lookback_days: float = settings.DEFAULT_LOOKBACK_DAYS
    window_days: float = settings.DEFAULT_WINDOW_DAYS
    resources: Sequence[str] = RESOURCE_NAMES
    workspace_id: str | None = None
    include_private_calls: bool = False
    run_dbt: bool = True

    def __post_init__(self) -> None:
        unknown = sorted(set(self.resources) - set(RESOURCE_NAMES))
        if unknown:
            raise GongConfigError(
                f"unknown resource(s) {', '.join(unknown)}: choose from {', '.join(RESOURCE_NAMES)}"
            )
        self.start_date = setting_date(
            self.start_date, "start date (--start-date / SOURCES__GONG__START_DATE)"
        )
        if self.start_date > pendulum.now("UTC"):
            raise GongConfigError(f"start date {self.start_date.isoformat()} is in the future")
        setting_number(
            self.lookback_days, "--lookback-days / SOURCES__GONG__LOOKBACK_DAYS", low=0, high=MAX_DAYS
        )
        setting_number(
            self.window_days, "--window-days / SOURCES__GONG__WINDOW_DAYS", low=MIN_WINDOW_DAYS, high=MAX_DAYS
        )
        check_destination(self.destination, run_dbt=self.run_dbt)


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

    def add_rows(self, counts: dict[str, int]) -> None:
        for table, count in counts.items():
            self.rows[table] = self.rows.get(table, 0) + count

    def as_dict(self) -> dict[str, Any]:
        """The summary for machines (`gong-pipeline --json`)."""
        return asdict(self)

    def line(self) -> str:
        rows = " ".join(f"{table}={count}" for table, count in sorted(self.rows.items())) or "no rows"
        return (
            f"gong-pipeline {self.command} ok: windows {self.windows_done}/{self.windows_total}, {rows}, "
            f"requests {self.requests} (429s {self.throttled}, retries {self.retries}), "
            f"dbt {self.dbt}, {self.seconds:.1f}s"
        )


Progress = Callable[[str], None]


def run(options: RunOptions, config: GongConfig, progress: Progress = print) -> RunSummary:
    """Incremental load: from the last loaded window end minus the lookback, up to now."""
    pipeline = make_pipeline(options)
    finish_pending(pipeline)
    loaded_until = _state(pipeline).get("loaded_until")
    end = pendulum.now("UTC")
    start = (
        to_utc(loaded_until) - timedelta(days=options.lookback_days) if loaded_until else options.start_date
    )
    windows = split_windows(start, end, timedelta(days=options.window_days))
    with _gong_client(pipeline, config) as client:
        return _load_windows("run", pipeline, options, client, windows, progress)


def backfill(
    options: RunOptions, config: GongConfig, start: datetime, end: datetime, progress: Progress = print
) -> RunSummary:
    """Load a historical range window by window; a re-run skips the windows already committed."""
    start, end = to_utc(start, "backfill start"), to_utc(end, "backfill end")
    if start >= end:
        raise GongConfigError("backfill --start must be before --end")
    pipeline = make_pipeline(options)
    finish_pending(pipeline)
    windows = split_windows(start, end, timedelta(days=options.window_days))
    done_until = _state(pipeline).get("backfills", {}).get(_backfill_key(start, end))
    remaining = [w for w in windows if done_until is None or w[0] >= to_utc(done_until)]
    with _gong_client(pipeline, config) as client:
        if remaining:
            progress(estimate_backfill(client, remaining, options))
        return _load_windows(
            "backfill",
            pipeline,
            options,
            client,
            remaining,
            progress,
            backfill_key=_backfill_key(start, end),
            windows_total=len(windows),
        )


def estimate_backfill(
    client: GongClient, windows: list[tuple[datetime, datetime]], options: RunOptions
) -> str:
    """Requests and time a backfill will take, from one probe of how many calls the range holds."""
    probe = client.get(
        CALLS_PATH,
        {"fromDateTime": to_gong_filter(windows[0][0]), "toDateTime": to_gong_filter(windows[-1][1])},
    )
    calls = int(((probe or {}).get("records") or {}).get("totalRecords") or 0)
    endpoints = 1 + bool({"call_details", "parties", "call_speakers"} & set(options.resources))
    endpoints += "transcript_sentences" in options.resources
    # Every window pages on its own, so each endpoint costs at most one extra page per window.
    expected = endpoints * (math.ceil(calls / PAGE_SIZE) + len(windows))
    seconds = expected / client.config.rate_limit_per_second
    return (
        f"backfill plan: {len(windows)} window(s), about {calls} calls, at most {expected} requests, "
        f"about {timedelta(seconds=round(seconds))} at {client.config.rate_limit_per_second:g} requests/s"
    )


def make_pipeline(options: RunOptions) -> dlt.Pipeline:
    defaults.apply()
    if options.destination == "duckdb":
        destination: Any = dlt.destinations.duckdb(str(Path(options.duckdb_path).resolve()))
    else:
        destination = options.destination  # any dlt destination, configured the dlt way
    return dlt.pipeline(
        pipeline_name=options.pipeline_name,
        destination=destination,
        dataset_name=options.dataset_name,
        pipelines_dir=options.pipelines_dir,
    )


def finish_pending(pipeline: dlt.Pipeline) -> None:
    """Load what a killed run extracted but did not load, before planning anything new.

    This is also the first contact with the destination, so an unreachable one fails here,
    before any Gong request is spent.
    """
    try:
        pipeline.sync_destination()
    except Exception as error:
        name = pipeline.destination.destination_name
        raise DestinationUnavailableError(
            f"destination {name} is unreachable ({exit_message(error)}); check "
            f"DESTINATION__{name.upper()}__CREDENTIALS or [destination.{name}] in .dlt/secrets.toml"
        ) from None
    if pipeline.has_pending_data:
        pipeline.run().raise_on_failed_jobs()


# --------------------------------------------------------------------------------------------------
@contextmanager
def _gong_client(pipeline: dlt.Pipeline, config: GongConfig) -> Iterator[GongClient]:
    """A client whose request count is charged to the day's budget, saved even on failure."""
    budget = _DailyBudget(pipeline, config.daily_request_budget)
    try:
        with GongClient(config, budget=budget.budget) as client:
            yield client
    finally:
        budget.save()


def _load_windows(
    command: str,
    pipeline: dlt.Pipeline,
    options: RunOptions,
    client: GongClient,
    windows: list[tuple[datetime, datetime]],
    progress: Progress,
    *,
    backfill_key: str | None = None,
    windows_total: int | None = None,
) -> RunSummary:
    started = time.monotonic()
    summary = RunSummary(command, windows_total=windows_total or len(windows))
    summary.windows_done = summary.windows_total - len(windows)
    call_resources = [r for r in options.resources if r in CALL_RESOURCES]
    full_refresh = [r for r in options.resources if r in FULL_REFRESH_RESOURCES and command == "run"]
    for index, (window_start, window_end) in enumerate(windows):
        chosen = call_resources + (full_refresh if index == 0 else [])
        source = gong_source(
            window_start,
            window_end,
            client=client,
            window_days=options.window_days,
            lookback_days=options.lookback_days,
            include_private_calls=options.include_private_calls,
            workspace_id=options.workspace_id,
            backfill_key=backfill_key,
        ).with_resources(*chosen)
        summary.add_rows(_run_window(pipeline, source))
        summary.windows_done += 1
        _update(summary, client)
        progress(
            f"window {summary.windows_done}/{summary.windows_total} "
            f"[{window_start:%Y-%m-%d %H:%M} .. {window_end:%Y-%m-%d %H:%M}) "
            f"rows {sum(summary.rows.values())}, requests {summary.requests}, 429s {summary.throttled}"
        )
    if not windows and full_refresh:
        summary.add_rows(_run_window(pipeline, gong_source(client=client).with_resources(*full_refresh)))
        _update(summary, client)
    if options.run_dbt:
        result = dbt_runner.run_dbt(**dbt_target(pipeline, options))
        if not result.success:
            raise GongError(f"dbt build failed: {result.message}")
        summary.dbt = result.message
    summary.seconds = time.monotonic() - started
    return summary


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


def _state(pipeline: dlt.Pipeline) -> dict[str, Any]:
    return pipeline.state.get("sources", {}).get("gong", {})


def _backfill_key(start: datetime, end: datetime) -> str:
    return f"{start.isoformat()}/{end.isoformat()}"


def dbt_target(pipeline: dlt.Pipeline, options: RunOptions) -> dict[str, Any]:
    """dbt settings that point at the warehouse this pipeline just loaded."""
    if options.destination == "duckdb":
        env = {"GONG_DUCKDB_PATH": str(Path(options.duckdb_path).resolve())}
        return {"target": "duckdb", "raw_schema": options.dataset_name, "env": env}
    if options.destination == "postgres":
        credentials = pipeline.destination_client().config.credentials  # type: ignore[attr-defined]
        env = {
            "GONG_PG_HOST": str(credentials.host),
            "GONG_PG_PORT": str(credentials.port or 5432),
            "GONG_PG_USER": str(credentials.username),
            "GONG_PG_PASSWORD": str(credentials.password or ""),
            "GONG_PG_DATABASE": str(credentials.database),
        }
        return {"target": "postgres", "raw_schema": options.dataset_name, "env": env}
    raise no_dbt_target(options.destination)


class _DailyBudget:
    """Gong's daily quota spans runs, so the day's request count lives in the pipeline dir."""

    def __init__(self, pipeline: dlt.Pipeline, limit: int) -> None:
        self.path = Path(pipeline.working_dir) / "gong_request_usage.json"
        self.today = date.today().isoformat()
        used = 0
        if self.path.exists():
            try:
                used = int(json.loads(self.path.read_text()).get(self.today, 0))
            except (ValueError, AttributeError):
                used = 0
        self.budget = RequestBudget(limit, used=used)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps({self.today: self.budget.used}))


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
