"""The bench's replay server answers like the emulator it recorded, and the small bench runs in CI.

Timings are never asserted; request counts, row counts and response bytes are.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import orjson
import pytest

from bench.__main__ import main
from bench.emulator import ACCESS_KEY, ACCESS_KEY_SECRET, Tenant, in_process
from bench.measures import Sizes
from bench.profile import summarize
from bench.replay import Replay, record
from gong_emulator.exchange import NO_CALLS
from gong_source import settings

SELECTOR = {"contentSelector": {"context": "Extended", "exposedFields": {"parties": True}}}
TENANT = Tenant(n_calls=230, sentences_per_call=4, seed=5)
Post = Callable[[str, dict[str, Any]], tuple[int, bytes]]


@pytest.fixture(scope="module")
def recorded() -> Iterator[tuple[Replay, Post]]:
    """A replay of TENANT, and a way to ask the emulator it was recorded from the same thing."""
    with (
        in_process(TENANT) as emu,
        httpx.Client(base_url=emu.base_url, auth=(ACCESS_KEY, ACCESS_KEY_SECRET)) as http,
    ):

        def ask_emulator(path: str, body: dict[str, Any]) -> tuple[int, bytes]:
            sent = http.post(path, json=body)
            return sent.status_code, sent.content

        yield Replay(record(emu.base_url, TENANT.start, TENANT.end, [SELECTOR])), ask_emulator


def replay_post(replay: Replay) -> Post:
    return lambda path, body: replay.answer("POST", path, orjson.dumps(body))


def walk(post: Post, path: str, body: dict[str, Any], items: str) -> list[Any]:
    """Every item of a paginated POST, following the cursor in the body."""
    found: list[Any] = []
    cursor = None
    while True:
        status, content = post(path, {**body, **({"cursor": cursor} if cursor else {})})
        if status == 404:
            return found
        assert status == 200, content
        page = orjson.loads(content)
        found += page[items]
        cursor = page["records"].get("cursor")
        if not cursor:
            return found


def test_date_pages_through_body_cursors_match_the_emulator(recorded: tuple[Replay, Post]) -> None:
    replay, ask_emulator = recorded
    start = TENANT.start + timedelta(days=1, hours=5)
    window = {"fromDateTime": start.isoformat(), "toDateTime": (start + timedelta(days=3)).isoformat()}
    body = {**SELECTOR, "filter": window}

    expected = walk(ask_emulator, settings.CALLS_EXTENSIVE_PATH, body, "calls")
    served = walk(replay_post(replay), settings.CALLS_EXTENSIVE_PATH, body, "calls")

    assert len(expected) > settings.PAGE_SIZE  # more than one page, so the cursor was followed
    assert served == expected
    assert replay.requests[f"POST {settings.CALLS_EXTENSIVE_PATH}"] == math.ceil(
        len(expected) / settings.PAGE_SIZE
    )


def test_transcripts_by_call_ids_and_the_listing_match_the_emulator(recorded: tuple[Replay, Post]) -> None:
    replay, ask_emulator = recorded
    ids = [call.call_id for call in replay.recording.calls[::2]][: settings.MAX_CALL_IDS_PER_REQUEST]
    body = {"filter": {"callIds": ids}}
    path = settings.CALLS_TRANSCRIPT_PATH

    served = walk(replay_post(replay), path, body, "callTranscripts")
    assert served == walk(ask_emulator, path, body, "callTranscripts")
    assert sorted(t["callId"] for t in served) == sorted(ids)

    query = urlencode({"fromDateTime": TENANT.start.isoformat()})
    status, content = replay.answer("GET", f"{settings.CALLS_PATH}?{query}", b"")
    listed = orjson.loads(content)
    assert status == 200 and listed["records"]["totalRecords"] == TENANT.n_calls
    assert len(listed["calls"]) == settings.PAGE_SIZE


def test_the_same_request_gets_the_same_bytes(recorded: tuple[Replay, Post]) -> None:
    replay, _ = recorded
    body = orjson.dumps({**SELECTOR, "filter": {"fromDateTime": TENANT.start.isoformat()}})
    first = replay.answer("POST", settings.CALLS_EXTENSIVE_PATH, body)
    assert first[0] == 200
    assert replay.answer("POST", settings.CALLS_EXTENSIVE_PATH, body) == first


def test_anything_unrecorded_is_gongs_empty_result_404(recorded: tuple[Replay, Post]) -> None:
    replay, _ = recorded
    before = replay.unrecorded
    empty = {"filter": {"toDateTime": TENANT.start.isoformat()}}  # before the first call
    unknown_selector = {"contentSelector": {"exposedFields": {"media": True}}, "filter": {}}
    answers = [
        replay.answer("POST", settings.CALLS_TRANSCRIPT_PATH, orjson.dumps(empty)),
        replay.answer("GET", "/v2/calls/123/media", b""),
        replay.answer("POST", settings.CALLS_EXTENSIVE_PATH, orjson.dumps(unknown_selector)),
    ]
    for status, content in answers:
        assert status == 404
        assert orjson.loads(content)["errors"] == [NO_CALLS]
    assert replay.unrecorded == before + 2  # an empty filter is an answer, not a gap in the recording


def test_a_cursor_is_bound_to_the_other_inputs(recorded: tuple[Replay, Post]) -> None:
    replay, _ = recorded
    body = {**SELECTOR, "filter": {"fromDateTime": TENANT.start.isoformat()}}
    cursor = orjson.loads(replay.answer("POST", settings.CALLS_EXTENSIVE_PATH, orjson.dumps(body))[1])[
        "records"
    ]["cursor"]
    moved = {**body, "filter": {"fromDateTime": TENANT.end.isoformat()}, "cursor": cursor}
    status, content = replay.answer("POST", settings.CALLS_EXTENSIVE_PATH, orjson.dumps(moved))
    assert status == 400 and "cursor" in orjson.loads(content)["errors"][0]


def test_profile_summary_counts_self_and_total_samples() -> None:
    raw = "\n".join(
        [
            "main (a.py:1);Pipeline.extract (dlt/p.py:9);parse (b.py:3) 6",
            "main (a.py:1);Pipeline.load (dlt/p.py:20) 3",
            "main (a.py:2) 1",
        ]
    )
    summary = summarize(raw, top=2)
    assert summary["samples"] == 10
    assert summary["top"][0] == {"function": "parse (b.py)", "self": 0.6, "total": 0.6}
    assert summary["top"][1]["function"] == "Pipeline.load (dlt/p.py)"
    assert summary["packages"] == {"python": 0.7, "dlt": 0.3}


@pytest.mark.slow
def test_small_bench_reports_every_measure(tmp_path: Path) -> None:
    try:
        import time_machine  # noqa: F401
    except ImportError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("time-machine is not installed: pip install -e '.[dev]'")
    out = tmp_path / "bench.md"
    assert main(["--small", "--out", str(out)]) == 0

    report = out.read_text()
    twin = json.loads(out.with_suffix(".json").read_text())
    rows = {row["key"]: row for row in twin["rows"]}
    sizes = Sizes.small()
    assert set(rows) == {"1", "2a", "3a", "3b", "4a", "4b", "4c", "5a", "5b"}
    for key, row in rows.items():
        assert f"| {key} |" in report
        for name in ("value", "reference"):
            assert isinstance(row[name], int | float) and math.isfinite(row[name]), (key, name, row)

    # Counted at the server: no load can beat the floor, and the limiter prevents every 429.
    assert rows["1"]["value"] >= rows["1"]["reference"]
    assert rows["3b"]["value"] == 0
    assert twin["details"]["steady_100"]["requests"] > 0
    # Every replay-backed run loaded every recorded sentence (the bench checks it against the server).
    connector = twin["details"]["connector"]
    for calls in (sizes.floor_calls, *sizes.rss_calls):
        assert connector[str(calls)]["sentences"] == calls * sizes.sentences_per_call
        assert connector[str(calls)]["requests"] > 0
