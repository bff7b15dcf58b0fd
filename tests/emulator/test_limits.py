"""Gong's company-wide limits: the per-second token bucket and the daily quota."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo


def test_token_bucket_answers_429_with_retry_after(make_emulator: Any) -> None:
    emu, http = make_emulator(rate_limit_per_second=0.01, burst=2)  # refills one token per 100 s
    statuses = [http.get("/v2/workspaces").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    limited = http.get("/v2/users")  # the bucket is shared by every endpoint
    assert limited.status_code == 429
    assert limited.headers["content-type"] == "application/json; charset=utf-8"
    retry_after = limited.headers["Retry-After"]
    assert retry_after.isdigit() and 1 <= int(retry_after) <= 100
    body = limited.json()
    assert body["errors"] and limited.headers["x-traceid"] == body["requestId"]
    assert [r.status for r in emu.requests] == [200, 200, 429, 429]


def test_daily_quota_answers_429_until_company_midnight(make_emulator: Any) -> None:
    tz = ZoneInfo("America/Los_Angeles")
    noon = datetime(2025, 3, 10, 12, 0, tzinfo=tz)  # the day after the DST switch
    emu, http = make_emulator(daily_quota=2, clock_at=noon.astimezone(UTC))
    assert [http.get("/v2/workspaces").status_code for _ in range(2)] == [200, 200]
    limited = http.get("/v2/workspaces")
    assert limited.status_code == 429
    retry_after = int(limited.headers["Retry-After"])
    assert 11 * 3600 < retry_after <= 12 * 3600  # hours, not seconds: until local midnight
    emu.clock.advance(retry_after)
    assert http.get("/v2/workspaces").status_code == 200  # a new company day
    emu.clock.set(noon.astimezone(UTC) + timedelta(hours=1))
    assert http.get("/v2/workspaces").status_code == 429


def test_limits_are_off_by_default(client: Any) -> None:
    assert all(client.get("/v2/workspaces").status_code == 200 for _ in range(20))
