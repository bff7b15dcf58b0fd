"""Gong's pagination: 100-item pages, a ``records`` object, and a cursor bound to the request.

Call listings page by keyset over the live index (so the delete-between-pages fault can shift a
page the way Gong's offset cursor does); small in-memory lists (users, scorecards, stats) page
by offset.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from gong_emulator.call import GeneratedCall
from gong_emulator.clock import Clock
from gong_emulator.company import Company
from gong_emulator.cursors import CursorCodec, CursorError
from gong_emulator.exchange import NO_CALLS, ApiError, Exchange
from gong_emulator.faults import FAULT_DELETE_BETWEEN_PAGES
from gong_emulator.middleware import FaultInjector
from gong_emulator.model import CallFilter
from gong_emulator.timefmt import to_us

T = TypeVar("T")


class Pager:
    """Serves pages of calls or lists, issuing and checking signed cursors."""

    def __init__(
        self, company: Company, clock: Clock, page_size: int, cursor_ttl_seconds: float, faults: FaultInjector
    ) -> None:
        self.company = company
        self.clock = clock
        self.page_size = page_size
        self.cursor_ttl_seconds = cursor_ttl_seconds
        self.faults = faults
        self._cursors = CursorCodec()

    def calls(
        self, ex: Exchange, flt: CallFilter, fp: str, *, transcripts: bool
    ) -> tuple[dict[str, Any], list[GeneratedCall]]:
        """One page of matching calls plus the ``records`` object (404 when nothing matches)."""
        now = self.clock.now()
        now_s = to_us(now) / 1e6
        shifted = 0
        cursor = ex.cursor()
        if cursor is None:
            total = self.company.count(flt, now=now, transcripts=transcripts)
            if total == 0:
                raise ApiError(404, NO_CALLS)
            page_number, after, exp = 0, None, math.ceil(now_s + self.cursor_ttl_seconds)
        else:
            payload = self._decode(cursor, fp, now_s)
            total, page_number, exp = payload["total"], payload["pageNumber"], payload["exp"]
            started_us, numeric_id = payload["after"]
            after = (started_us, numeric_id)
            if ex.fault == FAULT_DELETE_BETWEEN_PAGES:
                shifted = self._delete_an_earlier_call(ex, flt, now, after, transcripts)
        page = self.company.select(
            flt, now=now, transcripts=transcripts, after=after, limit=self.page_size + 1 + shifted
        )[shifted:]
        more = len(page) > self.page_size
        page = page[: self.page_size]
        after_last = list(page[-1].key) if more else None
        return self.records(total, len(page), page_number, fp, exp, after_last), page

    def _delete_an_earlier_call(
        self, ex: Exchange, flt: CallFilter, now: datetime, after: tuple[int, int], transcripts: bool
    ) -> int:
        """The delete-between-pages fault; returns how far the next page shifts (0 or 1)."""
        earlier = self.company.select(flt, now=now, transcripts=transcripts, until=after)
        if not earlier:
            return 0
        victim = random.Random(f"{self.faults.plan.seed}/delete/{ex.number}").choice(earlier)
        self.company.delete_call(victim.call_id)
        ex.fault_used = True
        # Gong's cursor is an offset (pageNumber): with one earlier call gone, every later call
        # moves up one place, so the call that would open this page now sits on the page
        # already served and is skipped.
        return 1

    def items(self, ex: Exchange, items: Sequence[T], fp: str) -> tuple[dict[str, Any], Sequence[T]]:
        """One page of an in-memory list plus its ``records`` object (the cursor holds the offset)."""
        start, page_number, total = 0, 0, len(items)
        exp = math.ceil(to_us(self.clock.now()) / 1e6 + self.cursor_ttl_seconds)
        cursor = ex.cursor()
        if cursor is not None:
            payload = self._decode(cursor, fp, to_us(self.clock.now()) / 1e6)
            start, page_number, exp = payload["after"], payload["pageNumber"], payload["exp"]
        page = items[start : start + self.page_size]
        after = start + self.page_size if start + self.page_size < total else None
        return self.records(total, len(page), page_number, fp, exp, after), page

    def records(
        self, total: int, size: int, page_number: int, fp: str, exp: int, after: Any
    ) -> dict[str, Any]:
        """Gong's `records` object; `cursor` (resuming after `after`) only when more pages exist."""
        records: dict[str, Any] = {
            "totalRecords": total,
            "currentPageSize": size,
            "currentPageNumber": page_number,
        }
        if after is not None:
            payload = {"pageSize": self.page_size, "total": total, "pageNumber": page_number + 1}
            records["cursor"] = self._cursors.encode({**payload, "exp": exp, "fp": fp, "after": after})
        return records

    def _decode(self, cursor: Any, fp: str, now_s: float) -> dict[str, Any]:
        try:
            return self._cursors.decode(cursor, fp=fp, now_s=now_s)
        except CursorError as err:
            raise ApiError(400, str(err)) from None
