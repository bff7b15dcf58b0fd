"""Each action's success path against the emulator, checked against the company's ground truth."""

from __future__ import annotations

from datetime import UTC, datetime

from gong_actions import (
    get_extensive_data,
    list_calls,
    list_workspace_id_options,
    retrieve_transcripts_of_calls,
)
from gong_emulator import Company, CompanySpec, ContentSelector, GongEmulator
from gong_source.client import GongClient

from .conftest import END, START, WINDOW, client_for, truth


def _ids(items: list[dict], key: str = "id") -> list[str]:
    return [item[key] for item in items]


# -------------------------------------------------------------------------- workspaces
def test_list_workspace_id_options(emu: GongEmulator, client: GongClient, shared_company: Company) -> None:
    out = list_workspace_id_options(client)
    assert out.success and out.error is None
    assert [w.model_dump() for w in out.workspaces] == [
        {"id": w["id"], "name": w["name"]} for w in shared_company.workspaces
    ]
    assert [(r.method, r.path) for r in emu.requests] == [("GET", "/v2/workspaces")]


# -------------------------------------------------------------------------- list_calls
def test_list_calls_pages_with_gongs_cursor(
    emu: GongEmulator, client: GongClient, shared_company: Company
) -> None:
    expected = truth(shared_company)
    assert len(expected) == 250
    seen: list[dict] = []
    cursor = None
    pages = 0
    while True:
        out = list_calls(client, **WINDOW, cursor=cursor)
        assert out.success and out.error is None and out.request_id
        seen.extend(out.calls)
        pages += 1
        cursor = out.cursor
        if cursor is None:
            break
    assert pages == 3
    assert _ids(seen) == [c.call_id for c in expected]
    assert seen == [c.metadata() for c in expected]
    requests = emu.requests
    assert [r.status for r in requests] == [200, 200, 200]
    assert requests[0].query == {"fromDateTime": "2025-03-01T00:00:00Z", "toDateTime": "2025-05-01T00:00:00Z"}
    assert "cursor" in requests[1].query and requests[1].query["fromDateTime"] == "2025-03-01T00:00:00Z"


def test_list_calls_sends_the_window_in_utc(
    emu: GongEmulator, client: GongClient, shared_company: Company
) -> None:
    out = list_calls(
        client, from_date_time="2025-04-01T00:00:00-07:00", to_date_time="2025-04-08T00:00:00-07:00"
    )
    assert out.success
    start, end = datetime(2025, 4, 1, 7, tzinfo=UTC), datetime(2025, 4, 8, 7, tzinfo=UTC)
    expected = truth(shared_company, start, end)
    assert 0 < len(expected) <= 100
    assert _ids(out.calls) == [c.call_id for c in expected] and out.cursor is None
    assert emu.requests[0].query == {
        "fromDateTime": "2025-04-01T07:00:00Z",
        "toDateTime": "2025-04-08T07:00:00Z",
    }


def test_list_calls_empty_window_is_success_with_no_calls(emu: GongEmulator, client: GongClient) -> None:
    out = list_calls(client, from_date_time="2020-01-01T00:00:00Z", to_date_time="2020-02-01T00:00:00Z")
    assert out.model_dump() == {
        "success": True,
        "error": None,
        "request_id": None,
        "cursor": None,
        "calls": [],
    }
    assert [r.status for r in emu.requests] == [404]  # Gong's "No calls found" answer


def test_list_calls_without_a_window_lists_from_the_earliest_call(
    client: GongClient, shared_company: Company
) -> None:
    out = list_calls(client)
    assert out.success and out.cursor
    assert _ids(out.calls) == [c.call_id for c in truth(shared_company)[:100]]


# ---------------------------------------------------------------------- extensive data
def test_get_extensive_data_paginates_past_100(
    emu: GongEmulator, client: GongClient, shared_company: Company
) -> None:
    out = get_extensive_data(client, **WINDOW)
    assert out.success and out.error is None
    expected = truth(shared_company)
    assert [c["metaData"] for c in out.calls] == [c.metadata() for c in expected]
    assert [r.path for r in emu.requests] == ["/v2/calls/extensive"] * 3
    bodies = [r.json_body for r in emu.requests]
    assert bodies[0] == {
        "filter": {"fromDateTime": "2025-03-01T00:00:00Z", "toDateTime": "2025-05-01T00:00:00Z"}
    }
    assert "cursor" not in bodies[0] and all(b["cursor"] for b in bodies[1:])
    assert all(b["filter"] == bodies[0]["filter"] for b in bodies)
    assert all(set(c) == {"metaData"} for c in out.calls)  # nothing exposed: metaData only


def test_get_extensive_data_stops_at_max_results(
    emu: GongEmulator, client: GongClient, shared_company: Company
) -> None:
    out = get_extensive_data(client, **WINDOW, max_results=150)
    assert out.success
    assert len(out.calls) == 150
    assert [c["metaData"]["id"] for c in out.calls] == [c.call_id for c in truth(shared_company)[:150]]
    assert len(emu.requests) == 2

    emu.clear_requests()
    exact = get_extensive_data(client, **WINDOW, max_results=100)
    assert len(exact.calls) == 100 and len(emu.requests) == 1

    emu.clear_requests()
    default = get_extensive_data(client)  # default max_results 600 > 250 calls
    assert len(default.calls) == 250 and len(emu.requests) == 3


