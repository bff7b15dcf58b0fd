"""The dbt package as another dbt project uses it: dbt/integration_tests, copied to a temporary
directory, installs the package from its local path, reads the raw fixture through a
gong_database / gong_schema pair, builds, and checks source freshness from dlt's load ids.

DuckDB, with the raw data in another (attached) database file, so the database var matters; the
package's own builds run on Postgres too (test_marts, test_incremental)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest

from pipelines.dbt_project import CHECKOUT_PROJECT as PROJECT_DIR
from pipelines.dbt_runner import DbtResult, marts_schema, run_dbt, staging_schema
from tests.dbt import expected as exp
from tests.dbt import raw_fixture
from tests.dbt.conftest import duckdb_query
from tests.dbt.test_marts import assert_mart_equals

pytestmark = pytest.mark.slow  # scheduled first, so the two workers finish together

INTERNAL_DOMAINS = ["acmeanalytics.io", "acme-analytics.com"]  # as integration_tests/dbt_project.yml says
RAW_DATABASE = "gong_raw"  # the attached raw file's alias in integration_tests/profiles.yml


def test_consumer_project_installs_the_package_and_builds(tmp_path: Path) -> None:
    project = tmp_path / "consumer"
    shutil.copytree(PROJECT_DIR / "integration_tests", project)
    (project / "packages.yml").write_text(f"packages:\n  - local: {PROJECT_DIR}\n")
    raw = raw_fixture.build_raw_rows()
    loaded_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    fresh = raw_fixture.LoadIds(snapshot=str(loaded_at.timestamp()), default=str(loaded_at.timestamp()))
    suffix = uuid.uuid4().hex[:8]
    raw_schema, consumer_schema = f"gong_raw_{suffix}", f"consumer_{suffix}"
    raw_path, consumer_path = tmp_path / "raw.duckdb", str(tmp_path / "consumer.duckdb")
    raw_fixture.write_duckdb(str(raw_path), raw_schema, raw, load_ids=fresh)
    env = {
        "GONG_CONSUMER_SCHEMA": consumer_schema,
        "GONG_RAW_DUCKDB": str(raw_path),
        "GONG_DUCKDB_PATH": consumer_path,
    }
    query = duckdb_query(consumer_path)

    def dbt(*command: str, **dbt_vars: Any) -> DbtResult:
        result = run_dbt(
            command, target="duckdb", raw_schema=raw_schema, env=env, project_dir=project,
            dbt_vars={"gong_database": RAW_DATABASE, **dbt_vars},
            target_path=project / "target", log_path=project / "logs", timeout=300,
        )  # fmt: skip
        assert result.success, f"{result.failure}\n{result.log_tail}"
        return result

    dbt("deps")
    build = dbt("build")
    assert not {"error", "fail", "warn", "skipped"} & set(build.counts), build.counts
    marts = marts_schema(consumer_schema)  # the consumer's target schema + the package's suffix
    assert_mart_equals(
        query(f"select * from {marts}.gong__call_accounts"),
        exp.call_accounts(raw, internal=INTERNAL_DOMAINS),
        lambda r: r["call_id"],
    )
    assert len(query(f"select * from {marts}.gong__call_talk_time")) == len(raw["calls"])
    landed = query(
        "select table_schema, table_name from information_schema.tables where table_name in "
        f"('stg_gong__calls', 'gong__accounts') and table_schema like '{consumer_schema}%'"
    )
    assert {(r["table_schema"], r["table_name"]) for r in landed} == {
        (staging_schema(consumer_schema), "stg_gong__calls"),
        (marts, "gong__accounts"),
    }
    _check_manifest(project / "target")

    dbt("source", "freshness")
    freshness = json.loads((project / "target" / "sources.json").read_text())["results"]
    checked = {r["unique_id"].rsplit(".", 1)[-1]: r for r in freshness}
    assert set(checked) == {"calls", "parties"}  # the required tables
    for table, result in checked.items():
        assert result["status"] == "pass", (table, result["status"])
        max_loaded_at = dt.datetime.fromisoformat(result["max_loaded_at"]).replace(tzinfo=dt.UTC)
        assert abs(max_loaded_at - loaded_at) < dt.timedelta(seconds=1), table

    # Without the transcript-text mart (personal data): it is disabled, everything else stays.
    dbt("parse", gong__transcript_text_enabled=False)
    manifest = json.loads((project / "target" / "manifest.json").read_text())
    enabled = {n["name"] for n in manifest["nodes"].values()}
    disabled = {n[0]["name"] for n in manifest["disabled"].values()}
    assert "gong__call_transcripts" in disabled - enabled and "gong__call_talk_time" in enabled


def _check_manifest(target: Path) -> None:
    """Semantic models and metrics parse; personal data is tagged."""
    semantic = json.loads((target / "semantic_manifest.json").read_text())
    metrics = {m["name"] for m in semantic["metrics"]}
    assert {"gong_talk_ratio", "gong_calls", "gong_external_talk_minutes"} <= metrics
    manifest = json.loads((target / "manifest.json").read_text())
    nodes = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    column = nodes["gong__call_transcripts"]["columns"]["transcript_text"]
    assert column["config"]["meta"]["contains_pii"] is True
