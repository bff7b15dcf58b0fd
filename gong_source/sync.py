"""What a run reads: the window plan, derived from source state and the configuration alone.

Three tiers (see README "Incremental loading"):
- `recent`: from each selected table's high-water mark minus `lookback_days` up to now, every
  run. Moves the marks.
- `deep`: the last `deep_lookback_days`, at most once per `deep_lookback_every_hours`, for
  calls Gong shows late, post-call edits and deletions.
- `reconcile`: with each deep pass, the next slice of `[now - reconcile_days, now -
  deep_lookback_days)`, listed for deletions only, so the whole range is checked once every
  `reconcile_every_days`.
A `backfill` plans a fixed range instead and leaves the marks alone.
The day-granular stats plan their own windows of whole days (`plan_days`), from a day mark per
table.

`plan_windows` is pure, so `gong_source()`, the runner's window loop and `run --plan` agree.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import pendulum

from .config import GongConfig
from .timestamps import to_utc


class WindowKind(enum.StrEnum):
    RECENT = "recent"
    DEEP = "deep"
    RECONCILE = "reconcile"
    BACKFILL = "backfill"

    @property
    def loads_content(self) -> bool:
        """Reconcile windows list metadata only, to find deletions."""
        return self is not WindowKind.RECONCILE


@dataclass(frozen=True)
class Window:
    """One half-open range `[start, end)` of call start times, and what committing it records."""

    start: pendulum.DateTime
    end: pendulum.DateTime
    kind: WindowKind
    plan_until: pendulum.DateTime
    # source-state updates applied when the window's last item has been extracted
    marks: tuple[str, ...] = ()
    updates: tuple[tuple[str, Any], ...] = ()

    def describe(self) -> str:
        return f"{self.kind} [{self.start:%Y-%m-%d %H:%M} .. {self.end:%Y-%m-%d %H:%M})"


class SyncState:
    """Named fields over the source-state dict that dlt commits with each load package.

    Threading contract: the listing resource (one thread) reads and writes marks and pass
    progress; transcript fetchers run in dlt's worker threads and touch only
    `pending_transcripts`, through the methods below, which hold the lock.
    """

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self._lock = threading.Lock()

    # -- high-water marks, one per table (a subset run never hides data from a full run)
    def mark(self, resource: str) -> tuple[pendulum.DateTime, pendulum.DateTime] | None:
        """(loaded until, the end of the plan that loaded it), or None before the first load."""
        value = self.raw.get("marks", {}).get(resource)
        return (to_utc(value["until"]), to_utc(value["plan_until"])) if value else None

    def advance_marks(self, resources: Collection[str], until: datetime, plan_until: datetime) -> None:
        """Record how far this plan has read. A plan's first window may end before the mark (a
        lookback longer than a window): it is recorded all the same, or the next re-plan would
        read that window again, and again, until the quota is spent."""
        marks = self.raw.setdefault("marks", {})
        for resource in resources:
            previous = marks.get(resource)
            if (
                previous is None
                or to_utc(previous["until"]) <= until
                or to_utc(previous["plan_until"]) != to_utc(plan_until)
            ):
                marks[resource] = {
                    "until": to_utc(until).isoformat(),
                    "plan_until": to_utc(plan_until).isoformat(),
                }

    # -- day marks of the day-granular stats: loaded through the day before, one per table
    def day_mark(self, table: str) -> date | None:
        value = self.raw.get("day_marks", {}).get(table)
        return date.fromisoformat(value) if value else None

    def advance_day_mark(self, table: str, stop: date) -> None:
        marks = self.raw.setdefault("day_marks", {})
        if table not in marks or date.fromisoformat(marks[table]) < stop:
            marks[table] = stop.isoformat()

    # -- deep + reconcile pass ("maintenance")
    @property
    def maintenance_done_at(self) -> pendulum.DateTime | None:
        value = self.raw.get("maintenance_done_at")
        return to_utc(value) if value else None

    @property
    def maintenance_progress(self) -> dict[str, Any] | None:
        return self.raw.get("maintenance_progress")

    @property
    def reconcile_next(self) -> pendulum.DateTime | None:
        value = self.raw.get("reconcile_next")
        return to_utc(value) if value else None

    def backfill_done_until(self, key: str) -> pendulum.DateTime | None:
        value = self.raw.get("backfills", {}).get(key)
        return to_utc(value) if value else None

    def apply(self, window: Window) -> None:
        """Record that `window` is extracted (dlt commits it with the window's data)."""
        if window.marks:
            self.advance_marks(window.marks, window.end, window.plan_until)
        for key, value in window.updates:
            if key.startswith("backfills."):
                self.raw.setdefault("backfills", {})[key.split(".", 1)[1]] = value
            elif value is None:
                self.raw.pop(key, None)
            else:
                self.raw[key] = value

    # -- transcripts that came back empty or missing: asked again until they have sentences
    def pending_transcripts(self) -> dict[str, float]:
        with self._lock:
            return dict(self.raw.get("pending_transcripts", {}))

    def transcripts_asked(self, asked: dict[str, float], loaded: Collection[str]) -> None:
        with self._lock:
            pending = self.raw.setdefault("pending_transcripts", {})
            for call_id, started in asked.items():
                if call_id in loaded:
                    pending.pop(call_id, None)
                else:
                    pending[call_id] = started

    def forget_transcripts(self, call_ids: Collection[str] = (), older_than: datetime | None = None) -> None:
        with self._lock:
            pending = self.raw.get("pending_transcripts", {})
            cutoff = older_than.timestamp() if older_than else None
            for call_id in list(pending):
                if call_id in call_ids or (cutoff is not None and pending[call_id] < cutoff):
                    del pending[call_id]


@dataclass(frozen=True)
class Plan:
    """The windows a run reads, in order."""

    windows: list[Window] = field(default_factory=list)

    def __iter__(self) -> Iterator[Window]:
        return iter(self.windows)

    def __len__(self) -> int:
        return len(self.windows)


def split(start: datetime, end: datetime, days: float) -> list[tuple[pendulum.DateTime, pendulum.DateTime]]:
    """`[start, end)` as consecutive half-open windows of at most `days`."""
    size = timedelta(days=days)
    lo, hi = to_utc(start), to_utc(end)
    windows = []
    while lo < hi:
        windows.append((lo, min(lo + size, hi)))
        lo = windows[-1][1]
    return windows


def plan_windows(
    state: SyncState,
    config: GongConfig,
    until: datetime,
    resources: Collection[str],
    *,
    full: bool,
    backfill: tuple[datetime, datetime] | None = None,
) -> Plan:
    """The windows still to read up to `until` for the selected window-scoped `resources`.

    `full` means every call-scoped table is selected: only then are deletions applied and the
    deep and reconcile passes run (a subset run must not advance what it did not load).
    """
    until = to_utc(until)
    if backfill is not None:
        return _backfill_plan(state, config, *backfill)
    marks = [state.mark(r) for r in resources]
    fresh = not resources or any(m is None for m in marks)
    start = config.start_at
    if not fresh:
        lookback = timedelta(days=config.lookback_days)
        # The lookback is re-read once per plan: a window of this same plan continues exactly.
        starts = [
            loaded if plan_end == until else loaded - lookback for loaded, plan_end in filter(None, marks)
        ]
        start = max(start, min(starts))
    recent = [
        Window(lo, hi, WindowKind.RECENT, until, marks=tuple(resources))
        for lo, hi in split(start, until, config.window_days)
    ]
    if not full:
        return Plan(recent)
    if fresh or state.maintenance_done_at is None:
        # Everything up to `until` is read now: the first deep pass is due one interval later.
        if recent:
            last = recent[-1]
            recent[-1] = Window(
                last.start,
                last.end,
                last.kind,
                until,
                last.marks,
                (("maintenance_done_at", until.isoformat()),),
            )
        return Plan(recent)
    return Plan(recent + _maintenance_windows(state, config, until))


def last_stats_day(until: datetime) -> date:
    """The latest `toDate` (exclusive) Gong takes now in any company time zone: the date at UTC-12.

    Gong refuses a `toDate` past the company's current day; every zone's date is at least the
    date at UTC-12, so every day before it is over in the company's zone too.
    """
    return (to_utc(until) - timedelta(hours=12)).date()


def plan_days(
    state: SyncState, config: GongConfig, until: datetime, table: str, one_day: bool
) -> list[tuple[date, date]]:
    """The `[from, to)` day windows a day-granular table still needs: from its day mark minus
    `stats_lookback_days` (first time: the start date) to `last_stats_day`; none while the mark
    is there already, so the lookback is re-read once a day, not once a run."""
    stop = last_stats_day(until)
    first_day = date.fromordinal(config.start_at.date().toordinal())
    mark = state.day_mark(table)
    if mark is not None:
        if mark >= stop:
            return []
        first_day = max(first_day, mark - timedelta(days=config.stats_lookback_days))
    size = 1 if one_day else max(1, int(config.window_days))
    windows: list[tuple[date, date]] = []
    while first_day < stop:
        windows.append((first_day, min(first_day + timedelta(days=size), stop)))
        first_day = windows[-1][1]
    return windows


def _maintenance_windows(state: SyncState, config: GongConfig, until: pendulum.DateTime) -> list[Window]:
    progress = state.maintenance_progress
    if progress:
        pass_until, done = to_utc(progress["until"]), int(progress["windows_done"])
    else:
        done_at = state.maintenance_done_at
        if done_at is not None and until < done_at + timedelta(hours=config.deep_lookback_every_hours):
            return []
        pass_until, done = until, 0
    start = config.start_at
    ranges = [
        (lo, hi, WindowKind.DEEP)
        for lo, hi in split(
            max(start, pass_until - timedelta(days=config.deep_lookback_days)), pass_until, config.window_days
        )
    ]
    lo = max(start, pass_until - timedelta(days=config.reconcile_days))
    hi = max(lo, pass_until - timedelta(days=config.deep_lookback_days))
    passes_per_cycle = max(1.0, config.reconcile_every_days * 24 / config.deep_lookback_every_hours)
    cursor = state.reconcile_next
    cursor = cursor if cursor is not None and lo <= cursor < hi else lo
    slice_end = min(hi, cursor + (hi - lo) / passes_per_cycle)
    ranges += [(a, b, WindowKind.RECONCILE) for a, b in split(cursor, slice_end, config.window_days)]
    windows = []
    for index, (a, b, kind) in enumerate(ranges):
        last = index == len(ranges) - 1
        updates: tuple[tuple[str, Any], ...] = (
            (
                ("maintenance_done_at", pass_until.isoformat()),
                ("maintenance_progress", None),
                ("reconcile_next", slice_end.isoformat()),
            )
            if last
            else (("maintenance_progress", {"until": pass_until.isoformat(), "windows_done": index + 1}),)
        )
        windows.append(Window(a, b, kind, until, updates=updates))
    return windows[done:]


def _backfill_plan(state: SyncState, config: GongConfig, start: datetime, end: datetime) -> Plan:
    key = backfill_key(start, end)
    done_until = state.backfill_done_until(key)
    return Plan(
        [
            Window(lo, hi, WindowKind.BACKFILL, to_utc(end), updates=((f"backfills.{key}", hi.isoformat()),))
            for lo, hi in split(start, end, config.window_days)
            if done_until is None or lo >= done_until
        ]
    )


def backfill_key(start: datetime, end: datetime) -> str:
    return f"{to_utc(start).isoformat()}/{to_utc(end).isoformat()}"