def test_get_extensive_data_maps_every_parameter(
    emu: GongEmulator, client: GongClient, shared_company: Company
) -> None:
    calls = truth(shared_company)
    user = calls[0].primary_user_id
    workspace = calls[0].workspace_id
    wanted = [c for c in calls if c.primary_user_id == user and c.workspace_id == workspace]
    content = {
        "brief": True,
        "topics": True,
        "trackers": True,
        "trackerOccurrences": True,
        "keyPoints": False,
    }
    out = get_extensive_data(
        client,
        **WINDOW,
        workspace_id=workspace,
        call_ids=[c.call_id for c in calls[:120]],
        primary_user_ids=[user],
        context="Extended",
        context_timing=["Now", "TimeOfCall"],
        include_parties=True,
        exposed_fields_content=content,
        exposed_fields_interaction={"speakers": True, "personInteractionStats": True, "questions": True},
        include_public_comments=True,
        include_media=True,
    )
    assert out.success, out.error
    assert out.calls
    first_120 = {c.call_id for c in calls[:120]}
    assert [c["metaData"]["id"] for c in out.calls] == [c.call_id for c in wanted if c.call_id in first_120]
    body = emu.requests[0].json_body
    assert body["filter"]["workspaceId"] == workspace and body["filter"]["primaryUserIds"] == [user]
    assert len(body["filter"]["callIds"]) == 100  # 120 ids: batches of 100 and 20
    assert [len(r.json_body["filter"]["callIds"]) for r in emu.requests] == [100, 20]
    assert body["contentSelector"] == {
        "context": "Extended",
        "contextTiming": ["Now", "TimeOfCall"],
        "exposedFields": {
            "parties": True,
            "content": content,
            "interaction": {"speakers": True, "personInteractionStats": True, "questions": True},
            "collaboration": {"publicComments": True},
            "media": True,
        },
    }
    selector = ContentSelector.from_json(body["contentSelector"])
    for got in out.calls:
        reference = shared_company.call(got["metaData"]["id"]).extensive(selector, emu.clock.now())
        assert {k: v for k, v in got.items() if k != "media"} == {
            k: v for k, v in reference.items() if k != "media"
        }
        assert got["media"]["audioUrl"].startswith("https://")


def test_get_extensive_data_empty_result_is_success(client: GongClient) -> None:
    out = get_extensive_data(
        client, from_date_time="2020-01-01T00:00:00Z", to_date_time="2020-01-02T00:00:00Z"
    )
    assert out.success and out.calls == [] and out.error is None


# ------------------------------------------------------------------------- transcripts
def test_retrieve_transcripts_by_call_ids(
    emu: GongEmulator, client: GongClient, shared_company: Company
) -> None:
    calls = truth(shared_company)[:5]
    out = retrieve_transcripts_of_calls(client, call_ids=[c.call_id for c in calls])
    assert out.success and out.error is None
    assert out.call_transcripts == [c.transcript() for c in calls]
    assert [r.json_body for r in emu.requests] == [{"filter": {"callIds": [c.call_id for c in calls]}}]


def test_retrieve_transcripts_by_window(
    emu: GongEmulator, client: GongClient, shared_company: Company
) -> None:
    workspace = shared_company.workspaces[0]["id"]
    out = retrieve_transcripts_of_calls(client, **WINDOW, workspace_id=workspace)
    assert out.success
    expected = [c for c in truth(shared_company) if c.workspace_id == workspace]
    assert _ids(out.call_transcripts, "callId") == [c.call_id for c in expected]
    assert all(r.json_body["filter"]["workspaceId"] == workspace for r in emu.requests)


def test_retrieve_transcripts_batches_and_paginates_more_than_100_ids(make_emulator) -> None:
    spec = CompanySpec(seed=5, n_calls=250, sentences_per_call=3, start=START, end=END)
    emu = make_emulator(spec, page_size=40)
    calls = truth(emu.company)
    ids = [c.call_id for c in reversed(calls)] + [calls[0].call_id]  # 250 ids plus a repeat
    with client_for(emu) as client:
        out = retrieve_transcripts_of_calls(client, call_ids=ids)
    assert out.success, out.error
    assert sorted(_ids(out.call_transcripts, "callId")) == sorted(c.call_id for c in calls)
    requests = emu.requests
    sizes = [len(r.json_body["filter"]["callIds"]) for r in requests]
    assert all(size <= 100 for size in sizes)
    # batches of 100, 100 and 50 ids, each read in pages of 40: 3 + 3 + 2 requests
    assert sizes == [100] * 6 + [50] * 2
    assert [bool(r.json_body.get("cursor")) for r in requests] == [False, True, True] * 2 + [False, True]
    assert all(r.status == 200 for r in requests)


def test_retrieve_transcripts_of_unknown_calls_is_success_with_none(client: GongClient) -> None:
    out = retrieve_transcripts_of_calls(client, call_ids=["1234"])
    assert out.success and out.call_transcripts == []
