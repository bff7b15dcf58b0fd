"""Record shaping: pure functions from Gong API JSON to warehouse rows (see `tables.py`).

Gong adds fields without warning, leaves optional keys null, omits sections it has no data for,
and mixes value types in CRM fields, so every accessor here tolerates absence and coerces to
the column's declared type. A record without its id is an error (it cannot be keyed), except a
talk-time speaker entry, which is left out and counted in the caller's `ShapingReport`. Every
text column passes `safe_text`, so what Gong sends can be stored by every destination.
"""

from __future__ import annotations

import json as stdlib_json
import logging
import re
import threading
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import chain
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json

from .client import REPLACEMENT_CHARACTER, JsonFloat, decode_json
from .errors import GongResponseError
from .tables import (
    CALL_ACTION_ITEMS,
    CALL_COMMENTS,
    CALL_DETAILS,
    CALL_HIGHLIGHTS,
    CALL_INTERACTION_STATS,
    CALL_KEY_POINTS,
    CALL_OUTLINE_ITEMS,
    CALL_OUTLINE_SECTIONS,
    CALL_SPEAKERS,
    CALL_TOPICS,
    CALL_TRACKER_OCCURRENCES,
    CALL_TRACKERS,
    CRM_FIELDS,
    CRM_OBJECTS,
    PARTIES,
    SCORECARD_QUESTIONS,
    SCORECARDS,
    TEXT,
    TRACKER_KEYWORDS,
    TRACKERS,
    TRANSCRIPT_SENTENCES,
    USER_ACTIVITIES,
    USER_SETTINGS,
    snake,
)
from .timestamps import to_utc_or_none

Json = Mapping[str, Any]
Rows = dict[str, list[dict[str, Any]]]

logger = logging.getLogger(__name__)


@dataclass
class ShapingReport:
    """What shaping left out or changed, for the run summary; shared by threads.

    Pass one to every shaping function of a run and read it at the end.
    """

    skipped_speakers: int = 0
    replaced_characters: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    # deletion markers sent per table: rows dlt applies and never stores (the summary leaves them out)
    _markers: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def add_markers(self, table: str, amount: int) -> None:
        with self._lock:
            self._markers[table] = self._markers.get(table, 0) + amount

    def markers(self) -> dict[str, int]:
        with self._lock:
            return dict(self._markers)

    def add(self, name: str, amount: int) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + amount)

    def counts(self) -> dict[str, int]:
        """The non-zero counts by name, e.g. `{"skipped_speakers": 2}`."""
        return {name: value for name, value in vars(self).items() if not name.startswith("_") and value}


# -- text every destination can store -------------------------------------------------------------
_UNSAFE_CHARACTERS = re.compile("[\x00\ud800-\udfff]")


def safe_text(value: str) -> tuple[str, int]:
    """`value` with each NUL and lone surrogate replaced by U+FFFD, and how many there were.

    Postgres rejects NUL in text (and a load that fails on it wedges every later run); a lone
    surrogate is not Unicode at all, so neither Arrow nor UTF-8 nor any warehouse can hold it.
    U+FFFD is Unicode's own mark for "a character was here that could not be represented".
    """
    return _UNSAFE_CHARACTERS.subn(REPLACEMENT_CHARACTER, value)


def _all_safe(strings: Iterable[str]) -> bool:
    """Whether `safe_text` would change none of these strings, tested on all of them at once.

    Only the clean case needs to be fast: one join and one strict UTF-8 encode, which fails
    exactly on a lone surrogate, then a memchr for NUL (a regex is several times slower).
    """
    try:
        return b"\x00" not in "".join(strings).encode("utf-8")
    except UnicodeEncodeError:
        return False


def _safe_rows(rows: list[dict[str, Any]], report: ShapingReport | None, where: str) -> list[dict[str, Any]]:
    """`safe_text` on every text value of these rows, in place."""
    if _all_safe([value for row in rows for value in row.values() if type(value) is str]):
        return rows
    replaced = 0
    for row in rows:
        for key, value in row.items():
            if type(value) is str:
                row[key], count = safe_text(value)
                replaced += count
    _count_replaced(replaced, report, where)
    return rows


def _safe_column_tails(columns: Iterable[list[Any]], first: int) -> int:
    """`safe_text` on the values from index `first` on of these text columns, in place."""
    replaced = 0
    for values in columns:
        for index in range(first, len(values)):
            if values[index]:
                values[index], count = safe_text(values[index])
                replaced += count
    return replaced


