"""Run the project's dbt package (``dbt/``) after a load.

dbt-core runs in a subprocess of the current interpreter (``python -m dbt.cli.main``) with the
project's own ``dbt/profiles.yml``: the pipeline's process keeps its logging, environment and
DuckDB handles to itself, and the warehouse settings travel as environment variables. dlt's dbt
runner is deliberately not used (its DuckDB profile downloads the httpfs extension).

    result = run_dbt(target="duckdb", raw_schema="gong", env={"GONG_DUCKDB_PATH": "gong_warehouse.duckdb"})
    if not result.success:
        raise SystemExit(result.failure)

The DuckDB file must not be open for writing in another process while dbt runs (DuckDB allows a
single writer): run dbt after the dlt pipeline has finished its load.

Schemas: the raw schema is the dlt dataset name as dlt normalizes it (`dataset_schema`: adv-Prod
-> adv_prod), and dbt writes beside it: marts to `<raw schema>_analytics` (`marts_schema`),
everything else to `<raw schema>_analytics_staging`, so two datasets never share their marts.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import takewhile
from pathlib import Path
from typing import Any

import yaml
from dlt.common.schema import Schema

from gong_source.errors import GongConfigError

from .dbt_project import dbt_project_dir

TARGETS = ("duckdb", "postgres")
# What a dataset name may be made of before dlt normalizes it; quotes, semicolons and the like are
# refused, not rewritten. Postgres keeps 63 bytes of a name, and dbt adds the longest suffix.
_DATASET_NAME = re.compile(r"[A-Za-z0-9_. -]+")
_NAME_BYTES = 63


@cache
def _schema_suffixes() -> tuple[str, str]:
    """The +schema of the marts and of everything else, as dbt/dbt_project.yml sets them."""
    models = yaml.safe_load((dbt_project_dir() / "dbt_project.yml").read_text())["models"]["gong"]
    return models["marts"]["+schema"], models["+schema"]


def dataset_schema(dataset_name: str) -> str:
    """The schema dlt loads the dataset into, by dlt's own naming convention: adv-Prod -> adv_prod.

    Raises GongConfigError for a name with other characters than letters, digits, '_', '-', '.'
    and spaces, or too long for the schemas dbt derives from it."""
    if not _DATASET_NAME.fullmatch(dataset_name or ""):
        raise GongConfigError(
            f"dataset name {dataset_name!r} may only have letters, digits, '_', '-', '.' and spaces, "
            "e.g. gong or acme_prod"
        )
    schema = Schema("gong").naming.normalize_table_identifier(dataset_name)
    longest = max(len(suffix) for suffix in _schema_suffixes()) + 1
    if len(schema.encode()) + longest > _NAME_BYTES:
        raise GongConfigError(
            f"dataset name {dataset_name!r} is too long: at most {_NAME_BYTES - longest} characters"
        )
    return schema


def marts_schema(dataset_name: str) -> str:
    """Where the marts of a dataset land: dataset gong -> gong_analytics, acme -> acme_analytics."""
    return f"{dataset_schema(dataset_name)}_{_schema_suffixes()[0]}"


def staging_schema(dataset_name: str) -> str:
    """Where staging, intermediate models and seeds of a dataset land."""
    return f"{dataset_schema(dataset_name)}_{_schema_suffixes()[1]}"


_FAILED_STATUSES = ("error", "fail", "runtime error")
_NO_TARGET_PATH = ("deps",)  # dbt commands without a --target-path option
_LOG_LINE = re.compile(r"\d\d:\d\d:\d\d\s")  # a timestamped line of dbt's output


@dataclass(frozen=True)
class DbtResult:
    """Outcome of one dbt invocation."""

    success: bool
    command: tuple[str, ...]
    target: str
    elapsed_seconds: float
    returncode: int
    # node statuses from run_results.json: {"success": 20, "pass": 70, "warn": 1, "error": 0, ...}
    counts: dict[str, int] = field(default_factory=dict)
    # one line naming what failed (first failing node and its message), None on success
    failure: str | None = None
    # failing / warning nodes: [{"unique_id", "status", "message"}]
    problems: list[dict[str, Any]] = field(default_factory=list)
    log_tail: str = ""

    @property
    def message(self) -> str:
        """One line: the summary on success, what failed otherwise."""
        return self.summary() if self.success else (self.failure or "dbt failed")

    def summary(self) -> str:
        counts = " ".join(f"{k.upper()}={v}" for k, v in sorted(self.counts.items()))
        state = "ok" if self.success else f"FAILED: {self.failure}"
        return (
            f"dbt {' '.join(self.command)} [{self.target}] {state} in {self.elapsed_seconds:.1f}s ({counts})"
        )


def run_dbt(
    command: Sequence[str] = ("build",),
    *,
    target: str,
    raw_schema: str,
    env: Mapping[str, str] | None = None,
    project_dir: Path | None = None,
    profiles_dir: Path | None = None,
    target_path: Path | None = None,
    log_path: Path | None = None,
    dbt_vars: Mapping[str, Any] | None = None,
    extra_args: Sequence[str] = (),
    timeout: float | None = None,
) -> DbtResult:
    """Run ``dbt <command>`` on the Gong dbt project and report how it went.

    command      dbt sub-command and its own arguments, e.g. ``("build",)`` or ``("run", "-s", "marts")``
    target       output of dbt/profiles.yml: ``duckdb`` or ``postgres``
    raw_schema   the dlt dataset name, normalized as dlt does (`dataset_schema`) and passed as
                 the dbt var gong_schema, which also names the marts' schema (`marts_schema`);
                 GongConfigError, before dbt starts, when it is not a usable name
    env          extra environment for dbt (GONG_DUCKDB_PATH, GONG_PG_* ...), layered over the
                 current environment
    target_path / log_path   where dbt writes artifacts and logs (default dbt/target, dbt/logs)
    dbt_vars     further dbt vars, e.g. {"gong__internal_domains": ["acme.com"]}
    """
    if not command:
        raise ValueError("run_dbt: command is empty; pass e.g. ('build',)")
    schema = dataset_schema(raw_schema)
    project_dir = Path(project_dir or dbt_project_dir()).resolve()
    profiles_dir = Path(profiles_dir).resolve() if profiles_dir else project_dir
    target_path = Path(target_path).resolve() if target_path else project_dir / "target"
    log_path = Path(log_path).resolve() if log_path else project_dir / "logs"
    variables = {"gong_schema": schema, **(dbt_vars or {})}

    args = [
        *command,
        "--project-dir", str(project_dir),
        "--profiles-dir", str(profiles_dir),
        "--target", target,
        *(() if command[0] in _NO_TARGET_PATH else ("--target-path", str(target_path))),
        "--log-path", str(log_path),
        "--vars", json.dumps(variables),
        *extra_args,
    ]  # fmt: skip
    child_env = {
        **os.environ,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_USE_COLORS": "false",
        "DBT_PRINTER_WIDTH": "100",
        **(env or {}),
    }
    run_results = target_path / "run_results.json"
    run_results.unlink(missing_ok=True)

    started = time.monotonic()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "dbt.cli.main", *args],
            env=child_env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        returncode, output = proc.returncode, (proc.stdout or "") + (proc.stderr or "")
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        returncode, output = -1, out + f"\ndbt timed out after {timeout}s"
    elapsed = time.monotonic() - started

    counts, problems = _read_run_results(run_results)
    success = returncode == 0
    failure = None if success else _failure_line(problems, output, returncode)
    return DbtResult(
        success=success,
        command=tuple(command),
        target=target,
        elapsed_seconds=elapsed,
        returncode=returncode,
        counts=counts,
        failure=failure,
        problems=problems,
        log_tail="\n".join(output.strip().splitlines()[-40:]),
    )


def _read_run_results(path: Path) -> tuple[dict[str, int], list[dict[str, Any]]]:
    if not path.exists():
        return {}, []
    try:
        results = json.loads(path.read_text()).get("results", [])
    except (OSError, ValueError):
        return {}, []
    counts = Counter(str(r.get("status", "unknown")).lower() for r in results)
    problems = [
        {
            "unique_id": r.get("unique_id"),
            "status": str(r.get("status")).lower(),
            "message": _one_line(r.get("message") or ""),
        }
        for r in results
        if str(r.get("status")).lower() in (*_FAILED_STATUSES, "warn")
    ]
    return dict(counts), problems


def _failure_line(problems: list[dict[str, Any]], output: str, returncode: int) -> str:
    for problem in problems:
        if problem["status"] in _FAILED_STATUSES:
            extra = sum(1 for p in problems if p["status"] in _FAILED_STATUSES) - 1
            more = f" (+{extra} more)" if extra > 0 else ""
            return f"{problem['unique_id']} {problem['status']}: {problem['message']}{more}"
    # Nothing ran (parse/compile/connection error): the first error dbt printed, with the lines
    # that explain it ("Encountered an error:" is followed by untimestamped detail lines).
    lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
    for i, line in enumerate(lines):
        if "error" in line.lower() and not line.lower().startswith("done."):
            detail = []
            if line.endswith(":"):
                detail = list(takewhile(lambda ln: not _LOG_LINE.match(ln), lines[i + 1 : i + 6]))
            return _one_line(" ".join([line, *detail]))
    return f"dbt exited with code {returncode}" + (f": {_one_line(lines[-1])}" if lines else "")


def _one_line(text: str, limit: int = 400) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m pipelines.dbt_runner [--target duckdb] [--raw-schema gong] [dbt args ...]``"""
    import argparse

    parser = argparse.ArgumentParser(description="Run the Gong dbt project (default: dbt build).")
    parser.add_argument("--target", default=os.environ.get("GONG_DBT_TARGET", "duckdb"), choices=TARGETS)
    parser.add_argument("--raw-schema", default="gong", help="schema the dlt pipeline loaded (dataset name)")
    parser.add_argument(
        "dbt_args", nargs=argparse.REMAINDER, help="dbt command and arguments (default: build)"
    )
    ns = parser.parse_args(argv)
    try:
        result = run_dbt(tuple(ns.dbt_args) or ("build",), target=ns.target, raw_schema=ns.raw_schema)
    except GongConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(result.summary())
    if not result.success:
        print(result.log_tail, file=sys.stderr)
    return 0 if result.success else 1


if __name__ == "__main__":
    raise SystemExit(main())
