"""`python -m bench [--small] [--profile [TOP]] [--out PATH]`: run every measure, print the table."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")

import dlt
import duckdb
import pandas  # noqa: F401  (eager import: pyarrow in a dlt worker thread can half-import it)
import pyarrow

from bench import measures, profile
from bench.emulator import ROOT
from bench.measures import Context, Row, Sizes


def main(argv: Sequence[str] | None = None) -> int:
    """Run the bench; the report goes to stdout and to --out (plus a .json twin for tests)."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--small", action="store_true", help="tiny sizes (CI): well under a minute")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "latest.md"))
    parser.add_argument(
        "--profile",
        type=int,
        nargs="?",
        const=15,
        default=0,
        metavar="TOP",
        help="also profile the middle-size run with py-spy and list its TOP functions (default 15)",
    )
    args = parser.parse_args(argv)
    sizes = Sizes.small() if args.small else Sizes()
    out = Path(args.out).resolve()
    started = time.monotonic()
    cwd = os.getcwd()
    os.chdir(ROOT)  # the committed .dlt/config.toml is part of what is measured
    try:
        with tempfile.TemporaryDirectory(prefix="gong-bench-") as scratch:
            ctx = Context(Path(scratch), say=lambda line: print(line, file=sys.stderr, flush=True))
            rows = run_all(ctx, sizes, args.profile)
    finally:
        os.chdir(cwd)
    report = render(rows, ctx.details, small=args.small, seconds=time.monotonic() - started)
    print(report)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report)
    twin = {"small": args.small, "rows": [asdict(r) for r in rows], "details": ctx.details}
    out.with_suffix(".json").write_text(json.dumps(twin, indent=2, default=str))
    return 0


def run_all(ctx: Context, sizes: Sizes, profile_top: int = 0) -> list[Row]:
    """Every measure; the first load runs first, since it shows what the pipeline asks for."""
    rows = measures.measure_first_load(ctx, sizes.first_load_calls)
    rows += measures.measure_steady(
        ctx, sizes.steady_calls_per_day, sizes.steady_hours, sizes.steady_history_days, sizes.steady_seconds
    )
    rows += measures.measure_quota(ctx, sizes.quota_calls, sizes.quota_days)
    rows += measures.measure_connector(
        ctx, sizes.floor_calls, sizes.rss_calls, sizes.sentences_per_call, profile_top=profile_top
    )
    return rows


def render(rows: list[Row], details: dict[str, Any], *, small: bool, seconds: float) -> str:
    """The markdown table (measure, value, target, reference, ratio, met?) and the profile, if any."""
    lines = [
        f"# Gong connector benchmark ({'small' if small else 'full'} mode)",
        "",
        f"{os.cpu_count()} cores, {_memory_gb():.0f} GB RAM, Python {platform.python_version()}, "
        f"dlt {dlt.__version__}, DuckDB {duckdb.__version__}, pyarrow {pyarrow.__version__}; "
        f"bench took {seconds:.0f}s",
        "",
        "| # | measure | value | target | reference | ratio | met? | notes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        met = "n/a" if r.met is None else ("yes" if r.met else "**no**")
        ratio = "-" if r.ratio is None else f"{r.ratio:.3f}"
        lines.append(
            f"| {r.key} | {r.measure} | {_num(r.value)} {r.unit} | {r.target} | {_num(r.reference)} "
            f"({r.reference_label}) | {ratio} | {met} | {r.note} |"
        )
    if "profile" in details:
        lines += profile.render(details["profile"], details["profile"]["sentences"])
    return "\n".join(lines) + "\n"


def _memory_gb() -> float:
    with open("/proc/meminfo") as meminfo:
        return int(meminfo.readline().split()[1]) / 1024**2


def _num(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}"


if __name__ == "__main__":
    sys.exit(main())
