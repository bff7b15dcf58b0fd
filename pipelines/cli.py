"""`gong-pipeline`: the command cron or an orchestrator runs.

Exit code 0 with one summary line on success; non-zero with one line naming what to fix on
failure. Progress lines go to stderr when it is a terminal (or with --progress).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn
from unittest import mock

os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")

import dlt
import duckdb

from gong_source import DEFAULT_RESOURCES, RESOURCE_NAMES, GongConfig
from gong_source.config import configured_secrets
from gong_source.errors import ExitCode, GongConfigError, exit_code, settings_file_error
from gong_source.values import setting_date, setting_number

from . import defaults
from . import demo as demo_module
from . import report as report_module
from .runner import RunOptions, RunSummary, backfill, describe_plan, exit_message, run
from .tenants import Tenant, configured_tenants, last_run

# Loggers --log-level reaches besides dlt's (which dlt configures from RUNTIME__LOG_LEVEL).
_OWN_LOGGERS = ("gong_source", "gong_actions", "pipelines")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def main(argv: Sequence[str] | None = None) -> int:
    defaults.tune_process()
    try:
        args = _parser().parse_args(argv)
    except SystemExit as done:  # --help, --version, or a bad flag (one line already printed)
        return done.code if isinstance(done.code, int) else ExitCode.CONFIG
    with _settled_logging(args), _interrupts() as interrupted:
        try:
            summary = _execute(args)
            if interrupted():  # a Ctrl-C that some library caught and dropped still stops the job
                raise KeyboardInterrupt
        except (Exception, KeyboardInterrupt) as error:
            return _report_failure(args, error)
    if summary is not None:
        print(json.dumps(_json_summary(summary)) if args.json else summary.line(), flush=True)
    return ExitCode.OK


def _execute(args: argparse.Namespace) -> RunSummary | None:
    progress = _progress(args)
    if args.command == "demo":
        demo_module.demo(
            duckdb_path=args.duckdb or demo_module.DEFAULT_PATH,
            calls=args.calls,
            sentences_per_call=args.sentences,
            seed=args.seed,
            progress=progress,
        )
        return None
    if args.command == "tenants":
        for tenant in [Tenant(), *configured_tenants()]:
            print(
                f"{tenant.name or '(default)'}: [sources.{tenant.section}], pipeline {tenant.pipeline_name}, "
                f"dataset {tenant.dataset_name}, last run {last_run(tenant, args.pipelines_dir)}"
            )
        return None
    if args.command == "report":
        out = args.out or dlt.config.get("report.path", str) or report_module.DEFAULT_REPORT_PATH
        print(report_module.write_warehouse_report(_report_options(args), out, args.weeks).line())
        return None
    options = _options(args)
    config = _gong_config(args)
    if args.command == "run" and args.plan:
        describe_plan(options, config, lambda line: print(line, flush=True))
        return None
    with _removed_if_left_empty(options):
        if args.command == "run":
            summary = run(options, config, progress)
        else:
            summary = backfill(options, config, args.start, args.end, progress)
    report_path = (args.report or dlt.config.get("report.path", str)) if args.command == "run" else None
    if report_path:
        progress(report_module.write_warehouse_report(options, report_path).line())
    return summary


def _report_failure(args: argparse.Namespace, error: BaseException) -> int:
    """One line on stderr (and the JSON object on stdout with --json); the exit code by cause."""
    code = exit_code(error)
    if code == ExitCode.INTERRUPTED:
        message = "interrupted; committed windows are kept, re-run to resume"
    else:
        message = exit_message(settings_file_error(error) or error, _configured_secrets())
    print(f"gong-pipeline {args.command} failed: {message}", file=sys.stderr, flush=True)
    if getattr(args, "json", False):
        print(json.dumps({"command": args.command, "status": "failed", "exit_code": code, "error": message}))
    return code


def _json_summary(summary: RunSummary) -> dict[str, Any]:
    return {**summary.as_dict(), "status": "ok", "exit_code": ExitCode.OK}


def _configured_secrets() -> tuple[str, ...]:
    """The secrets to scrub from a message; none can be read when the settings file is broken."""
    try:
        return configured_secrets()
    except Exception:
        return ()


@contextmanager
def _interrupts() -> Iterator[Callable[[], bool]]:
    """Ctrl-C raises KeyboardInterrupt wherever the job is, and is remembered even if swallowed.

    dlt's own handler defers SIGINT during normalize and load and forgets it when the step ends,
    so a Ctrl-C there could let the run finish with 0; it is switched off for the job.
    """
    received: list[int] = []

    def on_sigint(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield lambda: False
        return
    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        with mock.patch.dict(os.environ, RUNTIME__INTERCEPT_SIGNALS="false"):
            yield lambda: bool(received)
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def _settled_logging(args: argparse.Namespace) -> Iterator[None]:
    """--log-level for this package and dlt alike; --quiet leaves only errors, warnings included."""
    level = args.log_level or ("ERROR" if args.quiet else None)
    if level is None:
        yield
        return
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in _OWN_LOGGERS:
        logging.getLogger(name).setLevel(level)
    with mock.patch.dict(os.environ, RUNTIME__LOG_LEVEL=level), warnings.catch_warnings():
        if args.quiet:
            warnings.simplefilter("ignore")
        yield


@contextmanager
def _removed_if_left_empty(options: RunOptions) -> Iterator[None]:
    """A DuckDB file this run created is deleted again if the run fails before loading began.

    A wrong secret or a quota spent on the first request would otherwise leave an empty
    warehouse behind. A file that existed before, or that has any table beyond dlt's
    bookkeeping (a load had started: its package must find them on the next run), is kept.
    """
    path = Path(options.duckdb_file) if options.destination == "duckdb" else None
    created = path is not None and not path.exists()
    try:
        yield
    except BaseException:
        if created and path is not None and path.exists() and _only_bookkeeping(path):
            for leftover in (path, path.with_name(path.name + ".wal")):
                leftover.unlink(missing_ok=True)
        raise


def _only_bookkeeping(path: Path) -> bool:
    """Whether the DuckDB file holds nothing but dlt's `_dlt_*` tables."""
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            tables = con.execute("select table_name from information_schema.tables").fetchall()
    except duckdb.Error:
        return False  # unreadable: not ours to judge, keep it
    return all(name.startswith("_dlt") for (name,) in tables)


