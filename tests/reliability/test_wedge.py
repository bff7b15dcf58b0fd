"""A load package the destination refuses never wedges later runs: it is discarded, its state
rewound, and the next run reads that window again (issue 13, case 3)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gong_source import records
from pipelines.runner import make_pipeline
from tests.support import NOW, emulator, small_spec
from tests.warehouse import warehouse

SPEC = small_spec(seed=8, n_calls=40, sentences_per_call=3, start=NOW - timedelta(days=9))
POISONED_FROM = SPEC.start + timedelta(days=4)  # the first window (3 days) stays clean


@pytest.mark.postgres
def test_a_package_postgres_refuses_is_discarded_and_its_window_read_again(tmp_path, monkeypatch):
    clean_row = records.call_row

    def nul_in_title(meta, report=None):
        """What the connector sent before text was made safe: a NUL, which Postgres refuses."""
        row = clean_row(meta, report)
        if row["started_at"] >= POISONED_FROM:
            row["title"] = "Q1\x00review"
        return row

    with (
        emulator(SPEC) as emu,
        warehouse("postgres", tmp_path / "target", monkeypatch) as target,
        warehouse("postgres", tmp_path / "clean", monkeypatch) as clean,
    ):
        with monkeypatch.context() as patched:
            patched.setattr(records, "call_row", nul_in_title)
            with pytest.raises(Exception, match="0x00"):
                target.load(emu, SPEC.start, window_days=3)
        assert make_pipeline(target.options()).has_pending_data  # kept for one more try
        # The next run tries the package again, is refused again, discards it, rewinds the marks
        # to the last loaded window and reads the refused window again (its text now made safe).
        target.load(emu, SPEC.start, window_days=3)
        clean.load(emu, SPEC.start, window_days=3)
        assert target.snapshot() == clean.snapshot()
        calls = clean.count("calls")
        assert target.count("calls") == calls > 0

        def nul_from_gong(meta, report=None):
            return clean_row({**meta, "title": "Q1\x00review"}, report)

        emu.clock.advance(3600)
        monkeypatch.setattr(records, "call_row", nul_from_gong)  # Gong sends a NUL in every title
        summary = target.load(emu, SPEC.start, window_days=3, lookback_days=10)  # re-reads them all
        assert summary.repairs["replaced_characters"] >= calls  # counted in the summary
        assert target.query("select distinct title from {ds}.calls") == [("Q1\ufffdreview",)]
