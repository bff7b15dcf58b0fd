"""Instants as integers, ISO-8601 parsing of filter values and Gong-style formatting.

The index stores instants as integer microseconds so comparisons are exact; filters are parsed
to integer nanoseconds because Gong accepts up to 9 fractional digits.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|z|[+-]\d{2}:?\d{2})\Z"
)
_TIMESPEC = {0: "seconds", 3: "milliseconds", 6: "microseconds"}


def to_us(dt: datetime) -> int:
    """Aware datetime -> integer microseconds since the epoch, exactly (no float rounding)."""
    delta = dt - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_us(us: int) -> datetime:
    """Integer microseconds since the epoch -> aware UTC datetime, exactly."""
    return _EPOCH + timedelta(microseconds=us)


def parse_instant_ns(value: object) -> tuple[int, int]:
    """Parse an ISO-8601 instant with ``Z`` or a numeric offset and 0-9 fractional digits.

    Returns ``(nanoseconds since the epoch, number of fractional digits given)``. Raises
    ValueError for anything else, including a missing offset: Gong compares instants, and a
    naive value has no instant.
    """
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO-8601 string, got {value!r}")
    m = _ISO.match(value.strip())
    if not m:
        raise ValueError(f"cannot parse {value!r} as an ISO-8601 date-time with offset")
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    fraction, offset = m.group(7) or "", m.group(8)
    base = datetime(year, month, day, hour, minute, second, tzinfo=UTC)  # ValueError if invalid
    if offset not in ("Z", "z"):
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:])
        if hours > 23 or minutes > 59:
            raise ValueError(f"invalid UTC offset in {value!r}")
        base -= sign * timedelta(hours=hours, minutes=minutes)
    ns = to_us(base) * 1000 + (int(fraction.ljust(9, "0")) if fraction else 0)
    return ns, len(fraction)


def ceil_ns_to_us(ns: int) -> int:
    """Smallest whole microsecond >= ns (exact bound conversion for ``>=`` and ``<`` tests)."""
    return -((-ns) // 1000)


def precision_digits(fraction_digits: int) -> int:
    """Map a given number of fractional digits to the 0/3/6 digits Gong emits."""
    return 0 if fraction_digits == 0 else 3 if fraction_digits <= 3 else 6


def truncate_us(us: int, digits: int) -> int:
    """Drop precision below ``digits`` fractional digits, so the emitted value is the instant."""
    unit = 10 ** (6 - digits)
    return us - us % unit


def format_instant(us: int, digits: int, tz: tzinfo) -> str:
    """Format like Gong: local time in ``tz`` with a numeric offset and 0, 3 or 6 digits."""
    return from_us(us).astimezone(tz).isoformat(timespec=_TIMESPEC[digits])
