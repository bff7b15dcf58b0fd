"""add_new_call end to end: the upload, its duplicate guard, and the call showing up afterwards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gong_actions import add_new_call, list_calls, retrieve_transcripts_of_calls
from gong_emulator import FaultPlan, GongEmulator

from .conftest import client_for

WINDOW = {"from_date_time": "2025-04-15T00:00:00Z", "to_date_time": "2025-04-16T00:00:00Z"}


def _call(emu: GongEmulator, **changes: Any) -> dict[str, Any]:
    host = emu.company.users[1]
    values: dict[str, Any] = {
        "client_unique_id": "crm-call-0001",
        "actual_start": "2025-04-15T03:00:00-07:00",
        "direction": "Outbound",
        "primary_user": host["id"],
        "parties": [
            {"userId": host["id"], "name": f"{host['firstName']} {host['lastName']}", "partyId": "1"},
            {"emailAddress": "ann@prospect.example", "name": "Ann Prospect", "partyId": "2"},
        ],
        "title": "Discovery with Prospect",
        "duration": 1800,
    }
    values.update(changes)
    return values


def test_add_new_call_maps_every_parameter(make_emulator: Callable[..., GongEmulator]) -> None:
    emu = make_emulator()
    workspace = emu.company.workspaces[-1]["id"]
    params = _call(
        emu,
        purpose="Connector integration test",
        scheduled_start="2025-04-15T09:55:00Z",
        scheduled_end="2025-04-15T10:30:00Z",
        disposition="Connected",
        meeting_url="https://zoom.us/j/123",
        call_provider_code="zoom",
        download_media_url="https://media.example.com/call-0001.mp3",
        workspace_id=workspace,
        language_code="en-US",
    )
    with client_for(emu) as client:
        out = add_new_call(client, **params)
    assert out.success and out.error is None
    (request,) = emu.requests
    assert (request.method, request.path, request.status) == ("POST", "/v2/calls", 200)
    assert out.request_id == request.request_id
    assert request.json_body == {
        "clientUniqueId": "crm-call-0001",
        "actualStart": "2025-04-15T10:00:00Z",  # -07:00 folded into UTC: the same instant
        "direction": "Outbound",
        "primaryUser": params["primary_user"],
        "parties": params["parties"],
        "title": "Discovery with Prospect",
        "purpose": "Connector integration test",
        "scheduledStart": "2025-04-15T09:55:00Z",
        "scheduledEnd": "2025-04-15T10:30:00Z",
        "duration": 1800,
        "disposition": "Connected",
        "meetingUrl": "https://zoom.us/j/123",
        "callProviderCode": "zoom",
        "downloadMediaUrl": "https://media.example.com/call-0001.mp3",
        "workspaceId": workspace,
        "languageCode": "en-US",
    }
    stored = emu.company.call(out.call_id)
    assert stored.is_uploaded and stored.workspace_id == workspace


def test_duplicate_client_unique_id_and_the_call_appearing_later(
    make_emulator: Callable[..., GongEmulator],
) -> None:
    emu = make_emulator(upload_visibility_lag_seconds=600)
    before = len(emu.company)
    with client_for(emu) as client:
        added = add_new_call(client, **_call(emu))
        assert added.success and added.call_id
        call_id = added.call_id

        duplicate = add_new_call(client, **_call(emu, title="Posted twice"))
        assert duplicate.success is False and duplicate.call_id is None
        assert "HTTP 400" in duplicate.error
        assert (
            f"clientUniqueId 'crm-call-0001' has already been posted for the call {call_id}"
            in duplicate.error
        )
        assert duplicate.request_id == emu.requests[-1].request_id
        assert f"requestId {duplicate.request_id}" in duplicate.error
        assert len(emu.company) == before + 1

        # Gong shows an uploaded call only once its media is processed: not yet...
        assert call_id not in [c["id"] for c in list_calls(client, **WINDOW).calls]
        pending = retrieve_transcripts_of_calls(client, call_ids=[call_id])
        assert pending.success and pending.call_transcripts == []

        emu.clock.advance(601)  # ...but after the processing lag it is listed and transcribed
        listed = list_calls(client, **WINDOW)
        assert listed.success
        (mine,) = [c for c in listed.calls if c["id"] == call_id]
        assert mine["clientUniqueId"] == "crm-call-0001"
        assert mine["title"] == "Discovery with Prospect"
        assert mine["primaryUserId"] == _call(emu)["primary_user"]
        assert mine["started"].startswith("2025-04-15T03:00:00")  # read back in company time

        transcripts = retrieve_transcripts_of_calls(client, call_ids=[call_id])
        assert transcripts.success
        assert transcripts.call_transcripts == [emu.company.call(call_id).transcript()]
        assert transcripts.call_transcripts[0]["callId"] == call_id


def test_a_retried_upload_whose_answer_was_lost_is_not_a_duplicate(
    make_emulator: Callable[..., GongEmulator],
) -> None:
    """Gong stored the call but the answer was cut off: the retry's duplicate 400 is our own call."""
    emu = make_emulator(faults=FaultPlan(schedule={1: "truncate"}))
    before = len(emu.company)
    with client_for(emu) as client:
        out = add_new_call(client, **_call(emu))
        assert client.stats.retries == 1
    assert out.success, out.error
    assert [r.status for r in emu.requests] == [200, 400]
    assert len(emu.company) == before + 1
    (uploaded,) = [c for c in emu.company.calls() if c.is_uploaded]
    assert out.call_id == uploaded.call_id
    assert out.request_id == emu.requests[-1].request_id


def test_add_new_call_5xx_then_success(make_emulator: Callable[..., GongEmulator]) -> None:
    emu = make_emulator(faults=FaultPlan(schedule={1: "503"}))
    with client_for(emu) as client:
        out = add_new_call(client, **_call(emu))
    assert out.success and [r.status for r in emu.requests] == [503, 200]
    assert emu.company.call(out.call_id).is_uploaded
