"""Day-granular filters (stats and scorecards): bare ``YYYY-MM-DD`` dates in the company time
zone, ``from`` inclusive and ``to`` exclusive, as instants (µs) of local midnight."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from gong_emulator.exchange import ApiError
from gong_emulator.timefmt import from_us, to_us

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def midnight_us(day: date, tz: tzinfo) -> int:
    """Local midnight starting ``day`` in ``tz``, in µs since the epoch."""
    return to_us(datetime.combine(day, time(), tzinfo=tz))


def local_day(us: int, tz: tzinfo) -> date:
    """The company-time-zone date of an instant."""
    return from_us(us).astimezone(tz).date()


def local_midnight_iso(day: date, tz: tzinfo) -> str:
    """``2019-01-20T00:00:00-08:00``: how the stats answers state their day bounds."""
    return datetime.combine(day, time(), tzinfo=tz).isoformat()


@dataclass(frozen=True)
class DayWindow:
    """[first, stop) days; ``contains`` tests instants against their local midnights."""

    first: date | None
    stop: date | None
    tz: tzinfo

    def contains(self, us: int) -> bool:
        return (self.first is None or us >= midnight_us(self.first, self.tz)) and (
            self.stop is None or us < midnight_us(self.stop, self.tz)
        )

    def days(self) -> list[date]:
        """Every day of a bounded window."""
        assert self.first is not None and self.stop is not None
        return [self.first + timedelta(days=i) for i in range((self.stop - self.first).days)]


def _day(source: dict[str, Any], name: str, required: bool) -> date | None:
    raw = source.get(name)
    if raw is None:
        if required:
            raise ApiError(400, f"filter.{name}: must not be null")
        return None
    if not isinstance(raw, str) or not _DAY.fullmatch(raw):
        raise ApiError(400, f"filter.{name}: '{raw}' is not a valid date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ApiError(400, f"filter.{name}: '{raw}' is not a valid date (YYYY-MM-DD)") from None


def day_window(
    source: dict[str, Any], names: tuple[str, str], tz: tzinfo, *, required: bool = False
) -> DayWindow:
    """Parse ``names`` (from, to) of a filter; 400 on a bad date or ``from`` after ``to``."""
    first, stop = _day(source, names[0], required), _day(source, names[1], required)
    if first is not None and stop is not None and first > stop:
        raise ApiError(400, f"filter.{names[0]}: must not be after {names[1]}")
    return DayWindow(first, stop, tz)
