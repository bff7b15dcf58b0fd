"""An hourly run after a small load rebuilds only the changed calls, and the result equals a full
rebuild: the call-grain models are incremental per call (dbt/macros/incremental.sql).

One build of the hand-made raw data, then a second load that changes three calls, adds one and
deletes one (each changed call's rows carry the new _dlt_load_id, as a dlt merge writes them),
then `dbt build` again. dbt's run_results.json names the second run; the rows that run built are
exactly the changed calls' rows, which equal their Python re-computation, and (on DuckDB) a
`dbt run --full-refresh` of the incremental models gives the very same tables.

The first build is the one tests/dbt/conftest.py makes for test_marts (the same raw rows and load
ids), whose test_dbt_build_passes asserts its data tests: on DuckDB this test starts from a copy
of that warehouse file; on Postgres it builds the models again, without the data tests.
"""

from __future__ import annotations

import copy
import json
import shutil
import uuid
from collections.abc import Callable, Hashable, Mapping
from pathlib import Path
from typing import Any

import pytest

from pipelines.dbt_runner import DbtResult, marts_schema, run_dbt, staging_schema
from tests.dbt import expected as exp
from tests.dbt import raw_fixture
from tests.dbt.conftest import (
    Query,
    Warehouse,
    dbt_schemas,
    duckdb_query,
    pg_connect,
    pg_drop_schemas,
    pg_env,
    pg_query,
    pg_settings,
)
from tests.dbt.test_marts import assert_mart_equals

pytestmark = pytest.mark.slow  # scheduled first, so the two workers finish together

SECOND_LOAD = "1712003600.5"  # an hour after raw_fixture.LOAD_ID
FIRST_LOAD = raw_fixture.LoadIds()
CHANGED = {"c-tie", "c-umbrella", "c-globex-1", "c-new"}
DELETED = "c-initech"
# model -> its key columns (every call-grain incremental model and the call-grain intermediates)
INCREMENTAL = {
    "gong__call_talk_time": ("call_id",),
    "gong__call_speaker_talk_time": ("call_id", "participant_key"),
    "gong__call_tracker_occurrences": ("call_id", "tracker_index", "occurrence_index"),
    "gong__call_transcripts": ("call_id",),
    "int_gong__transcript_sentences": ("call_id", "segment_index", "sentence_index"),
    "int_gong__sentence_runs": ("call_id", "run_number"),
}