# Flags that set a `GongConfig` field (named there); a flag not given leaves the configured value.
_SOURCE_FLAGS = {flag.lstrip("-").replace("-", "_"): field for field, flag in GongConfig.FLAGS.items()}
# Flags that set a job option, with the dlt config key that holds it otherwise.
_JOB_FLAGS = {
    "destination": ("destination", "pipeline.destination"),
    "duckdb": ("duckdb_path", "pipeline.duckdb_path"),
    "dataset": ("dataset_name", "pipeline.dataset_name"),
}


def _tenant(args: argparse.Namespace) -> Tenant:
    return Tenant(getattr(args, "tenant", None))


def _gong_config(args: argparse.Namespace) -> GongConfig:
    given = {field: getattr(args, flag) for flag, field in _SOURCE_FLAGS.items()}
    try:
        config = GongConfig.from_dlt(_tenant(args).section, **given)
        config.check_credentials()
        return config
    except GongConfigError as error:
        if "credentials missing" in str(error):
            raise GongConfigError(f"{error}; or try `gong-pipeline demo` (no Gong account needed)") from None
        raise


def _job_values(args: argparse.Namespace) -> dict[str, Any]:
    """Flags, else `[pipeline]` settings; a tenant's pipeline and dataset are its own."""
    tenant = _tenant(args)
    values: dict[str, Any] = {}
    if tenant.name is not None:
        values.update(pipeline_name=tenant.pipeline_name, dataset_name=tenant.dataset_name)
    for flag, (option, key) in _JOB_FLAGS.items():
        value = getattr(args, flag)
        if value is None and option not in values:
            value = dlt.config.get(key, str)
        if value is not None:
            values[option] = value
    return values


def _options(args: argparse.Namespace) -> RunOptions:
    """Flags win over env vars and `.dlt/config.toml`, which win over RunOptions' defaults."""
    values = _job_values(args)
    resources = [r.strip() for r in args.resources.split(",") if r.strip()] if args.resources else None
    if resources == ["all"]:
        resources = list(RESOURCE_NAMES)
    return RunOptions(
        **values,
        resources=resources or DEFAULT_RESOURCES,
        pipelines_dir=args.pipelines_dir,
        run_dbt=not args.skip_dbt,
    )


def _report_options(args: argparse.Namespace) -> RunOptions:
    """The warehouse `report` reads: its flags, else the settings `run` loads with."""
    return RunOptions(**_job_values(args))


def _progress(args: argparse.Namespace):
    if args.quiet or not (args.progress or sys.stderr.isatty()):
        return lambda message: None
    return lambda message: print(message, file=sys.stderr, flush=True)


