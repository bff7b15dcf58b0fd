"""The Gong dlt source: incremental by itself, one resource per table, 2 requests per 100 calls.

Shape of one run (the registry in `endpoints.py` says which endpoint feeds which table):

    call_pages         POST /v2/calls/extensive by date window, 100 calls a page (not loaded)
      ├── calls, call_details, call_topics, ..., parties, call_speakers   one shaping per page
      └── call_transcripts   POST /v2/calls/transcript, up to 100 call ids (not loaded)
            └── transcript_sentences
    user_pages -> users, workspace_pages -> workspaces, settings -> trackers, scorecards ...
                                                          full refresh
    answered_scorecard_pages, user_interaction_pages, user_activity_pages    day windows

`call_pages` plans its windows from source state (`sync.plan_windows`): each table's
high-water mark minus the lookback, plus the deep and reconcile passes when due. dlt commits
that state in the same load package as the data, so a failed run never records work it did
not load, and `pipeline.run(gong_source())` twice costs what two `gong-pipeline run`s cost.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import dlt
import orjson
import pandas  # noqa: F401  (eager import: pyarrow in a dlt worker thread can half-import it)
import pendulum
import pyarrow as pa
import pyarrow.compute as pc
from dlt.extract import DltResource

from . import merge_sql, readahead, records, settings
from .budget import DailyBudget
from .client import GongClient, Page
from .config import GongConfig
from .endpoints import (
    ENDPOINTS,
    Endpoint,
    Scope,
    call_scoped_tables,
    default_table_names,
    table_names,
    window_endpoint,
)
from .errors import GongCursorExpiredError
from .loaded import LoadedCalls
from .sync import SyncState, Window, plan_days, plan_windows
from .tables import DELETED_COLUMN, Table
from .timestamps import to_gong_filter, to_utc, to_utc_or_none

logger = logging.getLogger(__name__)

RESOURCE_NAMES = table_names(ENDPOINTS)
DEFAULT_RESOURCES = default_table_names(ENDPOINTS)


class ShapedPage:
    """A page of one endpoint's items, shaped into its tables once, on first use, by any thread."""

    def __init__(
        self, endpoint: Endpoint, items: list[dict[str, Any]], report: records.ShapingReport
    ) -> None:
        self.endpoint = endpoint
        self.items = items
        self.report = report
        self._tables: dict[str, pa.Table] | None = None
        self._lock = threading.Lock()

    def table(self, name: str) -> pa.Table | None:
        with self._lock:
            if self._tables is None:
                self._tables = self.endpoint.shape(self.items, self.report)
                self.items = []
        return self._tables.get(name)


@dataclass
class Removals:
    """Calls deleted in Gong or made private: deletion markers for every call-scoped table."""

    call_ids: list[str]
    tables: Sequence[Table]

    def table(self, name: str) -> pa.Table | None:
        return next((t.deletion_markers(self.call_ids) for t in self.tables if t.name == name), None)


@dataclass
class TranscriptRequest:
    """Up to 100 call ids (with their start, epoch seconds) whose transcript is wanted, and the
    requests for them already under way, by endpoint name (`_WindowReader._ask`)."""

    call_ids: dict[str, float] = field(default_factory=dict)
    fetched: dict[str, Future[list[Any]]] = field(default_factory=dict)


