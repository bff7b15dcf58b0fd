"""Names that reach SQL: a dataset name is normalized once, as dlt names its schema, and dbt uses
that same name (adv-Prod -> adv_prod); each dataset's marts land in their own schema; a crafted
name is refused before anything is created; var values inside SQL literals are escaped."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any

import dlt
import pytest

from gong_source.errors import GongConfigError
from pipelines.dbt_runner import dataset_schema, marts_schema, run_dbt, staging_schema
from tests.dbt import raw_fixture
from tests.dbt.conftest import (
    Warehouse,
    dbt_schemas,
    duckdb_query,
    pg_connect,
    pg_drop_schemas,
    pg_env,
    pg_query,
    pg_settings,
)

CRAFTED = 'x"; create schema pwned_{}; --'


def _dbt(tmp_path: Path, *command: str, **options: Any):
    return run_dbt(
        command, target_path=tmp_path / "target", log_path=tmp_path / "logs", timeout=300, **options
    )


def test_two_datasets_one_normalized_by_dlt_keep_their_own_marts(
    tmp_path: Path, duckdb_warehouse: Warehouse
) -> None:
    """Dataset gong is test_marts' build (a copy of its file); adv-Prod is loaded and built beside it."""
    built = duckdb_warehouse
    assert built.build.success and built.db_path, f"{built.build.failure}\n{built.build.log_tail}"
    db_path = str(tmp_path / "warehouse.duckdb")
    shutil.copyfile(built.db_path, db_path)
    pipeline = dlt.pipeline(
        pipeline_name=f"names_{uuid.uuid4().hex[:6]}",
        destination=dlt.destinations.duckdb(db_path),
        dataset_name="adv-Prod",
        pipelines_dir=str(tmp_path / "pipelines"),
    )
    pipeline.run([{"probe": 1}], table_name="probe")
    schemas = {r["schema_name"] for r in duckdb_query(db_path)("select schema_name from duckdb_schemas()")}
    assert dataset_schema("adv-Prod") == "adv_prod" and "adv_prod" in schemas  # where dlt wrote it

    rows = raw_fixture.build_raw_rows()
    few = {"c-tie", "c-umbrella"}
    raw_fixture.write_duckdb(
        db_path, "adv_prod", {t: [r for r in v if r.get("call_id", "c-tie") in few] for t, v in rows.items()}
    )
    result = _dbt(
        tmp_path, "run", "--select", "+gong__call_talk_time", target="duckdb", raw_schema="adv-Prod",
        env={"GONG_DUCKDB_PATH": db_path},
    )  # fmt: skip
    assert result.success, f"{result.failure}\n{result.log_tail}"
    query = duckdb_query(db_path)
    assert marts_schema("adv-Prod") == "adv_prod_analytics" and marts_schema("gong") == "gong_analytics"
    adv = query("select call_id from adv_prod_analytics.gong__call_talk_time")
    assert {r["call_id"] for r in adv} == few
    # gong's marts, built first, not overwritten by adv-Prod's build
    assert len(query("select call_id from gong_analytics.gong__call_talk_time")) == len(rows["calls"])
    assert (
        query(f"select count(*) as n from {staging_schema('adv-Prod')}.int_gong__call_load_ids")[0]["n"] == 2
    )


def test_a_crafted_dataset_name_is_refused_before_anything_is_created(tmp_path: Path) -> None:
    db_path = tmp_path / "warehouse.duckdb"
    with pytest.raises(GongConfigError) as refused:
        _dbt(
            tmp_path,
            "build",
            target="duckdb",
            raw_schema=CRAFTED.format(1),
            env={"GONG_DUCKDB_PATH": str(db_path)},
        )
    assert "\n" not in str(refused.value) and "dataset name" in str(refused.value)
    assert not db_path.exists()


@pytest.mark.postgres
def test_a_crafted_schema_var_stops_dbt_before_any_sql(tmp_path: Path) -> None:
    """dbt run by hand with the var itself: the profile and the source refuse it while parsing."""
    conn = pg_connect()
    try:
        suffix = uuid.uuid4().hex[:8]
        result = _dbt(
            tmp_path, "build", target="postgres", raw_schema="gong", env=pg_env(pg_settings()),
            dbt_vars={"gong_schema": CRAFTED.format(suffix)},
        )  # fmt: skip
        assert not result.success and "gong_schema_must_be_a_plain_name" in (result.failure or "")
        found = pg_query(conn)(f"select nspname from pg_namespace where nspname like '%pwned_{suffix}%'")
        assert found == []
    finally:
        conn.close()


CRAFTED_VARS = {
    "gong__account_tlds": [".io", "x'); drop table {raw}.calls; --", ".com", ".net", ".org", ".co"],
    "gong__internal_domains": ["acmeanalytics.io", "o'hara.com", "acme-analytics.com"],
}


@pytest.mark.parametrize("engine", ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_var_values_in_sql_literals_are_escaped(tmp_path: Path, engine: str) -> None:
    raw = "gong" if engine == "duckdb" else f"gong_quote_{uuid.uuid4().hex[:8]}"
    dbt_vars = {name: [v.replace("{raw}", raw) for v in values] for name, values in CRAFTED_VARS.items()}
    if engine == "duckdb":
        db_path = str(tmp_path / "warehouse.duckdb")
        raw_fixture.write_duckdb(db_path, raw, raw_fixture.build_raw_rows())
        query, env, conn = duckdb_query(db_path), {"GONG_DUCKDB_PATH": db_path}, None
    else:
        conn = pg_connect()
        raw_fixture.write_postgres(conn, raw, raw_fixture.build_raw_rows())
        query, env = pg_query(conn), pg_env(pg_settings())
    try:
        result = _dbt(
            tmp_path, "build", "--select", "+int_gong__call_external_domains", "--exclude",
            "resource_type:test", target=engine, raw_schema=raw, env=env, dbt_vars=dbt_vars,
        )  # fmt: skip
        assert result.success, f"{result.failure}\n{result.log_tail}"
        names = {
            r["email_domain"]: r["domain_account_name"]
            for r in query(f"select * from {staging_schema(raw)}.int_gong__call_external_domains")
        }
        assert (
            names["blue-sky-labs.io"] == "Blue Sky Labs"
            and names["northwind-traders.co"] == "Northwind Traders"
        )
        internal = query(f"select email_domain from {staging_schema(raw)}.int_gong__internal_domains")
        assert "o'hara.com" in {r["email_domain"] for r in internal}
        assert query(f"select count(*) as n from {raw}.calls")[0]["n"] > 0  # nothing was dropped
    finally:
        if conn is not None:
            conn.close()
            pg_drop_schemas(*dbt_schemas(raw))