def _count_replaced(replaced: int, report: ShapingReport | None, where: str) -> None:
    if not replaced:
        return
    # `where` names a record whose id may itself hold the characters: log it safe, too
    logger.warning(
        "%s: replaced %d NUL or lone-surrogate characters with U+FFFD", safe_text(where)[0], replaced
    )
    if report is not None:
        report.add("replaced_characters", replaced)


# -- scalar coercion ------------------------------------------------------------------------------
def text(value: Any) -> str | None:
    """IDs and free text: always str (Gong IDs are strings, but a few endpoints send numbers).

    A number decoded with its text (`JsonFloat`, CRM values) keeps it exactly as Gong sent it;
    another float that is whole loses its `.0`, so an id sent as `123.0` reads "123". An object
    or list (a field that changed type) becomes compact JSON, which the warehouse can parse.
    """
    if value is None or type(value) is str:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, JsonFloat):
        return value.text
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Mapping | list):
        return compact_json(value)
    return str(value)


def compact_json(value: Any) -> str:
    """`value` as compact JSON text, numbers as Gong sent them when they were kept."""
    try:
        return orjson.dumps(value, default=_number_as_sent).decode()
    except orjson.JSONEncodeError:
        # orjson refuses lone surrogates; the standard library writes them, and safe_text
        # replaces them like in any other text.
        return stdlib_json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _number_as_sent(value: Any) -> Any:
    if isinstance(value, JsonFloat):
        return orjson.Fragment(value.text)
    raise TypeError(f"{type(value).__name__} is not JSON")


def number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return result if result == result and abs(result) != float("inf") else None


def integer(value: Any) -> int | None:
    result = number(value)
    return round(result) if result is not None else None


