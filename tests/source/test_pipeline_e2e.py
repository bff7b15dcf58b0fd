"""The scheduled pipeline end to end, emulator -> DuckDB / Postgres, checked against ground truth.

Expectations come straight from the emulator's generated company (its API JSON), never from
the connector's own shaping code, so a shaping bug cannot hide behind itself.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import pytest

from gong_emulator import FaultPlan
from gong_source import GongClient, settings
from gong_source.endpoints import ENDPOINTS, call_scoped_tables
from pipelines.runner import make_pipeline
from tests.support import NOW, emulator, small_spec
from tests.warehouse import warehouse

DESTINATIONS = ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value)


def expected_calls(emu, at=None):
    """Calls the connector should hold: listed by Gong at `at` and not private."""
    at = at or emu.clock.now()
    return [c for c in emu.company.calls() if c.visible_at <= at and not c.is_private]


def expected_sentences(emu, calls, at=None):
    at = at or emu.clock.now()
    rows = set()
    for call in calls:
        if call.transcript_visible_at > at:
            continue
        for seg_index, segment in enumerate(call.transcript()["transcript"]):
            for sent_index, sentence in enumerate(segment["sentences"]):
                rows.add(
                    (
                        call.call_id,
                        seg_index,
                        sent_index,
                        segment["speakerId"],
                        sentence["start"],
                        sentence["end"],
                        sentence["text"],
                    )
                )
    return rows


def loaded_sentences(target):
    return set(
        target.query(
            "select call_id, segment_index, sentence_index, speaker_id, start_ms, end_ms, text "
            "from {ds}.transcript_sentences"
        )
    )


@pytest.mark.parametrize("kind", DESTINATIONS)
def test_full_load_matches_the_generated_company(kind, tmp_path, monkeypatch):
    spec = small_spec()
    with emulator(spec) as emu, warehouse(kind, tmp_path, monkeypatch) as target:
        summary = target.load(emu, spec.start)
        calls = expected_calls(emu)
        all_listed = [c for c in emu.company.calls() if c.visible_at <= emu.clock.now()]
        assert any(c.is_private for c in all_listed), "the company should have private calls to leave out"

        # Row counts per table equal the generated data, private calls excluded.
        assert target.count("calls") == len(calls)
        assert {r[0] for r in target.query("select call_id from {ds}.calls")} == {c.call_id for c in calls}
        parties = [p for c in calls for p in c.extensive().get("parties", [])]
        assert target.count("parties") == len(parties)
        speakers = [s for c in calls for s in c.extensive()["interaction"]["speakers"]]
        assert target.count("call_speakers") == len(speakers)
        assert target.count("users") == len(emu.company.users)
        assert target.count("workspaces") == len(emu.company.workspaces)

        # Sentence text and timings match exactly.
        assert loaded_sentences(target) == expected_sentences(emu, calls)

        # Speaker ids join to parties, except the speakers Gong could not attribute.
        orphans = target.query(
            "select count(*) from {ds}.transcript_sentences s where s.speaker_id is not null and not exists "
            "(select 1 from {ds}.parties p where p.call_id = s.call_id and p.speaker_id = s.speaker_id)"
        )[0][0]
        expected_orphans = sum(
            len(seg["sentences"])
            for c in calls
            for seg in c.transcript()["transcript"]
            if seg["speakerId"] is not None
            and seg["speakerId"] not in {p.get("speakerId") for p in c.extensive().get("parties", [])}
        )
        assert orphans == expected_orphans

        # Every *_at is a UTC timestamptz equal to the emulator's instant.
        types = target.query(
            "select table_name, column_name, data_type from information_schema.columns "
            "where table_schema = '{ds}' and column_name like '%\\_at' escape '\\'"
        )
        assert types and all("with time zone" in dtype.lower() for _, _, dtype in types), types
        started = dict(target.query("select call_id, started_at from {ds}.calls"))
        scheduled = dict(target.query("select call_id, scheduled_at from {ds}.calls"))
        for call in calls:
            meta = call.metadata()
            assert started[call.call_id] == _instant(meta["started"])
            assert scheduled[call.call_id] == _instant(meta["scheduled"])
        created = dict(target.query("select user_id, created_at from {ds}.users"))
        assert all(created[u["id"]] == _instant(u["created"]) for u in emu.company.users)

        # IDs are text, digit for digit.
        assert all(
            isinstance(r[0], str) and r[0].isdigit() for r in target.query("select call_id from {ds}.calls")
        )

        # Requests: at most the page count for N calls plus a constant per window.
        windows = math.ceil((NOW - spec.start) / timedelta(days=7)) + 1
        pages = math.ceil(len(calls) / 100)
        assert summary.requests <= 3 * (pages + windows) + 2, summary


def test_calls_and_transcripts_gong_serves_twice_are_stored_once(tmp_path, monkeypatch):
    """The merges skip dlt's dedup (gong_source/tables.py), so the source must yield each row once
    per package: here every listing page comes twice, and each transcript batch repeats one of
    its calls and adds one, unasked, from the batch before."""
    paginate, fetch_all = GongClient.paginate, GongClient.fetch_all

    def pages_twice(self, method, path, **kwargs):
        for page in paginate(self, method, path, **kwargs):
            yield page
            if path == settings.CALLS_EXTENSIVE_PATH:
                yield page

    earlier: list = []

    def batches_with_repeats(self, method, path, **kwargs):
        found = fetch_all(self, method, path, **kwargs)
        if path != settings.CALLS_TRANSCRIPT_PATH or not found:
            return found
        answer = [*found, found[0], *earlier[-1:]]
        earlier.extend(found)
        return answer

    monkeypatch.setattr(GongClient, "paginate", pages_twice)
    monkeypatch.setattr(GongClient, "fetch_all", batches_with_repeats)
    spec = small_spec(n_calls=260)
    with emulator(spec) as emu, warehouse("duckdb", tmp_path, monkeypatch) as target:
        target.load(emu, spec.start, window_days=60)
        assert len(earlier) > 100, "the calls should need several transcript batches"
        calls = expected_calls(emu)
        assert target.count("calls") == len(calls)
        assert loaded_sentences(target) == expected_sentences(emu, calls)
        for table in call_scoped_tables(ENDPOINTS):
            key = ", ".join(table.unique_key)
            rows, keys = target.query(f"select count(*), count(distinct ({key})) from {{ds}}.{table.name}")[0]
            assert rows == keys, table.name


@pytest.mark.parametrize("kind", DESTINATIONS)
def test_second_run_adds_nothing(kind, tmp_path, monkeypatch):
    spec = small_spec(n_calls=150)
    with emulator(spec) as emu, warehouse(kind, tmp_path, monkeypatch) as target:
        target.load(emu, spec.start)
        before = target.snapshot()
        emu.clear_requests()
        again = target.load(emu, spec.start)
        assert target.snapshot() == before
        # The re-run reads only the lookback: no transcript is downloaded twice.
        assert not [r for r in emu.requests if r.path == "/v2/calls/transcript"]
        assert again.requests <= 2 * math.ceil(len(expected_calls(emu)) / 100) + 6


def test_late_calls_and_late_transcripts_arrive_on_a_later_run(tmp_path, monkeypatch):
    spec = small_spec(n_calls=200, late_share=0.3, late_transcript_share=0.3)
    with emulator(spec) as emu, warehouse("duckdb", tmp_path, monkeypatch) as target:
        early = spec.end - timedelta(hours=2)
        emu.clock.set(early)
        target.load(emu, spec.start)
        first_calls = expected_calls(emu)
        assert target.count("calls") == len(first_calls)
        missing_calls = len(expected_calls(emu, NOW + timedelta(days=1))) - len(first_calls)
        missing_sentences = len(
            expected_sentences(emu, expected_calls(emu, NOW + timedelta(days=1)), NOW + timedelta(days=1))
        ) - len(expected_sentences(emu, first_calls))
        assert missing_calls > 0 and missing_sentences > 0, (
            "the company should have late calls and transcripts"
        )

        emu.clock.set(NOW + timedelta(days=1))
        target.load(emu, spec.start)
        calls = expected_calls(emu)
        assert target.count("calls") == len(calls)
        assert loaded_sentences(target) == expected_sentences(emu, calls)


def test_a_failed_run_keeps_finished_windows_and_the_rerun_closes_the_gap(tmp_path, monkeypatch):
    spec = small_spec(n_calls=150)
    with warehouse("duckdb", tmp_path, monkeypatch) as target:
        with emulator(spec) as reference_emu:
            reference = warehouse_snapshot_of_clean_run(
                reference_emu, tmp_path / "reference", monkeypatch, spec
            )
        # Requests 6..40 all fail: the first window loads, a later one dies mid-way.
        faults = FaultPlan(schedule={n: "500" for n in range(6, 40)})
        with emulator(spec, faults=faults) as emu:
            with pytest.raises(Exception, match="HTTP 500"):
                target.load(emu, spec.start, client={"max_attempts": 2})
            pipeline = make_pipeline(target.options())
            marks = pipeline.state["sources"]["gong"].get("marks", {})
            loaded_until = {datetime.fromisoformat(mark["until"]) for mark in marks.values()}
            assert len(loaded_until) == 1 and loaded_until.pop() < NOW - timedelta(days=5)
            emu.faults = FaultPlan.none()
            target.load(emu, spec.start)
        assert target.snapshot() == reference


def warehouse_snapshot_of_clean_run(emu, root, monkeypatch, spec):
    with warehouse("duckdb", root, monkeypatch) as clean:
        clean.load(emu, spec.start)
        return clean.snapshot()
