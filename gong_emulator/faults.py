"""Fault plan: which request (counted from 1 over all requests) gets which failure.

Decisions are a pure function of ``(seed, request number)`` plus the explicit ``schedule``, so a
failing test replays exactly, whatever the thread interleaving. The only state (``max_faults``)
is counted by the emulator, not here.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field

#: Fault names as recorded in ``RequestRecord.fault`` and accepted in ``FaultPlan.schedule``.
FAULT_5XX = ("500", "502", "503", "504")
FAULT_429 = "429"
FAULT_SLOW = "slow"
FAULT_DROP = "drop"
FAULT_TRUNCATE = "truncate"
FAULT_EXPIRE_CURSOR = "expire_cursor"
FAULT_DELETE_BETWEEN_PAGES = "delete_between_pages"
FAULT_NAMES = (
    *FAULT_5XX,
    FAULT_429,
    FAULT_SLOW,
    FAULT_DROP,
    FAULT_TRUNCATE,
    FAULT_EXPIRE_CURSOR,
    FAULT_DELETE_BETWEEN_PAGES,
)
#: Faults that only make sense on a request carrying a pagination cursor (page > 0).
CURSOR_FAULTS = (FAULT_EXPIRE_CURSOR, FAULT_DELETE_BETWEEN_PAGES)
_ALIASES = {"5xx": "500", "expire": FAULT_EXPIRE_CURSOR, "delete": FAULT_DELETE_BETWEEN_PAGES}


def _normalise(name: str) -> str:
    name = _ALIASES.get(str(name), str(name))
    if name not in FAULT_NAMES:
        raise ValueError(f"unknown fault {name!r}; expected one of {', '.join(FAULT_NAMES)}")
    return name


@dataclass(frozen=True)
class FaultPlan:
    """Probabilities and an explicit schedule of injected faults.

    * ``p_5xx``: chance that a request starts a burst of ``burst_5xx`` (min, max) consecutive
      5xx answers, status drawn from ``statuses_5xx``.
    * ``p_429``: chance that a request starts a 429 storm of ``burst_429`` consecutive answers
      carrying ``Retry-After: retry_after_seconds``.
    * ``p_slow``: sleep ``slow_seconds`` before answering normally (the client timeout fires).
    * ``p_drop``: close the socket without any response.
    * ``p_truncate``: send status, headers and the full Content-Length but only part of the body.
    * ``p_expire_cursor``: answer a request that carries a cursor with 400 "cursor has expired".
    * ``p_delete_between_pages``: while serving page > 0 of a call listing, permanently delete
      one call that an earlier page of the same sequence returned.
    * ``schedule``: ``{request_number: fault_name}``, applied before (and instead of) the draws.
      Cursor faults scheduled on a request without a cursor do nothing.
    * ``max_faults``: stop injecting after this many faults (counted by the emulator).
    """

    seed: int = 0
    p_5xx: float = 0.0
    burst_5xx: tuple[int, int] = (1, 3)
    statuses_5xx: tuple[int, ...] = (500, 502, 503)
    p_429: float = 0.0
    burst_429: tuple[int, int] = (1, 3)
    retry_after_seconds: int = 1
    p_slow: float = 0.0
    slow_seconds: float = 2.0
    p_drop: float = 0.0
    p_truncate: float = 0.0
    p_expire_cursor: float = 0.0
    p_delete_between_pages: float = 0.0
    schedule: Mapping[int, str] = field(default_factory=dict)
    max_faults: int | None = None

    def __post_init__(self) -> None:
        total = self.p_5xx + self.p_429 + self.p_slow + self.p_drop + self.p_truncate
        if total > 1.0 + 1e-9:
            raise ValueError("p_5xx + p_429 + p_slow + p_drop + p_truncate must not exceed 1")
        for lo, hi in (self.burst_5xx, self.burst_429):
            if not 1 <= lo <= hi:
                raise ValueError("burst ranges must be (min, max) with 1 <= min <= max")
        for status in self.statuses_5xx:
            if str(status) not in FAULT_5XX:
                raise ValueError(f"unsupported 5xx status {status}")
        object.__setattr__(self, "schedule", {int(k): _normalise(v) for k, v in self.schedule.items()})

    @classmethod
    def none(cls) -> FaultPlan:
        """A plan that never injects anything."""
        return cls()

    def _draws(self, n: int) -> tuple[float, int, int, int, float, float]:
        """The fixed set of random draws for request ``n`` (always all of them, in one order)."""
        rng = random.Random(f"{self.seed}/fault/{n}")
        u = rng.random()
        k5 = rng.randint(*self.burst_5xx)
        status = rng.choice(self.statuses_5xx)
        k429 = rng.randint(*self.burst_429)
        return u, k5, status, k429, rng.random(), rng.random()

    def decide(self, n: int, *, has_cursor: bool = False) -> str | None:
        """The fault for request number ``n`` (1-based), or None; ignores ``max_faults``."""
        scheduled = self.schedule.get(n)
        if scheduled is not None:
            if scheduled in CURSOR_FAULTS and not has_cursor:
                return None
            return scheduled
        # A burst that started on an earlier request may still cover this one.
        longest = max(self.burst_5xx[1], self.burst_429[1])
        for m in range(max(1, n - longest + 1), n):
            u, k5, status, k429, _, _ = self._draws(m)
            if u < self.p_5xx and n < m + k5:
                return str(status)
            if self.p_5xx <= u < self.p_5xx + self.p_429 and n < m + k429:
                return FAULT_429
        u, _, status, _, u_expire, u_delete = self._draws(n)
        edges = (
            (self.p_5xx, str(status)),
            (self.p_429, FAULT_429),
            (self.p_slow, FAULT_SLOW),
            (self.p_drop, FAULT_DROP),
            (self.p_truncate, FAULT_TRUNCATE),
        )
        acc = 0.0
        for p, name in edges:
            acc += p
            if p > 0 and u < acc:
                return name
        if has_cursor:
            if u_expire < self.p_expire_cursor:
                return FAULT_EXPIRE_CURSOR
            if u_delete < self.p_delete_between_pages:
                return FAULT_DELETE_BETWEEN_PAGES
        return None
