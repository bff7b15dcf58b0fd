"""The warehouse tables: names, typed columns and keys, defined once.

Every resource yields Arrow tables built against these schemas. That keeps types fixed (a CRM
value that is sometimes a number and sometimes text cannot spawn a dlt variant column), skips
dlt's row normalizer (about 50x faster into DuckDB) and gives dbt stable column names.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

import orjson
import pyarrow as pa

TEXT = pa.string()
BIGINT = pa.int64()
DOUBLE = pa.float64()
BOOL = pa.bool_()
TIMESTAMP = pa.timestamp("us", tz="UTC")

DELETED_COLUMN = "_deleted"
# A history table (dlt scd2): each version of a row is kept with the range it was current in
# (valid_to NULL: current); the row hash says whether a row changed (dlt's own hash needs a
# `_dlt_id` that Arrow loads do not compute).
VALID_FROM, VALID_TO, ROW_HASH_COLUMN = "valid_from", "valid_to", "_row_hash"


@dataclass(frozen=True)
class Table:
    """A warehouse table. Call-scoped tables replace all rows of a call on reload (merge_key)."""

    name: str
    primary_key: tuple[str, ...]
    columns: tuple[tuple[str, pa.DataType], ...]
    call_scoped: bool = True
    # not call-scoped, yet read in part (day windows): merge on the primary key, keep the rest
    merged: bool = False
    # a snapshot whose changed rows keep their old version (dlt scd2, see VALID_FROM)
    history: bool = False

    @cached_property
    def schema(self) -> pa.Schema:
        fields = [
            pa.field(name, dtype, nullable=name not in self.primary_key) for name, dtype in self.columns
        ]
        if self.call_scoped:
            fields.append(pa.field(DELETED_COLUMN, BOOL))
        if self.history:
            fields.append(pa.field(ROW_HASH_COLUMN, TEXT, nullable=False))
        return pa.schema(fields)

    @property
    def warehouse_columns(self) -> tuple[tuple[str, pa.DataType], ...]:
        """The columns a query sees: a history table adds its validity range."""
        return self.columns + (((VALID_FROM, TIMESTAMP), (VALID_TO, TIMESTAMP)) if self.history else ())

    @property
    def unique_key(self) -> tuple[str, ...]:
        """What identifies a stored row: a history table keeps one row per key and version."""
        return self.primary_key + ((VALID_FROM,) if self.history else ())

    @property
    def column_names(self) -> list[str]:
        return [name for name, _ in self.columns]

    def resource_hints(self, now: datetime | None = None) -> dict[str, Any]:
        """Keyword arguments for `dlt.resource` / `dlt.transformer`.

        A call-scoped table merges by call (delete-insert on `call_id`, `_deleted` rows delete).
        It skips dlt's dedup pass over the staging table (`deduplicated`): the source yields each
        call's rows once per load package, and the dedup was about 60% of a large load's CPU and
        ran out of DuckDB's memory on a 3M-sentence window (docs/BENCHMARKS.md). A package
        whose load was cut off mid-copy gets the dedup back (`pipelines.runner.finish_pending`).
        With both keys dlt deletes on `primary key OR merge key`; `merge_sql` makes that the
        merge key alone (see there).
        A history table (scd2) keeps old versions; `now` bounds their validity ranges.
        """
        hints: dict[str, Any] = {"name": self.name, "primary_key": list(self.primary_key)}
        if self.history:
            hints["write_disposition"] = {
                "disposition": "merge",
                "strategy": "scd2",
                "validity_column_names": [VALID_FROM, VALID_TO],
                "row_version_column_name": ROW_HASH_COLUMN,
                **({"boundary_timestamp": now} if now is not None else {}),
            }
        elif self.call_scoped:
            merge = {"disposition": "merge", "strategy": "delete-insert", "deduplicated": True}
            deleted = {"data_type": "bool", "hard_delete": True}
            hints.update(
                write_disposition=merge,
                merge_key="call_id",
                columns={DELETED_COLUMN: deleted},
            )
        else:
            hints["write_disposition"] = "merge" if self.merged else "replace"
        return hints

    def to_arrow(self, rows: Iterable[Mapping[str, Any]]) -> pa.Table:
        """Rows as a typed Arrow table; a key the table does not have is a bug, not a NULL."""
        listed = list(rows)
        allowed = self._allowed_keys
        for row in listed:
            if not allowed.issuperset(row):
                unknown = sorted(set(row) - allowed)
                raise KeyError(f"table {self.name} has no column(s) {', '.join(unknown)}")
        if self.history:
            listed = [{**row, ROW_HASH_COLUMN: self._row_hash(row)} for row in listed]
        return pa.Table.from_pylist(listed, schema=self.schema)

    def _row_hash(self, row: Mapping[str, Any]) -> str:
        values = [row.get(name) for name in self.column_names]
        return hashlib.blake2b(orjson.dumps(values, default=str), digest_size=16).hexdigest()

    @cached_property
    def _allowed_keys(self) -> frozenset[str]:
        return frozenset(self.schema.names)

    def from_columns(self, columns: Mapping[str, list[Any]]) -> pa.Table:
        """Build from column lists (the fast path for sentences); `_deleted` is left NULL."""
        if self.call_scoped:
            length = len(next(iter(columns.values()))) if columns else 0
            columns = {**columns, DELETED_COLUMN: pa.nulls(length, BOOL)}
        return pa.Table.from_pydict(dict(columns), schema=self.schema)

    def with_markers_for_missing(self, data: pa.Table, call_ids: Iterable[str]) -> pa.Table:
        """`data` plus deletion markers for the calls that have no row in it."""
        if not self.call_scoped:
            return data
        present = set(data.column("call_id").to_pylist()) if data.num_rows else set()
        missing = [call_id for call_id in dict.fromkeys(call_ids) if call_id not in present]
        return pa.concat_tables([data, self.deletion_markers(missing)]) if missing else data

    def deletion_markers(self, call_ids: Iterable[str]) -> pa.Table:
        """Rows that make dlt delete every row of these calls and store nothing themselves."""
        filler = {name: _placeholder(dtype) for name, dtype in self.columns if name in self.primary_key}
        return self.to_arrow({**filler, "call_id": call_id, DELETED_COLUMN: True} for call_id in call_ids)


def _placeholder(dtype: pa.DataType) -> Any:
    # Primary-key columns are NOT NULL even on rows that only exist to delete.
    return -1 if pa.types.is_integer(dtype) else ""


def _table(name: str, primary_key: tuple[str, ...], *columns: tuple[str, pa.DataType], **kw: Any) -> Table:
    return Table(name, primary_key, columns, **kw)


WORKSPACES = _table(
    "workspaces",
    ("workspace_id",),
    ("workspace_id", TEXT),
    ("name", TEXT),
    ("description", TEXT),
    call_scoped=False,
)

USER_SETTINGS = (
    "webConferencesRecorded",
    "preventWebConferenceRecording",
    "telephonyCallsImported",
    "emailsImported",
    "preventEmailImport",
    "nonRecordedMeetingsImported",
    "gongConnectEnabled",
)

USERS = _table(
    "users",
    ("user_id",),
    ("user_id", TEXT),
    ("email_address", TEXT),
    ("first_name", TEXT),
    ("last_name", TEXT),
    ("full_name", TEXT),
    ("title", TEXT),
    ("phone_number", TEXT),
    ("manager_id", TEXT),
    ("active", BOOL),
    ("created_at", TIMESTAMP),
    ("trusted_email_address", TEXT),
    ("meeting_consent_page_url", TEXT),
    ("spoken_languages", TEXT),
    ("setting_web_conferences_recorded", BOOL),
    ("setting_prevent_web_conference_recording", BOOL),
    ("setting_telephony_calls_imported", BOOL),
    ("setting_emails_imported", BOOL),
    ("setting_prevent_email_import", BOOL),
    ("setting_non_recorded_meetings_imported", BOOL),
    ("setting_gong_connect_enabled", BOOL),
    call_scoped=False,
    history=True,
)

CALLS = _table(
    "calls",
    ("call_id",),
    ("call_id", TEXT),
    ("url", TEXT),
    ("title", TEXT),
    ("scheduled_at", TIMESTAMP),
    ("started_at", TIMESTAMP),
    ("ended_at", TIMESTAMP),
    ("duration_seconds", BIGINT),
    ("primary_user_id", TEXT),
    ("direction", TEXT),
    ("system", TEXT),
    ("scope", TEXT),
    ("media", TEXT),
    ("language", TEXT),
    ("workspace_id", TEXT),
    ("sdr_disposition", TEXT),
    ("client_unique_id", TEXT),
    ("custom_data", TEXT),
    ("purpose", TEXT),
    ("meeting_url", TEXT),
    ("is_private", BOOL),
    ("calendar_event_id", TEXT),
)

CALL_DETAILS = _table(
    "call_details",
    ("call_id",),
    ("call_id", TEXT),
    ("started_at", TIMESTAMP),
    ("brief", TEXT),
    ("call_outcome_id", TEXT),
    ("call_outcome_category", TEXT),
    ("call_outcome_name", TEXT),
    ("questions_company_count", BIGINT),
    ("questions_non_company_count", BIGINT),
)

CALL_TOPICS = _table(
    "call_topics",
    ("call_id", "topic_index"),
    ("call_id", TEXT),
    ("topic_index", BIGINT),
    ("topic_name", TEXT),
    ("duration_seconds", DOUBLE),
)

CALL_TRACKERS = _table(
    "call_trackers",
    ("call_id", "tracker_index"),
    ("call_id", TEXT),
    ("tracker_index", BIGINT),
    ("tracker_id", TEXT),
    ("tracker_name", TEXT),
    ("tracker_type", TEXT),
    ("occurrence_count", BIGINT),
)

CALL_TRACKER_OCCURRENCES = _table(
    "call_tracker_occurrences",
    ("call_id", "tracker_index", "occurrence_index"),
    ("call_id", TEXT),
    ("tracker_index", BIGINT),
    ("occurrence_index", BIGINT),
    ("tracker_id", TEXT),
    ("tracker_name", TEXT),
    ("phrase", TEXT),
    ("start_seconds", DOUBLE),
    ("speaker_id", TEXT),
)

CALL_KEY_POINTS = _table(
    "call_key_points",
    ("call_id", "key_point_index"),
    ("call_id", TEXT),
    ("key_point_index", BIGINT),
    ("text", TEXT),
)

CALL_OUTLINE_SECTIONS = _table(
    "call_outline_sections",
    ("call_id", "section_index"),
    ("call_id", TEXT),
    ("section_index", BIGINT),
    ("section_name", TEXT),
    ("start_seconds", DOUBLE),
    ("duration_seconds", DOUBLE),
)

CALL_OUTLINE_ITEMS = _table(
    "call_outline_items",
    ("call_id", "section_index", "item_index"),
    ("call_id", TEXT),
    ("section_index", BIGINT),
    ("item_index", BIGINT),
    ("text", TEXT),
    ("start_seconds", DOUBLE),
)

CALL_HIGHLIGHTS = _table(
    "call_highlights",
    ("call_id", "highlight_index", "item_index"),
    ("call_id", TEXT),
    ("highlight_index", BIGINT),
    ("item_index", BIGINT),
    ("title", TEXT),
    ("text", TEXT),
    ("start_seconds", DOUBLE),
)

CALL_INTERACTION_STATS = _table(
    "call_interaction_stats",
    ("call_id", "stat_name"),
    ("call_id", TEXT),
    ("stat_name", TEXT),
    ("stat_value", DOUBLE),
)

CALL_COMMENTS = _table(
    "call_comments",
    ("call_id", "comment_id"),
    ("call_id", TEXT),
    ("comment_id", TEXT),
    ("commenter_user_id", TEXT),
    ("comment", TEXT),
    ("posted_at", TIMESTAMP),
    ("audio_start_seconds", DOUBLE),
    ("audio_end_seconds", DOUBLE),
    ("in_reply_to", TEXT),
    ("during_call", BOOL),
)

CRM_OBJECTS = _table(
    "crm_objects",
    ("call_id", "object_index"),
    ("call_id", TEXT),
    ("object_index", BIGINT),
    ("party_id", TEXT),
    ("crm_system", TEXT),
    ("object_type", TEXT),
    ("object_id", TEXT),
    ("timing", TEXT),
)

CRM_FIELDS = _table(
    "crm_fields",
    ("call_id", "object_index", "field_index"),
    ("call_id", TEXT),
    ("object_index", BIGINT),
    ("field_index", BIGINT),
    ("party_id", TEXT),
    ("crm_system", TEXT),
    ("object_type", TEXT),
    ("object_id", TEXT),
    ("field_name", TEXT),
    ("field_value", TEXT),
    ("field_value_number", DOUBLE),
    ("timing", TEXT),
)

PARTIES = _table(
    "parties",
    ("call_id", "party_id"),
    ("call_id", TEXT),
    ("party_id", TEXT),
    ("speaker_id", TEXT),
    ("user_id", TEXT),
    ("name", TEXT),
    ("email_address", TEXT),
    ("email_domain", TEXT),
    ("title", TEXT),
    ("affiliation", TEXT),
    ("phone_number", TEXT),
    ("methods", TEXT),
    ("crm_object_type", TEXT),
    ("crm_object_id", TEXT),
)

CALL_SPEAKERS = _table(
    "call_speakers",
    ("call_id", "party_id"),
    ("call_id", TEXT),
    ("party_id", TEXT),
    ("user_id", TEXT),
    ("talk_time_seconds", DOUBLE),
)

CALL_ACTION_ITEMS = _table(
    "call_action_items",
    ("call_id", "action_item_index"),
    ("call_id", TEXT),
    ("action_item_index", BIGINT),
    ("speaker_id", TEXT),
    ("snippet", TEXT),
    ("start_seconds", DOUBLE),
    ("end_seconds", DOUBLE),
)

TRANSCRIPT_SENTENCES = _table(
    "transcript_sentences",
    ("call_id", "segment_index", "sentence_index"),
    ("call_id", TEXT),
    ("segment_index", BIGINT),
    ("sentence_index", BIGINT),
    ("speaker_id", TEXT),
    ("topic", TEXT),
    ("start_ms", BIGINT),
    ("end_ms", BIGINT),
    ("text", TEXT),
)

# Everything one /v2/calls/extensive item becomes, in load order.
CALL_DETAIL_TABLES = (
    CALL_DETAILS,
    CALL_TOPICS,
    CALL_TRACKERS,
    CALL_TRACKER_OCCURRENCES,
    CALL_KEY_POINTS,
    CALL_OUTLINE_SECTIONS,
    CALL_OUTLINE_ITEMS,
    CALL_HIGHLIGHTS,
    CALL_INTERACTION_STATS,
    CALL_COMMENTS,
    CRM_OBJECTS,
    CRM_FIELDS,
    CALL_ACTION_ITEMS,
)

# -- settings: read in full on every run ---------------------------------------------------------
TRACKERS = _table(
    "trackers",
    ("tracker_id",),
    ("tracker_id", TEXT),
    ("tracker_name", TEXT),
    ("workspace_id", TEXT),
    ("affiliation", TEXT),
    ("part_of_question", BOOL),
    ("said_at", TEXT),
    ("said_at_interval", DOUBLE),
    ("said_at_unit", TEXT),
    ("said_in_topics", TEXT),
    ("said_in_call_parts", TEXT),
    ("filter_query", TEXT),
    ("created_at", TIMESTAMP),
    ("creator_user_id", TEXT),
    ("updated_at", TIMESTAMP),
    ("updater_user_id", TEXT),
    call_scoped=False,
)

TRACKER_KEYWORDS = _table(
    "tracker_keywords",
    ("tracker_id", "language", "keyword_index"),
    ("tracker_id", TEXT),
    ("language", TEXT),
    ("keyword_index", BIGINT),
    ("keyword", TEXT),
    ("include_related_forms", BOOL),
    call_scoped=False,
)

SCORECARDS = _table(
    "scorecards",
    ("scorecard_id",),
    ("scorecard_id", TEXT),
    ("scorecard_name", TEXT),
    ("workspace_id", TEXT),
    ("enabled", BOOL),
    ("review_method", TEXT),
    ("updater_user_id", TEXT),
    ("created_at", TIMESTAMP),
    ("updated_at", TIMESTAMP),
    call_scoped=False,
)

SCORECARD_QUESTIONS = _table(
    "scorecard_questions",
    ("scorecard_id", "question_id"),
    ("scorecard_id", TEXT),
    ("question_id", TEXT),
    ("question_index", BIGINT),
    ("question_revision_id", TEXT),
    ("question_text", TEXT),
    ("is_overall", BOOL),
    ("question_type", TEXT),
    ("min_range", BIGINT),
    ("max_range", BIGINT),
    ("answer_guide", TEXT),
    ("answer_options", TEXT),
    ("updater_user_id", TEXT),
    ("created_at", TIMESTAMP),
    ("updated_at", TIMESTAMP),
    call_scoped=False,
)

# -- day-windowed stats: re-read over a lookback of days, merged on the key ------------------------
SCORECARD_ANSWERS = _table(
    "scorecard_answers",
    ("answered_scorecard_id", "question_id"),
    ("answered_scorecard_id", TEXT),
    ("question_id", TEXT),
    ("scorecard_id", TEXT),
    ("scorecard_name", TEXT),
    ("call_id", TEXT),
    ("call_started_at", TIMESTAMP),
    ("reviewed_user_id", TEXT),
    ("reviewer_user_id", TEXT),
    ("reviewed_at", TIMESTAMP),
    ("visibility_type", TEXT),
    ("question_revision_id", TEXT),
    ("is_overall", BOOL),
    ("score", DOUBLE),
    ("answer_text", TEXT),
    ("not_applicable", BOOL),
    ("selected_options", TEXT),
    call_scoped=False,
    merged=True,
)

USER_DAY_INTERACTION_STATS = _table(
    "user_day_interaction_stats",
    ("user_id", "day"),
    ("user_id", TEXT),
    ("day", TEXT),
    ("longest_monologue", DOUBLE),
    ("longest_customer_story", DOUBLE),
    ("interactivity", DOUBLE),
    ("patience", DOUBLE),
    ("question_rate", DOUBLE),
    call_scoped=False,
    merged=True,
)

# /v2/stats/activity/day-by-day lists call ids per activity and day; the table counts them.
USER_ACTIVITIES = (
    "callsAsHost",
    "callsAttended",
    "callsGaveFeedback",
    "callsRequestedFeedback",
    "callsReceivedFeedback",
    "ownCallsListenedTo",
    "othersCallsListenedTo",
    "callsSharedInternally",
    "callsSharedExternally",
    "callsCommentsGiven",
    "callsCommentsReceived",
    "callsMarkedAsFeedbackGiven",
    "callsMarkedAsFeedbackReceived",
    "callsScorecardsFilled",
    "callsScorecardsReceived",
)


def snake(name: str) -> str:
    """Gong's camelCase key as a column name: callsAsHost -> calls_as_host."""
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


USER_DAY_ACTIVITY = _table(
    "user_day_activity",
    ("user_id", "day"),
    ("user_id", TEXT),
    ("day", TEXT),
    *((snake(key), BIGINT) for key in USER_ACTIVITIES),
    call_scoped=False,
    merged=True,
)
