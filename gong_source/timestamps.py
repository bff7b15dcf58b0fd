"""Every timestamp Gong (or a user) hands us becomes one thing: a UTC `pendulum.DateTime`.

Gong emits ISO-8601 with the company's offset and 0, 3 or 6 fractional digits; older docs and
the seed notes show Unix seconds, sometimes as digit strings. Offsets make strings sort wrong,
so nothing downstream ever compares or stores the raw text.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pendulum

from .errors import GongResponseError

# Unix seconds reach 1e11 only in the year 5138, Unix milliseconds passed it in 1973.
_MILLISECONDS_THRESHOLD = 100_000_000_000


def to_utc(value: Any, field: str = "timestamp") -> pendulum.DateTime:
    """Parse Unix seconds/milliseconds (number or digit string) or ISO-8601 into UTC.

    A naive ISO value (no offset) is taken as UTC. Anything else raises a one-line error naming
    `field`, because a silently wrong instant is worse than a failed run.
    """
    if isinstance(value, datetime):
        instant = value if value.tzinfo else value.replace(tzinfo=pendulum.UTC)
        return pendulum.instance(instant).in_timezone(pendulum.UTC)
    if isinstance(value, bool) or value is None:
        raise GongResponseError(f"{field}: expected a timestamp, got {value!r}")
    if isinstance(value, int | float):
        return _from_epoch(float(value), field)
    if isinstance(value, str):
        text = value.strip()
        if _is_number(text):
            return _from_epoch(float(text), field)
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise GongResponseError(
                f"{field}: {value[:64]!r} is neither ISO-8601 nor Unix seconds/milliseconds"
            ) from None
        return to_utc(parsed, field)
    raise GongResponseError(f"{field}: expected a timestamp, got {type(value).__name__}")


def to_utc_or_none(value: Any, field: str = "timestamp") -> pendulum.DateTime | None:
    """`to_utc` for optional fields: None and empty strings stay None."""
    if value is None or value == "":
        return None
    return to_utc(value, field)


def to_gong_filter(instant: datetime) -> str:
    """Format an instant for Gong's `fromDateTime`/`toDateTime` filters: UTC, `Z`, and no
    fraction or three digits, as every recorded request and peer connector sends (nothing shows
    that Gong accepts six).

    A bound with a sub-millisecond part is rounded *up* to the next millisecond. The filter
    `[ceil(a), ceil(b))` then selects exactly the calls whose instant, truncated to the
    millisecond, lies in `[a, b)`: consecutive windows `[a, b)` and `[b, c)` still meet with no
    gap and no overlap, and a window never leaves out a call that a millisecond-precision check
    of `[a, b)` counts as inside. Truncating instead would leave out `[floor(b), b)`, which the
    window's own membership check (the deletion rule) still claims.
    """
    utc = to_utc(instant)
    sub_millisecond = utc.microsecond % 1000
    if sub_millisecond:
        utc = utc + timedelta(microseconds=1000 - sub_millisecond)
    fraction = f".{utc.microsecond // 1000:03d}" if utc.microsecond else ""
    return f"{utc.strftime('%Y-%m-%dT%H:%M:%S')}{fraction}Z"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.replace(".", "", 1).lstrip("-").isdigit()


def _from_epoch(number: float, field: str) -> pendulum.DateTime:
    seconds = number / 1000 if abs(number) >= _MILLISECONDS_THRESHOLD else number
    try:
        return pendulum.from_timestamp(seconds, tz=pendulum.UTC)
    except (OverflowError, OSError, ValueError):
        raise GongResponseError(f"{field}: {number!r} is out of range for a Unix timestamp") from None
