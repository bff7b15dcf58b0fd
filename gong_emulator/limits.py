"""Gong's two company-wide limits: a per-second token bucket and a daily request quota."""

from __future__ import annotations

import math
import threading
import time
from datetime import datetime, timedelta, tzinfo


class TokenBucket:
    """``rate`` tokens per second, at most ``capacity`` banked; one token per request.

    Measured on the real monotonic clock (not the emulator clock) because it limits real
    request bursts; jumping the emulator clock ahead must not refill it.
    """

    def __init__(self, rate: float, capacity: int) -> None:
        if rate <= 0 or capacity < 1:
            raise ValueError("rate must be > 0 and capacity >= 1")
        self.rate = rate
        self.capacity = capacity
        self._tokens = float(capacity)
        self._last = time.monotonic()
        self._lock = threading.Lock()

    def take(self) -> int | None:
        """Take a token; None if granted, else the whole seconds to wait (>= 1)."""
        with self._lock:
            now = time.monotonic()
            self._tokens = min(self.capacity, self._tokens + (now - self._last) * self.rate)
            self._last = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return None
            return max(1, math.ceil((1.0 - self._tokens) / self.rate))


class DailyQuota:
    """At most ``limit`` granted requests per calendar day in the company time zone."""

    def __init__(self, limit: int, tz: tzinfo) -> None:
        if limit < 0:
            raise ValueError("limit must be >= 0")
        self.limit = limit
        self.tz = tz
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def acquire(self, now: datetime) -> int | None:
        """Count a request against ``now``'s local day; if the day is full, the seconds until
        local midnight instead (the Retry-After of the daily-limit 429: hours, not seconds)."""
        local = now.astimezone(self.tz)
        day = local.date().isoformat()
        with self._lock:
            used = self._counts.get(day, 0)
            if used < self.limit:
                self._counts[day] = used + 1
                return None
        midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), tzinfo=self.tz)
        return max(1, math.ceil((midnight - now).total_seconds()))

    def used(self, now: datetime) -> int:
        with self._lock:
            return self._counts.get(now.astimezone(self.tz).date().isoformat(), 0)
