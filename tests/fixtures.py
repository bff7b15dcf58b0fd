"""Access to the recorded Gong responses in ../shared/fixtures/gong-recorded/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

RECORDED = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "gong-recorded"


def recorded(name: str) -> dict[str, Any]:
    """One recorded exchange (or webhook sample); skips the test when shared/ is not beside the repo."""
    path = RECORDED / name
    if not path.exists():
        pytest.skip(f"recorded fixture {path} not found (shared/ must sit beside the repository)")
    return json.loads(path.read_text())
