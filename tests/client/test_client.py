"""The client against the emulator: pagination, empty 404s, retries, waits, budget and pacing."""

from __future__ import annotations

import threading
import time
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from gong_emulator import FaultPlan
from gong_source import GongClient, GongConfig, RateLimiter, RequestBudget
from gong_source.errors import (
    GongAuthError,
    GongBudgetExhausted,
    GongNotFoundError,
    GongQuotaExhausted,
    GongRequestError,
    GongResponseError,
    GongServerError,
)
from gong_source.timestamps import to_gong_filter
from tests.support import NOW, RecordedSleep, client_for, emulator, small_spec

WIDE = {"fromDateTime": "2000-01-01T00:00:00Z", "toDateTime": to_gong_filter(NOW)}


def test_get_pagination_puts_the_cursor_in_the_query_and_keeps_the_filter():
    with emulator() as emu, client_for(emu) as client:
        pages = list(client.paginate("GET", "/v2/calls", params=WIDE, items_key="calls"))
        expected = [c.call_id for c in emu.company.calls() if c.visible_at <= emu.clock.now()]
        got = [call["id"] for page in pages for call in page.items]
        assert got == expected and len(expected) > 200
        assert [len(p.items) for p in pages] == [100, 100, len(expected) - 200]
        queries = [r.query for r in emu.requests]
        assert "cursor" not in queries[0]
        assert all(q["cursor"] and {k: q[k] for k in WIDE} == WIDE for q in queries[1:])
        assert len(emu.requests) == len(pages) == 3


def test_post_pagination_puts_the_cursor_at_the_top_of_the_body():
    with emulator() as emu, client_for(emu) as client:
        body = {"filter": dict(WIDE)}
        pages = list(client.paginate("POST", "/v2/calls/transcript", json=body, items_key="callTranscripts"))
        assert len(pages) >= 3
        bodies = [r.json_body for r in emu.requests]
        assert bodies[0] == body
        assert all(b["filter"] == body["filter"] and b["cursor"] for b in bodies[1:])
        assert all("cursor" not in b["filter"] for b in bodies)


def test_404_empty_result_is_empty_but_other_404s_are_errors():
    empty = {"fromDateTime": "2001-01-01T00:00:00Z", "toDateTime": "2001-01-02T00:00:00Z"}
    with emulator() as emu, client_for(emu) as client:
        assert client.get("/v2/calls", empty) is None
        assert list(client.paginate("GET", "/v2/calls", params=empty, items_key="calls")) == []
        with pytest.raises(GongNotFoundError) as raised:
            client.get("/v2/calls/894411314421502864")
        message = str(raised.value)
        assert "HTTP 404" in message and "was not found" in message
        assert emu.requests[-1].request_id in message


def test_429_waits_exactly_retry_after():
    sleep = RecordedSleep()
    with (
        emulator(faults=FaultPlan(schedule={1: "429", 2: "429"}, retry_after_seconds=7)) as emu,
        client_for(emu, sleep=sleep) as client,
    ):
        assert client.get("/v2/workspaces")["workspaces"]
        assert [r.status for r in emu.requests] == [429, 429, 200]
        assert [w for w in sleep.waits if w > 0.01] == [7.0, 7.0]
        assert client.stats.throttled == 2 and client.stats.retries == 2


def test_5xx_burst_recovers_with_capped_exponential_backoff():
    sleep = RecordedSleep()
    with (
        emulator(faults=FaultPlan(schedule={1: "500", 2: "503", 3: "502"})) as emu,
        client_for(emu, sleep=sleep, max_attempts=5) as client,
    ):
        assert client.get("/v2/users")["users"]
        assert [r.status for r in emu.requests] == [500, 503, 502, 200]
        backoffs = [w for w in sleep.waits if w > 0.01]
        assert len(backoffs) == 3
        for attempt, wait in enumerate(backoffs):
            assert 2**attempt / 2 <= wait <= 2**attempt  # full jitter in [ceiling/2, ceiling]


def test_5xx_that_outlasts_every_retry_fails_with_one_line():
    with (
        emulator(faults=FaultPlan(schedule={n: "500" for n in range(1, 10)})) as emu,
        client_for(emu, max_attempts=3) as client,
        pytest.raises(GongServerError) as raised,
    ):
        client.get("/v2/workspaces")
    assert len(emu.requests) == 3
    assert "GET /v2/workspaces: HTTP 500" in str(raised.value) and "\n" not in str(raised.value)


