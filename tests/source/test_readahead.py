"""Requests read ahead: the same pages in the same order, errors where they would have been."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from gong_source.client import Page
from gong_source.errors import GongServerError
from gong_source.readahead import DEPTH, FOLLOWING_DEPTH, ReadAheads


def _pages(n: int, calls: list[str], name: str, fail_after: int | None = None):
    def pages() -> Iterator[Page]:
        calls.append(name)
        for number in range(n):
            if number == fail_after:
                raise GongServerError(f"{name}: HTTP 503 on page {number}")
            yield Page(items=[{"id": f"{name}-{number}"}], records={}, request_id=f"{name}/{number}")

    return pages


def _endless(sent: list[int]):
    """A listing that never ends; `sent` counts the pages asked."""

    def pages() -> Iterator[Page]:
        while True:
            sent.append(len(sent))
            yield Page(items=[], records={}, request_id=str(len(sent)))

    return pages


def test_a_listing_read_ahead_is_taken_once_with_its_pages_in_order():
    calls: list[str] = []
    ahead = ReadAheads()
    ahead.start("next window", _pages(5, calls, "next window"))
    served = [page.request_id for page in ahead.take("next window", _pages(5, calls, "again"))]
    assert served == [f"next window/{n}" for n in range(5)]
    assert calls == ["next window"]  # the pages were requested once, by the read-ahead
    # taken: a second ask for the same listing requests it again
    assert len(list(ahead.take("next window", _pages(2, calls, "again")))) == 2
    assert calls == ["next window", "again"]


def test_a_read_ahead_for_another_request_is_dropped_and_stops_requesting():
    calls: list[str] = []
    sent = []

    ahead = ReadAheads()
    ahead.start("planned", _endless(sent))
    assert [p.request_id for p in ahead.take("asked", _pages(1, calls, "asked"))] == ["asked/0"]
    for thread in [t for t in threading.enumerate() if t.name == "gong-read-ahead"]:
        thread.join(timeout=30)
    assert not [t for t in threading.enumerate() if t.name == "gong-read-ahead"]
    assert len(sent) <= DEPTH + 2  # what it held, plus the page it was sending when dropped


def test_an_error_of_a_read_ahead_request_is_raised_after_the_pages_before_it():
    calls: list[str] = []
    served = []
    with pytest.raises(GongServerError, match="HTTP 503 on page 2"):
        for page in ReadAheads().take("window", _pages(5, calls, "window", fail_after=2)):
            served.append(page.request_id)
    assert served == ["window/0", "window/1"]


def _wait_until_still(sent: list[int], seconds: float = 0.5) -> int:
    """How many pages were asked once the producer has stopped asking for `seconds`."""
    last, still_since = -1, time.monotonic()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if len(sent) != last:
            last, still_since = len(sent), time.monotonic()
        elif time.monotonic() - still_since >= seconds:
            return last
        time.sleep(0.02)
    raise AssertionError("the read-ahead never stopped asking")


def test_the_next_window_is_read_deeper_until_its_reader_comes_then_only_depth_ahead():
    sent: list[int] = []

    ahead = ReadAheads()
    ahead.start("next window", _endless(sent), FOLLOWING_DEPTH)
    # held pages plus the one being handed over when the buffer filled
    assert _wait_until_still(sent) == FOLLOWING_DEPTH + 1
    pages = iter(ahead.take("next window", _endless(sent)))
    for _ in range(FOLLOWING_DEPTH):  # the consumer drains what was held ...
        next(pages)
    # ... and then the producer keeps only DEPTH pages ahead of it
    assert _wait_until_still(sent) == FOLLOWING_DEPTH + DEPTH + 1
