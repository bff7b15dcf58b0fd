"""Values a person typed (a flag, an env var, a TOML key), checked into one-line errors.

Gong's own timestamps may be Unix numbers (`timestamps.to_utc` reads them), but a person who
types `2024` means a year, not 33 minutes after 1970; and `nan`, `inf` or `1e400` parse as
floats yet break date arithmetic deep inside a run. Both are refused here, naming the setting.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Any

import pendulum

from .errors import GongConfigError, GongError
from .timestamps import to_utc

_BARE_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def setting_date(value: Any, setting: str) -> pendulum.DateTime:
    """An ISO-8601 date or date-time as UTC (no offset means UTC); never a bare number."""
    if isinstance(value, datetime):
        return to_utc(value)
    text = str(value).strip()
    if isinstance(value, int | float) or _BARE_NUMBER.fullmatch(text):
        raise GongConfigError(
            f"{setting} {text[:40]!r} is a number, not a date: use ISO-8601, e.g. 2024-01-01"
        )
    try:
        return to_utc(text, setting)
    except GongError:
        raise GongConfigError(
            f"{setting} {text[:40]!r} is not a date: use ISO-8601, e.g. 2024-01-01"
        ) from None


def setting_number(value: float, setting: str, *, low: float, high: float) -> float:
    """`value` if it is a finite number within [low, high]."""
    if not (isinstance(value, int | float) and math.isfinite(value) and low <= value <= high):
        raise GongConfigError(f"{setting} must be a number from {low:g} to {high:g}, not {value!r}")
    return value
