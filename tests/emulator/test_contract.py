"""Contract tests: replay every recorded Gong exchange the emulator serves and compare shapes.

For each fixture: same status, same content-type, ``x-traceid == requestId``, and every key path
of the recorded body exists in the emulator's body with the same JSON type. List items are
compared as a union (a path must exist in at least one emulator item). A recorded ``null``
means the emulator key exists and is null or a string.
"""

from __future__ import annotations

import copy
import re
from collections import defaultdict
from typing import Any

import httpx
import orjson
import pytest

from gong_emulator import Company, CompanySpec, ContentSelector, GongEmulator
from gong_emulator.timefmt import parse_instant_ns, to_us
from tests.fixtures import RECORDED

from .conftest import AUTH, END, START

# (method, path regex) of every endpoint the emulator serves.
SERVED = [
    ("GET", r"/v2/calls"),
    ("POST", r"/v2/calls"),
    ("POST", r"/v2/calls/extensive"),
    ("POST", r"/v2/calls/transcript"),
    ("GET", r"/v2/calls/\d+"),
    ("PUT", r"/v2/calls/[^/]+/media"),
    ("GET", r"/v2/workspaces"),
    ("GET", r"/v2/users"),
    ("POST", r"/v2/users/extensive"),
    ("GET", r"/v2/settings/scorecards"),
    ("GET", r"/v2/settings/trackers"),
    ("POST", r"/v2/stats/interaction"),
    ("POST", r"/v2/stats/activity/day-by-day"),
    ("POST", r"/v2/stats/activity/scorecards"),
]
SNAPSHOTS = {
    "/v2/users",
    "/v2/workspaces",
    "/v2/users/extensive",
    "/v2/settings/scorecards",
    "/v2/settings/trackers",
}
ALL_EXPOSED = {
    "context": "Extended",
    "contextTiming": ["Now"],
    "exposedFields": {
        "parties": True,
        "content": {flag: True for flag in ContentSelector.everything().content},
        "interaction": {flag: True for flag in ContentSelector.everything().interaction},
        "collaboration": {"publicComments": True},
        "media": True,
    },
}


def _load(name: str) -> dict[str, Any]:
    return orjson.loads((RECORDED / name).read_bytes())


def _served(fixture: dict[str, Any]) -> bool:
    method, path = fixture.get("method"), fixture.get("path")
    return any(method == m and re.fullmatch(p, path or "") for m, p in SERVED)


HTTP_FIXTURES = sorted(
    p.name for p in RECORDED.glob("*.json") if "status" in _load(p.name) and _served(_load(p.name))
)


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def type_paths(value: Any, path: str = "$", out: dict[str, set[str]] | None = None) -> dict[str, set[str]]:
    """Every key path of a JSON value with the set of JSON types seen there."""
    out = defaultdict(set) if out is None else out
    out[path].add(json_type(value))
    if isinstance(value, dict):
        for key, item in value.items():
            type_paths(item, f"{path}.{key}", out)
    elif isinstance(value, list):
        for item in value:
            type_paths(item, f"{path}[]", out)
    return out


def shape_problems(recorded: Any, emulated: Any) -> list[str]:
    want, got = type_paths(recorded), type_paths(emulated)
    problems = []
    for path, types in sorted(want.items()):
        if path not in got:
            problems.append(f"{path}: missing in the emulator's body")
            continue
        for t in types:
            if t == "null":
                if not got[path] <= {"null", "string"}:
                    problems.append(f"{path}: recorded null, emulator has {sorted(got[path])}")
            elif t not in got[path]:
                problems.append(f"{path}: recorded {t}, emulator has {sorted(got[path])}")
    return problems


def assert_matches(fixture: dict[str, Any], response: httpx.Response) -> None:
    assert response.status_code == fixture["status"], response.text
    assert response.headers["content-type"] == fixture["headers"]["content-type"]
    body = response.json()
    assert response.headers["x-traceid"] == body["requestId"]
    assert re.fullmatch(r"[0-9a-z]{19}", body["requestId"])
    assert shape_problems(fixture["body"], body) == []
    if "errors" in fixture["body"]:
        assert body["errors"] == fixture["body"]["errors"]


def _window_misses_populated(fixture: dict[str, Any]) -> bool:
    """Whether the fixture's date window lies wholly outside the populated tenant's calls."""
    source = fixture["query"] or (fixture["request_body"] or {}).get("filter") or {}
    lo, hi = source.get("fromDateTime"), source.get("toDateTime")
    if lo is None and hi is None:
        return False
    lo_us = parse_instant_ns(lo)[0] // 1000 if lo else None
    hi_us = parse_instant_ns(hi)[0] // 1000 if hi else None
    return (lo_us is not None and lo_us >= to_us(END)) or (hi_us is not None and hi_us <= to_us(START))


@pytest.fixture(scope="module")
def empty_emulator() -> Any:
    with GongEmulator(Company(CompanySpec(n_calls=0, start=START, end=END))) as emu:
        yield emu


