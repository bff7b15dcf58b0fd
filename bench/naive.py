"""The naive client the request measure compares against: one request per call per endpoint.

This is what a connector written from Gong's docs without batching does: list the calls, then
ask for each call's details and each call's transcript by its id.
"""

from __future__ import annotations

from datetime import datetime

import httpx

from gong_source import settings
from gong_source.timestamps import to_gong_filter


def naive_requests(base_url: str, auth: tuple[str, str], windows: list[tuple[datetime, datetime]]) -> int:
    """Load the same windows the naive way against the emulator; returns requests sent."""
    sent = 0
    with httpx.Client(base_url=base_url, auth=auth, timeout=60) as http:

        def call(method: str, path: str, **kwargs: object) -> dict:
            nonlocal sent
            sent += 1
            response = http.request(method, path, **kwargs)  # type: ignore[arg-type]
            if response.status_code == 404:
                return {}
            response.raise_for_status()
            return response.json()

        call("GET", settings.WORKSPACES_PATH)
        cursor = None
        while True:
            body = call("GET", settings.USERS_PATH, params={"cursor": cursor} if cursor else {})
            cursor = (body.get("records") or {}).get("cursor")
            if not cursor:
                break
        for start, end in windows:
            ids: list[str] = []
            params = {"fromDateTime": to_gong_filter(start), "toDateTime": to_gong_filter(end)}
            cursor = None
            while True:
                body = call(
                    "GET", settings.CALLS_PATH, params={**params, **({"cursor": cursor} if cursor else {})}
                )
                ids += [c["id"] for c in body.get("calls", [])]
                cursor = (body.get("records") or {}).get("cursor")
                if not cursor:
                    break
            for call_id in ids:
                call(
                    "POST",
                    settings.CALLS_EXTENSIVE_PATH,
                    json={
                        "filter": {"callIds": [call_id]},
                        "contentSelector": settings.EXTENSIVE_CONTENT_SELECTOR,
                    },
                )
                call("POST", settings.CALLS_TRANSCRIPT_PATH, json={"filter": {"callIds": [call_id]}})
    return sent
