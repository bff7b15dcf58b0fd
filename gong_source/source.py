"""The Gong dlt source: calls, their details, parties, talk time and transcript sentences.

Shape of one run over `[start_at, end_at)`:

    call_batches  (GET /v2/calls, window by window; not loaded itself)
      ├── calls                   one row per call
      ├── call_extensive          (POST /v2/calls/extensive by the batch's callIds; not loaded)
      │     ├── call_details      call row + content/interaction/CRM/comment child tables
      │     ├── parties
      │     └── call_speakers
      └── transcript_sentences    (POST /v2/calls/transcript by callIds, only calls not loaded yet)
    users, workspaces             full refresh

Every call-scoped table merges on `call_id`, so re-reading a window (the lookback) replaces a
call's rows instead of duplicating them. Source state remembers the calls of recent windows
(whether their transcript is loaded, and which calls existed, to notice deletions); dlt commits
it in the same load package as the data, so a failed run never records work it did not load.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import dlt
import pandas  # noqa: F401  (eager import: pyarrow in a dlt worker thread can half-import it)
import pyarrow as pa
from dlt.extract import DltResource

from . import records, settings, tables
from .client import GongClient
from .config import GongConfig
from .errors import GongConfigError
from .timestamps import to_gong_filter, to_utc

RESOURCE_NAMES = (
    "calls",
    "call_details",
    "parties",
    "call_speakers",
    "transcript_sentences",
    "users",
    "workspaces",
)


@dataclass
class CallBatch:
    """Up to 100 calls of a listed window, or the remembered calls the window no longer lists."""

    calls: list[dict[str, Any]] = field(default_factory=list)
    deleted_call_ids: list[str] = field(default_factory=list)

    @property
    def call_ids(self) -> list[str]:
        return [call["id"] for call in self.calls]


@dlt.source(name="gong", max_table_nesting=0)
def gong_source(
    start_at: datetime | str = settings.DEFAULT_START_DATE,
    end_at: datetime | str | None = None,
    *,
    client: GongClient | None = None,
    window_days: float = settings.DEFAULT_WINDOW_DAYS,
    lookback_days: float = settings.DEFAULT_LOOKBACK_DAYS,
    include_private_calls: bool = False,
    workspace_id: str | None = None,
    backfill_key: str | None = None,
) -> Sequence[DltResource]:
    """Load calls that started in `[start_at, end_at)` (default: until now) plus users and workspaces.

    `client` defaults to one built from `[sources.gong]` config and secrets. Long ranges are cut
    into `window_days` windows so that no pagination cursor outlives its hour. `lookback_days`
    says how far back the next run will re-read, so how long calls must be remembered.
    A backfill (`backfill_key` set) records its progress under that key and leaves the
    incremental high-water mark `loaded_until` where it is.
    """
    client = client or GongClient(GongConfig.from_dlt())
    start = to_utc(start_at, "start_at")
    end = to_utc(end_at, "end_at") if end_at is not None else to_utc(datetime.now().astimezone())
    if start >= end:
        raise GongConfigError(f"start {start.isoformat()} must be before end {end.isoformat()}")
    if window_days <= 0:
        raise GongConfigError("SOURCES__GONG__WINDOW_DAYS must be greater than 0")
    windows = split_windows(start, end, timedelta(days=window_days))
    # The next incremental run re-lists calls from about `end - lookback`; older ones are done.
    forget_before = end - timedelta(days=lookback_days + 1)

    @dlt.resource(selected=False)
    def call_batches() -> Iterator[CallBatch]:
        state = dlt.current.source_state()
        recent = state.setdefault("recent_calls", {})
        for window_start, window_end in windows:
            yield from _list_window(
                client, recent, window_start, window_end, workspace_id, include_private_calls
            )
            if backfill_key:
                state.setdefault("backfills", {})[backfill_key] = window_end.isoformat()
            elif (previous := state.get("loaded_until")) is None or to_utc(previous) < window_end:
                state["loaded_until"] = window_end.isoformat()
        _forget_before(recent, forget_before)

    @dlt.transformer(data_from=call_batches, **tables.CALLS.resource_hints())
    def calls(batch: CallBatch) -> Iterator[pa.Table]:
        yield tables.CALLS.to_arrow(records.call_row(call) for call in batch.calls)
        if batch.deleted_call_ids:
            yield tables.CALLS.deletion_markers(batch.deleted_call_ids)

    @dlt.transformer(data_from=call_batches, selected=False, parallelized=True)
    def call_extensive(batch: CallBatch) -> Iterator[ExtensiveBatch]:
        extensive: list[dict[str, Any]] = []
        if batch.calls:
            body = {
                "filter": {"callIds": batch.call_ids},
                "contentSelector": settings.EXTENSIVE_CONTENT_SELECTOR,
            }
            extensive = client.fetch_all("POST", settings.CALLS_EXTENSIVE_PATH, json=body, items_key="calls")
        yield ExtensiveBatch(extensive, batch.deleted_call_ids)

    @dlt.transformer(data_from=call_extensive, name="call_details")
    def call_details(result: ExtensiveBatch) -> Iterator[Any]:
        yield from result.tables(*tables.CALL_DETAIL_TABLES)

    @dlt.transformer(data_from=call_extensive, **tables.PARTIES.resource_hints())
    def parties(result: ExtensiveBatch) -> Iterator[Any]:
        yield from result.tables(tables.PARTIES)

    @dlt.transformer(data_from=call_extensive, **tables.CALL_SPEAKERS.resource_hints())
    def call_speakers(result: ExtensiveBatch) -> Iterator[Any]:
        yield from result.tables(tables.CALL_SPEAKERS)

    @dlt.transformer(
        data_from=call_batches, parallelized=True, **tables.TRANSCRIPT_SENTENCES.resource_hints()
    )
    def transcript_sentences(batch: CallBatch) -> Iterator[pa.Table]:
        recent = dlt.current.source_state().setdefault("recent_calls", {})
        wanted = [call_id for call_id in batch.call_ids if not _transcript_loaded(recent, call_id)]
        if wanted:
            body = {"filter": {"callIds": wanted}}
            transcripts = client.fetch_all(
                "POST", settings.CALLS_TRANSCRIPT_PATH, json=body, items_key="callTranscripts"
            )
            yield tables.TRANSCRIPT_SENTENCES.from_columns(records.transcript_columns(transcripts))
            for transcript in transcripts:
                _mark_transcript_loaded(recent, records.text(transcript.get("callId")))
        if batch.deleted_call_ids:
            yield tables.TRANSCRIPT_SENTENCES.deletion_markers(batch.deleted_call_ids)

    @dlt.resource(**tables.USERS.resource_hints())
    def users() -> Iterator[pa.Table]:
        found = client.fetch_all("GET", settings.USERS_PATH, items_key="users")
        yield tables.USERS.to_arrow(records.user_row(user) for user in found)

    @dlt.resource(**tables.WORKSPACES.resource_hints())
    def workspaces() -> Iterator[pa.Table]:
        body = client.get(settings.WORKSPACES_PATH) or {}
        yield tables.WORKSPACES.to_arrow(
            records.workspace_row(w) for w in records.items(body.get("workspaces"))
        )

    return (
        call_batches,
        calls,
        call_extensive,
        call_details,
        parties,
        call_speakers,
        transcript_sentences,
        users,
        workspaces,
    )


@dataclass
class ExtensiveBatch:
    """The /v2/calls/extensive items of one CallBatch, shared by the tables they feed."""

    calls: list[dict[str, Any]]
    deleted_call_ids: list[str]

    def tables(self, *targets: tables.Table) -> Iterator[Any]:
        """Each target's rows, then its deletion markers, each routed to its own table.

        Listed calls missing from Gong's answer keep their rows until a later run has them.
        """
        shaped = [records.extensive_rows(call) for call in self.calls]
        for table in targets:
            rows = [row for call_rows in shaped for row in call_rows.get(table.name, ())]
            yield _marked(table, table.to_arrow(rows))
            if self.deleted_call_ids:
                yield _marked(table, table.deletion_markers(self.deleted_call_ids))


def split_windows(start: datetime, end: datetime, size: timedelta) -> list[tuple[datetime, datetime]]:
    """`[start, end)` as consecutive half-open windows of at most `size`."""
    windows = []
    while start < end:
        windows.append((start, min(start + size, end)))
        start = windows[-1][1]
    return windows


def _marked(table: tables.Table, data: pa.Table) -> Any:
    """Route an Arrow table of a multi-table resource to its own table, keys and disposition."""
    hints = table.resource_hints()
    return dlt.mark.with_hints(
        data,
        dlt.mark.make_hints(
            table_name=hints["name"],
            primary_key=hints["primary_key"],
            merge_key=hints.get("merge_key"),
            write_disposition=hints["write_disposition"],
            columns=hints.get("columns"),
        ),
        create_table_variant=True,
    )


# -- the window listing ----------------------------------------------------------------------------
# `recent_calls` in source state: call_id -> [earliest, latest, transcript_loaded] where earliest
# and latest are the epoch seconds of the call's scheduled/started instants (Gong filters web
# conferences by schedule, other calls by start, so membership of a window is only certain when
# both fall inside it).


def _list_window(
    client: GongClient,
    recent: dict[str, list[Any]],
    start: datetime,
    end: datetime,
    workspace_id: str | None,
    include_private_calls: bool,
) -> Iterator[CallBatch]:
    """The window's calls in batches of 100, then the remembered calls that no longer exist.

    The listing is completed before anything is yielded, so a call deleted while the window is
    paged never reaches the tables; memory is bounded by one window's call metadata.
    """
    calls = _complete_listing(client, start, end, workspace_id, include_private_calls)
    gone = _inside(recent, start, end) - {call["id"] for call in calls}
    for call_id in gone:
        recent.pop(call_id, None)
    for call in calls:
        _remember(recent, call["id"], call)
    for first in range(0, len(calls), settings.MAX_CALL_IDS_PER_REQUEST):
        yield CallBatch(calls=calls[first : first + settings.MAX_CALL_IDS_PER_REQUEST])
    if gone:
        yield CallBatch(deleted_call_ids=sorted(gone))


def _complete_listing(
    client: GongClient,
    start: datetime,
    end: datetime,
    workspace_id: str | None,
    include_private_calls: bool,
) -> list[dict[str, Any]]:
    """Every call of the window once (see `GongClient.fetch_all` for how shifts are caught).

    Private calls count as absent unless asked for, so a call made private after it was
    loaded is removed like a deleted one.
    """
    params = {"fromDateTime": to_gong_filter(start), "toDateTime": to_gong_filter(end)}
    if workspace_id:
        params["workspaceId"] = workspace_id
    listed: dict[str, dict[str, Any]] = {}
    for meta in client.fetch_all("GET", settings.CALLS_PATH, params=params, items_key="calls"):
        call_id = records.required_id(meta, "id", "call")
        if include_private_calls or not records.boolean(meta.get("isPrivate")):
            listed[call_id] = {**meta, "id": call_id}
    return list(listed.values())


def _remember(recent: dict[str, list[Any]], call_id: str, meta: dict[str, Any]) -> None:
    instants = [
        int(to_utc(meta[key], f"call {call_id} {key}").timestamp())
        for key in ("scheduled", "started")
        if meta.get(key) not in (None, "")
    ] or [0]
    previous = recent.get(call_id)
    recent[call_id] = [min(instants), max(instants), previous[2] if previous else 0]


def _inside(recent: dict[str, list[Any]], start: datetime, end: datetime) -> set[str]:
    lo, hi = start.timestamp(), end.timestamp()
    return {call_id for call_id, (earliest, latest, _) in recent.items() if lo <= earliest and latest < hi}


def _forget_before(recent: dict[str, list[Any]], start: datetime) -> None:
    """Drop calls no later window will list again, so state stays small."""
    cutoff = start.timestamp()
    for call_id in [c for c, (_, latest, _) in recent.items() if latest < cutoff]:
        del recent[call_id]


def _transcript_loaded(recent: dict[str, list[Any]], call_id: str) -> bool:
    entry = recent.get(call_id)
    return bool(entry and entry[2])


def _mark_transcript_loaded(recent: dict[str, list[Any]], call_id: str | None) -> None:
    entry = recent.get(call_id) if call_id else None
    if entry:
        entry[2] = 1