class _OneLineParser(argparse.ArgumentParser):
    """A bad flag is a configuration error: one line and exit 78, not a usage dump and 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(ExitCode.CONFIG, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _date_flag(text: str) -> datetime:
    try:
        return setting_date(text, "date")
    except GongConfigError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _count_flag(low: int, high: int) -> Callable[[str], int]:
    def count(text: str) -> int:
        try:
            return int(setting_number(int(text), "value", low=low, high=high))
        except (ValueError, GongConfigError):
            raise argparse.ArgumentTypeError(
                f"expected a whole number from {low} to {high}, not {text!r}"
            ) from None

    return count


def _parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(
        prog="gong-pipeline", description="Load Gong calls, parties and transcripts into a warehouse."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", required=True)
    output_flags = _OneLineParser(add_help=False)
    output_flags.add_argument("--progress", action="store_true", help="progress lines even when not a tty")
    output_flags.add_argument("--quiet", action="store_true", help="only the summary (no dlt warnings)")
    output_flags.add_argument("--log-level", type=str.upper, choices=LOG_LEVELS, help="for dlt and gong-elt")
    load_flags = _OneLineParser(add_help=False, parents=[output_flags])
    load_flags.add_argument(
        "--tenant", help="tenant NAME: reads [sources.gong_NAME], loads pipeline and dataset gong_NAME"
    )
    load_flags.add_argument("--destination", help="dlt destination name (default: duckdb)")
    load_flags.add_argument("--duckdb", metavar="PATH", help="DuckDB file (default from config)")
    load_flags.add_argument("--dataset", help="dataset / schema for the raw tables (default: gong)")
    load_flags.add_argument("--start-date", help="first run starts here (ISO-8601)")
    load_flags.add_argument(
        "--lookback-days", type=float, help="re-read this many days before the mark each run"
    )
    load_flags.add_argument("--deep-lookback-days", type=float, help="days the daily deep pass re-reads")
    load_flags.add_argument("--window-days", type=float, help="days per window and commit (default 7)")
    load_flags.add_argument(
        "--resources",
        help=f"comma list of: {', '.join(RESOURCE_NAMES)}; or 'all' (default: all but the settings and "
        "stats tables, which need Gong scopes of their own)",
    )
    load_flags.add_argument("--workspace", help="only calls of this workspace id")
    load_flags.add_argument(
        "--include-private", action="store_true", default=None, help="also load private calls"
    )
    load_flags.add_argument("--skip-dbt", action="store_true", help="load only; do not build dbt models")
    load_flags.add_argument("--pipelines-dir", help="dlt working dir (default ~/.dlt/pipelines)")
    load_flags.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    run_parser = commands.add_parser("run", parents=[load_flags], help="incremental load, then dbt build")
    run_parser.add_argument(
        "--plan", action="store_true", help="print the windows a run would read; send nothing"
    )
    run_parser.add_argument(
        "--report", metavar="PATH", help="then write the HTML report here ([report] path)"
    )
    backfill_parser = commands.add_parser("backfill", parents=[load_flags], help="load a historical range")
    backfill_parser.add_argument("--start", required=True, type=_date_flag, help="range start (ISO-8601)")
    backfill_parser.add_argument(
        "--end", required=True, type=_date_flag, help="range end, exclusive (ISO-8601)"
    )
    demo_parser = commands.add_parser(
        "demo", parents=[output_flags], help="emulated Gong -> DuckDB -> dbt, no account needed"
    )
    demo_parser.add_argument(
        "--duckdb", metavar="PATH", help=f"DuckDB file (default {demo_module.DEFAULT_PATH})"
    )
    demo_parser.add_argument(
        "--calls", type=_count_flag(1, 100_000), default=300, help="calls in the company"
    )
    demo_parser.add_argument(
        "--sentences", type=_count_flag(0, 10_000), default=60, help="sentences per call"
    )
    demo_parser.add_argument("--seed", type=_count_flag(0, 2**31), default=7, help="seed of the company")
    report_parser = commands.add_parser(
        "report", parents=[output_flags], help="one self-contained HTML dashboard from the dbt marts"
    )
    report_parser.add_argument("--tenant", help="the tenant's dataset gong_NAME")
    report_parser.add_argument("--destination", help="dlt destination name (default: duckdb)")
    report_parser.add_argument("--duckdb", metavar="PATH", help="DuckDB file (default from config)")
    report_parser.add_argument(
        "--dataset", help="raw dataset; the models are in <dataset>_analytics (default gong)"
    )
    report_parser.add_argument(
        "--out", metavar="PATH", help=f"HTML file (default {report_module.DEFAULT_REPORT_PATH})"
    )
    report_parser.add_argument(
        "--weeks",
        type=int,
        default=report_module.DEFAULT_WEEKS,
        help="weeks up to the latest call (default 12)",
    )
    report_parser.set_defaults(json=False)
    tenants_parser = commands.add_parser(
        "tenants", parents=[output_flags], help="the configured tenants and their last run"
    )
    tenants_parser.add_argument("--pipelines-dir", help="dlt working dir (default ~/.dlt/pipelines)")
    tenants_parser.set_defaults(json=False)
    return parser


def _version() -> str:
    try:
        return version("gong-elt")
    except PackageNotFoundError:  # a source checkout that was never installed
        return "unknown (not installed)"


if __name__ == "__main__":
    sys.exit(main())
