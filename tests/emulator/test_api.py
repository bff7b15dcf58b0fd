"""HTTP behaviour: auth, pagination, filters, cursors, visibility, uploads, media, deletion."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from gong_emulator import Company, ContentSelector, GeneratedCall, GongEmulator

from .conftest import AUTH, SPEC

NO_CALLS = ["No calls found corresponding to the provided filters"]
WINDOW = {"fromDateTime": "2025-03-01T00:00:00Z", "toDateTime": "2025-05-01T00:00:00Z"}
TRANSCRIPT_ENDPOINTS = ("/v2/calls/extensive", "/v2/calls/transcript")


def _all_pages(
    http: httpx.Client, method: str, path: str, items_key: str, **request: Any
) -> list[dict[str, Any]]:
    """Follow cursors the documented way (query for GET, body for POST); return every body."""
    bodies, cursor = [], None
    while True:
        if method == "GET":
            params = {**request.get("params", {}), **({"cursor": cursor} if cursor else {})}
            response = http.get(path, params=params)
        else:
            body = {**request["json"], **({"cursor": cursor} if cursor else {})}
            response = http.post(path, json=body)
        assert response.status_code == 200, response.text
        bodies.append(response.json())
        cursor = response.json()["records"].get("cursor")
        if cursor is None:
            return bodies


def _ids(bodies: list[dict[str, Any]], items_key: str, id_of: Any) -> list[str]:
    return [id_of(item) for body in bodies for item in body[items_key]]


def _utc(call_started: datetime, fmt: str = "%Y-%m-%dT%H:%M:%S.%fZ") -> str:
    return call_started.astimezone(UTC).strftime(fmt)


# ------------------------------------------------------------------------------ auth
def test_requests_without_valid_credentials_get_401(emulator: GongEmulator) -> None:
    for auth in (None, ("emulator-key", "wrong"), ("nobody", "emulator-secret")):
        response = httpx.get(f"{emulator.base_url}/v2/workspaces", auth=auth)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/json; charset=utf-8"
        body = response.json()
        assert set(body) == {"requestId", "errors"} and body["errors"]
        assert response.headers["x-traceid"] == body["requestId"]
    bad_bearer = httpx.get(f"{emulator.base_url}/v2/workspaces", headers={"Authorization": "Bearer nope"})
    assert bad_bearer.status_code == 401


def test_basic_and_bearer_are_both_accepted(emulator: GongEmulator) -> None:
    assert httpx.get(f"{emulator.base_url}/v2/workspaces", auth=AUTH).status_code == 200
    bearer = {"Authorization": "Bearer emulator-token"}
    assert httpx.get(f"{emulator.base_url}/v2/workspaces", headers=bearer).status_code == 200


def test_every_response_carries_a_trace_id_equal_to_the_request_id(client: httpx.Client) -> None:
    for response in (client.get("/v2/users"), client.get("/v2/calls/1"), client.get("/v2/nowhere")):
        body = response.json()
        assert re.fullmatch(r"[0-9a-z]{19}", body["requestId"])
        assert response.headers["x-traceid"] == body["requestId"]
    assert client.get("/v2/users").headers["content-type"] == "application/json;charset=UTF-8"


def test_unknown_path_is_404_and_wrong_method_is_405(client: httpx.Client) -> None:
    missing = client.get("/v2/nowhere")
    assert missing.status_code == 404 and missing.json()["errors"]
    for method, path in (("DELETE", "/v2/calls"), ("GET", "/v2/calls/extensive"), ("POST", "/v2/users")):
        response = client.request(method, path)
        assert response.status_code == 405, (method, path)
        assert response.json()["errors"] == ["Method Not Allowed"]


# ------------------------------------------------------------------------ pagination
def test_get_calls_pages_through_everything_in_order(company: Company, client: httpx.Client) -> None:
    bodies = _all_pages(client, "GET", "/v2/calls", "calls", params=WINDOW)
    records = [b["records"] for b in bodies]
    assert [r["currentPageSize"] for r in records] == [100, 100, 50]
    assert [r["currentPageNumber"] for r in records] == [0, 1, 2]
    assert all(r["totalRecords"] == 250 for r in records)
    assert "cursor" not in records[-1] and all("cursor" in r for r in records[:-1])
    assert _ids(bodies, "calls", lambda c: c["id"]) == [c.call_id for c in company.calls()]
    assert bodies[0]["calls"][0] == next(company.calls()).metadata()


@pytest.mark.parametrize("path", TRANSCRIPT_ENDPOINTS)
def test_post_endpoints_page_with_a_body_cursor(company: Company, client: httpx.Client, path: str) -> None:
    key, id_of = (
        ("calls", lambda c: c["metaData"]["id"]) if "extensive" in path else ("callTranscripts", None)
    )
    id_of = id_of or (lambda t: t["callId"])
    bodies = _all_pages(client, "POST", path, key, json={"filter": WINDOW})
    assert [b["records"]["currentPageSize"] for b in bodies] == [100, 100, 50]
    assert _ids(bodies, key, id_of) == [c.call_id for c in company.calls()]
    if key == "callTranscripts":
        by_id = {t["callId"]: t for b in bodies for t in b[key]}
        sample = list(company.calls())[42]
        assert by_id[sample.call_id] == sample.transcript()


def test_users_are_paginated(make_emulator: Any, company: Company) -> None:
    _, http = make_emulator(page_size=5)
    bodies = _all_pages(http, "GET", "/v2/users", "users")
    assert [b["records"]["currentPageSize"] for b in bodies] == [5, 5, 2]
    assert _ids(bodies, "users", lambda u: u["id"]) == [u["id"] for u in company.users]


def test_from_is_inclusive_and_to_exclusive_across_offsets(company: Company, client: httpx.Client) -> None:
    call = list(company.calls())[100]
    started_local = call.metadata()["started"]  # company TZ offset form
    plus_0530 = call.started.astimezone(timezone(timedelta(hours=5, minutes=30))).isoformat()
    later = (call.started + timedelta(hours=1)).isoformat()

    def ids(lo: str, hi: str) -> list[str]:
        response = client.get("/v2/calls", params={"fromDateTime": lo, "toDateTime": hi})
        return [c["id"] for c in response.json().get("calls", [])]

    for lo in (started_local, plus_0530, _utc(call.started), _utc(call.started).replace("Z", "000Z")):
        assert call.call_id in ids(lo, later), lo
    one_ns_later = _utc(call.started).replace("Z", "001Z")  # 9 fractional digits
    assert call.call_id not in ids(one_ns_later, later)
    earlier = (call.started - timedelta(hours=1)).isoformat()
    assert call.call_id not in ids(earlier, started_local)
    assert call.call_id in ids(earlier, _utc(call.started).replace("Z", "001Z"))


def test_cursor_is_bound_to_the_filter_and_can_be_resent(client: httpx.Client) -> None:
    first = client.get("/v2/calls", params=WINDOW).json()
    cursor = first["records"]["cursor"]
    again = [client.get("/v2/calls", params={**WINDOW, "cursor": cursor}) for _ in range(2)]
    assert [r.status_code for r in again] == [200, 200]
    assert again[0].json()["calls"] == again[1].json()["calls"]
    changed = client.get(
        "/v2/calls", params={**WINDOW, "toDateTime": "2025-04-30T00:00:00Z", "cursor": cursor}
    )
    assert changed.status_code == 400 and changed.json()["errors"]
    head, payload, sig = cursor.split(".")
    tampered = f"{head}.{payload}.{'A' if sig[0] != 'A' else 'B'}{sig[1:]}"
    assert client.get("/v2/calls", params={**WINDOW, "cursor": tampered}).status_code == 400
    body = {"filter": WINDOW, "cursor": cursor}  # a GET cursor is not a transcript cursor
    assert client.post("/v2/calls/transcript", json=body).status_code == 400


def test_cursor_expires_an_hour_after_the_first_page(make_emulator: Any) -> None:
    emu, http = make_emulator(cursor_ttl_seconds=3600)
    first = http.post("/v2/calls/extensive", json={"filter": WINDOW}).json()
    emu.clock.advance(3000)
    second = http.post("/v2/calls/extensive", json={"filter": WINDOW, "cursor": first["records"]["cursor"]})
    assert second.status_code == 200
    emu.clock.advance(700)  # 3700 s after the first request, though only 700 s after the second
    for cursor in (first["records"]["cursor"], second.json()["records"]["cursor"]):
        expired = http.post("/v2/calls/extensive", json={"filter": WINDOW, "cursor": cursor})
        assert expired.status_code == 400
        assert expired.json()["errors"] == ["cursor has expired"]
    assert http.post("/v2/calls/extensive", json={"filter": WINDOW}).status_code == 200  # restart works


# --------------------------------------------------------------------------- filters
@pytest.mark.parametrize("path", ["/v2/calls", *TRANSCRIPT_ENDPOINTS])
def test_empty_result_is_404_no_calls_found(client: httpx.Client, path: str) -> None:
    window = {"fromDateTime": "2024-01-01T00:00:00Z", "toDateTime": "2024-02-01T00:00:00Z"}
    if path == "/v2/calls":
        response = client.get(path, params=window)
    else:
        response = client.post(path, json={"filter": window})
    assert response.status_code == 404
    assert response.json()["errors"] == NO_CALLS
    assert response.headers["content-type"] == "application/json; charset=utf-8"


@pytest.mark.parametrize("path", TRANSCRIPT_ENDPOINTS)
def test_empty_call_ids_is_400(client: httpx.Client, path: str) -> None:
    response = client.post(path, json={"filter": {"callIds": []}})
    assert response.status_code == 400 and response.json()["errors"]


@pytest.mark.parametrize(
    ("lo", "hi"),
    [("2025-03-02T00:00:00Z", "2025-03-02T00:00:00Z"), ("2025-03-03T00:00:00Z", "2025-03-02T00:00:00+01:00")],
)
def test_from_not_before_to_is_400(client: httpx.Client, lo: str, hi: str) -> None:
    expected = ["filter.fromDateTime: must be before toDateTime"]
    get = client.get("/v2/calls", params={"fromDateTime": lo, "toDateTime": hi})
    assert get.status_code == 400 and get.json()["errors"] == expected
    for path in TRANSCRIPT_ENDPOINTS:
        post = client.post(path, json={"filter": {"fromDateTime": lo, "toDateTime": hi}})
        assert post.status_code == 400 and post.json()["errors"] == expected


@pytest.mark.parametrize("value", ["yesterday", "2025-03-02", "2025-03-02T00:00:00", "2025-13-02T00:00:00Z"])
def test_unparseable_datetimes_are_400(client: httpx.Client, value: str) -> None:
    assert client.get("/v2/calls", params={"fromDateTime": value}).status_code == 400
    assert client.post("/v2/calls/transcript", json={"filter": {"toDateTime": value}}).status_code == 400


def test_transcript_window_and_call_ids_both_filter(company: Company, client: httpx.Client) -> None:
    calls = list(company.calls())
    chosen = [calls[10], calls[120], calls[200]]
    window = {
        "fromDateTime": calls[100].metadata()["started"],
        "toDateTime": calls[150].metadata()["started"],
    }
    body = {"filter": {**window, "callIds": [c.call_id for c in chosen]}}
    response = client.post("/v2/calls/transcript", json=body)
    assert [t["callId"] for t in response.json()["callTranscripts"]] == [calls[120].call_id]
    response = client.post("/v2/calls/transcript", json={"filter": {"callIds": [c.call_id for c in chosen]}})
    assert [t["callId"] for t in response.json()["callTranscripts"]] == [c.call_id for c in chosen]


def test_workspace_and_primary_user_filters(company: Company, client: httpx.Client) -> None:
    workspace = company.workspaces[1]["id"]
    listed = _all_pages(client, "GET", "/v2/calls", "calls", params={**WINDOW, "workspaceId": workspace})
    ids = _ids(listed, "calls", lambda c: c["id"])
    assert ids == [c.call_id for c in company.calls() if c.workspace_id == workspace]
    user = next(company.calls()).primary_user_id
    body = {"filter": {"primaryUserIds": [user]}}
    extensive = _all_pages(client, "POST", "/v2/calls/extensive", "calls", json=body)
    got = _ids(extensive, "calls", lambda c: c["metaData"]["id"])
    assert got == [c.call_id for c in company.calls() if c.primary_user_id == user]


def test_content_selector_controls_sections(company: Company, client: httpx.Client) -> None:
    call = next(c for c in company.calls() if c.plan.crm)
    base = {"filter": {"callIds": [call.call_id]}}

    def one(selector: dict[str, Any] | None) -> dict[str, Any]:
        response = client.post(
            "/v2/calls/extensive", json={**base, **({"contentSelector": selector} if selector else {})}
        )
        assert response.status_code == 200, response.text
        return response.json()["calls"][0]

    assert list(one(None)) == ["metaData"]
    assert list(one({"exposedFields": {"parties": True}})) == ["metaData", "parties"]
    basic = one({"context": "Basic"})
    assert list(basic) == ["metaData", "context"]
    assert all(o["fields"] == [] for c in basic["context"] for o in c["objects"])
    extended = one({"context": "Extended", "contextTiming": ["Now", "TimeOfCall"]})
    timings = {o["timing"] for c in extended["context"] for o in c["objects"]}
    assert timings == {"Now", "TimeOfCall"}
    interaction = one({"exposedFields": {"interaction": {"personInteractionStats": True}}})["interaction"]
    assert list(interaction) == ["interactionStats"]
    content = one({"exposedFields": {"content": {"trackers": True, "brief": True}}})["content"]
    assert set(content) == {"trackers", "brief"}
    assert all("occurrences" not in t for t in content["trackers"])
    full = call.extensive()
    assert content["trackers"] == [
        {k: v for k, v in t.items() if k != "occurrences"}
        | (
            {"phrases": [{k: v for k, v in p.items() if k != "occurrences"} for p in t["phrases"]]}
            if "phrases" in t
            else {}
        )
        for t in full["content"]["trackers"]
    ]
    media = [one({"exposedFields": {"media": True}})["media"]["audioUrl"] for _ in range(2)]
    assert media[0] != media[1]  # re-signed on every request
    bad = client.post(
        "/v2/calls/extensive",
        json={**base, "contentSelector": {"context": "Basic", "contextTiming": ["Now"]}},
    )
    assert bad.status_code == 400


def test_private_calls_are_listed_with_is_private(company: Company, client: httpx.Client) -> None:
    private = [c for c in company.calls() if c.is_private]
    assert private
    listed = {
        c["id"]: c for b in _all_pages(client, "GET", "/v2/calls", "calls", params=WINDOW) for c in b["calls"]
    }
    assert all(listed[c.call_id]["isPrivate"] is True for c in private)
    assert client.get(f"/v2/calls/{private[0].call_id}").json()["call"]["isPrivate"] is True


# ------------------------------------------------------------------------ visibility
def _late_transcript(company: Company, *, empty: bool) -> GeneratedCall:
    return next(
        c
        for c in company.calls()
        if c.transcript_visible_at - c.visible_at > timedelta(hours=1)
        and c.answers_empty_transcript is empty
        and c.plan.n_sentences
    )


def test_calls_and_transcripts_appear_after_their_lag(company: Company, make_emulator: Any) -> None:
    call = _late_transcript(company, empty=False)
    emu, http = make_emulator(clock_at=call.started + timedelta(seconds=1))
    window = {
        "fromDateTime": call.metadata()["started"],
        "toDateTime": (call.started + timedelta(seconds=1)).isoformat(),
    }

    def status() -> tuple[int, int, int]:
        return (
            http.get(f"/v2/calls/{call.call_id}").status_code,
            http.get("/v2/calls", params=window).status_code,
            http.post("/v2/calls/transcript", json={"filter": {"callIds": [call.call_id]}}).status_code,
        )

    assert status() == (404, 404, 404)
    assert http.get(f"/v2/calls/{call.call_id}").json()["errors"] == [f"Call ID {call.call_id} was not found"]
    emu.clock.set(call.visible_at)
    assert status() == (200, 200, 404)
    emu.clock.set(call.transcript_visible_at)
    assert status() == (200, 200, 200)


def test_a_pending_transcript_answers_empty_for_the_empty_share(company: Company, make_emulator: Any) -> None:
    call = _late_transcript(company, empty=True)
    emu, http = make_emulator(clock_at=call.visible_at)
    by_id = {"filter": {"callIds": [call.call_id]}}
    by_window = {
        "filter": {"fromDateTime": call.metadata()["started"], "toDateTime": call.visible_at.isoformat()}
    }
    for body in (by_id, by_window):
        answer = http.post("/v2/calls/transcript", json=body).json()["callTranscripts"]
        assert {"callId": call.call_id, "transcript": []} in answer
    assert call.transcript(emu.clock.now())["transcript"] == []
    emu.clock.set(call.transcript_visible_at)
    (answer,) = http.post("/v2/calls/transcript", json=by_id).json()["callTranscripts"]
    assert answer == call.transcript() and answer["transcript"]
    shares = [c.answers_empty_transcript for c in company.calls()]
    assert 0.3 < sum(shares) / len(shares) < 0.7  # the default share, 0.5


def test_a_call_without_speech_answers_empty_by_id_once_listed(make_emulator: Any) -> None:
    spec = replace(
        SPEC, n_calls=20, no_transcript_share=1.0, late_transcript_share=1.0, empty_transcript_share=0
    )
    emu, http = make_emulator(spec=spec)
    call = next(emu.company.calls())
    emu.clock.set(call.visible_at)
    window = {"fromDateTime": call.metadata()["started"], "toDateTime": call.visible_at.isoformat()}
    assert http.post("/v2/calls/transcript", json={"filter": window}).status_code == 404
    answer = http.post("/v2/calls/transcript", json={"filter": {**window, "callIds": [call.call_id]}})
    assert answer.json()["callTranscripts"] == [{"callId": call.call_id, "transcript": []}]


def test_late_calls_exist(company: Company) -> None:
    lags = [c.visible_at - c.started for c in company.calls()]
    assert any(lag >= timedelta(hours=2) for lag in lags) and any(lag < timedelta(hours=2) for lag in lags)


# -------------------------------------------------------------------------- uploads
def _upload_body(company: Company, client_id: str = "upload-001") -> dict[str, Any]:
    user = company.users[2]
    return {
        "clientUniqueId": client_id,
        "actualStart": "2025-06-11T10:00:00Z",
        "title": "Uploaded call",
        "direction": "Outbound",
        "duration": 789.51,
        "primaryUser": user["id"],
        "parties": [
            {"partyId": "1", "userId": user["id"], "name": "Host"},
            {"partyId": "2", "emailAddress": "buyer@prospect-co.io", "name": "Buyer"},
        ],
    }


def test_upload_duplicate_visibility_and_transcript(company: Company, make_emulator: Any) -> None:
    emu, http = make_emulator(upload_visibility_lag_seconds=600, clock_at=datetime(2025, 6, 12, tzinfo=UTC))
    uploaded = http.post("/v2/calls", json=_upload_body(company))
    assert uploaded.status_code == 200
    assert set(uploaded.json()) == {"requestId", "callId"}
    call_id = uploaded.json()["callId"]
    duplicate = http.post("/v2/calls", json=_upload_body(company))
    assert duplicate.status_code == 400
    assert duplicate.json()["errors"] == [
        f"A call with clientUniqueId 'upload-001' has already been posted for the call {call_id}"
    ]
    assert http.get(f"/v2/calls/{call_id}").status_code == 404  # not processed yet
    emu.clock.advance(601)
    meta = http.get(f"/v2/calls/{call_id}").json()["call"]
    assert meta["started"] == "2025-06-11T03:00:00-07:00"  # read back in the company time zone
    assert (meta["system"], meta["media"], meta["clientUniqueId"]) == ("Upload API", "Audio", "upload-001")
    listed = http.get(
        "/v2/calls", params={"fromDateTime": "2025-06-11T00:00:00Z", "toDateTime": "2025-06-12T00:00:00Z"}
    )
    assert [c["id"] for c in listed.json()["calls"]] == [call_id]
    transcript = http.post("/v2/calls/transcript", json={"filter": {"callIds": [call_id]}}).json()
    sentences = [s for seg in transcript["callTranscripts"][0]["transcript"] for s in seg["sentences"]]
    assert sentences and sentences[-1]["end"] <= meta["duration"] * 1000
    parties = http.post(
        "/v2/calls/extensive",
        json={"filter": {"callIds": [call_id]}, "contentSelector": {"exposedFields": {"parties": True}}},
    ).json()["calls"][0]["parties"]
    assert [p["affiliation"] for p in parties] == ["Internal", "External"]
    assert parties[1]["emailAddress"] == "buyer@prospect-co.io"
    assert emu.company.call(call_id).metadata() == meta


@pytest.mark.parametrize("missing", ["clientUniqueId", "actualStart", "direction", "primaryUser", "parties"])
def test_upload_requires_fields(company: Company, make_emulator: Any, missing: str) -> None:
    _, http = make_emulator()
    body = _upload_body(company)
    del body[missing]
    response = http.post("/v2/calls", json=body)
    assert response.status_code == 400
    assert missing in response.json()["errors"][0]
    empty = http.post("/v2/calls", json={**_upload_body(company), "parties": []})
    assert empty.status_code == 400 and "parties" in empty.json()["errors"][0]


def test_media_upload(company: Company, make_emulator: Any) -> None:
    emu, http = make_emulator()
    call_id = http.post("/v2/calls", json=_upload_body(company)).json()["callId"]
    response = http.put(
        f"/v2/calls/{call_id}/media", files={"mediaFile": ("call.mp3", b"ID3...", "audio/mpeg")}
    )
    assert response.status_code == 201
    assert response.json()["callId"] == call_id and response.json()["url"].endswith(f"/call?id={call_id}")
    assert emu.company.call(call_id).metadata()["meetingUrl"].endswith("/media.mp3")
    unknown = http.put(
        "/v2/calls/1234567890123456789/media", files={"mediaFile": ("a.mp3", b"x", "audio/mpeg")}
    )
    assert unknown.status_code == 404
    no_part = http.put(f"/v2/calls/{call_id}/media", files={"other": ("a.mp3", b"x", "audio/mpeg")})
    assert no_part.status_code == 400 and no_part.json()["errors"] == ["mediaFile part is missing"]


def test_deleted_calls_disappear_everywhere(company: Company, make_emulator: Any) -> None:
    emu, http = make_emulator()
    victim = list(emu.company.calls())[3]
    emu.company.delete_call(victim.call_id)
    assert emu.deleted_call_ids == {victim.call_id}
    assert http.get(f"/v2/calls/{victim.call_id}").status_code == 404
    listed = _ids(_all_pages(http, "GET", "/v2/calls", "calls", params=WINDOW), "calls", lambda c: c["id"])
    assert victim.call_id not in listed and len(listed) == company.spec.n_calls - 1
    response = http.post("/v2/calls/transcript", json={"filter": {"callIds": [victim.call_id]}})
    assert response.status_code == 404


def test_requests_are_recorded(make_emulator: Any) -> None:
    emu, http = make_emulator()
    http.post("/v2/calls/transcript", json={"filter": {"callIds": ["1"]}})
    http.get("/v2/users", params={"includeAvatars": "false"})
    first, second = emu.requests
    assert (first.method, first.path, first.status, first.json_body) == (
        "POST",
        "/v2/calls/transcript",
        404,
        {"filter": {"callIds": ["1"]}},
    )
    assert (second.query, second.status, second.fault) == ({"includeAvatars": "false"}, 200, None)
    assert first.received_at <= second.received_at and first.request_id != second.request_id
    emu.clear_requests()
    assert emu.requests == []


def test_late_edits_add_comments_brief_and_key_points_after_the_call_is_listed(make_emulator: Any) -> None:
    spec = replace(SPEC, n_calls=30, late_edit_share=1.0, comment_share=1.0)
    emu, http = make_emulator(spec=spec)
    call = next(emu.company.calls())
    assert timedelta(hours=2) <= call.enriched_at - call.visible_at <= timedelta(hours=48)
    body = {
        "filter": {"callIds": [call.call_id]},
        "contentSelector": {
            "exposedFields": {
                "content": {"brief": True, "keyPoints": True, "topics": True},
                "collaboration": {"publicComments": True},
            }
        },
    }

    def served() -> dict[str, Any]:
        (item,) = http.post("/v2/calls/extensive", json=body).json()["calls"]
        return item

    emu.clock.set(call.visible_at)
    before = served()
    assert set(before["content"]) == {"topics"} and before["collaboration"] == {}
    assert before == call.extensive(ContentSelector.from_json(body["contentSelector"]), emu.clock.now())
    emu.clock.set(call.enriched_at)
    after = served()
    assert {"brief", "keyPoints", "topics"} == set(after["content"])
    comments = after["collaboration"]["publicComments"]
    assert comments and after == call.extensive(ContentSelector.from_json(body["contentSelector"]))
    # Every comment was posted by the time it appears.
    assert all(datetime.fromisoformat(c["posted"]) <= call.enriched_at for c in comments)


def test_most_calls_are_enriched_when_listed(company: Company) -> None:
    calls = list(company.calls())
    late = [c for c in calls if c.enriched_at > c.visible_at]
    assert 0 < len(late) < 0.2 * len(calls)  # the default share, 0.1
    assert all(timedelta(hours=2) <= c.enriched_at - c.visible_at <= timedelta(hours=48) for c in late)


def test_the_emulator_knows_the_same_content_selector_vocabulary_as_the_connector():
    """The emulator keeps its own copy of Gong's `contentSelector` vocabulary (it imports nothing
    of the source); a flag one side knows and the other does not would be ignored or refused."""
    from gong_emulator import selector
    from gong_source import settings

    assert selector.CONTEXT_LEVELS == settings.CONTEXT_LEVELS
    assert selector.CONTEXT_TIMINGS == settings.CONTEXT_TIMINGS
    assert selector.CONTENT_FLAGS == settings.CONTENT_FIELDS
    assert selector.INTERACTION_FLAGS == settings.INTERACTION_FIELDS
