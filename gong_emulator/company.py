"""``Company``: a deterministic synthetic Gong tenant with a lazy call index.

Only a compact per-call index (id, started, visibility times, workspace, privacy, primary user,
deleted flag) is materialised; everything else about a call is regenerated on demand from an RNG
seeded with ``(seed, call index)`` (see ``gong_emulator.call``), so 100,000 calls x 300
sentences cost a few megabytes, and any single call can be produced without the others.
"""

from __future__ import annotations

import random
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from gong_emulator.call import GeneratedCall
from gong_emulator.ids import random_id
from gong_emulator.index import build_index
from gong_emulator.model import CallFilter, CompanySpec, DuplicateCallError, Row, UploadedCall, row_key
from gong_emulator.scorecards import answered_scorecard
from gong_emulator.tenant import Tenant
from gong_emulator.timefmt import to_us
from gong_emulator.uploads import parse_upload


class Company(Tenant):
    """A synthetic tenant: cheap to build, deterministic from ``spec.seed``, thread-safe."""

    def __init__(self, spec: CompanySpec | None = None) -> None:
        super().__init__(spec)
        self._lock = threading.RLock()
        self._rows: list[Row] = build_index(self.spec, self.members)
        self._by_id: dict[str, Row] = {r.call_id: r for r in self._rows}
        self._by_client_id: dict[str, str] = {}

    # --------------------------------------------------------------------- public reads
    def calls(self) -> Iterator[GeneratedCall]:
        """Ground truth: every call not deleted, in (started, id) order, visible or not."""
        with self._lock:
            rows = [r for r in self._rows if not r.deleted]
        for row in rows:
            yield GeneratedCall(self, row)

    def call(self, call_id: str) -> GeneratedCall:
        """The call with this id, visible or not; KeyError if unknown or deleted."""
        return GeneratedCall(self, self._live_row(call_id))

    def _live_row(self, call_id: str) -> Row:
        row = self._by_id.get(str(call_id))
        if row is None or row.deleted:
            raise KeyError(call_id)
        return row

    @property
    def deleted_call_ids(self) -> set[str]:
        """Ids of every call deleted so far (by ``delete_call`` or an injected fault)."""
        with self._lock:
            return {r.call_id for r in self._rows if r.deleted}

    def reviewed_calls(self, now: datetime | None = None) -> list[GeneratedCall]:
        """Listed calls whose answered scorecard is published by ``now`` (all if None), in
        review-time order."""
        return [GeneratedCall(self, r) for r in self._reviewed_rows(now)]

    def answered_scorecards(self, now: datetime | None = None) -> list[dict[str, Any]]:
        """Ground truth: every answered scorecard published by ``now`` (all if None)."""
        return [answered_scorecard(self, r) for r in self._reviewed_rows(now)]

    def _reviewed_rows(self, now: datetime | None) -> list[Row]:
        now_us = None if now is None else to_us(now)
        with self._lock:
            rows = [
                r
                for r in self._rows
                if r.review_us is not None
                and not r.deleted
                and (now_us is None or max(r.visible_us, r.review_us) <= now_us)
            ]
        rows.sort(key=lambda r: (r.review_us or 0, r.key))
        return rows

    def __len__(self) -> int:
        with self._lock:
            return sum(1 for r in self._rows if not r.deleted)

    def _iter_rows(
        self,
        flt: CallFilter,
        now_us: int | None,
        transcripts: bool,
        after: tuple[int, int] | None,
        until: tuple[int, int] | None,
    ) -> Iterator[Row]:
        """Rows matching ``flt`` in key order, strictly after ``after``, up to ``until``."""
        if flt.call_ids is not None:
            found = (self._by_id.get(c) for c in flt.call_ids)
            candidates: list[Row] = sorted((r for r in found if r is not None), key=row_key)
        else:
            candidates = self._rows
        lo, hi = 0, len(candidates)
        if flt.from_us is not None:
            lo = bisect_left(candidates, (flt.from_us, -1), key=row_key)
        if after is not None:
            lo = max(lo, bisect_right(candidates, tuple(after), key=row_key))
        if flt.to_us is not None:
            hi = bisect_left(candidates, (flt.to_us, -1), key=row_key)
        if until is not None:
            hi = min(hi, bisect_right(candidates, tuple(until), key=row_key))
        ws, users = flt.workspace_id, flt.primary_user_ids
        for i in range(lo, hi):
            row = candidates[i]
            if row.deleted:
                continue
            if now_us is not None and not self._listed(row, now_us, transcripts, flt.call_ids is not None):
                continue
            if ws is not None and row.workspace_id != ws:
                continue
            if users is not None and row.primary_user_id not in users:
                continue
            yield row

    def _listed(self, row: Row, now_us: int, transcripts: bool, by_id: bool) -> bool:
        """Whether ``row`` is in a listing at ``now_us``; a transcript answer also holds listed
        calls that answer ``[]`` for now (the empty share; calls without speech, by id)."""
        if row.visible_us > now_us:
            return False
        if not transcripts or row.transcript_us <= now_us or row.empty_pending:
            return True
        return by_id and GeneratedCall(self, row).plan.n_sentences == 0

    def select(
        self,
        flt: CallFilter,
        *,
        now: datetime | None = None,
        transcripts: bool = False,
        after: tuple[int, int] | None = None,
        until: tuple[int, int] | None = None,
        limit: int | None = None,
    ) -> list[GeneratedCall]:
        """Calls matching ``flt`` visible at ``now`` (transcript-visible if ``transcripts``).

        Keyset pagination: ``after``/``until`` are ``GeneratedCall.key`` values (the server
        adds the offset shift Gong's cursor shows when a call is deleted between pages).
        """
        now_us = None if now is None else to_us(now)
        out: list[GeneratedCall] = []
        with self._lock:
            for row in self._iter_rows(flt, now_us, transcripts, after, until):
                if limit is not None and len(out) >= limit:
                    break
                out.append(GeneratedCall(self, row))
        return out

    def count(self, flt: CallFilter, *, now: datetime | None = None, transcripts: bool = False) -> int:
        """How many calls ``select`` would return without a limit (one pass over the range)."""
        now_us = None if now is None else to_us(now)
        with self._lock:
            return sum(1 for _ in self._iter_rows(flt, now_us, transcripts, None, None))

    # ----------------------------------------------------------------------- mutations
    def delete_call(self, call_id: str) -> None:
        """Delete a call for good: it disappears from every endpoint (KeyError if unknown)."""
        with self._lock:
            row = self._by_id.get(str(call_id))
            if row is None or row.deleted:
                raise KeyError(call_id)
            row.deleted = True

    def attach_media(self, call_id: str) -> GeneratedCall:
        """Record a media upload (PUT /v2/calls/{id}/media); KeyError if unknown."""
        with self._lock:
            row = self._live_row(call_id)
            if row.upload is not None:
                row.upload.media_uploaded = True
        return GeneratedCall(self, row)

    def _generated_client_id_owner(self, client_id: str) -> str | None:
        """Generated "Upload API" calls carry ``crm-sync-<callId>``; re-posting one is a duplicate."""
        prefix = "crm-sync-"
        if not client_id.startswith(prefix):
            return None
        row = self._by_id.get(client_id[len(prefix) :])
        if row is None or row.upload is not None:
            return None
        call = GeneratedCall(self, row)
        return row.call_id if call.plan.client_unique_id == client_id else None

    def add_uploaded_call(
        self, body: dict[str, Any], now: datetime, *, visible_after_seconds: float = 0.0
    ) -> str:
        """``POST /v2/calls``: validate like Gong, store the call, return its new id.

        Raises UploadError (message = Gong's ``errors[]`` text) on an invalid body and
        DuplicateCallError on a reused ``clientUniqueId``. The call and its generated
        transcript become visible ``visible_after_seconds`` after ``now``.
        """
        sent = parse_upload(body, self)
        client_id = sent.client_id
        now_us = to_us(now)
        visible = now_us + int(visible_after_seconds * 1_000_000)
        with self._lock:
            existing = self._by_client_id.get(client_id) or self._generated_client_id_owner(client_id)
            if existing is not None:
                raise DuplicateCallError(client_id, existing)
            rng = random.Random(f"{self.spec.seed}/upload-id/{client_id}")
            call_id = random_id(rng)
            while call_id in self._by_id:
                call_id = random_id(rng)
            media = bool(sent.body.get("downloadMediaUrl"))
            upload = UploadedCall(sent.body, sent.scheduled_us, sent.scheduled_digits, media, now_us)
            row = Row(
                sent.started_us,
                sent.digits,
                call_id,
                visible,
                visible,
                sent.workspace_id,
                sent.primary_user_id,
                upload=upload,
            )
            self._rows.insert(bisect_left(self._rows, row.key, key=row_key), row)
            self._by_id[call_id] = row
            self._by_client_id[client_id] = call_id
        return call_id
