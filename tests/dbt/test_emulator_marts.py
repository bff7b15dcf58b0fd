"""End to end: the emulator's generated company -> the real pipeline -> `dbt build` (run by the
pipeline, as in production) -> every mart equals its Python re-computation from the raw rows
that landed. Runs on DuckDB and, when reachable, on Postgres."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import closing
from typing import Any

import psycopg2
import pytest
from psycopg2.extras import RealDictCursor

from pipelines.dbt_runner import marts_schema, staging_schema
from tests.dbt import expected as exp
from tests.dbt import raw_fixture
from tests.dbt.test_marts import assert_mart_equals
from tests.support import POSTGRES_URL, emulator, small_spec
from tests.warehouse import warehouse

pytestmark = pytest.mark.slow


def _check_marts(raw: dict[str, list[dict[str, Any]]], mart: Callable[[str], list[dict[str, Any]]]) -> None:
    accounts = exp.accounts(raw)
    checks: list[tuple[str, dict, Callable[[Mapping[str, Any]], Any], list[str] | None]] = [
        ("gong__call_talk_time", exp.call_talk_time(raw), lambda r: r["call_id"], None),
        (
            "gong__call_speaker_talk_time",
            exp.call_speaker_talk_time(raw),
            lambda r: (r["call_id"], r["participant_key"]),
            None,
        ),
        (
            "gong__rep_weekly_talk_time",
            exp.rep_weekly_talk_time(raw),
            lambda r: (r["user_id"], r["week_start"]),
            None,
        ),
        ("gong__call_accounts", exp.call_accounts(raw), lambda r: r["call_id"], None),
        (
            "gong__accounts",
            accounts,
            lambda r: r["account_id"],
            [c for c in next(iter(accounts.values())) if c != "days_since_last_call"],
        ),
        (
            "gong__account_monthly",
            exp.account_monthly(raw),
            lambda r: (r["account_id"], r["month_start"]),
            None,
        ),
        ("gong__call_transcripts", exp.call_transcripts(raw), lambda r: r["call_id"], None),
        (
            "gong__call_tracker_occurrences",
            exp.call_tracker_occurrences(raw),
            lambda r: (r["call_id"], r["tracker_index"], r["occurrence_index"]),
            None,
        ),
    ]
    for name, want, key, columns in checks:
        assert want, f"the generated company gives no rows for {name}"
        assert_mart_equals(mart(name), want, key, columns)
    sources = {row["account_source"] for row in mart("gong__call_accounts")}
    assert {"crm", "email_domain", None} <= sources, sources
    _check_transcript_agrees_with_gong(mart("gong__call_talk_time"))


def _check_transcript_agrees_with_gong(calls: list[dict[str, Any]]) -> None:
    """The emulator derives its stats from the same timeline as its transcript, as Gong does."""
    compared = [c for c in calls if c["has_transcript"] and c["gong_talk_ratio"] is not None]
    assert compared, "no call has both a transcript and Gong's Talk Ratio"
    off = {
        c["call_id"]: (c["talk_ratio"], c["gong_talk_ratio"])
        for c in compared
        if c["talk_ratio"] is None or abs(c["talk_ratio"] - c["gong_talk_ratio"]) > 0.02
    }
    assert not off, f"transcript talk ratio vs Gong's Talk Ratio differ by > 0.02: {off}"
    for c in calls:
        if not c["has_transcript"]:
            assert c["transcript_external_talk_seconds"] is None and c["talk_ratio"] is None, c["call_id"]


@pytest.mark.parametrize("kind", ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_emulated_company_marts_equal_python(kind: str, tmp_path, monkeypatch) -> None:
    import duckdb

    spec = small_spec(n_calls=60)
    with emulator(spec) as emu, warehouse(kind, tmp_path, monkeypatch) as target:
        analytics = marts_schema(target.dataset)  # the marts of a dataset land beside it
        try:
            summary = target.load(emu, spec.start, run_dbt=True)
            assert summary.dbt and "ok" in summary.dbt, summary.dbt
            if kind == "duckdb":
                raw = raw_fixture.read_duckdb(str(target.duckdb_path), target.dataset)

                def mart(name: str) -> list[dict[str, Any]]:
                    with duckdb.connect(str(target.duckdb_path), read_only=True) as con:
                        cur = con.execute(f"select * from {analytics}.{name}")
                        names = [d[0] for d in cur.description]
                        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

                _check_marts(raw, mart)
            else:
                with closing(psycopg2.connect(POSTGRES_URL)) as conn:
                    raw = raw_fixture.read_postgres(conn, target.dataset)

                    def mart(name: str) -> list[dict[str, Any]]:
                        with conn.cursor(cursor_factory=RealDictCursor) as cur:
                            cur.execute(f"select * from {analytics}.{name}")
                            rows = [dict(r) for r in cur.fetchall()]
                        conn.rollback()
                        return rows

                    _check_marts(raw, mart)
        finally:
            if kind == "postgres":
                with closing(psycopg2.connect(POSTGRES_URL)) as conn, conn.cursor() as cur:
                    for schema in (analytics, staging_schema(target.dataset)):
                        cur.execute(f"drop schema if exists {schema} cascade")
                    conn.commit()
