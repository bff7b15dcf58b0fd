"""Destinations that cannot replace a call's rows, or have no dbt target, are refused up front."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import deltalake
import pytest

from gong_source.errors import ExitCode, GongConfigError
from tests.ship.conftest import gong_env
from tests.support import NOW, emulator, small_spec
from tests.warehouse import CALL_TABLES, warehouse

SPEC = small_spec(n_calls=30, sentences_per_call=3, start=NOW - timedelta(days=6))


@pytest.mark.parametrize(
    ("flags", "says"),
    [
        (["--destination", "filesystem", "--skip-dbt"], "cannot replace a call's rows"),
        (["--destination", "qdrant", "--skip-dbt"], "cannot replace a call's rows"),
        (["--destination", "sqlalchemy"], "no dbt target for destination 'sqlalchemy'"),
        (["--destination", "no_such_destination"], "unknown destination"),
    ],
)
def test_refused_before_any_request_or_file(cli, flags, says):
    with emulator(SPEC) as emu:
        code, _, err = cli("run", "--pipelines-dir", "p", *flags, **gong_env(emu))
        requests = list(emu.requests)
    assert code == ExitCode.CONFIG and says in err and err.count("\n") == 1, err
    assert "--destination" in err or "--skip-dbt" in err
    assert requests == [] and list(Path().iterdir()) == []


def _delta_snapshot(lake: Path, dataset: str) -> dict[str, list[tuple]]:
    """The call tables as read by a Delta reader (what Spark, Trino or Databricks would see)."""
    result = {}
    for table in CALL_TABLES:
        path = lake / dataset / table
        if not path.exists():
            continue
        rows = deltalake.DeltaTable(str(path)).to_pyarrow_table().to_pylist()
        result[table] = sorted(
            (tuple(v for k, v in row.items() if not k.startswith("_dlt")) for row in rows), key=repr
        )
    return result


@pytest.mark.xfail(
    strict=True,
    raises=GongConfigError,
    reason="dlt 1.31 merges Delta tables by upsert/insert-only/cdc, not delete-insert; the runner must "
    "load call tables with strategy cdc and destination_scope = the window's call ids (see report)",
)
def test_filesystem_delta_holds_the_same_rows_as_duckdb_after_a_deletion(tmp_path, monkeypatch):
    lake = tmp_path / "lake"
    monkeypatch.setenv("DESTINATION__FILESYSTEM__BUCKET_URL", lake.as_uri())
    with emulator(SPEC) as emu, warehouse("duckdb", tmp_path / "duck", monkeypatch) as reference:
        lakehouse = reference.options(
            destination="filesystem", pipelines_dir=str(tmp_path / "lake_pipelines")
        )
        for _ in range(2):
            reference.load(emu, SPEC.start)
            from pipelines.runner import run
            from tests.support import config_for

            run(lakehouse, config_for(emu), progress=lambda message: None)
            emu.company.delete_call(next(iter(emu.company.calls())).call_id)
        assert _delta_snapshot(lake, reference.dataset) == reference.snapshot()
