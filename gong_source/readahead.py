"""Requests sent ahead of their consumer, so Gong's 3 requests/s are used while dlt is busy.

The source reads a window's listing on a thread a few pages ahead of the shaping, asks for each
batch's transcripts as soon as its ids are known, and starts the next window's listing while the
runner loads this one. Every request still passes the client's one process-wide limiter and the
daily budget, and nothing here touches source state: a window's state is still applied when its
last item is extracted, in its own load package. What is read ahead and never used (a run that
fails, a plan that changed) costs at most `DEPTH` requests, never from the day's last
`BUDGET_MARGIN`, and its thread stops by itself.
"""

from __future__ import annotations

import queue
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from typing import Any

from .client import GongClient, Page

DEPTH = 2  # pages held ahead per listing: bounds memory and what an unused read-ahead costs
ABANDONED_SECONDS = 300.0  # a read-ahead nobody consumes for this long stops and is dropped
# The next window is read ahead only while the day's budget has more than this left, so near the
# limit the requests this window still needs (its last batches, deletion checks) come first.
BUDGET_MARGIN = 20

_END = object()


class PageReadAhead:
    """The pages of one paginated request, fetched on a daemon thread up to `DEPTH` ahead."""

    def __init__(self, pages: Callable[[], Iterator[Page]]) -> None:
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=DEPTH)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(pages,), name="gong-read-ahead", daemon=True)
        self._thread.start()

    def __iter__(self) -> Iterator[Page]:
        """The pages in order; an error of the request is raised here, where it would have been."""
        try:
            while True:
                entry = self._queue.get()
                if entry is _END:
                    return
                if isinstance(entry, BaseException):
                    raise entry
                yield entry
        finally:
            self.close()

    def close(self) -> None:
        self._stop.set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def _run(self, pages: Callable[[], Iterator[Page]]) -> None:
        try:
            for page in pages():
                if not self._put(page):
                    return
            self._put(_END)
        except BaseException as error:  # delivered to the consumer, raised there
            self._put(error)

    def _put(self, entry: Any) -> bool:
        deadline = time.monotonic() + ABANDONED_SECONDS
        while not self._stop.is_set() and time.monotonic() < deadline:
            try:
                self._queue.put(entry, timeout=0.2)
                return True
            except queue.Full:
                continue
        self._stop.set()
        return False


class ReadAheads:
    """The listings read ahead for one client, by request; a later source of the run takes its own."""

    def __init__(self) -> None:
        self._started: dict[str, PageReadAhead] = {}
        self._lock = threading.Lock()

    def start(self, key: str, pages: Callable[[], Iterator[Page]]) -> None:
        """Read `pages` ahead for whoever asks for `key` next; anything else held is dropped."""
        with self._lock:
            self._drop(keep=key)
            if key not in self._started or self._started[key].stopped:
                self._started[key] = PageReadAhead(pages)

    def take(self, key: str, pages: Callable[[], Iterator[Page]]) -> Iterator[Page]:
        """The pages of `key`: those already read ahead, else a read-ahead started now."""
        with self._lock:
            self._drop(keep=key)
            started = self._started.pop(key, None)
        return iter(started if started is not None and not started.stopped else PageReadAhead(pages))

    def _drop(self, keep: str) -> None:
        for key in [k for k in self._started if k != keep]:
            self._started.pop(key).close()


_by_client: weakref.WeakKeyDictionary[GongClient, ReadAheads] = weakref.WeakKeyDictionary()
_by_client_lock = threading.Lock()


def for_client(client: GongClient) -> ReadAheads:
    """The read-aheads of this client: the runner shares one client across its window loads."""
    with _by_client_lock:
        return _by_client.setdefault(client, ReadAheads())
