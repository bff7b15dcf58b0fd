"""examples/dagster materializes a tenant partition in-process: dlt assets, then dbt assets."""

from __future__ import annotations

import runpy
from datetime import timedelta
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pytest

from tests.support import NOW, emulator, small_spec

pytestmark = pytest.mark.slow  # scheduled first, so the two workers finish together

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "dagster" / "definitions.py"
SPEC = small_spec(n_calls=25, sentences_per_call=3, start=NOW - timedelta(days=5))


def _load_example(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, tenants: str) -> dict[str, Any]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GONG_TENANTS", tenants)
    monkeypatch.setenv("GONG_DUCKDB_PATH", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("DLT_DATA_DIR", str(tmp_path / "dlt"))  # the pipelines' working dirs
    return runpy.run_path(str(EXAMPLE))


def _tenant_env(monkeypatch: pytest.MonkeyPatch, section: str, emu: Any) -> None:
    prefix = f"SOURCES__{section.upper()}__"
    monkeypatch.setenv(prefix + "ACCESS_KEY", emu.access_key)
    monkeypatch.setenv(prefix + "ACCESS_KEY_SECRET", emu.access_key_secret)
    monkeypatch.setenv(prefix + "BASE_URL", emu.base_url)
    monkeypatch.setenv(prefix + "RATE_LIMIT_PER_SECOND", "1000")
    monkeypatch.setenv(prefix + "START_DATE", SPEC.start.isoformat())


def test_a_tenant_partition_loads_its_dataset_and_builds_its_marts(monkeypatch, tmp_path):
    with emulator(SPEC) as emu:
        _tenant_env(monkeypatch, "gong", emu)
        _tenant_env(monkeypatch, "gong_acme", emu)
        example = _load_example(monkeypatch, tmp_path, "acme")
        defs: dg.Definitions = example["defs"]
        result = dg.materialize(
            [example["gong_raw_tables"], example["gong_marts"]],
            partition_key="acme",
            resources=defs.resources,
        )
        requests = len(emu.requests)
    assert result.success and requests > 0
    marts = {p.stem for p in (Path(example["GONG_DBT"].project_dir) / "models" / "marts").glob("*.sql")}
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        (calls,) = con.execute("select count(*) from gong_acme.calls").fetchone()
        built = {
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'gong_acme_analytics'"
            ).fetchall()
        }
        (talk_rows,) = con.execute("select count(*) from gong_acme_analytics.gong__call_talk_time").fetchone()
    assert calls > 0 and marts <= built and talk_rows == calls


def test_each_tenant_reads_only_its_own_section(monkeypatch, tmp_path):
    for name in ("ACCESS_KEY", "ACCESS_KEY_SECRET", "BEARER_TOKEN", "BASE_URL"):
        monkeypatch.delenv(f"SOURCES__GONG__{name}", raising=False)
    with emulator(SPEC) as acme, emulator(small_spec(seed=3, n_calls=9, start=SPEC.start)) as globex:
        _tenant_env(monkeypatch, "gong_acme", acme)
        _tenant_env(monkeypatch, "gong_globex", globex)
        example = _load_example(monkeypatch, tmp_path, "acme,globex")
        for tenant in ("acme", "globex"):
            assert dg.materialize(
                [example["gong_raw_tables"]], partition_key=tenant, resources=example["defs"].resources
            ).success
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        counts = {
            t: con.execute(f"select count(*) from gong_{t}.calls").fetchone()[0] for t in ("acme", "globex")
        }
    listed = {
        t: len([r for r in emu.requests if r.path == "/v2/calls/extensive"])
        for t, emu in (("acme", acme), ("globex", globex))
    }
    # each tenant listed from its own start date: a window or two, not every week since 2024
    assert all(1 <= n <= 3 for n in listed.values()), listed
    assert counts["acme"] != counts["globex"]