def boolean(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        return True if lowered == "true" else False if lowered == "false" else None
    if isinstance(value, int | float):
        return bool(value)
    return None


def items(value: Any) -> list[Any]:
    """A JSON list, or an empty one when the key is absent, null or of the wrong type."""
    return value if isinstance(value, list) else []


def section(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def email_domain(email: Any) -> str | None:
    address = text(email)
    if not address or "@" not in address:
        return None
    return address.rsplit("@", 1)[1].strip().lower() or None


def required_id(record: Json, key: str, where: str) -> str:
    value = text(record.get(key)) if isinstance(record, Mapping) else None
    if not value:
        raise GongResponseError(f"malformed response: a {where} record has no {key!r}")
    return value


# -- workspaces and users -----------------------------------------------------------------------
def workspace_row(workspace: Json, report: ShapingReport | None = None) -> dict[str, Any]:
    row = {
        "workspace_id": required_id(workspace, "id", "workspace"),
        "name": text(workspace.get("name")),
        "description": text(workspace.get("description")),
    }
    return _safe_rows([row], report, f"workspace {row['workspace_id']}")[0]


def user_row(user: Json, report: ShapingReport | None = None) -> dict[str, Any]:
    first, last = text(user.get("firstName")), text(user.get("lastName"))
    settings = section(user.get("settings"))
    languages = [text(section(lang).get("language") or lang) for lang in items(user.get("spokenLanguages"))]
    row = {
        "user_id": required_id(user, "id", "user"),
        "email_address": text(user.get("emailAddress")),
        "first_name": first,
        "last_name": last,
        "full_name": " ".join(part for part in (first, last) if part) or None,
        "title": text(user.get("title")),
        "phone_number": text(user.get("phoneNumber")),
        "manager_id": text(user.get("managerId")),
        "active": boolean(user.get("active")),
        "created_at": to_utc_or_none(user.get("created"), "users.created"),
        "trusted_email_address": text(user.get("trustedEmailAddress")),
        "meeting_consent_page_url": text(user.get("meetingConsentPageUrl")),
        "spoken_languages": ",".join(lang for lang in languages if lang) or None,
    }
    for key in USER_SETTINGS:
        row["setting_" + snake(key)] = boolean(settings.get(key))
    return _safe_rows([row], report, f"user {row['user_id']}")[0]


# -- calls ----------------------------------------------------------------------------------------
def call_row(meta: Json, report: ShapingReport | None = None) -> dict[str, Any]:
    """One GET /v2/calls item (or an extensive item's metaData) as a `calls` row."""
    call_id = required_id(meta, "id", "call")
    started = to_utc_or_none(meta.get("started"), f"call {call_id} started")
    duration = integer(meta.get("duration"))
    row = {
        "call_id": call_id,
        "url": text(meta.get("url")),
        "title": text(meta.get("title")),
        "scheduled_at": to_utc_or_none(meta.get("scheduled"), f"call {call_id} scheduled"),
        "started_at": started,
        "ended_at": started + timedelta(seconds=duration) if started and duration is not None else None,
        "duration_seconds": duration,
        "primary_user_id": text(meta.get("primaryUserId")),
        "direction": text(meta.get("direction")),
        "system": text(meta.get("system")),
        "scope": text(meta.get("scope")),
        "media": text(meta.get("media")),
        "language": text(meta.get("language")),
        "workspace_id": text(meta.get("workspaceId")),
        "sdr_disposition": text(meta.get("sdrDisposition")),
        "client_unique_id": text(meta.get("clientUniqueId")),
        "custom_data": text(meta.get("customData")),
        "purpose": text(meta.get("purpose")),
        "meeting_url": text(meta.get("meetingUrl")),
        "is_private": boolean(meta.get("isPrivate")),
        "calendar_event_id": text(meta.get("calendarEventId")),
    }
    return _safe_rows([row], report, f"call {call_id}")[0]


def extensive_rows(call: Json, report: ShapingReport | None = None) -> Rows:
    """One /v2/calls/extensive item as rows of every call-detail table, parties and speakers.

    Decode it with `keep_number_text=True` so CRM numbers keep their text (`GongClient`).
    """
    meta = section(call.get("metaData"))
    call_id = required_id(meta, "id", "extensive call metaData")
    content = section(call.get("content"))
    interaction = section(call.get("interaction"))
    outcome = section(content.get("callOutcome"))
    questions = section(interaction.get("questions"))
    rows: Rows = {
        CALL_DETAILS.name: [
            {
                "call_id": call_id,
                "started_at": to_utc_or_none(meta.get("started"), f"call {call_id} started"),
                "brief": text(content.get("brief")),
                "call_outcome_id": text(outcome.get("id")),
                "call_outcome_category": text(outcome.get("category")),
                "call_outcome_name": text(outcome.get("name")),
                "questions_company_count": integer(questions.get("companyCount")),
                "questions_non_company_count": integer(questions.get("nonCompanyCount")),
            }
        ],
        CALL_TOPICS.name: [
            {
                "call_id": call_id,
                "topic_index": i,
                "topic_name": text(topic.get("name")),
                "duration_seconds": number(topic.get("duration")),
            }
            for i, topic in _dicts(content.get("topics"))
        ],
        CALL_KEY_POINTS.name: [
            {"call_id": call_id, "key_point_index": i, "text": text(point.get("text"))}
            for i, point in _dicts(content.get("keyPoints"))
        ],
        CALL_INTERACTION_STATS.name: _interaction_stats(call_id, interaction.get("interactionStats")),
        CALL_COMMENTS.name: [
            _comment_row(call_id, i, comment)
            for i, comment in _dicts(section(call.get("collaboration")).get("publicComments"))
        ],
        CALL_SPEAKERS.name: _speaker_rows(call_id, interaction.get("speakers"), report),
        CALL_ACTION_ITEMS.name: [
            {
                "call_id": call_id,
                "action_item_index": i,
                # Gong spells it speakerID here (speakerId everywhere else)
                "speaker_id": text(item.get("speakerID", item.get("speakerId"))),
                "snippet": text(item.get("snippet")),
                "start_seconds": number(item.get("snippetStartTime")),
                "end_seconds": number(item.get("snippetEndTime")),
            }
            for i, item in _dicts(section(content.get("pointsOfInterest")).get("actionItems"))
        ],
    }
    rows.update(_tracker_rows(call_id, content.get("trackers")))
    rows.update(_outline_rows(call_id, content.get("outline")))
    rows[CALL_HIGHLIGHTS.name] = _highlight_rows(call_id, content.get("highlights"))
    rows.update(_crm_and_party_rows(call_id, call))
    for table, key in ((CALL_COMMENTS, "comment_id"), (CALL_SPEAKERS, "party_id"), (PARTIES, "party_id")):
        rows[table.name] = _first_per_key(rows[table.name], key)
    _safe_rows([row for table_rows in rows.values() for row in table_rows], report, f"call {call_id}")
    return rows


def _first_per_key(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """The first row of each `key`: an id Gong repeats within a call stores one row, so the rows
    the merge receives are unique by primary key and it can skip its dedup pass."""
    first: dict[Any, dict[str, Any]] = {}
    for row in rows:
        first.setdefault(row[key], row)
    return list(first.values()) if len(first) < len(rows) else rows


def _dicts(value: Any) -> Iterable[tuple[int, Json]]:
    """Enumerate the dict items of a JSON list, skipping anything malformed."""
    return ((i, item) for i, item in enumerate(items(value)) if isinstance(item, Mapping))


def _interaction_stats(call_id: str, stats: Any) -> list[dict[str, Any]]:
    by_name: dict[str, float | None] = {}
    for _, stat in _dicts(stats):
        name = text(stat.get("name"))
        if name:
            by_name[name] = number(stat.get("value"))
    return [{"call_id": call_id, "stat_name": name, "stat_value": value} for name, value in by_name.items()]


def _speaker_rows(call_id: str, speakers: Any, report: ShapingReport | None) -> list[dict[str, Any]]:
    """Gong's talk time per party; an entry without the party's `id` cannot be keyed or joined,
    so it is left out (with a warning naming the call) instead of failing the whole window."""
    rows = [
        {
            "call_id": call_id,
            "party_id": text(speaker.get("id")),
            "user_id": text(speaker.get("userId")),
            "talk_time_seconds": number(speaker.get("talkTime")),
        }
        for _, speaker in _dicts(speakers)
    ]
    kept = [row for row in rows if row["party_id"]]
    if skipped := len(rows) - len(kept):
        logger.warning(
            "call %s: left out %d interaction.speakers entries without an id (their talk time is lost)",
            safe_text(call_id)[0],
            skipped,
        )
        if report is not None:
            report.add("skipped_speakers", skipped)
    return kept


def _comment_row(call_id: str, index: int, comment: Json) -> dict[str, Any]:
    return {
        "call_id": call_id,
        "comment_id": text(comment.get("id")) or f"{call_id}-{index}",
        "commenter_user_id": text(comment.get("commenterUserId")),
        "comment": text(comment.get("comment")),
        "posted_at": to_utc_or_none(comment.get("posted"), f"call {call_id} comment posted"),
        "audio_start_seconds": number(comment.get("audioStartTime")),
        "audio_end_seconds": number(comment.get("audioEndTime")),
        "in_reply_to": text(comment.get("inReplyTo")),
        "during_call": boolean(comment.get("duringCall")),
    }


def _tracker_rows(call_id: str, trackers: Any) -> Rows:
    tracker_rows, occurrence_rows = [], []
    for t_index, tracker in _dicts(trackers):
        tracker_id, name = text(tracker.get("id")), text(tracker.get("name"))
        tracker_rows.append(
            {
                "call_id": call_id,
                "tracker_index": t_index,
                "tracker_id": tracker_id,
                "tracker_name": name,
                "tracker_type": text(tracker.get("type")),
                "occurrence_count": integer(tracker.get("count")),
            }
        )
        # Occurrences appear on the tracker and again under the phrase that matched; the
        # tracker's list is complete, the phrases only label it.
        phrase_at = {
            (number(occ.get("startTime")), text(occ.get("speakerId"))): text(phrase.get("phrase"))
            for _, phrase in _dicts(tracker.get("phrases"))
            for _, occ in _dicts(phrase.get("occurrences"))
        }
        for o_index, occurrence in _dicts(tracker.get("occurrences")):
            start, speaker = number(occurrence.get("startTime")), text(occurrence.get("speakerId"))
            occurrence_rows.append(
                {
                    "call_id": call_id,
                    "tracker_index": t_index,
                    "occurrence_index": o_index,
                    "tracker_id": tracker_id,
                    "tracker_name": name,
                    "phrase": phrase_at.get((start, speaker)),
                    "start_seconds": start,
                    "speaker_id": speaker,
                }
            )
    return {CALL_TRACKERS.name: tracker_rows, CALL_TRACKER_OCCURRENCES.name: occurrence_rows}


def _outline_rows(call_id: str, outline: Any) -> Rows:
    sections: list[dict[str, Any]] = []
    outline_items: list[dict[str, Any]] = []
    for s_index, part in _dicts(outline):
        sections.append(
            {
                "call_id": call_id,
                "section_index": s_index,
                "section_name": text(part.get("section")),
                "start_seconds": number(part.get("startTime")),
                "duration_seconds": number(part.get("duration")),
            }
        )
        outline_items.extend(
            {
                "call_id": call_id,
                "section_index": s_index,
                "item_index": i_index,
                "text": text(item.get("text")),
                "start_seconds": number(item.get("startTime")),
            }
            for i_index, item in _dicts(part.get("items"))
        )
    return {CALL_OUTLINE_SECTIONS.name: sections, CALL_OUTLINE_ITEMS.name: outline_items}


def _highlight_rows(call_id: str, highlights: Any) -> list[dict[str, Any]]:
    return [
        {
            "call_id": call_id,
            "highlight_index": h_index,
            "item_index": i_index,
            "title": text(highlight.get("title")),
            "text": text(item.get("text")),
            "start_seconds": next(iter(number(t) for t in items(item.get("startTimes"))), None),
        }
        for h_index, highlight in _dicts(highlights)
        for i_index, item in _dicts(highlight.get("items"))
    ]


def _crm_and_party_rows(call_id: str, call: Json) -> Rows:
    """CRM objects of the call, then of each party, numbered 0.. across the whole call."""
    objects: list[dict[str, Any]] = []
    fields: list[dict[str, Any]] = []

    def add_context(context: Any, party_id: str | None) -> dict[str, Any] | None:
        """The party's first object as it is now (a TimeOfCall copy only when there is no other)."""
        first = None
        for _, system in _dicts(context):
            for _, obj in _dicts(system.get("objects")):
                base = {
                    "call_id": call_id,
                    "object_index": len(objects),
                    "party_id": party_id,
                    "crm_system": text(system.get("system")),
                    "object_type": text(obj.get("objectType")),
                    "object_id": text(obj.get("objectId")),
                    "timing": text(obj.get("timing")),
                }
                objects.append(base)
                if first is None or (first["timing"] == "TimeOfCall" and base["timing"] != "TimeOfCall"):
                    first = base
                fields.extend(
                    {
                        **base,
                        "field_index": f_index,
                        "field_name": text(field.get("name")),
                        "field_value": text(field.get("value")),
                        "field_value_number": number(field.get("value")),
                    }
                    for f_index, field in _dicts(obj.get("fields"))
                )
        return first

    add_context(call.get("context"), None)
    parties = []
    for _, party in _dicts(call.get("parties")):
        party_id = required_id(party, "id", f"call {call_id} party")
        crm = add_context(party.get("context"), party_id) or {}
        parties.append(
            {
                "call_id": call_id,
                "party_id": party_id,
                "speaker_id": text(party.get("speakerId")),
                "user_id": text(party.get("userId")),
                "name": text(party.get("name")),
                "email_address": text(party.get("emailAddress")),
                "email_domain": email_domain(party.get("emailAddress")),
                "title": text(party.get("title")),
                "affiliation": text(party.get("affiliation")),
                "phone_number": text(party.get("phoneNumber")),
                "methods": ",".join(m for m in (text(x) for x in items(party.get("methods"))) if m) or None,
                "crm_object_type": crm.get("object_type"),
                "crm_object_id": crm.get("object_id"),
            }
        )
    return {CRM_OBJECTS.name: objects, CRM_FIELDS.name: fields, PARTIES.name: parties}


# -- settings: tracker and scorecard definitions ---------------------------------------------------
def tracker_rows(trackers: Iterable[Json], report: ShapingReport | None = None) -> Rows:
    """GET /v2/settings/trackers `keywordTrackers` as `trackers` and `tracker_keywords` rows."""
    rows: Rows = {TRACKERS.name: [], TRACKER_KEYWORDS.name: []}
    for tracker in trackers:
        tracker_id = required_id(tracker, "trackerId", "tracker")
        rows[TRACKERS.name].append(
            {
                "tracker_id": tracker_id,
                "tracker_name": text(tracker.get("trackerName")),
                "workspace_id": text(tracker.get("workspaceId")),
                "affiliation": text(tracker.get("affiliation")),
                "part_of_question": boolean(tracker.get("partOfQuestion")),
                "said_at": text(tracker.get("saidAt")),
                "said_at_interval": number(tracker.get("saidAtInterval")),
                "said_at_unit": text(tracker.get("saidAtUnit")),
                "said_in_topics": _comma_list(tracker.get("saidInTopics")),
                "said_in_call_parts": text(tracker.get("saidInCallParts")),
                "filter_query": text(tracker.get("filterQuery")),
                "created_at": to_utc_or_none(tracker.get("created"), f"tracker {tracker_id} created"),
                "creator_user_id": text(tracker.get("creatorUserId")),
                "updated_at": to_utc_or_none(tracker.get("updated"), f"tracker {tracker_id} updated"),
                "updater_user_id": text(tracker.get("updaterUserId")),
            }
        )
        for _, keywords in _dicts(tracker.get("languageKeywords")):
            language = text(keywords.get("language")) or ""
            rows[TRACKER_KEYWORDS.name].extend(
                {
                    "tracker_id": tracker_id,
                    "language": language,
                    "keyword_index": k_index,
                    "keyword": text(keyword),
                    "include_related_forms": boolean(keywords.get("includeRelatedForms")),
                }
                for k_index, keyword in enumerate(items(keywords.get("keywords")))
            )
    _safe_rows([row for table_rows in rows.values() for row in table_rows], report, "trackers")
    return rows


def scorecard_rows(scorecards: Iterable[Json], report: ShapingReport | None = None) -> Rows:
    """GET /v2/settings/scorecards as `scorecards` and `scorecard_questions` rows (ids, min and
    max range come as strings)."""
    rows: Rows = {SCORECARDS.name: [], SCORECARD_QUESTIONS.name: []}
    for card in scorecards:
        card_id = required_id(card, "scorecardId", "scorecard")
        rows[SCORECARDS.name].append(
            {
                "scorecard_id": card_id,
                "scorecard_name": text(card.get("scorecardName")),
                "workspace_id": text(card.get("workspaceId")),
                "enabled": boolean(card.get("enabled")),
                "review_method": text(card.get("reviewMethod")),
                "updater_user_id": text(card.get("updaterUserId")),
                "created_at": to_utc_or_none(card.get("created"), f"scorecard {card_id} created"),
                "updated_at": to_utc_or_none(card.get("updated"), f"scorecard {card_id} updated"),
            }
        )
        rows[SCORECARD_QUESTIONS.name].extend(
            {
                "scorecard_id": card_id,
                "question_id": required_id(question, "questionId", f"scorecard {card_id} question"),
                "question_index": q_index,
                "question_revision_id": text(question.get("questionRevisionId")),
                "question_text": text(question.get("questionText")),
                "is_overall": boolean(question.get("isOverall")),
                "question_type": text(question.get("questionType")),
                "min_range": integer(question.get("minRange")),
                "max_range": integer(question.get("maxRange")),
                "answer_guide": text(question.get("answerGuide")),
                "answer_options": text(question.get("answerOptions") or None),
                "updater_user_id": text(question.get("updaterUserId")),
                "created_at": to_utc_or_none(question.get("created"), f"question of {card_id} created"),
                "updated_at": to_utc_or_none(question.get("updated"), f"question of {card_id} updated"),
            }
            for q_index, question in _dicts(card.get("questions"))
        )
    _safe_rows([row for table_rows in rows.values() for row in table_rows], report, "scorecards")
    return rows


def _comma_list(value: Any) -> str | None:
    return ",".join(t for t in (text(v) for v in items(value)) if t) or None


# -- day-windowed stats ----------------------------------------------------------------------------
def scorecard_answer_rows(
    answered: Iterable[Json], report: ShapingReport | None = None
) -> list[dict[str, Any]]:
    """POST /v2/stats/activity/scorecards `answeredScorecards`: one row per answer."""
    rows: list[dict[str, Any]] = []
    for card in answered:
        card_id = required_id(card, "answeredScorecardId", "answered scorecard")
        base = {
            "answered_scorecard_id": card_id,
            "scorecard_id": text(card.get("scorecardId")),
            "scorecard_name": text(card.get("scorecardName")),
            "call_id": text(card.get("callId")),
            "call_started_at": to_utc_or_none(card.get("callStartTime"), f"answered {card_id} call start"),
            "reviewed_user_id": text(card.get("reviewedUserId")),
            "reviewer_user_id": text(card.get("reviewerUserId")),
            "reviewed_at": to_utc_or_none(card.get("reviewTime"), f"answered {card_id} review time"),
            "visibility_type": text(card.get("visibilityType")),
        }
        rows.extend(
            {
                **base,
                "question_id": required_id(answer, "questionId", f"answered scorecard {card_id} answer"),
                "question_revision_id": text(answer.get("questionRevisionId")),
                "is_overall": boolean(answer.get("isOverall")),
                "score": number(answer.get("score")),
                "answer_text": text(answer.get("answerText")),
                "not_applicable": boolean(answer.get("notApplicable")),
                "selected_options": _comma_list(answer.get("selectedOptions")),
            }
            for _, answer in _dicts(card.get("answers"))
        )
    return _safe_rows(rows, report, "answered scorecards")


# The stat columns of user_day_interaction_stats, by Gong's stat name.
_USER_STATS = {
    name.lower().replace(" ", "_"): name
    for name in ("Longest Monologue", "Longest Customer Story", "Interactivity", "Patience", "Question Rate")
}


def user_interaction_rows(
    people: Iterable[Json], report: ShapingReport | None = None
) -> list[dict[str, Any]]:
    """POST /v2/stats/interaction `peopleInteractionStats` of one day; each item carries the
    requested `day` (the fetcher adds it: Gong states the window once, not per item)."""
    rows: list[dict[str, Any]] = []
    for person in people:
        stats = {
            text(stat.get("name")): number(stat.get("value"))
            for _, stat in _dicts(person.get("personInteractionStats"))
        }
        rows.append(
            {
                "user_id": required_id(person, "userId", "interaction stats"),
                "day": required_id(person, "day", "interaction stats"),
                **{column: stats.get(name) for column, name in _USER_STATS.items()},
            }
        )
    return _safe_rows(rows, report, "interaction stats")


def user_activity_rows(users: Iterable[Json], report: ShapingReport | None = None) -> list[dict[str, Any]]:
    """POST /v2/stats/activity/day-by-day: per user and day, how many calls each activity lists
    (Gong lists call ids); the day is the local date of the entry's `fromDate`."""
    rows: list[dict[str, Any]] = []
    for user in users:
        user_id = required_id(user, "userId", "daily activity")
        for _, day in _dicts(user.get("userDailyActivityStats")):
            start = text(day.get("fromDate")) or ""
            if not _DAY_PREFIX.match(start):
                raise GongResponseError(f"malformed response: user {user_id} activity fromDate {start!r}")
            rows.append(
                {
                    "user_id": user_id,
                    "day": start[:10],
                    **{snake(key): len(items(day.get(key))) for key in USER_ACTIVITIES},
                }
            )
    return _safe_rows(rows, report, "daily activity")


_DAY_PREFIX = re.compile(r"\d{4}-\d{2}-\d{2}")


# -- transcripts ----------------------------------------------------------------------------------
def transcript_columns(
    call_transcripts: Iterable[Json], report: ShapingReport | None = None
) -> dict[str, list[Any]]:
    """Sentences of many calls as columns (the fastest input for an Arrow table)."""
    columns: dict[str, list[Any]] = {name: [] for name in TRANSCRIPT_SENTENCES.column_names}
    call_ids, segments, sentence_indexes = (
        columns["call_id"],
        columns["segment_index"],
        columns["sentence_index"],
    )
    speakers, topics, starts, ends, texts = (
        columns["speaker_id"],
        columns["topic"],
        columns["start_ms"],
        columns["end_ms"],
        columns["text"],
    )
    text_columns = [columns[name] for name, dtype in TRANSCRIPT_SENTENCES.columns if dtype == TEXT]
    replaced = 0
    for call_transcript in call_transcripts:
        call_id = required_id(call_transcript, "callId", "transcript")
        first, labels = len(call_ids), [call_id]
        for seg_index, segment in _dicts(call_transcript.get("transcript")):
            speaker, topic = text(segment.get("speakerId")), text(segment.get("topic")) or None
            labels += (speaker or "", topic or "")
            for sent_index, sentence in _dicts(segment.get("sentences")):
                call_ids.append(call_id)
                segments.append(seg_index)
                sentence_indexes.append(sent_index)
                speakers.append(speaker)
                topics.append(topic)
                start, end = sentence.get("start"), sentence.get("end")
                starts.append(start if type(start) is int else integer(start))
                ends.append(end if type(end) is int else integer(end))
                texts.append(text(sentence.get("text")))
        # One check per call: the join stays in cache, and ids and labels are checked once.
        if not _all_safe(chain(labels, filter(None, texts[first:]))):
            replaced += _safe_column_tails(text_columns, first)
    _count_replaced(replaced, report, "transcripts")
    return columns


# The parts of a POST /v2/calls/transcript page the tables use; any other field is ignored.
_SENTENCE = pa.struct([("start", pa.int64()), ("end", pa.int64()), ("text", pa.string())])
_SEGMENT = pa.struct([("speakerId", pa.string()), ("topic", pa.string()), ("sentences", pa.list_(_SENTENCE))])
_TRANSCRIPT = pa.struct([("callId", pa.string()), ("transcript", pa.list_(_SEGMENT))])
TRANSCRIPT_PAGE_SCHEMA = pa.schema(
    [
        ("requestId", pa.string()),
        ("records", pa.struct([("totalRecords", pa.int64()), ("cursor", pa.string())])),
        ("callTranscripts", pa.list_(_TRANSCRIPT)),
    ]
)


@dataclass(frozen=True)
class ParsedTranscript:
    """A transcript item read straight into Arrow: its call, its sentence count, and the
    sentence rows of the whole page it came on (shared by the page's items)."""

    call_id: str
    sentences: int
    page: pa.Table


def transcripts_with_sentences(found: Iterable[Any], asked: Container[str]) -> dict[str, Any]:
    """The transcripts of the `asked` calls that hold sentences, by call, the first of a call Gong
    sent twice; an empty one (`"transcript": []`) is "not yet". A call Gong sent unasked is left
    out: it may be in another batch of the same load package, and its rows must come once."""
    kept: dict[str, Any] = {}
    for item in found:
        if isinstance(item, ParsedTranscript):
            if item.sentences and item.call_id in asked:
                kept.setdefault(item.call_id, item)
            continue
        segments = items(section(item).get("transcript"))
        if any(items(s.get("sentences")) for s in segments if isinstance(s, Mapping)):
            call_id = required_id(item, "callId", "transcript")
            if call_id in asked:
                kept.setdefault(call_id, item)
    return kept


def decode_transcript_page(content: bytes) -> tuple[Any, bool]:
    """A transcript page as `decode_json` would give it, its items as `ParsedTranscript`s.

    `pyarrow.json` reads the page into columns with no Python object per sentence (a page of
    30,000 sentences held about 80 MB of Python objects). What it cannot read exactly as
    `transcript_columns` would shape it goes through `decode_json` instead, whole: a body that
    is not this shape (an error, a field of another type), NUL or lone surrogates (`safe_text`
    replaces and counts them), bytes that are not UTF-8, a transcript without a `callId` or
    twice on one page, a sentence that is not an object.
    """
    if b"\\u0000" not in content and b"\x00" not in content:
        try:
            parsed = _transcript_page(content)
        except (pa.ArrowInvalid, ValueError):
            parsed = None
        if parsed is not None:
            return parsed, False
    return decode_json(content)


def _transcript_page(content: bytes) -> dict[str, Any] | None:
    page = pa_json.read_json(
        pa.BufferReader(content),
        read_options=pa_json.ReadOptions(block_size=len(content) + 1),
        parse_options=pa_json.ParseOptions(
            explicit_schema=TRANSCRIPT_PAGE_SCHEMA,
            unexpected_field_behavior="ignore",
            newlines_in_values=True,
        ),
    )
    if page.num_rows != 1 or page.column("callTranscripts").null_count:
        return None
    transcripts = page.column("callTranscripts").combine_chunks().flatten()
    call_ids = pc.struct_field(transcripts, "callId")
    if (
        call_ids.null_count
        or (len(call_ids) and not pc.min(pc.utf8_length(call_ids)).as_py())
        or pc.count_distinct(call_ids).as_py() != len(call_ids)
    ):
        return None
    segment_lists = pc.struct_field(transcripts, "transcript")
    segments = segment_lists.flatten()
    sentence_lists = pc.struct_field(segments, "sentences")
    sentences = sentence_lists.flatten()
    if sentences.null_count:
        return None
    of_segment = pc.list_parent_indices(sentence_lists)
    of_call = pc.take(pc.list_parent_indices(segment_lists), of_segment)
    topics = pc.struct_field(segments, "topic")
    rows = TRANSCRIPT_SENTENCES.from_columns(
        {
            "call_id": pc.take(call_ids, of_call),
            "segment_index": pc.take(_index_in_list(segment_lists), of_segment),
            "sentence_index": _index_in_list(sentence_lists),
            "speaker_id": pc.take(pc.struct_field(segments, "speakerId"), of_segment),
            "topic": pc.take(pc.if_else(pc.equal(topics, ""), None, topics), of_segment),
            "start_ms": pc.struct_field(sentences, "start"),
            "end_ms": pc.struct_field(sentences, "end"),
            "text": pc.struct_field(sentences, "text"),
        }
    )
    rows.validate(full=True)  # raises on bytes that are not UTF-8
    counts = np.bincount(of_call.to_numpy(), minlength=len(call_ids))
    records = page.column("records")[0].as_py() or {}
    return {
        "requestId": page.column("requestId")[0].as_py(),
        "records": {key: value for key, value in records.items() if value is not None},
        "callTranscripts": [
            ParsedTranscript(call_id, int(count), rows)
            for call_id, count in zip(call_ids.to_pylist(), counts, strict=True)
        ],
    }


def _index_in_list(lists: pa.ListArray) -> pa.Array:
    """For each value of `lists.flatten()`, its position within its own list."""
    lengths = pc.fill_null(pc.list_value_length(lists), 0).to_numpy()
    starts = np.cumsum(lengths) - lengths
    return pa.array(np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(starts, lengths))
