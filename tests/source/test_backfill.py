"""Backfill: window by window, an interrupted one resumes where it stopped, with an honest estimate."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from gong_emulator import FaultPlan
from gong_source.errors import GongServerError
from pipelines.runner import backfill, make_pipeline
from tests.support import NOW, config_for, emulator, small_spec
from tests.warehouse import warehouse

SPEC = small_spec(seed=8, n_calls=150, start=NOW - timedelta(days=40), end=NOW - timedelta(days=2))
START, END = SPEC.start, NOW - timedelta(days=1)


def test_interrupted_backfill_resumes_after_its_last_committed_window(tmp_path, monkeypatch):
    with emulator(SPEC) as emu, warehouse("duckdb", tmp_path / "clean", monkeypatch) as clean:
        clean_summary = backfill(clean.options(), config_for(emu, window_days=10), START, END, lambda m: None)
        reference = clean.snapshot()

    messages: list[str] = []
    with emulator(SPEC) as emu, warehouse("duckdb", tmp_path / "faulty", monkeypatch) as target:
        options = target.options()
        # Every request from the 9th on fails: the first windows commit, a later one dies.
        emu.faults = FaultPlan(schedule={n: "500" for n in range(9, 60)})
        with pytest.raises(GongServerError):
            backfill(
                options,
                config_for(emu, max_attempts=2, backoff_initial_seconds=0.01, window_days=10),
                START,
                END,
                messages.append,
            )
        done = make_pipeline(options).state["sources"]["gong"]["backfills"]
        assert len(done) == 1 and START.isoformat() in next(iter(done))
        assert "marks" not in make_pipeline(options).state["sources"]["gong"]  # backfills leave the marks

        emu.faults = FaultPlan.none()
        emu.clear_requests()
        resumed = backfill(options, config_for(emu, window_days=10), START, END, messages.append)
        listed_from = min(
            r.json_body["filter"]["fromDateTime"]
            for r in emu.requests
            if r.path == "/v2/calls/extensive" and "fromDateTime" in r.json_body["filter"]
        )
        assert listed_from > START.strftime("%Y-%m-%dT%H:%M:%S")  # committed windows are skipped
        assert resumed.windows_done == resumed.windows_total == clean_summary.windows_total
        assert target.snapshot() == reference

    # The plan printed before starting: calls in range, requests, time at the configured rate.
    plan = next(m for m in messages if m.startswith("backfill plan"))
    calls, expected = (int(x) for x in re.search(r"about (\d+) calls, at most (\d+) requests", plan).groups())
    assert calls == sum(1 for c in emu.company.calls() if START <= c.started < END)
    assert clean_summary.requests <= expected + 1  # +1: the probe that counted the calls