def _second_load(raw: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """c-tie gets one more sentence, c-umbrella loses its transcript, c-globex-1 a new Talk Ratio,
    c-new arrives (a copy of c-freemail), c-initech is deleted."""
    raw = copy.deepcopy(raw)
    raw["transcript_sentences"].append(
        {"call_id": "c-tie", "segment_index": 4, "sentence_index": 0, "speaker_id": "s-2", "topic": None,
         "start_ms": 45000, "end_ms": 47000, "text": "Great tour, thanks!"}
    )  # fmt: skip
    raw["transcript_sentences"] = [s for s in raw["transcript_sentences"] if s["call_id"] != "c-umbrella"]
    for stat in raw["call_interaction_stats"]:
        if (stat["call_id"], stat["stat_name"]) == ("c-globex-1", "Talk Ratio"):
            stat["stat_value"] = 0.65
    for table, rows in raw.items():
        if table in raw_fixture.REPLACE_TABLES:
            continue
        rows += [{**row, "call_id": "c-new"} for row in rows if row["call_id"] == "c-freemail"]
        rows[:] = [row for row in rows if row["call_id"] != DELETED]
    return raw


def _key_of(model: str) -> Callable[[Mapping[str, Any]], Hashable]:
    columns = INCREMENTAL[model]
    return lambda row: row[columns[0]] if len(columns) == 1 else tuple(row[c] for c in columns)


def _invocation_id(target_path: Path) -> str:
    return json.loads((target_path / "run_results.json").read_text())["metadata"]["invocation_id"]


def _built_by_one_run(query: Query, schema_of: Callable[[str], str]) -> str:
    """The invocation id of the dbt run that built every row of the incremental models."""
    runs = {
        r["dbt_invocation_id"]
        for model in INCREMENTAL
        for r in query(f"select distinct dbt_invocation_id from {schema_of(model)}.{model}")
    }
    assert len(runs) == 1, runs
    return runs.pop()


def _snapshot(query: Query, schema_of: Callable[[str], str]) -> dict[str, list[str]]:
    """Every row of every incremental model, without the column that names the dbt run."""
    out = {}
    for model in INCREMENTAL:
        rows = query(f"select * from {schema_of(model)}.{model}")
        out[model] = sorted(
            repr(sorted((k, v) for k, v in r.items() if k != "dbt_invocation_id")) for r in rows
        )
    return out


@pytest.mark.parametrize("backend", ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_hourly_run_rebuilds_only_changed_calls_and_equals_a_full_rebuild(
    backend: str, tmp_path, request: pytest.FixtureRequest
) -> None:
    first = raw_fixture.build_raw_rows()
    second = _second_load(first)
    second_ids = raw_fixture.LoadIds(calls=dict.fromkeys(CHANGED, SECOND_LOAD), snapshot=SECOND_LOAD)
    if backend == "duckdb":
        built: Warehouse = request.getfixturevalue("duckdb_warehouse")  # `first`, built
        assert built.build.success and built.db_path, f"{built.build.failure}\n{built.build.log_tail}"
        raw_schema = built.raw_schema
        db_path = str(tmp_path / "warehouse.duckdb")
        shutil.copyfile(built.db_path, db_path)
        env = {"GONG_DUCKDB_PATH": db_path}
        query = duckdb_query(db_path)

        def load(rows: dict, load_ids: raw_fixture.LoadIds = FIRST_LOAD) -> None:
            raw_fixture.write_duckdb(db_path, raw_schema, rows, load_ids=load_ids)

        cleanup: Callable[[], None] = lambda: None  # noqa: E731
    else:
        raw_schema = f"gong_{uuid.uuid4().hex[:8]}"
        conn = pg_connect()
        env = pg_env(pg_settings())
        query = pg_query(conn)

        def load(rows: dict, load_ids: raw_fixture.LoadIds = FIRST_LOAD) -> None:
            raw_fixture.write_postgres(conn, raw_schema, rows, load_ids=load_ids)

        def cleanup() -> None:
            conn.close()
            pg_drop_schemas(*dbt_schemas(raw_schema))

    def dbt(*command: str) -> DbtResult:
        result = run_dbt(
            command, target=backend, raw_schema=raw_schema, env=env,
            target_path=tmp_path / "target", log_path=tmp_path / "logs", timeout=300,
        )  # fmt: skip
        assert result.success, f"{result.failure}\n{result.log_tail}"
        return result

    def schema_of(model: str) -> str:
        return marts_schema(raw_schema) if model.startswith("gong__") else staging_schema(raw_schema)

    try:
        if backend != "duckdb":  # DuckDB's copy holds it already
            load(first)
            dbt("build", "--exclude", "resource_type:test")
        first_run = _built_by_one_run(query, schema_of)
        load(second, second_ids)
        dbt("build")
        second_run = _invocation_id(tmp_path / "target")

        for model in INCREMENTAL:
            rows = query(f"select call_id, dbt_invocation_id from {schema_of(model)}.{model}")
            rebuilt = {r["call_id"] for r in rows if r["dbt_invocation_id"] == second_run}
            kept = {r["call_id"] for r in rows if r["dbt_invocation_id"] == first_run}
            calls = {r["call_id"] for r in rows}
            # the second run rebuilt exactly the changed calls' rows and left every other row
            assert (rebuilt, kept) == (calls & CHANGED, calls - CHANGED), model
            assert DELETED not in calls, f"{model} kept the deleted call"
        talk = {
            r["call_id"]: r
            for r in query(f"select * from {schema_of('gong__call_talk_time')}.gong__call_talk_time")
        }
        assert {c for c, r in talk.items() if r["dbt_invocation_id"] == second_run} == CHANGED
        assert len(talk) == len(second["calls"]) > len(CHANGED)
        transcripts = query(
            f"select call_id from {schema_of('gong__call_transcripts')}.gong__call_transcripts"
        )
        assert "c-umbrella" not in {r["call_id"] for r in transcripts}  # its transcript is gone

        marts: dict[str, Mapping[Any, dict[str, Any]]] = {
            "gong__call_talk_time": exp.call_talk_time(second),
            "gong__call_speaker_talk_time": exp.call_speaker_talk_time(second),
            "gong__call_tracker_occurrences": exp.call_tracker_occurrences(second),
            "gong__call_transcripts": exp.call_transcripts(second),
        }
        for model, want in marts.items():
            assert_mart_equals(query(f"select * from {schema_of(model)}.{model}"), want, _key_of(model))

        if backend == "duckdb":  # one backend is enough for the direct comparison (one more build)
            incremental = _snapshot(query, schema_of)
            dbt("run", "--full-refresh", "--select", *(f"+{model}" for model in INCREMENTAL))
            assert _snapshot(query, schema_of) == incremental
    finally:
        cleanup()
