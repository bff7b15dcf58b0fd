"""Injected faults, each observed the way a real client would see it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from gong_emulator import FaultPlan

from .conftest import AUTH

WINDOW = {"fromDateTime": "2025-03-01T00:00:00Z", "toDateTime": "2025-05-01T00:00:00Z"}


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_scheduled_5xx(make_emulator: Any, status: int) -> None:
    emu, http = make_emulator(faults=FaultPlan(schedule={1: str(status)}))
    failed = http.get("/v2/workspaces")
    assert failed.status_code == status
    assert failed.json()["errors"] and failed.headers["x-traceid"] == failed.json()["requestId"]
    assert http.get("/v2/workspaces").status_code == 200
    assert [r.fault for r in emu.requests] == [str(status), None]


def test_5xx_bursts_are_consecutive_and_capped(make_emulator: Any) -> None:
    plan = FaultPlan(seed=1, p_5xx=1.0, burst_5xx=(3, 3), statuses_5xx=(503,), max_faults=3)
    _, http = make_emulator(faults=plan)
    assert [http.get("/v2/workspaces").status_code for _ in range(5)] == [503, 503, 503, 200, 200]


def test_429_storm_carries_the_planned_retry_after(make_emulator: Any) -> None:
    plan = FaultPlan(schedule={1: "429", 2: "429"}, retry_after_seconds=7)
    _, http = make_emulator(faults=plan)
    responses = [http.get("/v2/users") for _ in range(3)]
    assert [r.status_code for r in responses] == [429, 429, 200]
    assert responses[0].headers["Retry-After"] == "7"


def test_slow_response_trips_the_client_timeout(make_emulator: Any) -> None:
    emu, http = make_emulator(faults=FaultPlan(schedule={1: "slow"}, slow_seconds=1.5), timeout=0.2)
    with pytest.raises(httpx.ReadTimeout):
        http.get("/v2/workspaces")
    with httpx.Client(base_url=emu.base_url, auth=AUTH, timeout=10) as patient:
        assert patient.get("/v2/workspaces").status_code == 200


def test_dropped_connection(make_emulator: Any) -> None:
    emu, http = make_emulator(faults=FaultPlan(schedule={1: "drop"}))
    with pytest.raises(httpx.RemoteProtocolError):
        http.get("/v2/workspaces")
    assert http.get("/v2/workspaces").status_code == 200
    assert [(r.status, r.fault) for r in emu.requests] == [(None, "drop"), (200, None)]


def test_truncated_json(make_emulator: Any) -> None:
    emu, http = make_emulator(faults=FaultPlan(schedule={1: "truncate"}))
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        http.get("/v2/users")
    assert http.get("/v2/users").status_code == 200
    assert emu.requests[0].fault == "truncate"


def test_cursor_expiry_mid_window(make_emulator: Any) -> None:
    emu, http = make_emulator(faults=FaultPlan(schedule={1: "expire_cursor", 3: "expire_cursor"}))
    first = http.get("/v2/calls", params=WINDOW)  # no cursor: the scheduled fault does not apply
    assert first.status_code == 200
    cursor = first.json()["records"]["cursor"]
    assert http.get("/v2/calls", params={**WINDOW, "cursor": cursor}).status_code == 200
    expired = http.get("/v2/calls", params={**WINDOW, "cursor": cursor})
    assert expired.status_code == 400 and expired.json()["errors"] == ["cursor has expired"]
    assert [r.fault for r in emu.requests] == [None, None, "expire_cursor"]


def test_call_deleted_between_pages(make_emulator: Any) -> None:
    emu, http = make_emulator(faults=FaultPlan(schedule={2: "delete_between_pages"}))
    now = emu.clock.now()
    ordered = [c.call_id for c in emu.company.calls() if c.visible_at <= now]
    first = http.post("/v2/calls/extensive", json={"filter": WINDOW}).json()
    body = {"filter": WINDOW, "cursor": first["records"]["cursor"]}
    second = http.post("/v2/calls/extensive", json=body).json()
    page_one = [c["metaData"]["id"] for c in first["calls"]]
    page_two = [c["metaData"]["id"] for c in second["calls"]]
    (deleted,) = emu.deleted_call_ids
    assert deleted in page_one and deleted not in page_two
    assert http.get(f"/v2/calls/{deleted}").status_code == 404
    # Like Gong's offset cursor: every later call moved up one place, so the call that would
    # have opened page two now sits at the end of page one and is served by neither.
    remaining = [call_id for call_id in ordered if call_id != deleted]
    assert page_one == ordered[:100] and page_two == remaining[100:200]
    assert ordered[100] not in page_one + page_two
    assert emu.requests[1].fault == "delete_between_pages"


def test_faults_never_hit_requests_that_failed_auth(make_emulator: Any) -> None:
    emu, http = make_emulator(faults=FaultPlan(schedule={1: "500", 2: "500"}))
    assert httpx.get(f"{emu.base_url}/v2/workspaces").status_code == 401
    assert http.get("/v2/workspaces").status_code == 500  # request number 2
    assert [r.fault for r in emu.requests] == [None, "500"]


def test_random_plan_is_deterministic_and_mixed() -> None:
    plan = FaultPlan(
        seed=7, p_5xx=0.05, p_429=0.05, p_slow=0.02, p_drop=0.03, p_truncate=0.03, p_expire_cursor=0.2
    )
    decisions = [plan.decide(n, has_cursor=n % 2 == 0) for n in range(1, 2001)]
    again = FaultPlan(
        seed=7, p_5xx=0.05, p_429=0.05, p_slow=0.02, p_drop=0.03, p_truncate=0.03, p_expire_cursor=0.2
    )
    assert decisions == [again.decide(n, has_cursor=n % 2 == 0) for n in range(1, 2001)]
    kinds = set(decisions) - {None}
    assert {"429", "slow", "drop", "truncate", "expire_cursor"} <= kinds
    assert kinds & {"500", "502", "503"}
    assert all(d != "expire_cursor" for n, d in enumerate(decisions, 1) if n % 2)
    assert decisions != [
        FaultPlan(seed=8, **_probabilities(plan)).decide(n, has_cursor=n % 2 == 0) for n in range(1, 2001)
    ]
    assert 0.1 < sum(d is not None for d in decisions) / len(decisions) < 0.4
    assert all(FaultPlan.none().decide(n, has_cursor=True) is None for n in range(1, 500))


def _probabilities(plan: FaultPlan) -> dict[str, float]:
    return {
        k: getattr(plan, k) for k in ("p_5xx", "p_429", "p_slow", "p_drop", "p_truncate", "p_expire_cursor")
    }


def test_invalid_plans_are_rejected() -> None:
    with pytest.raises(ValueError):
        FaultPlan(schedule={1: "explode"})
    with pytest.raises(ValueError):
        FaultPlan(p_5xx=0.7, p_drop=0.7)


def test_the_fault_plan_and_the_secret_can_change_between_requests(make_emulator: Any) -> None:
    emu, http = make_emulator()
    assert http.get("/v2/workspaces").status_code == 200
    emu.faults = FaultPlan(schedule={2: "502", 3: "502"})
    assert [http.get("/v2/workspaces").status_code for _ in range(3)] == [502, 502, 200]
    emu.access_key_secret = "rotated"
    assert http.get("/v2/workspaces").status_code == 401
    rotated = httpx.get(f"{emu.base_url}/v2/workspaces", auth=(emu.access_key, "rotated"))
    assert rotated.status_code == 200