@pytest.mark.parametrize("fault", ["drop", "truncate"])
def test_dropped_and_truncated_responses_are_retried(fault):
    with emulator(faults=FaultPlan(schedule={1: fault})) as emu, client_for(emu) as client:
        assert client.get("/v2/users")["users"]
        assert len(emu.requests) == 2 and client.stats.retries == 1


def test_slow_response_past_the_timeout_is_retried():
    with (
        emulator(faults=FaultPlan(schedule={1: "slow"}, slow_seconds=2.0)) as emu,
        client_for(emu, timeout_seconds=0.5) as client,
    ):
        assert client.get("/v2/workspaces")["workspaces"]
        # The emulator logs the slow request only when its sleep ends; the client saw it time out.
        assert client.stats.transport_errors == 1 and client.stats.requests == 2


def test_daily_budget_stops_before_the_request_that_would_cross_it():
    with emulator() as emu:
        config = GongConfig(
            access_key=emu.access_key, access_key_secret=emu.access_key_secret, base_url=emu.base_url
        )
        client = GongClient(config, limiter=RateLimiter(1000), budget=RequestBudget(limit=5, used=3))
        with client, pytest.raises(GongBudgetExhausted, match="daily request budget of 5"):
            list(client.paginate("GET", "/v2/calls", params=WIDE, items_key="calls"))
        assert len(emu.requests) == 2


def test_retry_after_beyond_the_ceiling_stops_at_once():
    spec = small_spec(n_calls=5)
    with emulator(spec, daily_quota=2) as emu, client_for(emu, max_retry_after_seconds=300) as client:
        client.get("/v2/workspaces")
        client.get("/v2/workspaces")
        with pytest.raises(GongQuotaExhausted, match="quota is spent"):
            client.get("/v2/workspaces")
        assert [r.status for r in emu.requests] == [200, 200, 429]


def test_wrong_secret_is_a_one_line_auth_error_without_the_secret():
    secret = "wrong-secret-1234567890"
    with emulator() as emu, client_for(emu, access_key_secret=secret) as client:
        with pytest.raises(GongAuthError) as raised:
            client.get("/v2/workspaces")
        message = str(raised.value)
        assert "HTTP 401" in message and "SOURCES__GONG__ACCESS_KEY" in message and "requestId" in message
        assert secret not in message and "\n" not in message
        assert len(emu.requests) == 1  # never retried


def test_burst_of_30_from_many_threads_stays_at_3_per_second_with_no_429():
    with emulator(rate_limit_per_second=3.0, burst=3) as emu:
        config = GongConfig(
            access_key=emu.access_key, access_key_secret=emu.access_key_secret, base_url=emu.base_url
        )
        client = GongClient(config, limiter=RateLimiter(3.0))
        with client:
            threads = [
                threading.Thread(target=lambda: [client.get("/v2/workspaces") for _ in range(5)])
                for _ in range(6)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        times = sorted(r.received_at for r in emu.requests)
        assert len(times) == 30 and all(r.status == 200 for r in emu.requests)
        # 30 requests at 3/s: the 30th comes at least 29 intervals after the first,
        # and no one-second span holds more than 3 (+1 for scheduling jitter at its edge).
        assert times[-1] - times[0] >= 29 / 3 - 0.05
        assert max(sum(1 for t in times if start <= t < start + 1.0) for start in times) <= 4


def test_a_cursor_or_url_in_a_response_cannot_move_requests_to_another_host():
    seen_hosts: list[str] = []

    def gong(request: httpx.Request) -> httpx.Response:
        seen_hosts.append(request.url.host)
        cursor = parse_qs(urlsplit(str(request.url)).query).get("cursor")
        if not cursor:
            return httpx.Response(
                200, json={"records": {"cursor": "https://evil.example/steal"}, "users": [{}]}
            )
        return httpx.Response(200, json={"records": {}, "users": [{}]})

    config = GongConfig(access_key="k", access_key_secret="s", base_url="https://us-1.api.gong.io")
    client = GongClient(config, limiter=RateLimiter(1000), transport=httpx.MockTransport(gong))
    with client:
        assert len(list(client.paginate("GET", "/v2/users", items_key="users"))) == 2
        with pytest.raises(GongRequestError, match="only paths on the configured host"):
            client.get("https://evil.example/v2/users")
    assert seen_hosts == ["us-1.api.gong.io", "us-1.api.gong.io"]


def test_a_repeated_cursor_is_an_error_not_an_endless_loop():
    def gong(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"records": {"cursor": "same"}, "calls": [{"id": "1"}]})

    config = GongConfig(access_key="k", access_key_secret="s", base_url="https://api.gong.io")
    client = GongClient(config, limiter=RateLimiter(1000), transport=httpx.MockTransport(gong))
    started = time.monotonic()
    with client, pytest.raises(GongResponseError, match="already returned"):
        list(client.paginate("POST", "/v2/calls/extensive", json={"filter": {}}, items_key="calls"))
    assert time.monotonic() - started < 5


