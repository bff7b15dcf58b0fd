"""Random fault schedules: re-run until success (as cron would); the tables equal a clean run's.

When the faults deleted calls between pages, the clean reference is loaded from the same
emulator after the faulty runs, so a deleted call is gone from both. Otherwise the company is
as generated (it is deterministic), and the reference is one clean run of it per module.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest

from gong_emulator import FaultPlan
from gong_emulator.faults import CURSOR_FAULTS
from gong_source.errors import GongQuotaExhausted
from pipelines.runner import make_pipeline
from tests.support import NOW, emulator, small_spec
from tests.warehouse import warehouse

SPEC = small_spec(seed=3, n_calls=90, sentences_per_call=5, start=NOW - timedelta(days=10))
FAST_RETRIES = {
    "timeout_seconds": 0.5,
    "max_attempts": 5,
    "backoff_initial_seconds": 0.01,
    "backoff_max_seconds": 0.05,
}
MAX_RUNS = 12
# Deletions are seen by re-listing, so the lookback covers the whole generated range.
LOOKBACK_DAYS = 11


# Each schedule also gets one certain fault early on, rotating through every kind.
CERTAIN = ("500", "429", "slow", "drop", "truncate", "expire_cursor", "delete_between_pages")


def fault_plan(seed: int) -> FaultPlan:
    first, certain = 3 + seed % 4, CERTAIN[seed % len(CERTAIN)]
    # A cursor fault only lands on a page with a cursor: the source reads pages ahead, so which
    # request numbers those are depends on thread timing. Scheduled on several, one lands.
    span = 8 if certain in CURSOR_FAULTS else 1
    return FaultPlan(
        seed=seed,
        schedule=dict.fromkeys(range(first, first + span), certain),
        p_5xx=0.05,
        p_429=0.015,
        burst_429=(1, 2),
        retry_after_seconds=1,
        p_slow=0.02,
        slow_seconds=1.0,
        p_drop=0.03,
        p_truncate=0.03,
        p_expire_cursor=0.05,
        p_delete_between_pages=0.03 if seed % 3 == 0 else 0.0,
    )


def run_until_success(target, emu) -> int:
    errors = []
    for attempt in range(1, MAX_RUNS + 1):
        try:
            target.load(emu, SPEC.start, window_days=30, lookback_days=LOOKBACK_DAYS, client=FAST_RETRIES)
            return attempt
        except Exception as error:
            errors.append(f"{type(error).__name__}: {error}")
    pytest.fail(f"still failing after {MAX_RUNS} runs: " + " | ".join(errors[-3:]))


def clean_tables(emu, root, monkeypatch) -> dict:
    """The tables of one uninterrupted run against `emu`, as it is now."""
    with warehouse("duckdb", root, monkeypatch) as clean:
        clean.load(emu, SPEC.start, window_days=30)
        return clean.snapshot()


@pytest.fixture(scope="module")
def generated_company_tables(tmp_path_factory) -> dict:
    """The clean tables of SPEC's company as generated, with nothing deleted."""
    with emulator(SPEC, page_size=20) as emu, pytest.MonkeyPatch.context() as monkeypatch:
        return clean_tables(emu, tmp_path_factory.mktemp("clean"), monkeypatch)


@pytest.mark.parametrize("seed", range(30))
def test_fault_schedule_ends_with_the_clean_tables(seed, tmp_path, monkeypatch, request):
    with (
        emulator(SPEC, faults=fault_plan(seed), page_size=20) as emu,
        warehouse("duckdb", tmp_path / "faulty", monkeypatch) as faulty,
    ):
        run_until_success(faulty, emu)
        assert any(r.fault for r in emu.requests), "the schedule injected nothing"
        emu.faults = FaultPlan.none()
        # Gong has no tombstones: a call deleted after its window was listed is seen gone by the
        # next scheduled run, whose lookback lists the window again.
        faulty.load(emu, SPEC.start, window_days=30, lookback_days=LOOKBACK_DAYS)
        if emu.deleted_call_ids:
            reference = clean_tables(emu, tmp_path / "clean", monkeypatch)
        else:
            reference = request.getfixturevalue("generated_company_tables")
        assert faulty.snapshot() == reference


def test_daily_quota_stops_promptly_and_resumes_next_day_without_a_gap(tmp_path, monkeypatch):
    with (
        emulator(SPEC, daily_quota=14, page_size=10) as emu,
        warehouse("duckdb", tmp_path, monkeypatch) as target,
    ):
        started = time.monotonic()
        with pytest.raises(GongQuotaExhausted, match=re.escape("quota is spent")):
            target.load(emu, SPEC.start, window_days=2)
        assert time.monotonic() - started < 30  # no sleeping until tomorrow
        state = make_pipeline(target.options()).state.get("sources", {}).get("gong", {})
        marks = state.get("marks", {})
        assert marks, "the quota should end the run after its first window"
        loaded_until = min(mark["until"] for mark in marks.values())
        emu.clock.advance(24 * 3600)  # the next day, with a real day's quota
        emu.set_daily_quota(10_000)
        target.load(emu, SPEC.start, window_days=2)
        with warehouse("duckdb", tmp_path / "clean", monkeypatch) as clean:
            clean.load(emu, SPEC.start, window_days=2)
            assert target.snapshot() == clean.snapshot()
        assert loaded_until < NOW.isoformat()