@dlt.source(name="gong", max_table_nesting=0, spec=GongConfig)
def gong_source(
    start_date: str = dlt.config.value,
    lookback_days: float = dlt.config.value,
    workspace_id: str | None = dlt.config.value,
    primary_user_ids: list[str] | None = dlt.config.value,
    include_private_calls: bool = dlt.config.value,
    config: GongConfig = None,  # type: ignore[assignment]  # dlt injects the resolved spec
    *,
    client: GongClient | None = None,
    until: datetime | None = None,
    max_windows: int | None = None,
    backfill: tuple[datetime, datetime] | None = None,
    endpoints: Sequence[Endpoint] = ENDPOINTS,
    report: records.ShapingReport | None = None,
) -> list[DltResource]:
    """Gong calls, their details, parties, talk time, transcripts, users and workspaces.

    Every setting comes from `GongConfig` (`[sources.gong]`, `SOURCES__GONG__*`); the named
    arguments override the configured values. `client` defaults to one built from the config,
    its requests counted against the day's budget in the pipelines directory. `until` fixes
    the end of the plan (default: now), `max_windows` reads only the first windows of it (the
    runner commits one window per load), `backfill` reads a fixed range without moving the
    high-water marks. `report` counts what shaping left out or repaired (the run summary).
    """
    merge_sql.apply()  # the call-scoped merges delete on the call id alone
    end = to_utc(until) if until is not None else pendulum.now("UTC")
    connection = _Connection(config, client, report or records.ShapingReport())
    listing = window_endpoint(endpoints)
    removable = call_scoped_tables(endpoints)
    shared: dict[str, SyncState] = {}

    @dlt.resource(name=listing.name, selected=False)
    def call_pages() -> Iterator[Any]:
        state = shared.setdefault("state", SyncState(dlt.current.source_state()))
        selected = set(dlt.current.source().selected_resources)
        wanted = [n for n in table_names(endpoints, Scope.WINDOW, Scope.CALLS) if n in selected]
        full = {t.name for t in removable} <= selected
        plan = plan_windows(state, config, end, wanted, full=full, backfill=backfill)
        windows = plan.windows[:max_windows] if max_windows else plan.windows
        by_ids = [e for e in endpoints if e.scope is Scope.CALLS and set(e.table_names) & selected]
        reader = _WindowReader(connection, config, listing, removable, state, selected, full, by_ids)
        try:
            for index, window in enumerate(windows):
                following = plan.windows[index + 1] if index + 1 < len(plan) else None
                yield from reader.read(window, following)
                if index == len(plan) - 1:
                    yield from reader.retry_pending(end)
                state.apply(window)
        except BaseException:
            reader.close(cancel=True)
            raise
        finally:
            reader.close()
            connection.save_budget()

    resources: list[DltResource] = [call_pages]
    for endpoint in endpoints:
        if endpoint.scope is Scope.CALLS:
            fetcher = dlt.transformer(
                _call_fetcher(endpoint, connection, shared),
                data_from=call_pages,
                name=endpoint.name,
                selected=False,
                parallelized=True,
            )
        elif endpoint.scope is Scope.SNAPSHOT:
            fetcher = dlt.resource(
                _snapshot_fetcher(endpoint, connection), name=endpoint.name, selected=False
            )
        elif endpoint.scope is Scope.DAYS:
            fetcher = dlt.resource(
                _day_fetcher(endpoint, connection, end), name=endpoint.name, selected=False
            )
        else:
            fetcher = call_pages
        resources.append(fetcher) if fetcher is not call_pages else None
        resources.extend(
            _table_resource(table, fetcher, connection.report, end, selected=not endpoint.optional)
            for table in endpoint.tables
        )
    return resources


def _table_resource(
    table: Table,
    parent: DltResource,
    report: records.ShapingReport,
    now: datetime,
    *,
    selected: bool = True,
) -> DltResource:
    def rows(item: Any) -> Iterator[pa.Table]:
        data = item.table(table.name) if isinstance(item, ShapedPage | Removals) else None
        if data is not None and DELETED_COLUMN in data.column_names:
            markers = int(pc.sum(data.column(DELETED_COLUMN)).as_py() or 0)
            if markers:
                report.add_markers(table.name, markers)
        if data is not None and data.num_rows:
            yield data

    return dlt.transformer(rows, data_from=parent, selected=selected, **table.resource_hints(now))


def _call_fetcher(
    endpoint: Endpoint, connection: _Connection, shared: dict[str, SyncState]
) -> Callable[[Any], Iterator[Any]]:
    def fetch(item: Any) -> Iterator[Any]:
        if isinstance(item, Removals):
            yield item
        elif isinstance(item, TranscriptRequest):
            under_way = item.fetched.pop(endpoint.name, None)
            ids = list(item.call_ids)
            found = under_way.result() if under_way else _fetch_by_ids(connection, endpoint, ids)
            kept = records.transcripts_with_sentences(found, item.call_ids)
            shared["state"].transcripts_asked(item.call_ids, kept)
            yield ShapedPage(endpoint, list(kept.values()), connection.report)

    return fetch


def _fetch_by_ids(connection: _Connection, endpoint: Endpoint, call_ids: list[str]) -> list[Any]:
    body = {"filter": {"callIds": call_ids}}
    return connection.get().fetch_all(
        endpoint.method, endpoint.path, items_key=endpoint.items_key, json=body, decode=endpoint.decode
    )


def _snapshot_fetcher(endpoint: Endpoint, connection: _Connection) -> Callable[[], Iterator[ShapedPage]]:
    def fetch() -> Iterator[ShapedPage]:
        try:
            items = connection.get().fetch_all(endpoint.method, endpoint.path, items_key=endpoint.items_key)
            yield ShapedPage(endpoint, items, connection.report)
        finally:
            connection.save_budget()

    return fetch


