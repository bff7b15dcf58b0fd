"""Every timestamp format Gong (or its docs, or a user) produces lands as the same UTC instant."""

import calendar
import random
from datetime import UTC, datetime, timedelta

import pendulum
import pytest

from gong_source.errors import GongResponseError
from gong_source.timestamps import to_gong_filter, to_utc, to_utc_or_none

INSTANT = datetime(2024, 5, 31, 14, 7, 49, 765000, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        "2024-05-31T14:07:49.765Z",
        "2024-05-31T16:07:49.765+02:00",
        "2024-05-31T07:07:49.765-07:00",
        "2024-05-31T19:37:49.765+05:30",
        "2024-05-31T14:07:49.765000Z",
        "2024-05-31T16:07:49.765000000+02:00",
        "2024-05-31T14:07:49.765000+00:00",
        1717164469.765,
        "1717164469.765",
        1717164469765,
        "1717164469765",
        datetime(2024, 5, 31, 16, 7, 49, 765000, tzinfo=pendulum.timezone("Europe/Paris")),
    ],
)
def test_every_format_is_the_same_utc_instant(value):
    result = to_utc(value, "started")
    assert result == INSTANT
    assert result.utcoffset().total_seconds() == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-10-18T14:03:37.041977-07:00", datetime(2019, 10, 18, 21, 3, 37, 41977, tzinfo=UTC)),
        ("2023-10-17T21:21:31+02:00", datetime(2023, 10, 17, 19, 21, 31, tzinfo=UTC)),
        ("2024-05-31T16:04:27.5+02:00", datetime(2024, 5, 31, 14, 4, 27, 500000, tzinfo=UTC)),
        ("2024-05-31T16:04:27.123456789+02:00", datetime(2024, 5, 31, 14, 4, 27, 123456, tzinfo=UTC)),
        (1518863400, datetime(2018, 2, 17, 10, 30, tzinfo=UTC)),
        ("1518863400", datetime(2018, 2, 17, 10, 30, tzinfo=UTC)),
        ("2024-01-01", datetime(2024, 1, 1, tzinfo=UTC)),
        ("2024-01-01T08:00:00", datetime(2024, 1, 1, 8, tzinfo=UTC)),
    ],
)
def test_fractional_digits_offsets_and_epochs(value, expected):
    assert to_utc(value) == expected


def test_offsets_sort_by_instant_not_by_text():
    late_in_la = "2024-05-01T23:00:00-07:00"  # 06:00Z on May 2nd
    early_utc = "2024-05-02T05:00:00Z"
    assert late_in_la < early_utc  # as strings: wrong order
    assert to_utc(late_in_la) > to_utc(early_utc)


@pytest.mark.parametrize("garbage", ["soon", "2024-13-45T00:00:00Z", "", None, True, [], "NaN", float("inf")])
def test_garbage_names_the_field(garbage):
    with pytest.raises(GongResponseError, match=r"^calls\.started: "):
        to_utc(garbage, "calls.started")


def test_optional_values():
    assert to_utc_or_none(None) is None
    assert to_utc_or_none("") is None


@pytest.mark.parametrize(
    ("instant", "sent"),
    [
        ("2026-08-01T02:00:00+02:00", "2026-08-01T00:00:00Z"),
        ("2024-05-31T16:07:49.765+02:00", "2024-05-31T14:07:49.765Z"),
        ("2024-05-31T14:07:49.000001Z", "2024-05-31T14:07:49.001Z"),
        ("2024-05-31T14:07:49.123456Z", "2024-05-31T14:07:49.124Z"),
        ("2024-12-31T23:59:59.999001Z", "2025-01-01T00:00:00Z"),
    ],
)
def test_filters_go_out_with_no_fraction_or_milliseconds(instant, sent):
    assert to_gong_filter(to_utc(instant)) == sent


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _us(instant: datetime) -> int:
    return calendar.timegm(instant.utctimetuple()) * 1_000_000 + instant.microsecond


def test_millisecond_filters_still_tile_microsecond_windows():
    """Every instant lands in exactly one formatted window, the one whose [a, b) holds its
    millisecond-truncated value, so no call is dropped between windows or listed twice."""
    rng = random.Random(7)
    base = _us(datetime(2026, 8, 1, tzinfo=UTC))
    bounds = sorted(base + rng.randrange(0, 5_000_000) for _ in range(40))
    bounds += [base + 6_000_000, base + 6_000_000 + 1]  # a window of one microsecond
    sent = [_us(to_utc(to_gong_filter(EPOCH + timedelta(microseconds=b)))) for b in bounds]
    assert sent == sorted(sent)
    for t in [rng.randrange(bounds[0], bounds[-1]) for _ in range(5_000)] + bounds[:-1]:
        listed_in = [k for k in range(len(bounds) - 1) if sent[k] <= t < sent[k + 1]]
        truncated = t - t % 1000
        expected = [k for k in range(len(bounds) - 1) if bounds[k] <= truncated < bounds[k + 1]]
        if sent[0] <= t < sent[-1]:
            assert listed_in == expected and len(listed_in) == 1
