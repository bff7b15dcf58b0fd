"""The settings endpoints: scorecard and tracker definitions (no paging, no ``records``)."""

from __future__ import annotations

import re

from gong_emulator.exchange import Exchange
from gong_emulator.routes import Answer, Api, Route


def scorecards(api: Api, ex: Exchange, _: re.Match[str]) -> Answer:
    """GET /v2/settings/scorecards: every scorecard with its questions (200 with [] if none)."""
    return 200, {"scorecards": api.company.scorecards}


def trackers(api: Api, ex: Exchange, _: re.Match[str]) -> Answer:
    """GET /v2/settings/trackers[?workspaceId=]: keyword trackers, keywords per language."""
    workspace = ex.query.get("workspaceId")
    found = [t for t in api.company.tracker_settings if workspace is None or t["workspaceId"] == workspace]
    return 200, {"keywordTrackers": found}


SETTINGS_ROUTES: list[Route] = [
    ("GET", r"/v2/settings/scorecards", scorecards, "api:settings:scorecards:read"),
    ("GET", r"/v2/settings/trackers", trackers, "api:settings:trackers:read"),
]
