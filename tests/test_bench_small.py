"""The benchmark's small mode runs once in CI so it cannot rot; timings are never asserted."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from bench.__main__ import main

pytestmark = pytest.mark.slow

KEYS = ("1a", "1b", "2a", "2b", "3a", "3b", "4a", "4b", "4c", "5a", "5b")


def test_small_bench_reports_all_five_measures(tmp_path: Path) -> None:
    out = tmp_path / "bench.md"
    assert main(["--small", "--out", str(out)]) == 0

    report = out.read_text()
    rows = {row["key"]: row for row in json.loads(out.with_suffix(".json").read_text())["rows"]}
    assert tuple(rows) == KEYS
    for key, row in rows.items():
        assert f"| {key} |" in report
        for name in ("value", "reference"):
            assert isinstance(row[name], int | float) and math.isfinite(row[name]), (key, name, row)
    assert {key[0] for key in rows} == {"1", "2", "3", "4", "5"}

    # Request counts are exact, not timings: the pipeline uses the minimum (one page per 100
    # calls per endpoint per window, plus users and workspaces), far below one per call.
    assert rows["1a"]["value"] <= 1.02 * rows["1a"]["reference"]
    assert rows["1a"]["value"] < rows["1b"]["reference"] / 10
    assert rows["5a"]["value"] <= 1.02 * rows["5a"]["reference"]
    assert rows["2b"]["value"] == 0  # 429s are a count: the client's limiter must prevent them