def _day_fetcher(
    endpoint: Endpoint, connection: _Connection, end: datetime
) -> Callable[[], Iterator[ShapedPage]]:
    """Day windows from the table's day mark (`sync.plan_days`); the mark moves per window."""

    def fetch() -> Iterator[ShapedPage]:
        state = SyncState(dlt.current.source_state())
        config = connection.config
        table = endpoint.table_names[0]
        try:
            for first, stop in plan_days(state, config, end, table, endpoint.one_day_per_request):
                flt: dict[str, Any] = dict(
                    zip(endpoint.day_keys, (first.isoformat(), stop.isoformat()), strict=True)
                )
                if endpoint.user_key and config.primary_user_ids:
                    flt[endpoint.user_key] = list(config.primary_user_ids)
                found = connection.get().fetch_all(
                    endpoint.method, endpoint.path, items_key=endpoint.items_key, json={"filter": flt}
                )
                if endpoint.one_day_per_request:
                    found = [{**item, "day": first.isoformat()} for item in found]
                yield ShapedPage(endpoint, found, connection.report)
                state.advance_day_mark(table, stop)
        finally:
            connection.save_budget()

    return fetch


class _Connection:
    """The source's Gong client: the caller's, or one built on first use with the day's budget."""

    def __init__(self, config: GongConfig, client: GongClient | None, report: records.ShapingReport) -> None:
        self.config = config
        self.report = report
        self._client = client
        self._budget: DailyBudget | None = None
        self._lock = threading.Lock()

    def get(self) -> GongClient:
        with self._lock:
            if self._client is None:
                self.config.check_credentials()
                self._budget = DailyBudget.for_pipeline(dlt.current.pipeline(), self.config)
                self._client = GongClient(self.config, budget=self._budget.budget)
            return self._client

    def save_budget(self) -> None:
        if self._budget is not None:
            self._budget.save()