def test_an_oauth_bearer_token_works_instead_of_the_key_pair():
    with emulator() as emu:
        token = emu.bearer_tokens[0]
        config = GongConfig(bearer_token=token, base_url=emu.base_url)
        with GongClient(config, limiter=RateLimiter(1000)) as client:
            assert client.get("/v2/workspaces")["workspaces"]
        assert emu.requests[-1].headers["authorization"] == f"Bearer {token}"
        wrong = GongConfig(bearer_token="not-the-token-123", base_url=emu.base_url)
        with GongClient(wrong, limiter=RateLimiter(1000)) as client, pytest.raises(GongAuthError):
            client.get("/v2/workspaces")


def _answering(*bodies: bytes, max_attempts: int = 3) -> tuple[GongClient, list[httpx.Request]]:
    """A client whose Gong answers 200 with these raw bodies in turn (the last one repeats)."""
    seen: list[httpx.Request] = []

    def gong(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = bodies[min(len(seen), len(bodies)) - 1]
        return httpx.Response(200, content=body, headers={"content-type": "application/json;charset=UTF-8"})

    config = GongConfig(
        access_key="k", access_key_secret="s", base_url="https://api.gong.io", max_attempts=max_attempts
    )
    client = GongClient(
        config, limiter=RateLimiter(1000), sleep=RecordedSleep(), transport=httpx.MockTransport(gong)
    )
    return client, seen


@pytest.mark.parametrize("keep_number_text", [False, True])
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (rb'{"users": [{"id": "1", "firstName": "x\ud800y"}]}', "x\ufffdy"),  # a lone surrogate escape
        (rb'{"users": [{"id": "1", "firstName": "\udc00"}]}', "\ufffd"),
        (b'{"users": [{"id": "1", "firstName": "Caf\xe9"}]}', "Caf\ufffd"),  # Latin-1, not UTF-8
        (b'\xef\xbb\xbf{"users": [{"id": "1", "firstName": "Bo"}]}', "Bo"),  # a byte-order mark
    ],
)
def test_whole_json_that_is_not_clean_unicode_is_read_once_with_replacements(
    body, expected, keep_number_text
):
    client, seen = _answering(body)
    with client:
        (page,) = client.paginate("GET", "/v2/users", items_key="users", keep_number_text=keep_number_text)
    assert page.items == [{"id": "1", "firstName": expected}]
    assert len(seen) == 1 and client.stats.retries == 0
    assert client.stats.repaired_responses == (expected != "Bo")


def test_a_valid_surrogate_pair_is_one_character_and_no_repair():
    client, _ = _answering(rb'{"users": [{"id": "1", "firstName": "\ud83d\ude00"}]}')
    with client:
        assert client.get("/v2/users")["users"][0]["firstName"] == "\U0001f600"
    assert client.stats.repaired_responses == 0


@pytest.mark.parametrize("keep_number_text", [False, True])
def test_a_truncated_body_is_still_retried_and_then_fails_in_one_line(keep_number_text):
    whole = b'{"users": [{"id": "1", "firstName": "Caf\xe9"}]}'
    client, seen = _answering(whole[:30], whole[:-1], whole)
    with client:
        users = client.fetch_all("GET", "/v2/users", items_key="users", keep_number_text=keep_number_text)
    assert users == [{"id": "1", "firstName": "Caf\ufffd"}] and len(seen) == 3
    client, seen = _answering(whole[:30], max_attempts=2)
    with client, pytest.raises(GongResponseError) as raised:
        client.get("/v2/users")
    assert "HTTP 200 but the body is not complete JSON (30 bytes)" in str(raised.value) and len(seen) == 2
    assert "\n" not in str(raised.value)
