"""Gong's own recorded responses, decoded as the client decodes them and shaped into the tables.

The expected values are read from the same fixture files by a second, independent parse that
keeps every number literal as text, so ids are compared digit for digit, instants as UTC and
CRM numbers as Gong wrote them.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from gong_source import records, tables
from gong_source.client import decode_json
from tests.fixtures import GONG_API_MD, RECORDED

EXTENSIVE = RECORDED / "webhook_call_completed.json"  # callData is a /v2/calls/extensive item
USERS = [RECORDED / "GET_v2_users.200.json", RECORDED / "POST_v2_users_extensive.200.json"]
TRANSCRIPT = GONG_API_MD / "POST_v2_calls_transcript.200.json"
WORKSPACES = RECORDED / "GET_v2_workspaces.200.json"


def decoded(path: Path, *, keep_number_text: bool = False) -> dict[str, Any]:
    """A fixture's body as GongClient decodes it (`keep_number_text` as for /v2/calls/extensive)."""
    value, repaired = decode_json(path.read_bytes(), keep_number_text=keep_number_text)
    assert not repaired
    return value["body"]


def literal(path: Path) -> dict[str, Any]:
    """A fixture's body with every number as the text it was written with."""
    return json.loads(path.read_text(encoding="utf-8"), parse_float=str, parse_int=str)["body"]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def as_double(value: Any) -> float | None:
    """What `field_value_number` must hold: the value as a finite double, if it is one."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


@pytest.fixture(scope="module")
def call_tables() -> dict[str, list[dict[str, Any]]]:
    call = decoded(EXTENSIVE, keep_number_text=True)["callData"]
    report = records.ShapingReport()
    shaped = records.extensive_rows(call, report)
    shaped["calls"] = [records.call_row(call["metaData"], report)]
    assert report.counts() == {}  # real data: nothing skipped, nothing replaced
    built = {
        table.name: table.to_arrow(shaped[table.name])
        for table in (tables.CALLS, *tables.CALL_DETAIL_TABLES, tables.PARTIES, tables.CALL_SPEAKERS)
    }
    return {name: arrow.to_pylist() for name, arrow in built.items()}


def test_recorded_call_metadata_lands_with_its_ids_and_utc_instants(call_tables):
    meta = literal(EXTENSIVE)["callData"]["metaData"]
    (row,) = call_tables["calls"]
    started = utc(meta["started"])
    assert row["call_id"] == meta["id"] and row["primary_user_id"] == meta["primaryUserId"]
    assert row["started_at"] == started and row["started_at"].utcoffset() == timedelta(0)
    assert row["scheduled_at"] == utc(meta["scheduled"])
    assert row["ended_at"] == started + timedelta(seconds=int(meta["duration"]))
    assert row["duration_seconds"] == int(meta["duration"])
    assert (row["title"], row["system"], row["media"]) == (meta["title"], meta["system"], meta["media"])
    assert row["workspace_id"] is None and row["is_private"] is None  # keys the sample does not have
    (details,) = call_tables["call_details"]
    assert (details["call_id"], details["started_at"]) == (meta["id"], started)


def test_recorded_parties_speakers_and_interaction_stats(call_tables):
    sent = literal(EXTENSIVE)["callData"]
    assert [
        (p["party_id"], p["speaker_id"], p["user_id"], p["email_domain"], p["methods"])
        for p in call_tables["parties"]
    ] == [
        (
            party["id"],
            party.get("speakerId"),
            party.get("userId"),
            party["emailAddress"].rsplit("@", 1)[1].lower(),
            ",".join(party["methods"]),
        )
        for party in sent["parties"]
    ]
    speakers = sent["interaction"]["speakers"]
    assert [(s["party_id"], s["user_id"], s["talk_time_seconds"]) for s in call_tables["call_speakers"]] == [
        (s["id"], s.get("userId"), float(s["talkTime"])) for s in speakers
    ]
    assert {s["stat_name"]: s["stat_value"] for s in call_tables["call_interaction_stats"]} == {
        stat["name"]: float(stat["value"]) for stat in sent["interaction"]["interactionStats"]
    }


def test_recorded_crm_context_keeps_every_value_as_sent(call_tables):
    sent = literal(EXTENSIVE)["callData"]
    contexts = [(None, sent["context"])] + [(p["id"], p.get("context", [])) for p in sent["parties"]]
    objects = [
        (party_id, system["system"], obj)
        for party_id, context in contexts
        for system in context
        for obj in system["objects"]
    ]
    assert [
        (o["object_index"], o["party_id"], o["crm_system"], o["object_type"], o["object_id"])
        for o in call_tables["crm_objects"]
    ] == [
        (i, party_id, crm, obj["objectType"], obj["objectId"])
        for i, (party_id, crm, obj) in enumerate(objects)
    ]
    expected = [
        (i, party_id, obj["objectId"], field["name"], field["value"], as_double(field["value"]))
        for i, (party_id, _, obj) in enumerate(objects)
        for field in obj["fields"]
    ]
    assert [
        (
            f["object_index"],
            f["party_id"],
            f["object_id"],
            f["field_name"],
            f["field_value"],
            f["field_value_number"],
        )
        for f in call_tables["crm_fields"]
    ] == expected
    assert any("." in value for *_, value, number in expected if number is not None)  # 4166.67 and co.


def test_recorded_content_and_comments_land_in_their_tables(call_tables):
    sent = literal(EXTENSIVE)["callData"]
    content = sent["content"]
    trackers = content.get("trackers", [])
    assert [(t["tracker_name"], t["occurrence_count"]) for t in call_tables["call_trackers"]] == [
        (t["name"], int(t["count"])) for t in trackers
    ]
    assert len(call_tables["call_tracker_occurrences"]) == sum(
        len(t.get("occurrences", [])) for t in trackers
    )
    assert [(t["topic_name"], t["duration_seconds"]) for t in call_tables["call_topics"]] == [
        (t["name"], float(t["duration"])) for t in content.get("topics", [])
    ]
    comments = sent["collaboration"]["publicComments"]
    assert [
        (c["comment_id"], c["commenter_user_id"], c["posted_at"], c["audio_start_seconds"])
        for c in call_tables["call_comments"]
    ] == [(c["id"], c["commenterUserId"], utc(c["posted"]), float(c["audioStartTime"])) for c in comments]
    outline, highlights = content.get("outline", []), content.get("highlights", [])
    assert [len(call_tables[name]) for name in ("call_key_points", "call_outline_sections")] == [
        len(content.get("keyPoints", [])),
        len(outline),
    ]
    assert len(call_tables["call_outline_items"]) == sum(len(part.get("items", [])) for part in outline)
    assert len(call_tables["call_highlights"]) == sum(len(h.get("items", [])) for h in highlights)


@pytest.mark.parametrize("path", USERS, ids=lambda p: p.name)
def test_recorded_users_land_with_their_ids_and_utc_created_at(path):
    arrow = tables.USERS.to_arrow(records.user_row(user) for user in decoded(path)["users"])
    assert arrow.schema.field("created_at").type == pa.timestamp("us", tz="UTC")
    sent = literal(path)["users"]
    assert [
        (u["user_id"], u["email_address"], u["created_at"], u["active"], u["manager_id"], u["full_name"])
        for u in arrow.to_pylist()
    ] == [
        (
            user["id"],
            user["emailAddress"],
            utc(user["created"]),
            user["active"],
            user["managerId"],
            " ".join(part for part in (user["firstName"], user["lastName"]) if part) or None,
        )
        for user in sent
    ]
    settings = {u["user_id"]: u for u in arrow.to_pylist()}
    for user in sent:
        assert (
            settings[user["id"]]["setting_web_conferences_recorded"]
            is user["settings"]["webConferencesRecorded"]
        )


def test_recorded_transcript_lands_one_row_per_sentence():
    columns = records.transcript_columns(decoded(TRANSCRIPT)["callTranscripts"])
    got = tables.TRANSCRIPT_SENTENCES.from_columns(columns).to_pylist()
    expected = [
        (
            t["callId"],
            seg_index,
            sent_index,
            segment["speakerId"],
            segment["topic"],
            int(s["start"]),
            int(s["end"]),
            s["text"],
        )
        for t in literal(TRANSCRIPT)["callTranscripts"]
        for seg_index, segment in enumerate(t["transcript"])
        for sent_index, s in enumerate(segment["sentences"])
    ]
    assert [
        (
            r["call_id"],
            r["segment_index"],
            r["sentence_index"],
            r["speaker_id"],
            r["topic"],
            r["start_ms"],
            r["end_ms"],
            r["text"],
        )
        for r in got
    ] == expected
    assert len(expected) == 3 and expected[0][3] == "656861958384341821"


def test_recorded_workspaces():
    arrow = tables.WORKSPACES.to_arrow(records.workspace_row(w) for w in decoded(WORKSPACES)["workspaces"])
    assert [(w["workspace_id"], w["name"], w["description"]) for w in arrow.to_pylist()] == [
        (w["id"], w["name"], w["description"]) for w in literal(WORKSPACES)["workspaces"]
    ]