class _WindowReader:
    """Lists one window completely, page by page, and says what to load, ask and remove.

    Requests go out ahead of the shaping (`readahead`): the listing a few pages ahead, each
    batch's by-id requests (`by_ids`) as soon as its ids are known, on a thread of its own (one
    request at a time fills a slot of the limiter; more would only hold more pages), and the
    next window's listing once this one is read.
    """

    def __init__(
        self,
        connection: _Connection,
        config: GongConfig,
        listing: Endpoint,
        removable: Sequence[Table],
        state: SyncState,
        selected: set[str],
        full: bool,
        by_ids: Sequence[Endpoint] = (),
    ) -> None:
        self.connection = connection
        self.client, self.config, self.listing, self.state = connection.get(), config, listing, state
        self.read_aheads = readahead.for_client(self.client)
        self.by_ids = by_ids
        self.fetching = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gong-by-ids")
        self.report = connection.report
        self.removable = removable
        self.full = full
        self.transcripts = "transcript_sentences" in selected
        self.loaded = LoadedCalls()
        self.scope_noted = False  # the out-of-scope warning is given once per source
        self.asked: set[str] = set()
        self.shaped: set[str] = set()  # each call once per load package: the merge skips dedup

    def close(self, cancel: bool = False) -> None:
        """Stop taking requests; those under way finish for the items already yielded."""
        self.fetching.shutdown(wait=False, cancel_futures=cancel)

    def read(self, window: Window, following: Window | None = None) -> Iterator[Any]:
        """The window's items; then the listing of `following` (the plan's next) starts."""
        self.read_aheads.start(*self._listing(window))  # under way while the destination is asked
        content = window.kind.loads_content
        have_sentences = (
            self.loaded.with_sentences(window.start, window.end) if content and self.transcripts else set()
        )
        known = self._known(window) if self.full else set()
        listed: set[str] = set()
        private: set[str] = set()
        wanted = TranscriptRequest()
        for page in self._pages(window):
            kept = []
            for call in page:
                meta = records.section(call.get("metaData"))
                call_id = records.required_id(meta, "id", "call")
                if records.boolean(meta.get("isPrivate")) and not self.config.include_private_calls:
                    private.add(call_id)
                    continue
                listed.add(call_id)
                if call_id in self.shaped:  # a page served twice, or a window overlapping another
                    continue
                self.shaped.add(call_id)
                kept.append(call)
                if (
                    content
                    and self.transcripts
                    and call_id not in have_sentences
                    and call_id not in self.asked
                ):
                    wanted.call_ids[call_id] = _epoch(meta.get("started"), call_id)
            batch = self._ask(wanted) if len(wanted.call_ids) >= settings.MAX_CALL_IDS_PER_REQUEST else None
            if batch is not None:  # asked now, answered while dlt shapes the page
                wanted = TranscriptRequest()
            if content and kept:
                yield ShapedPage(self.listing, kept, self.report)
            if batch is not None:
                yield batch
        if following is not None and self._budget_left() > readahead.BUDGET_MARGIN:
            self.read_aheads.start(*self._listing(following), readahead.FOLLOWING_DEPTH)
        if wanted.call_ids:
            yield self._ask(wanted)
        if self.full:
            removed = self._removed(window, known, listed, private)
            if removed:
                self.state.forget_transcripts(removed)
                yield Removals(sorted(removed), self.removable)

    def retry_pending(self, until: datetime) -> Iterator[TranscriptRequest]:
        """Transcripts that came back empty or missing, asked again until the deep lookback ends."""
        if not self.transcripts:
            return
        self.state.forget_transcripts(
            older_than=until - pendulum.duration(days=self.config.deep_lookback_days)
        )
        pending = {c: s for c, s in self.state.pending_transcripts().items() if c not in self.asked}
        ids = list(pending)
        for first in range(0, len(ids), settings.MAX_CALL_IDS_PER_REQUEST):
            batch = ids[first : first + settings.MAX_CALL_IDS_PER_REQUEST]
            yield self._ask(TranscriptRequest({c: pending[c] for c in batch}))

    def _budget_left(self) -> int:
        return self.client.budget.limit - self.client.budget.used

    def _ask(self, request: TranscriptRequest) -> TranscriptRequest:
        self.asked.update(request.call_ids)
        for endpoint in self.by_ids:
            request.fetched[endpoint.name] = self.fetching.submit(
                _fetch_by_ids, self.connection, endpoint, list(request.call_ids)
            )
        return request

    def _filter(self, window: Window) -> dict[str, Any]:
        flt: dict[str, Any] = {
            "fromDateTime": to_gong_filter(window.start),
            "toDateTime": to_gong_filter(window.end),
        }
        if self.config.workspace_id:
            flt["workspaceId"] = self.config.workspace_id
        if self.config.primary_user_ids:
            flt["primaryUserIds"] = list(self.config.primary_user_ids)
        return flt

    def _listing(self, window: Window) -> tuple[str, Callable[[], Iterator[Page]]]:
        """The window's listing request: a key for its read-ahead, and its pages."""
        body = {"filter": self._filter(window), **(self.listing.body if window.kind.loads_content else {})}

        def pages() -> Iterator[Page]:
            return self.client.paginate(
                self.listing.method,
                self.listing.path,
                items_key=self.listing.items_key,
                json=body,
                keep_number_text=self.listing.keep_number_text,
            )

        return f"{self.listing.path} {orjson.dumps(body, option=orjson.OPT_SORT_KEYS).decode()}", pages

    def _pages(self, window: Window) -> Iterator[list[dict[str, Any]]]:
        """Every page of the window; re-read once if Gong served fewer calls than it counted
        (an offset cursor skips one when a call is deleted between pages) or a cursor expired.
        A call served twice is shaped once (`read`)."""
        key, pages = self._listing(window)
        for attempt in (1, 2):
            served, total = 0, None
            try:
                for page in self.read_aheads.take(key, pages) if attempt == 1 else pages():
                    total = page.records.get("totalRecords") if total is None else total
                    served += len(page.items)
                    yield page.items
            except GongCursorExpiredError:
                if attempt == 2:
                    raise
                continue
            if not (isinstance(total, int) and served < total):
                return

    def _known(self, window: Window) -> set[str]:
        """Stored calls of the window in this run's scope (the only ones a deletion may touch);
        says so (once per source) when a workspace or user filter leaves stored calls out."""
        scope = self.config.workspace_id, self.config.primary_user_ids
        known = self.loaded.in_window(window.start, window.end, *scope)
        if any(scope) and not self.scope_noted:
            outside = len(self.loaded.in_window(window.start, window.end, None, None) - known)
            if outside:
                self.scope_noted = True
                logger.warning(
                    "%s: %d stored calls are outside this run's workspace/user filter; they are "
                    "kept, never deleted by a run with another filter",
                    window.describe(),
                    outside,
                )
        return known

    def _removed(self, window: Window, known: set[str], listed: set[str], private: set[str]) -> set[str]:
        """Deletions only from evidence: stored in this scope, absent from a non-empty listing,
        and not returned by Gong when asked by id; plus stored calls now private."""
        gone = known - listed - private
        if gone and not listed and not private:
            logger.warning(
                "%s: Gong listed no calls for a window that holds %d stored calls; nothing deleted",
                window.describe(),
                len(known),
            )
            return set()
        confirmed = set(gone)
        ids = sorted(gone)
        for first in range(0, len(ids), settings.MAX_CALL_IDS_PER_REQUEST):
            body = {"filter": {"callIds": ids[first : first + settings.MAX_CALL_IDS_PER_REQUEST]}}
            for call in self.client.fetch_all(
                self.listing.method, self.listing.path, items_key=self.listing.items_key, json=body
            ):
                meta = records.section(call.get("metaData"))
                call_id = records.text(meta.get("id"))
                if not (records.boolean(meta.get("isPrivate")) and not self.config.include_private_calls):
                    confirmed.discard(call_id or "")
        return confirmed | (private & known)


def _epoch(value: Any, call_id: str) -> float:
    started = to_utc_or_none(value, f"call {call_id} started")
    return started.timestamp() if started else 0.0
