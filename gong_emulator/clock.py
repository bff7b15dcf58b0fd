"""The emulator's notion of "now": real UTC time plus an adjustable offset.

Visibility lags, cursor expiry and the daily quota are all measured on this clock, so tests can
jump hours ahead (``advance``) without sleeping while time keeps flowing between requests.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from gong_emulator.timefmt import to_us


class Clock:
    """Real UTC time shifted by an offset that ``set``/``advance`` change (thread-safe)."""

    def __init__(self, start: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._offset = timedelta(0)
        if start is not None:
            self.set(start)

    def now(self) -> datetime:
        """The emulator's current time as an aware UTC datetime."""
        with self._lock:
            offset = self._offset
        return datetime.now(UTC) + offset

    def now_us(self) -> int:
        """``now()`` as integer microseconds since the Unix epoch (what the index compares)."""
        return to_us(self.now())

    def advance(self, seconds: float) -> None:
        """Jump ahead (or back, if negative) by ``seconds``; time keeps flowing afterwards."""
        with self._lock:
            self._offset += timedelta(seconds=seconds)

    def set(self, dt: datetime) -> None:
        """Make ``now()`` return ``dt`` at this instant; time keeps flowing afterwards."""
        if dt.tzinfo is None:
            raise ValueError("Clock.set needs an aware datetime")
        with self._lock:
            self._offset = dt - datetime.now(UTC)
