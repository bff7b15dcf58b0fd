"""Rows leave the warehouse only on evidence, and stale child rows never stay (issue 13, cases 1, 5, 6).

A tiny Gong of two calls behind httpx's MockTransport: each test edits it between two loads of
the plain source, on DuckDB and Postgres.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from gong_emulator import Company, CompanySpec
from gong_source import GongClient, GongConfig, RateLimiter, gong_source
from gong_source.timestamps import to_utc
from pipelines.runner import make_pipeline
from tests.warehouse import CALL_TABLES, warehouse

DESTINATIONS = ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]
NO_CALLS = {"requestId": "x", "errors": ["No calls found corresponding to the provided filters"]}
# The child tables a call's sections feed; the transcript is "not yet" when empty, never stale.
SECTION_TABLES = sorted(set(CALL_TABLES) - {"calls", "call_details", "transcript_sentences"})


class TinyGong:
    """Two generated calls (one with CRM context and comments) served as Gong serves them."""

    def __init__(self) -> None:
        company = Company(CompanySpec(seed=5, n_calls=20, sentences_per_call=3))
        calls = [c for c in company.calls() if not c.is_private]
        rich = next(c for c in calls if c.plan.crm and c.extensive()["collaboration"].get("publicComments"))
        other = min((c for c in calls if c is not rich), key=lambda c: abs(c.started - rich.started))
        self.calls = {c.call_id: c.extensive() for c in (rich, other)}
        self.transcripts = {c.call_id: c.transcript() for c in (rich, other)}
        self.rich, self.other = rich.call_id, other.call_id
        self.workspace = rich.extensive()["metaData"]["workspaceId"]
        self.listing_glitch = False  # answer every date listing with Gong's "No calls found"
        self.now = max(self.started(c) for c in self.calls) + timedelta(days=1)

    def started(self, call_id: str) -> datetime:
        return to_utc(self.calls[call_id]["metaData"]["started"])

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v2/users":
            return httpx.Response(200, json={"records": {}, "users": []})
        if request.url.path == "/v2/workspaces":
            return httpx.Response(200, json={"workspaces": [{"id": self.workspace, "name": "Main"}]})
        wanted = json.loads(request.content)["filter"]
        if request.url.path == "/v2/calls/transcript":
            found = [self.transcripts[c] for c in wanted["callIds"] if c in self.transcripts]
            return self._answer("callTranscripts", found)
        if "callIds" in wanted:
            return self._answer("calls", [self.calls[c] for c in wanted["callIds"] if c in self.calls])
        found = [
            call
            for call_id, call in self.calls.items()
            if to_utc(wanted["fromDateTime"]) <= self.started(call_id) < to_utc(wanted["toDateTime"])
            and wanted.get("workspaceId", self.workspace) == call["metaData"]["workspaceId"]
            and not self.listing_glitch
        ]
        return self._answer("calls", found)

    @staticmethod
    def _answer(key: str, items: list[dict[str, Any]]) -> httpx.Response:
        if not items:
            return httpx.Response(404, json=NO_CALLS)
        return httpx.Response(
            200, json={"requestId": "x", "records": {"totalRecords": len(items)}, key: items}
        )


@pytest.fixture
def gong() -> TinyGong:
    return TinyGong()


def _load(target, gong: TinyGong, *resources: str, **settings: Any) -> None:
    """One run of the plain source, an hour after the last: its lookback re-reads both calls."""
    first = min(gong.started(c) for c in gong.calls)
    gong.now += timedelta(hours=1)
    config = GongConfig(
        access_key="k",
        access_key_secret="s",
        base_url="https://api.gong.io",
        start_date=(first - timedelta(days=1)).isoformat(),
        lookback_days=30,
        **settings,
    )
    client = GongClient(config, limiter=RateLimiter(1000), transport=httpx.MockTransport(gong))
    source = gong_source(config=config, client=client, until=gong.now)
    with client:
        make_pipeline(target.options()).run(
            source.with_resources(*resources) if resources else source
        ).raise_on_failed_jobs()


def _rows_of(target, call_id: str) -> dict[str, int]:
    return {
        table: target.query(f"select count(*) from {{ds}}.{table} where call_id = '{call_id}'")[0][0]
        for table in sorted(target.tables() & set(CALL_TABLES))
    }


@pytest.mark.parametrize("kind", DESTINATIONS)
def test_a_section_that_drops_to_none_leaves_no_rows_of_the_call(kind, gong, tmp_path, monkeypatch):
    with warehouse(kind, tmp_path, monkeypatch) as target:
        _load(target, gong)
        before, other = _rows_of(target, gong.rich), _rows_of(target, gong.other)
        assert all(before[table] > 0 for table in SECTION_TABLES), before  # every section had rows
        call = copy.deepcopy(gong.calls[gong.rich])
        call.update(parties=[], context=[], collaboration={"publicComments": []})
        call["content"] = {key: [] for key in call["content"] if isinstance(call["content"][key], list)}
        call["interaction"] = {"speakers": [], "interactionStats": []}
        gong.calls[gong.rich] = call
        _load(target, gong)
        after = _rows_of(target, gong.rich)
        assert {table: after[table] for table in SECTION_TABLES} == dict.fromkeys(SECTION_TABLES, 0)
        assert after["calls"] == 1 and after["transcript_sentences"] == before["transcript_sentences"]
        assert _rows_of(target, gong.other) == other  # the other call of the page keeps its rows


@pytest.mark.parametrize("kind", DESTINATIONS)
def test_deletions_only_from_evidence_and_only_by_runs_that_load_every_table(
    kind, gong, tmp_path, monkeypatch
):
    with warehouse(kind, tmp_path, monkeypatch) as target:
        _load(target, gong)
        before = target.snapshot()
        gong.listing_glitch = True  # Gong's 404 "No calls found" for a range that has calls
        _load(target, gong)
        gong.listing_glitch = False
        assert target.snapshot() == before
        _load(target, gong, workspace_id="1234567890123456789")  # a mistyped --workspace
        assert target.snapshot() == before
        del gong.calls[gong.other]  # listed no more and not found by id: deleted in Gong
        _load(target, gong, "calls")  # a subset run deletes nothing: it could not delete everywhere
        assert _rows_of(target, gong.other)["calls"] == 1
        _load(target, gong)  # the next full run deletes the call from every table
        assert set(_rows_of(target, gong.other).values()) == {0}
        assert _rows_of(target, gong.rich) == {
            table: len(rows) for table, rows in _by_call(before, gong.rich).items()
        }


def _by_call(snapshot: dict[str, list[tuple[Any, ...]]], call_id: str) -> dict[str, list[tuple[Any, ...]]]:
    return {table: [row for row in rows if call_id in row] for table, rows in snapshot.items()}
