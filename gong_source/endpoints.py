"""The endpoint registry: each Gong endpoint the source reads, declared once.

An `Endpoint` says how to ask (method, path, items key), how it is scoped, which tables it
feeds and how a page of its items becomes those tables. Everything else derives from here:
the source's resources (one per table, each selectable on its own), the runner's categories,
the request estimate and the README's table list.

Scopes, and what they cost (Gong pages hold 100 items):
- `window`: listed by date window, paged with the body cursor; 1 request per 100 calls, and
  one (Gong's "No calls found" 404) for an empty window. It drives everything call-scoped.
- `calls`: asked by up to 100 call ids of the window listing; 1 request per 100 calls that
  still need it.
- `snapshot`: read in full on every run; 1 request per 100 items (the settings endpoints are
  not paged: 1 request per run each).
- `days`: the day-granular stats, by whole days in the company time zone up to the last day
  every time zone has finished (`sync.plan_days`), read once a day from the table's day mark
  minus `stats_lookback_days`: 1 request per window of days (one day for interaction stats,
  whose answer aggregates its window; `window_days` days for the others) per 100 items.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from . import records, settings, tables
from .client import Decoder
from .tables import Table

Json = Mapping[str, Any]
Shaper = Callable[[Sequence[Json], records.ShapingReport], dict[str, pa.Table]]


class Scope(enum.StrEnum):
    WINDOW = "window"
    CALLS = "calls"
    SNAPSHOT = "snapshot"
    DAYS = "days"

    @property
    def cost(self) -> str:
        """What reading an endpoint of this scope costs in requests (the README's table list)."""
        return _SCOPE_COSTS[self]


_SCOPE_COSTS = {
    Scope.WINDOW: "1 request per 100 calls of a window (1 for an empty window)",
    Scope.CALLS: "1 request per 100 calls that still need it",
    Scope.SNAPSHOT: "1 request per 100 items, every run",
    Scope.DAYS: (
        "1 request per window of days (per day where Gong's answer aggregates its window) and "
        "100 items; the lookback is re-read once a day"
    ),
}


@dataclass(frozen=True)
class Endpoint:
    """One Gong endpoint: how to ask it and what it feeds."""

    name: str
    method: str
    path: str
    items_key: str
    scope: Scope
    tables: tuple[Table, ...]
    shape: Shaper
    body: Mapping[str, Any] = field(default_factory=dict)
    # decode with number text kept (CRM field values keep "0.0" as Gong sent it); slower
    keep_number_text: bool = False
    # read the body with this instead of `decode_json` (transcripts: straight into Arrow)
    decode: Decoder | None = None
    # `days` scope: the filter's from/to date keys, the key that takes `primary_user_ids`, and
    # whether each request is one day (an answer that aggregates its window; items get `day`)
    day_keys: tuple[str, str] = ("fromDate", "toDate")
    user_key: str | None = None
    one_day_per_request: bool = False
    # needs a Gong scope of its own (settings, stats): loaded only when its tables are selected
    # (`--resources all`), so an OAuth app without that scope still runs by default
    optional: bool = False

    @property
    def table_names(self) -> tuple[str, ...]:
        return tuple(table.name for table in self.tables)


def shape_extensive(calls: Sequence[Json], report: records.ShapingReport) -> dict[str, pa.Table]:
    """A page of /v2/calls/extensive items as every call-scoped table, each call shaped once.

    A call of the page without rows in a table gets a deletion marker there, so a section
    that dropped to none in Gong leaves no stale rows (the merge replaces rows per call).
    """
    shaped: dict[str, list[dict[str, Any]]] = {table.name: [] for table in EXTENSIVE_TABLES}
    for call in calls:
        shaped[tables.CALLS.name].append(records.call_row(records.section(call.get("metaData")), report))
        for name, rows in records.extensive_rows(call, report).items():
            shaped[name].extend(rows)
    call_ids = [row["call_id"] for row in shaped[tables.CALLS.name]]
    return {
        table.name: table.with_markers_for_missing(table.to_arrow(shaped[table.name]), call_ids)
        for table in EXTENSIVE_TABLES
    }


def shape_transcripts(transcripts: Sequence[Any], report: records.ShapingReport) -> dict[str, pa.Table]:
    """Transcripts with sentences only: an empty one (`"transcript": []`) is "not yet".

    Items read straight into Arrow (`records.ParsedTranscript`) bring their page's rows; only a
    page `decode_transcript_page` handed to `decode_json` is shaped here, by `transcript_columns`.
    """
    table = tables.TRANSCRIPT_SENTENCES
    pages = {id(t.page): t.page for t in transcripts if isinstance(t, records.ParsedTranscript)}
    decoded = [t for t in transcripts if not isinstance(t, records.ParsedTranscript)]
    parts = list(pages.values())
    if decoded or not parts:
        parts.append(table.from_columns(records.transcript_columns(decoded, report)))
    return {table.name: parts[0] if len(parts) == 1 else pa.concat_tables(parts)}


def _rows_of(table: Table, row: Callable[[Json, records.ShapingReport], dict[str, Any]]) -> Shaper:
    return lambda items, report: {table.name: table.to_arrow(row(item, report) for item in items)}


def _list_of(
    table: Table, rows: Callable[[Sequence[Json], records.ShapingReport], list[dict[str, Any]]]
) -> Shaper:
    return lambda items, report: {table.name: table.to_arrow(rows(items, report))}


def _tables_of(
    shape_rows: Callable[[Sequence[Json], records.ShapingReport], records.Rows], *fed: Table
) -> Shaper:
    def shape(items: Sequence[Json], report: records.ShapingReport) -> dict[str, pa.Table]:
        rows = shape_rows(items, report)
        return {table.name: table.to_arrow(rows[table.name]) for table in fed}

    return shape


EXTENSIVE_TABLES: tuple[Table, ...] = (
    tables.CALLS,
    *tables.CALL_DETAIL_TABLES,
    tables.PARTIES,
    tables.CALL_SPEAKERS,
)

CALLS_EXTENSIVE = Endpoint(
    name="call_pages",
    method="POST",
    path=settings.CALLS_EXTENSIVE_PATH,
    items_key="calls",
    scope=Scope.WINDOW,
    tables=EXTENSIVE_TABLES,
    shape=shape_extensive,
    body={"contentSelector": settings.EXTENSIVE_CONTENT_SELECTOR},
    keep_number_text=True,
)

CALL_TRANSCRIPTS = Endpoint(
    name="call_transcripts",
    method="POST",
    path=settings.CALLS_TRANSCRIPT_PATH,
    items_key="callTranscripts",
    scope=Scope.CALLS,
    tables=(tables.TRANSCRIPT_SENTENCES,),
    shape=shape_transcripts,
    decode=records.decode_transcript_page,
)

USERS = Endpoint(
    name="user_pages",
    method="GET",
    path=settings.USERS_PATH,
    items_key="users",
    scope=Scope.SNAPSHOT,
    tables=(tables.USERS,),
    shape=_rows_of(tables.USERS, records.user_row),
)

WORKSPACES = Endpoint(
    name="workspace_pages",
    method="GET",
    path=settings.WORKSPACES_PATH,
    items_key="workspaces",
    scope=Scope.SNAPSHOT,
    tables=(tables.WORKSPACES,),
    shape=_rows_of(tables.WORKSPACES, records.workspace_row),
)

TRACKER_SETTINGS = Endpoint(
    name="tracker_settings",
    method="GET",
    path=settings.TRACKER_SETTINGS_PATH,
    items_key="keywordTrackers",
    scope=Scope.SNAPSHOT,
    tables=(tables.TRACKERS, tables.TRACKER_KEYWORDS),
    shape=_tables_of(records.tracker_rows, tables.TRACKERS, tables.TRACKER_KEYWORDS),
    optional=True,
)

SCORECARD_SETTINGS = Endpoint(
    name="scorecard_settings",
    method="GET",
    path=settings.SCORECARD_SETTINGS_PATH,
    items_key="scorecards",
    scope=Scope.SNAPSHOT,
    tables=(tables.SCORECARDS, tables.SCORECARD_QUESTIONS),
    shape=_tables_of(records.scorecard_rows, tables.SCORECARDS, tables.SCORECARD_QUESTIONS),
    optional=True,
)

ANSWERED_SCORECARDS = Endpoint(
    name="answered_scorecard_pages",
    method="POST",
    path=settings.ANSWERED_SCORECARDS_PATH,
    items_key="answeredScorecards",
    scope=Scope.DAYS,
    tables=(tables.SCORECARD_ANSWERS,),
    shape=_list_of(tables.SCORECARD_ANSWERS, records.scorecard_answer_rows),
    day_keys=("reviewFromDate", "reviewToDate"),
    user_key="reviewedUserIds",
    optional=True,
)

USER_INTERACTION_STATS = Endpoint(
    name="user_interaction_pages",
    method="POST",
    path=settings.INTERACTION_STATS_PATH,
    items_key="peopleInteractionStats",
    scope=Scope.DAYS,
    tables=(tables.USER_DAY_INTERACTION_STATS,),
    shape=_list_of(tables.USER_DAY_INTERACTION_STATS, records.user_interaction_rows),
    user_key="userIds",
    one_day_per_request=True,
    optional=True,
)

USER_DAY_ACTIVITY = Endpoint(
    name="user_activity_pages",
    method="POST",
    path=settings.DAY_BY_DAY_PATH,
    items_key="usersDetailedActivities",
    scope=Scope.DAYS,
    tables=(tables.USER_DAY_ACTIVITY,),
    shape=_list_of(tables.USER_DAY_ACTIVITY, records.user_activity_rows),
    user_key="userIds",
    optional=True,
)

ENDPOINTS: tuple[Endpoint, ...] = (
    CALLS_EXTENSIVE,
    CALL_TRANSCRIPTS,
    USERS,
    WORKSPACES,
    TRACKER_SETTINGS,
    SCORECARD_SETTINGS,
    ANSWERED_SCORECARDS,
    USER_INTERACTION_STATS,
    USER_DAY_ACTIVITY,
)


def table_names(endpoints: Sequence[Endpoint] = ENDPOINTS, *scopes: Scope) -> tuple[str, ...]:
    """The selectable resources (one per table), optionally only those of some scopes."""
    return tuple(
        name
        for endpoint in endpoints
        if not scopes or endpoint.scope in scopes
        for name in endpoint.table_names
    )


def default_table_names(endpoints: Sequence[Endpoint] = ENDPOINTS) -> tuple[str, ...]:
    """The resources a run loads unless told otherwise: every table of the non-optional endpoints."""
    return table_names([e for e in endpoints if not e.optional])


def call_scoped_tables(endpoints: Sequence[Endpoint] = ENDPOINTS) -> tuple[Table, ...]:
    return tuple(table for e in endpoints if e.scope in (Scope.WINDOW, Scope.CALLS) for table in e.tables)


def window_endpoint(endpoints: Sequence[Endpoint]) -> Endpoint:
    found = [e for e in endpoints if e.scope is Scope.WINDOW]
    if len(found) != 1:
        raise ValueError("the registry needs exactly one window-scoped endpoint (the call listing)")
    return found[0]
