"""`gong-pipeline demo`: the whole product on a generated company, without a Gong account.

Starts the local Gong emulator (Gong's limits included), runs the same `run` as production
against it into a fresh DuckDB file, and prints what landed. The file is marked as the demo's;
a later demo replaces only a file with that mark.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from gong_emulator import Company, CompanySpec, GongEmulator
from gong_source import GongConfig
from gong_source.errors import GongConfigError

from .dbt_runner import marts_schema
from .report import write_warehouse_report
from .runner import Progress, RunOptions, run

DEMO_DAYS = 30
DEFAULT_PATH = "gong_demo.duckdb"
# The table that marks a DuckDB file as created by the demo (and so replaceable by it).
DEMO_MARK = "gong_demo_created"


def demo(
    duckdb_path: str,
    calls: int = 300,
    sentences_per_call: int = 60,
    seed: int = 7,
    progress: Progress = print,
) -> Path:
    """Load the generated company and build its report; returns the report's path."""
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    spec = CompanySpec(
        seed=seed,
        n_calls=calls,
        sentences_per_call=sentences_per_call,
        start=now - timedelta(days=DEMO_DAYS),
        end=now - timedelta(hours=6),
    )
    path = Path(duckdb_path).resolve()
    _claim(path)
    emulator = GongEmulator(Company(spec), rate_limit_per_second=3.0)
    with emulator, tempfile.TemporaryDirectory() as work:
        print(f"Gong emulator on {emulator.base_url}: {calls} calls over {DEMO_DAYS} days, seed {seed}")
        config = GongConfig(
            access_key=emulator.access_key,
            access_key_secret=emulator.access_key_secret,
            base_url=emulator.base_url,
            start_date=spec.start.isoformat(),
        )
        options = RunOptions(duckdb_path=str(path), pipeline_name="gong_demo", pipelines_dir=work)
        summary = run(options, config, progress)
    print(summary.line())
    _print_what_landed(path, options.dataset_name)
    report = write_warehouse_report(options, str(path.with_name(f"{path.stem}_report.html")))
    print(f"\nReport: {report.path} (open it in a browser)")
    return report.path


def _claim(path: Path) -> None:
    """A fresh DuckDB file marked as the demo's: only a file with that mark is ever replaced.

    The run restores pipeline state from the warehouse, so the demo needs an empty one; but a
    path that holds someone's warehouse (or anything else) is refused, never deleted.
    """
    if path.exists():
        if not _made_by_demo(path):
            raise GongConfigError(
                f"{path} exists and was not created by the demo; pass another --duckdb path (the demo "
                "never replaces a file it did not create)"
            )
        for stale in (path, path.with_name(path.name + ".wal")):
            stale.unlink(missing_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute(f"create table {DEMO_MARK} as select current_timestamp as created_at")


def _made_by_demo(path: Path) -> bool:
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            found = con.execute(
                "select count(*) from information_schema.tables "
                "where table_schema = 'main' and table_name = ?",
                [DEMO_MARK],
            ).fetchone()
    except duckdb.Error:  # not a DuckDB file at all
        return False
    return bool(found and found[0])


def _print_what_landed(path: Path, dataset: str) -> None:
    marts = marts_schema(dataset)
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "select table_name from information_schema.tables where table_schema = ? "
            "and table_name not like '\\_dlt%' escape '\\' order by 1",
            [dataset],
        ).fetchall()
        print(f"\nRaw tables in {path.name}, schema {dataset}:")
        for (table,) in tables:
            (count,) = con.execute(f'select count(*) from {dataset}."{table}"').fetchone() or (0,)
            print(f"  {table:<28} {count:>9,}")
        top = con.execute(
            "select account_name, calls, round(external_talk_minutes, 1), round(avg_talk_ratio, 2) "
            f"from {marts}.gong__accounts order by external_talk_minutes desc nulls last limit 5"
        ).fetchall()
    print(f"\nTop accounts by external talk time ({marts}.gong__accounts):")
    print(f"  {'account':<28} {'calls':>6} {'ext. talk min':>14} {'talk ratio':>11}")
    for name, n_calls, minutes, ratio in top:
        print(f"  {name!s:<28} {n_calls:>6} {minutes!s:>14} {ratio!s:>11}")
    print(f"\nExplore: duckdb {path}  (schemas {dataset} and {marts})")
