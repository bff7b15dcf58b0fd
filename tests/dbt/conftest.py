"""Session fixtures: one `dbt build` per backend on the hand-made raw dataset, per test run.

DuckDB always runs. Postgres runs when a server answers at GONG_TEST_POSTGRES (a URL) or
GONG_PG_HOST:GONG_PG_PORT (default 127.0.0.1:5432); otherwise its tests are skipped, unless
CI=true, where they fail. Each run uses fresh, uniquely named schemas and drops them afterwards.
Under pytest-xdist the workers share one build per backend (`shared`): the first worker to ask
builds it, the last one to finish drops it.
"""

from __future__ import annotations

import dataclasses
import fcntl
import json
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pipelines.dbt_runner import DbtResult, marts_schema, run_dbt, staging_schema
from tests.dbt import raw_fixture

Query = Callable[[str], list[dict[str, Any]]]
Json = dict[str, Any]


@dataclass
class Warehouse:
    backend: str
    raw_schema: str
    build: DbtResult
    query: Query
    read_raw: Callable[[], dict[str, list[dict[str, Any]]]]
    db_path: str | None = None  # the DuckDB file, on DuckDB

    @property
    def analytics_schema(self) -> str:
        return marts_schema(self.raw_schema)

    @property
    def staging_schema(self) -> str:
        return staging_schema(self.raw_schema)

    def mart(self, name: str) -> list[dict[str, Any]]:
        return self.query(f"select * from {self.analytics_schema}.{name}")


@pytest.fixture(scope="session")
def raw_rows() -> dict[str, list[dict[str, Any]]]:
    return raw_fixture.build_raw_rows()


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def shared(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Callable[..., Any]:
    """`with shared(name, create, destroy) as value`: one `create(work_dir)` per test run.

    `create` returns JSON; every xdist worker gets the same value, and `destroy(value)` runs when
    the last worker using it is done."""
    base = tmp_path_factory.getbasetemp()
    root = base.parent if worker_id != "master" else base  # shared by all workers of this run

    @contextmanager
    def use(name: str, create: Callable[[Path], Json], destroy: Callable[[Json], None]) -> Iterator[Json]:
        state_path, lock = root / f"{name}.json", root / f"{name}.lock"
        with _locked(lock):
            state = json.loads(state_path.read_text()) if state_path.exists() else {"users": 0}
            if state.get("value") is None:
                work = root / name
                work.mkdir(exist_ok=True)
                state["value"] = create(work)
            state["users"] += 1
            state_path.write_text(json.dumps(state))
        try:
            yield state["value"]
        finally:
            with _locked(lock):
                state = json.loads(state_path.read_text())
                state["users"] -= 1
                if state["users"] == 0:
                    destroy(state.pop("value"))
                state_path.write_text(json.dumps(state))

    return use


def _result_json(result: DbtResult) -> Json:
    return dataclasses.asdict(result)


def _result(value: Json) -> DbtResult:
    return DbtResult(**{**value, "command": tuple(value["command"])})


def pg_settings() -> dict[str, Any]:
    """GONG_TEST_POSTGRES (a URL, as the rest of the suite uses) when set, else the GONG_PG_* variables."""
    url = os.environ.get("GONG_TEST_POSTGRES")
    if url:
        from psycopg2.extensions import parse_dsn

        dsn = parse_dsn(url)
        return {
            "host": dsn.get("host", "127.0.0.1"),
            "port": int(dsn.get("port", 5432)),
            "user": dsn.get("user", "postgres"),
            "password": dsn.get("password", ""),
            "dbname": dsn.get("dbname", "test"),
        }
    return {
        "host": os.environ.get("GONG_PG_HOST", "127.0.0.1"),
        "port": int(os.environ.get("GONG_PG_PORT", "5432")),
        "user": os.environ.get("GONG_PG_USER", "postgres"),
        "password": os.environ.get("GONG_PG_PASSWORD", ""),
        "dbname": os.environ.get("GONG_PG_DATABASE", "test"),
    }


def pg_env(settings: dict[str, Any]) -> dict[str, str]:
    """dbt/profiles.yml's environment for the Postgres target."""
    return {
        "GONG_PG_HOST": settings["host"],
        "GONG_PG_PORT": str(settings["port"]),
        "GONG_PG_USER": settings["user"],
        "GONG_PG_PASSWORD": settings["password"],
        "GONG_PG_DATABASE": settings["dbname"],
    }


def pg_connect() -> Any:
    """A psycopg2 connection, or skip (fail when CI=true) when PostgreSQL is not reachable."""
    pytest.importorskip("psycopg2")
    import psycopg2

    settings = pg_settings()
    try:
        return psycopg2.connect(connect_timeout=3, **settings)
    except psycopg2.OperationalError as exc:
        reason = f"PostgreSQL not reachable at {settings['host']}:{settings['port']}: {str(exc).strip()}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (CI=true requires it)")
        pytest.skip(reason)


