"""Session fixtures: one `dbt build` per backend on the hand-made raw dataset.

DuckDB always runs. Postgres runs when a server answers at GONG_TEST_POSTGRES (a URL) or
GONG_PG_HOST:GONG_PG_PORT (default 127.0.0.1:5432); otherwise its tests are skipped, unless
CI=true, where they fail. Each run uses fresh, uniquely named schemas and drops them afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pipelines.dbt_runner import DbtResult, run_dbt
from tests.dbt import raw_fixture

Query = Callable[[str], list[dict[str, Any]]]


@dataclass
class Warehouse:
    backend: str
    analytics_schema: str
    build: DbtResult
    query: Query
    read_raw: Callable[[], dict[str, list[dict[str, Any]]]]

    def mart(self, name: str) -> list[dict[str, Any]]:
        return self.query(f"select * from {self.analytics_schema}.{name}")


@pytest.fixture(scope="session")
def raw_rows() -> dict[str, list[dict[str, Any]]]:
    return raw_fixture.build_raw_rows()


def _pg_settings() -> dict[str, Any]:
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


@pytest.fixture(scope="session")
def duckdb_warehouse(tmp_path_factory: pytest.TempPathFactory, raw_rows) -> Iterator[Warehouse]:
    import duckdb

    work: Path = tmp_path_factory.mktemp("dbt_duckdb")
    db_path = str(work / "warehouse.duckdb")
    raw_fixture.write_duckdb(db_path, "gong", raw_rows)
    result = run_dbt(
        ("build",),
        target="duckdb",
        raw_schema="gong",
        env={"GONG_DUCKDB_PATH": db_path, "GONG_DBT_SCHEMA": "gong_analytics"},
        target_path=work / "target",
        log_path=work / "logs",
        timeout=300,
    )

    def query(sql: str) -> list[dict[str, Any]]:
        con = duckdb.connect(db_path, read_only=True)
        try:
            cur = con.execute(sql)
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
        finally:
            con.close()

    yield Warehouse(
        "duckdb", "gong_analytics", result, query, lambda: raw_fixture.read_duckdb(db_path, "gong")
    )


@pytest.fixture(scope="session")
def postgres_warehouse(tmp_path_factory: pytest.TempPathFactory, raw_rows) -> Iterator[Warehouse]:
    pytest.importorskip("psycopg2")
    import psycopg2
    import psycopg2.extras

    settings = _pg_settings()
    try:
        conn = psycopg2.connect(connect_timeout=3, **settings)
    except psycopg2.OperationalError as exc:
        reason = f"PostgreSQL not reachable at {settings['host']}:{settings['port']}: {str(exc).strip()}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (CI=true requires it)")
        pytest.skip(reason)
    conn.autocommit = False
    suffix = uuid.uuid4().hex[:10]
    raw_schema, analytics_schema = f"gong_raw_{suffix}", f"gong_analytics_{suffix}"
    work: Path = tmp_path_factory.mktemp("dbt_postgres")
    try:
        raw_fixture.write_postgres(conn, raw_schema, raw_rows)
        env = {
            "GONG_PG_HOST": settings["host"],
            "GONG_PG_PORT": str(settings["port"]),
            "GONG_PG_USER": settings["user"],
            "GONG_PG_PASSWORD": settings["password"],
            "GONG_PG_DATABASE": settings["dbname"],
            "GONG_DBT_SCHEMA": analytics_schema,
        }
        result = run_dbt(
            ("build",),
            target="postgres",
            raw_schema=raw_schema,
            env=env,
            target_path=work / "target",
            log_path=work / "logs",
            timeout=300,
        )

        def query(sql: str) -> list[dict[str, Any]]:
            with conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
                cur.execute(sql)
                rows = [dict(r) for r in cur.fetchall()]
            conn.rollback()
            return rows

        yield Warehouse(
            "postgres", analytics_schema, result, query, lambda: raw_fixture.read_postgres(conn, raw_schema)
        )
    finally:
        conn.rollback()
        with conn.cursor() as cur:
            cur.execute(f"DROP SCHEMA IF EXISTS {analytics_schema} CASCADE")
            cur.execute(f"DROP SCHEMA IF EXISTS {raw_schema} CASCADE")
        conn.commit()
        conn.close()


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def warehouse(request: pytest.FixtureRequest) -> Warehouse:
    wh: Warehouse = request.getfixturevalue(f"{request.param}_warehouse")
    if not wh.build.success:
        pytest.fail(f"dbt build failed on {wh.backend}: {wh.build.failure}\n{wh.build.log_tail}")
    return wh
