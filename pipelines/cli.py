"""`gong-pipeline`: the command cron or an orchestrator runs.

Exit code 0 with one summary line on success; non-zero with one line naming what to fix on
failure. Progress lines go to stderr when it is a terminal (or with --progress).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")

import dlt

from gong_source import RESOURCE_NAMES, GongConfig
from gong_source.config import configured_secrets
from gong_source.errors import GongConfigError

from . import demo as demo_module
from . import report as report_module
from .runner import RunOptions, backfill, describe_plan, exit_message, run


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    progress = _progress(args)
    config: GongConfig | None = None
    try:
        if args.command == "demo":
            demo_module.demo(
                duckdb_path=args.duckdb or "gong_demo.duckdb",
                calls=args.calls,
                sentences_per_call=args.sentences,
                seed=args.seed,
                progress=progress,
            )
            return 0
        if args.command == "report":
            out = args.out or dlt.config.get("report.path", str) or report_module.DEFAULT_REPORT_PATH
            print(report_module.write_warehouse_report(_report_options(args), out, args.weeks).line())
            return 0
        options = _options(args)
        config = _gong_config(args)
        if args.command == "run" and args.plan:
            describe_plan(options, config, lambda line: print(line, flush=True))
            return 0
        if args.command == "run":
            summary = run(options, config, progress)
        else:
            summary = backfill(options, config, args.start, args.end, progress)
        print(summary.line(), flush=True)
        report_path = (args.report or dlt.config.get("report.path", str)) if args.command == "run" else None
        if report_path:
            progress(report_module.write_warehouse_report(options, report_path).line())
        return 0
    except KeyboardInterrupt:
        print("gong-pipeline: interrupted; committed windows are kept, re-run to resume", file=sys.stderr)
        return 130
    except Exception as error:
        secrets = config.secrets if config else configured_secrets()
        print(f"gong-pipeline {args.command} failed: {exit_message(error, secrets)}", file=sys.stderr)
        return 1


# Flags that set a `GongConfig` field; a flag not given leaves the configured value alone.
_SOURCE_FLAGS = {
    "start_date": "start_date",
    "lookback_days": "lookback_days",
    "deep_lookback_days": "deep_lookback_days",
    "window_days": "window_days",
    "workspace": "workspace_id",
    "include_private": "include_private_calls",
}
# Flags that set a job option, with the dlt config key that holds it otherwise.
_JOB_FLAGS = {
    "destination": ("destination", "pipeline.destination"),
    "duckdb": ("duckdb_path", "pipeline.duckdb_path"),
    "dataset": ("dataset_name", "pipeline.dataset_name"),
}


def _gong_config(args: argparse.Namespace) -> GongConfig:
    given = {field: getattr(args, flag) for flag, field in _SOURCE_FLAGS.items()}
    try:
        return GongConfig.from_dlt(**given)
    except GongConfigError as error:
        if "credentials missing" in str(error):
            raise GongConfigError(f"{error}; or try `gong-pipeline demo` (no Gong account needed)") from None
        raise


def _job_values(args: argparse.Namespace) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for flag, (option, key) in _JOB_FLAGS.items():
        value = getattr(args, flag)
        if value is None:
            value = dlt.config.get(key, str)
        if value is not None:
            values[option] = value
    return values


def _options(args: argparse.Namespace) -> RunOptions:
    """Flags win over env vars and `.dlt/config.toml`, which win over RunOptions' defaults."""
    values = _job_values(args)
    resources = [r.strip() for r in args.resources.split(",") if r.strip()] if args.resources else None
    return RunOptions(
        **values,
        resources=resources or RESOURCE_NAMES,
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gong-pipeline", description="Load Gong calls, parties and transcripts into a warehouse."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    load_flags = argparse.ArgumentParser(add_help=False)
    load_flags.add_argument("--destination", help="dlt destination name (default: duckdb)")
    load_flags.add_argument("--duckdb", metavar="PATH", help="DuckDB file (default from config)")
    load_flags.add_argument("--dataset", help="dataset / schema for the raw tables (default: gong)")
    load_flags.add_argument("--start-date", help="first run starts here (ISO-8601)")
    load_flags.add_argument(
        "--lookback-days", type=float, help="re-read this many days before the mark each run"
    )
    load_flags.add_argument("--deep-lookback-days", type=float, help="days the daily deep pass re-reads")
    load_flags.add_argument("--window-days", type=float, help="days per window and commit (default 7)")
    load_flags.add_argument("--resources", help=f"comma list of: {', '.join(RESOURCE_NAMES)}")
    load_flags.add_argument("--workspace", help="only calls of this workspace id")
    load_flags.add_argument(
        "--include-private", action="store_true", default=None, help="also load private calls"
    )
    load_flags.add_argument("--skip-dbt", action="store_true", help="load only; do not build dbt models")
    load_flags.add_argument("--pipelines-dir", help="dlt working dir (default ~/.dlt/pipelines)")
    load_flags.add_argument("--progress", action="store_true", help="progress lines even when not a tty")
    load_flags.add_argument("--quiet", action="store_true", help="only the summary line")
    run_parser = commands.add_parser("run", parents=[load_flags], help="incremental load, then dbt build")
    run_parser.add_argument(
        "--plan", action="store_true", help="print the windows a run would read; send nothing"
    )
    run_parser.add_argument(
        "--report", metavar="PATH", help="then write the HTML report here ([report] path)"
    )
    backfill_parser = commands.add_parser("backfill", parents=[load_flags], help="load a historical range")
    backfill_parser.add_argument("--start", required=True, help="range start (ISO-8601)")
    backfill_parser.add_argument("--end", required=True, help="range end, exclusive (ISO-8601)")
    demo_parser = commands.add_parser("demo", help="emulated Gong -> DuckDB -> dbt, no account needed")
    demo_parser.add_argument("--duckdb", metavar="PATH", help="DuckDB file (default gong_demo.duckdb)")
    demo_parser.add_argument("--calls", type=int, default=300, help="calls in the generated company")
    demo_parser.add_argument("--sentences", type=int, default=60, help="sentences per call")
    demo_parser.add_argument("--seed", type=int, default=7, help="seed of the generated company")
    demo_parser.add_argument("--progress", action="store_true", help="progress lines even when not a tty")
    demo_parser.add_argument("--quiet", action="store_true", help="only the summary")
    report_parser = commands.add_parser("report", help="one self-contained HTML dashboard from the dbt marts")
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
    report_parser.set_defaults(progress=False, quiet=True)
    return parser


if __name__ == "__main__":
    sys.exit(main())