def dbt_schemas(raw_schema: str) -> tuple[str, ...]:
    """Every schema a build over `raw_schema` writes, and the raw schema itself."""
    return (marts_schema(raw_schema), staging_schema(raw_schema), raw_schema)


def pg_drop_schemas(*schemas: str) -> None:
    conn = pg_connect()
    try:
        with conn.cursor() as cur:
            for schema in schemas:
                cur.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.commit()
    finally:
        conn.close()


def duckdb_query(db_path: str) -> Query:
    def query(sql: str) -> list[dict[str, Any]]:
        import duckdb

        con = duckdb.connect(db_path, read_only=True)
        try:
            cur = con.execute(sql)
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
        finally:
            con.close()

    return query


def pg_query(conn: Any) -> Query:
    import psycopg2.extras

    def query(sql: str) -> list[dict[str, Any]]:
        with conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
            cur.execute(sql)
            rows = [dict(r) for r in cur.fetchall()]
        conn.rollback()
        return rows

    return query


@pytest.fixture(scope="session")
def duckdb_warehouse(shared, raw_rows) -> Iterator[Warehouse]:
    def create(work: Path) -> Json:
        db_path = str(work / "warehouse.duckdb")
        raw_fixture.write_duckdb(db_path, "gong", raw_rows)
        result = run_dbt(
            ("build",),
            target="duckdb",
            raw_schema="gong",
            env={"GONG_DUCKDB_PATH": db_path},
            target_path=work / "target",
            log_path=work / "logs",
            timeout=300,
        )
        return {"db_path": db_path, "build": _result_json(result)}

    with shared("dbt_duckdb", create, lambda value: None) as built:
        db_path = built["db_path"]
        yield Warehouse(
            "duckdb",
            "gong",
            _result(built["build"]),
            duckdb_query(db_path),
            lambda: raw_fixture.read_duckdb(db_path, "gong"),
            db_path,
        )


@pytest.fixture(scope="session")
def postgres_warehouse(shared, raw_rows) -> Iterator[Warehouse]:
    conn = pg_connect()

    def create(work: Path) -> Json:
        raw_schema = f"gong_{uuid.uuid4().hex[:10]}"
        raw_fixture.write_postgres(conn, raw_schema, raw_rows)
        result = run_dbt(
            ("build",),
            target="postgres",
            raw_schema=raw_schema,
            env=pg_env(pg_settings()),
            target_path=work / "target",
            log_path=work / "logs",
            timeout=300,
        )
        return {"raw": raw_schema, "build": _result_json(result)}

    def destroy(value: Json) -> None:
        pg_drop_schemas(*dbt_schemas(value["raw"]))

    try:
        with shared("dbt_postgres", create, destroy) as built:
            yield Warehouse(
                "postgres",
                built["raw"],
                _result(built["build"]),
                pg_query(conn),
                lambda: raw_fixture.read_postgres(conn, built["raw"]),
            )
    finally:
        conn.close()


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def warehouse(request: pytest.FixtureRequest) -> Warehouse:
    wh: Warehouse = request.getfixturevalue(f"{request.param}_warehouse")
    if not wh.build.success:
        pytest.fail(f"dbt build failed on {wh.backend}: {wh.build.failure}\n{wh.build.log_tail}")
    return wh
