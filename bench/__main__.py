"""`python -m bench [--small] [--out PATH]`: run all five measures and print the table."""

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

os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")

import dlt
import duckdb
import pandas  # noqa: F401  (eager import: pyarrow in a dlt worker thread can half-import it)
import pyarrow

from bench import measures
from bench.measures import ROOT, Context, Row, Sizes


def main(argv: Sequence[str] | None = None) -> int:
    """Run the bench; the report goes to stdout and to --out (plus a .json twin for tests)."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--small", action="store_true", help="tiny sizes (CI): well under a minute")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "latest.md"))
    args = parser.parse_args(argv)
    sizes = Sizes.small() if args.small else Sizes()
    out = Path(args.out).resolve()
    started = time.monotonic()
    cwd = os.getcwd()
    os.chdir(ROOT)  # the committed .dlt/config.toml is part of what is measured
    try:
        with tempfile.TemporaryDirectory(prefix="gong-bench-") as scratch:
            ctx = Context(Path(scratch), say=lambda line: print(line, file=sys.stderr, flush=True))
            rows = run_all(ctx, sizes)
    finally:
        os.chdir(cwd)
    report = render(rows, small=args.small, seconds=time.monotonic() - started)
    print(report)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report)
    out.with_suffix(".json").write_text(
        json.dumps({"small": args.small, "rows": [asdict(r) for r in rows], "details": ctx.details}, indent=2)
    )
    return 0


def run_all(ctx: Context, sizes: Sizes) -> list[Row]:
    rows = measures.measure_requests(ctx, sizes.request_calls)
    rows += measures.measure_quota(ctx, sizes.quota_calls)
    rows += measures.measure_throughput(
        ctx, sizes.throughput_calls, sizes.sentences_per_call, sizes.json_path_calls
    )
    rows += measures.measure_memory(ctx, sizes.rss_calls, sizes.sentences_per_call)
    order = {
        key: i for i, key in enumerate(("1a", "1b", "2a", "2b", "3a", "3b", "4a", "4b", "4c", "5a", "5b"))
    }
    return sorted(rows, key=lambda r: order[r.key])


def render(rows: list[Row], *, small: bool, seconds: float) -> str:
    """The markdown table: measure, value, reference, ratio, target, met?"""
    lines = [
        f"# Gong connector benchmark ({'small' if small else 'full'} mode)",
        "",
        f"{os.cpu_count()} cores, {_memory_gb():.0f} GB RAM, Python {platform.python_version()}, "
        f"dlt {dlt.__version__}, DuckDB {duckdb.__version__}, pyarrow {pyarrow.__version__}; "
        f"bench took {seconds:.0f}s",
        "",
        "| # | measure | value | reference | ratio | target | met? | notes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        met = "n/a" if r.met is None else ("yes" if r.met else "**no**")
        ratio = "-" if r.ratio is None else f"{r.ratio:.3f}"
        lines.append(
            f"| {r.key} | {r.measure} | {_num(r.value)} {r.unit} | {_num(r.reference)} ({r.reference_label}) "
            f"| {ratio} | {r.target} | {met} | {r.note} |"
        )
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
