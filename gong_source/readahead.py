"""Requests sent ahead of their consumer, so Gong's 3 requests/s are used while dlt is busy.

The source reads a window's listing on a thread a few pages ahead of the shaping, asks for each
batch's transcripts as soon as its ids are known, and starts the next window's listing while the
runner loads this one, deeper (`FOLLOWING_DEPTH`), since nothing else asks Gong then. Every
request still passes the client's one process-wide limiter and the daily budget, and nothing
here touches source state: a window's state is still applied when its last item is extracted,
in its own load package. What is read ahead and never used (a run that fails, a plan that
changed) costs at most `FOLLOWING_DEPTH` requests, never from the day's last `BUDGET_MARGIN`,
and its thread stops by itself.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from .client import GongClient, Page

DEPTH = 2  # pages held ahead of a listing's consumer: bounds memory and what an unused one costs
# Pages held for a window not yet being read: the runner's normalize and load of the window
# before take 1-2 s, which the limiter would otherwise sit out (docs/BENCHMARKS.md). Each page
# is 100 parsed calls, about 4.5 MB of the bench's calls; the consumer drains them first.
FOLLOWING_DEPTH = 8
ABANDONED_SECONDS = 300.0  # a read-ahead nobody consumes for this long stops and is dropped
# The next window is read ahead only while the day's budget has more than this left, so near the
# limit the requests this window still needs (its last batches, deletion checks) come first.
BUDGET_MARGIN = 20

_END = object()


class PageReadAhead:
    """The pages of one paginated request, fetched on a daemon thread up to `depth` ahead; once
    its consumer arrives, up to `DEPTH` ahead."""

    def __init__(self, pages: Callable[[], Iterator[Page]], depth: int = DEPTH) -> None:
        self._held: deque[Any] = deque()
        self._depth = depth
        self._changed = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, args=(pages,), name="gong-read-ahead", daemon=True)
        self._thread.start()

    def __iter__(self) -> Iterator[Page]:
        """The pages in order; an error of the request is raised here, where it would have been."""
        with self._changed:
            self._depth = DEPTH
        try:
            while True:
                with self._changed:
                    while not self._held and not self._stopped:
                        self._changed.wait()
                    if not self._held:  # its reader was away for ABANDONED_SECONDS: fail, never hang
                        raise RuntimeError("a listing read ahead was abandoned before it was read")
                    entry = self._held.popleft()
                    self._changed.notify_all()
                if entry is _END:
                    return
                if isinstance(entry, BaseException):
                    raise entry
                yield entry
        finally:
            self.close()

    def close(self) -> None:
        with self._changed:
            self._stopped = True
            self._changed.notify_all()

    @property
    def stopped(self) -> bool:
        return self._stopped

    def _run(self, pages: Callable[[], Iterator[Page]]) -> None:
        try:
            for page in pages():
                if not self._put(page):
                    return
            self._put(_END)
        except BaseException as error:  # delivered to the consumer, raised there
            self._put(error)

    def _put(self, entry: Any) -> bool:
        """Hold `entry` once there is room; False when stopped or nobody came for too long."""
        deadline = time.monotonic() + ABANDONED_SECONDS
        with self._changed:
            while not self._stopped and len(self._held) >= self._depth:
                left = deadline - time.monotonic()
                if left <= 0:
                    self._stopped = True
                    self._changed.notify_all()
                    return False
                self._changed.wait(left)
            if self._stopped:
                return False
            self._held.append(entry)
            self._changed.notify_all()
            return True


class ReadAheads:
    """The listings read ahead for one client, by request; a later source of the run takes its own."""

    def __init__(self) -> None:
        self._started: dict[str, PageReadAhead] = {}
        self._lock = threading.Lock()

    def start(self, key: str, pages: Callable[[], Iterator[Page]], depth: int = DEPTH) -> None:
        """Read `pages` ahead for whoever asks for `key` next; anything else held is dropped."""
        with self._lock:
            self._drop(keep=key)
            if key not in self._started or self._started[key].stopped:
                self._started[key] = PageReadAhead(pages, depth)

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