def _send(base_url: str, fixture: dict[str, Any], body: Any = None) -> httpx.Response:
    with httpx.Client(base_url=base_url, auth=AUTH, timeout=30) as http:
        return http.request(
            fixture["method"],
            fixture["path"],
            params=fixture["query"] or None,
            json=body if body is not None else fixture["request_body"],
        )


@pytest.mark.parametrize("name", HTTP_FIXTURES)
def test_replay_recorded_exchange(
    name: str, company: Company, emulator: GongEmulator, empty_emulator: GongEmulator, make_emulator: Any
) -> None:
    fixture = _load(name)
    method, path, status = fixture["method"], fixture["path"], fixture["status"]
    errors = fixture["body"].get("errors", [])
    if status == 404 and errors == ["No calls found corresponding to the provided filters"]:
        ids = ((fixture["request_body"] or {}).get("filter") or {}).get("callIds")
        if ids:  # non-existent ids: replay verbatim against the populated tenant
            for call_id in ids:
                with pytest.raises(KeyError):
                    company.call(call_id)
            assert_matches(fixture, _send(emulator.base_url, fixture))
        else:  # an empty tenant answers every empty-window request the same way
            assert_matches(fixture, _send(empty_emulator.base_url, fixture))
            if _window_misses_populated(fixture):
                assert_matches(fixture, _send(emulator.base_url, fixture))
    elif method == "GET" and re.fullmatch(r"/v2/calls/\d+", path):
        with pytest.raises(KeyError):
            company.call(path.rsplit("/", 1)[1])
        assert_matches(fixture, _send(emulator.base_url, fixture))
    elif method == "POST" and path == "/v2/calls" and status == 200:
        emu, _ = make_emulator()
        body = copy.deepcopy(fixture["request_body"])
        user_id = company.users[1]["id"]
        original = body["primaryUser"]
        body["primaryUser"] = user_id
        for party in body["parties"]:
            if party.get("userId") == original:
                party["userId"] = user_id
        response = _send(emu.base_url, fixture, body)
        assert_matches(fixture, response)
        assert re.fullmatch(r"\d{18,19}", response.json()["callId"])
    elif status == 200 and path in SNAPSHOTS:
        assert_matches(fixture, _send(emulator.base_url, fixture))
    elif status == 401 and errors and errors[0].startswith("You don't have permission to use"):
        emu, _ = make_emulator(granted_scopes=())  # an app granted no scope at all
        assert_matches(fixture, _send(emu.base_url, fixture))
    else:
        pytest.fail(f"no replay rule for served fixture {name}; add one")


def test_every_served_endpoint_has_a_fixture_replayed() -> None:
    covered = {(f["method"], f["path"].split("/")[2]) for f in map(_load, HTTP_FIXTURES)}
    assert {("GET", "users"), ("POST", "calls"), ("GET", "workspaces"), ("GET", "settings")} <= covered
    assert {("POST", "users"), ("POST", "stats")} <= covered


def _rich_call(company: Company, callData: dict[str, Any]) -> Any:
    """The first call whose full extensive object covers every key path of the webhook sample."""
    for call in company.calls():
        if not shape_problems(callData, call.extensive()):
            return call
    pytest.fail("no call in the tenant covers the webhook callData shape")


def test_webhook_call_data_matches_extensive_call(company: Company, client: httpx.Client) -> None:
    call_data = _load("webhook_call_completed.json")["body"]["callData"]
    call = _rich_call(company, call_data)
    response = client.post(
        "/v2/calls/extensive", json={"filter": {"callIds": [call.call_id]}, "contentSelector": ALL_EXPOSED}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json;charset=UTF-8"
    body = response.json()
    assert response.headers["x-traceid"] == body["requestId"]
    (item,) = body["calls"]
    assert shape_problems(call_data, item) == []
    # The HTTP answer is the ground truth apart from the re-signed media URLs.
    expected = call.extensive()
    assert {k: v for k, v in item.items() if k != "media"} == {
        k: v for k, v in expected.items() if k != "media"
    }
    assert set(item["media"]) == {"audioUrl", "videoUrl"}


def test_put_media_response_has_the_action_output_keys(company: Company, client: httpx.Client) -> None:
    fixture = _load("PUT_v2_calls_id_media.action_output.json")
    call_id = next(company.calls()).call_id
    response = client.put(
        f"/v2/calls/{call_id}/media", files={"mediaFile": ("call.mp3", b"ID3\x00", "audio/mpeg")}
    )
    assert response.status_code == 201
    assert response.headers["content-type"] == "application/json;charset=UTF-8"
    body = response.json()
    assert response.headers["x-traceid"] == body["requestId"]
    assert shape_problems(fixture["body"], body) == []
    assert body["callId"] == call_id
    assert re.fullmatch(rf"https://[a-z0-9-]+\.app\.gong\.io/call\?id={call_id}", body["url"])
