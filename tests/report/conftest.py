"""One demo warehouse and its report per test run: `gong-pipeline demo` on a small company.

Under pytest-xdist the workers share it: the first builds it under a lock, the others wait and
read it (read-only), so the demo and its dbt build run once, not once per worker.
"""

from __future__ import annotations

import fcntl
import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipelines import dbt_runner
from pipelines.demo import demo
from pipelines.report import analytics_schema
from pipelines.runner import DEFAULT_DATASET


@dataclass(frozen=True)
class DemoReport:
    duckdb_path: Path
    html_path: Path
    schema: str


@pytest.fixture(scope="session")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> DemoReport:
    base = tmp_path_factory.getbasetemp()
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "report_demo"
    root.mkdir(exist_ok=True)
    report = DemoReport(root / "demo.duckdb", root / "demo_report.html", analytics_schema(DEFAULT_DATASET))
    with _exclusive(root / "lock"):
        if not (root / "done").exists():
            # dbt's artifacts go to this directory, not dbt/target, which other tests share.
            isolated = functools.partial(
                dbt_runner.run_dbt, target_path=root / "target", log_path=root / "logs"
            )
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(dbt_runner, "run_dbt", isolated)
                html = demo(
                    str(report.duckdb_path), calls=150, sentences_per_call=16, progress=lambda _: None
                )
            assert html == report.html_path
            (root / "done").touch()
    return report


@contextmanager
def _exclusive(lock: Path) -> Iterator[None]:
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
