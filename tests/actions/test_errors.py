"""The error model: every 4xx/5xx/429/transport failure is success=false with a useful one-line
error (status, Gong's message, requestId), never an exception, never the secret."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from gong_actions import (
    add_new_call,
    get_extensive_data,
    list_calls,
    list_workspace_id_options,
    retrieve_transcripts_of_calls,
)
from gong_emulator import CompanySpec, FaultPlan, GongEmulator
from gong_source.client import GongClient, RateLimiter
from gong_source.config import GongConfig
from tests.support import RecordedSleep

from .conftest import END, START, WINDOW, client_for

SECRET = "s3cr3t-Value-That-Must-Not-Leak"
PAGED_SPEC = CompanySpec(seed=4, n_calls=30, sentences_per_call=3, start=START, end=END)


def _every_action(user_id: str) -> list[tuple[str, Callable[[GongClient], Any]]]:
    party = [{"userId": user_id, "name": "Host"}]
    return [
        (
            "add_new_call",
            lambda c: add_new_call(
                c,
                client_unique_id="err-1",
                actual_start="2025-04-01T10:00:00Z",
                direction="Inbound",
                primary_user=user_id,
                parties=party,
            ),
        ),
        ("get_extensive_data", lambda c: get_extensive_data(c, **WINDOW)),
        ("list_calls", lambda c: list_calls(c, **WINDOW)),
        ("list_workspace_id_options", list_workspace_id_options),
        ("retrieve_transcripts_of_calls", lambda c: retrieve_transcripts_of_calls(c, **WINDOW)),
    ]


# -------------------------------------------------------------------------------- 401
def test_wrong_secret_is_a_401_that_never_shows_the_secret(emu: GongEmulator) -> None:
    user = emu.company.users[0]["id"]
    with client_for(emu, access_key_secret=SECRET) as client:
        for name, run in _every_action(user):
            out = run(client)
            assert out.success is False, name
            assert "HTTP 401" in out.error and "Unauthorized" in out.error, out.error
            assert "requestId " in out.error and "ACCESS_KEY_SECRET" in out.error
            assert "\n" not in out.error
            assert SECRET not in out.error and SECRET not in out.model_dump_json()
    assert len(emu.requests) == 5 and {r.status for r in emu.requests} == {401}  # 401 is not retried


# -------------------------------------------------------------------------------- 400
def test_gong_400_carries_status_message_and_request_id(emu: GongEmulator, client: GongClient) -> None:
    out = list_calls(client, **WINDOW, cursor="not-a-cursor-gong-issued")
    assert out.success is False and out.calls == [] and out.cursor is None
    (request,) = emu.requests
    assert request.status == 400
    assert out.error.startswith("GET /v2/calls: HTTP 400: ")
    assert f"requestId {request.request_id}" in out.error
    assert out.request_id == request.request_id


def test_add_new_call_400_from_gong(emu: GongEmulator, client: GongClient) -> None:
    out = add_new_call(
        client,
        client_unique_id="err-unknown-user",
        actual_start="2025-04-01T10:00:00Z",
        direction="Inbound",
        primary_user="999",
        parties=[{"userId": "999"}],
    )
    assert out.success is False and out.call_id is None
    assert "HTTP 400" in out.error and "primaryUser: user 999 was not found" in out.error
    assert out.request_id == emu.requests[0].request_id


# ------------------------------------------------------------------ 404 / 409 (mocked)
def _mocked_client(status: int, body: dict[str, Any], seen: list[httpx.Request]) -> GongClient:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, json=body, headers={"x-traceid": body.get("requestId", "")})

    config = GongConfig(access_key="k", access_key_secret=SECRET, base_url="https://us-1.api.gong.io")
    return GongClient(
        config, limiter=RateLimiter(1000), sleep=RecordedSleep(), transport=httpx.MockTransport(handler)
    )


def test_a_real_404_is_an_error_while_the_empty_result_404_is_not() -> None:
    seen: list[httpx.Request] = []
    missing = {"requestId": "5f1is09lflj186eqvv8", "errors": ["Call ID 894411314421502864 was not found"]}
    with _mocked_client(404, missing, seen) as client:
        out = get_extensive_data(client, call_ids=["894411314421502864"])
    assert out.success is False
    assert out.error == (
        "POST /v2/calls/extensive: HTTP 404: Call ID 894411314421502864 was not found "
        "(requestId 5f1is09lflj186eqvv8)"
    )
    assert len(seen) == 1

    empty = {
        "requestId": "2vpoxzuzrraar3iw4mn",
        "errors": ["No calls found corresponding to the provided filters"],
    }
    with _mocked_client(404, empty, seen) as client:
        assert retrieve_transcripts_of_calls(client, call_ids=["1"]).model_dump() == {
            "success": True,
            "error": None,
            "call_transcripts": [],
        }


def test_add_new_call_409_conflict() -> None:
    seen: list[httpx.Request] = []
    body = {"requestId": "abc123", "errors": ["recording is not enabled for the primary user"]}
    with _mocked_client(409, body, seen) as client:
        out = add_new_call(
            client,
            client_unique_id="c",
            actual_start="2025-04-01T10:00:00Z",
            direction="Unknown",
            primary_user="1",
            parties=[{"userId": "1"}],
        )
    assert out.model_dump() == {
        "success": False,
        "error": "POST /v2/calls: HTTP 409: recording is not enabled for the primary user (requestId abc123)",
        "request_id": "abc123",
        "call_id": None,
    }


# -------------------------------------------------------------------------------- 5xx
def test_5xx_is_retried_and_recovers(make_emulator: Callable[..., GongEmulator]) -> None:
    emu = make_emulator(faults=FaultPlan(schedule={1: "500"}))
    with client_for(emu) as client:
        out = list_workspace_id_options(client)
        assert out.success and len(out.workspaces) == len(emu.company.workspaces)
        assert client.stats.retries == 1
    assert [r.status for r in emu.requests] == [500, 200]


def test_5xx_in_the_middle_of_pagination_recovers(make_emulator: Callable[..., GongEmulator]) -> None:
    emu = make_emulator(PAGED_SPEC, page_size=10, faults=FaultPlan(schedule={2: "502", 4: "drop"}))
    with client_for(emu) as client:
        out = get_extensive_data(client, **WINDOW)
    assert out.success, out.error
    assert [c["metaData"]["id"] for c in out.calls] == [c.call_id for c in emu.company.calls()]
    assert [r.status for r in emu.requests] == [200, 502, 200, None, 200]


def test_5xx_that_outlasts_every_retry_is_reported(make_emulator: Callable[..., GongEmulator]) -> None:
    emu = make_emulator(faults=FaultPlan(schedule={1: "503", 2: "503", 3: "503"}))
    with client_for(emu) as client:
        out = retrieve_transcripts_of_calls(client, **WINDOW)
    assert out.success is False and out.call_transcripts == []
    last = emu.requests[-1]
    assert len(emu.requests) == 3 and last.status == 503
    assert out.error == (
        "POST /v2/calls/transcript: HTTP 503: Service Unavailable "
        f"(requestId {last.request_id}); still failing after every retry"
    )


def test_failure_on_a_later_page_returns_no_partial_result(
    make_emulator: Callable[..., GongEmulator],
) -> None:
    emu = make_emulator(PAGED_SPEC, page_size=10, faults=FaultPlan(schedule={2: "500", 3: "500", 4: "500"}))
    with client_for(emu) as client:
        out = get_extensive_data(client, **WINDOW)
    assert out.success is False and out.calls == []
    assert "HTTP 500" in out.error and "Internal server error occurred" in out.error


# -------------------------------------------------------------------------------- 429
def test_429_waits_retry_after_and_recovers(make_emulator: Callable[..., GongEmulator]) -> None:
    emu = make_emulator(faults=FaultPlan(schedule={1: "429", 2: "429"}, retry_after_seconds=7))
    with client_for(emu) as client:
        out = list_calls(client, **WINDOW)
        assert out.success and len(out.calls) == 30
        retry_waits = [w for w in client._sleep.waits if w > 0.01]  # not the limiter's pacing
        assert retry_waits == [7.0, 7.0]  # Gong's Retry-After, not our own backoff
        assert client.stats.throttled == 2
    assert [r.status for r in emu.requests] == [429, 429, 200]


def test_429_that_outlasts_every_retry_is_reported(make_emulator: Callable[..., GongEmulator]) -> None:
    emu = make_emulator(faults=FaultPlan(schedule={1: "429", 2: "429", 3: "429"}))
    with client_for(emu) as client:
        out = list_workspace_id_options(client)
    assert out.success is False and out.workspaces == []
    assert "HTTP 429: API request limit exceeded" in out.error and "still throttled" in out.error
    assert f"requestId {emu.requests[-1].request_id}" in out.error


def test_429_with_retry_after_beyond_the_ceiling_stops_at_once(
    make_emulator: Callable[..., GongEmulator],
) -> None:
    emu = make_emulator(faults=FaultPlan(schedule={1: "429"}, retry_after_seconds=3600))
    with client_for(emu) as client:
        out = get_extensive_data(client, **WINDOW)
        assert [w for w in client._sleep.waits if w > 0.01] == []  # no Retry-After sleep
    assert out.success is False and "quota is spent" in out.error and "3600" in out.error
    assert len(emu.requests) == 1


# -------------------------------------------------------------------------- transport
def test_unreachable_host_is_reported_not_raised() -> None:
    with socket.socket() as sock:  # a port nothing listens on once the socket is closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = GongConfig(
        access_key="k", access_key_secret=SECRET, base_url=f"http://127.0.0.1:{port}", max_attempts=2
    )
    with GongClient(config, limiter=RateLimiter(1000), sleep=RecordedSleep()) as client:
        out = list_workspace_id_options(client)
    assert out.success is False
    assert out.error == (
        "GET /v2/workspaces: could not connect (check SOURCES__GONG__BASE_URL); "
        "still failing after every retry"
    )


def test_unexpected_exceptions_are_reported_with_secrets_scrubbed(
    emu: GongEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    with client_for(emu, access_key_secret=SECRET) as client:

        def boom(*args: Any, **kwargs: Any) -> Any:
            raise RuntimeError(f"exploded while holding {SECRET}\nsecond line")

        monkeypatch.setattr(client, "request", boom)
        out = list_calls(client)
    assert out.success is False
    assert out.error == "unexpected RuntimeError: exploded while holding *** second line"


# ------------------------------------------------------------------- client=None (dlt)
def test_client_none_reads_the_dlt_configuration(
    emu: GongEmulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCES__GONG__ACCESS_KEY", emu.access_key)
    monkeypatch.setenv("SOURCES__GONG__ACCESS_KEY_SECRET", emu.access_key_secret)
    monkeypatch.setenv("SOURCES__GONG__BASE_URL", emu.base_url)
    monkeypatch.setenv("SOURCES__GONG__RATE_LIMIT_PER_SECOND", "1000")
    out = list_workspace_id_options()
    assert out.success and out.workspaces


def test_client_none_without_credentials_is_a_config_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("ACCESS_KEY", "ACCESS_KEY_SECRET", "BEARER_TOKEN"):
        monkeypatch.delenv(f"SOURCES__GONG__{name}", raising=False)
    out = list_calls()
    assert out.success is False and "credentials missing" in out.error
