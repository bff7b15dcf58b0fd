"""The company endpoints: workspaces and users."""

from __future__ import annotations

import re

from gong_emulator.cursors import fingerprint
from gong_emulator.exchange import Exchange
from gong_emulator.routes import Answer, Api, Route


def workspaces(api: Api, ex: Exchange, _: re.Match[str]) -> Answer:
    """GET /v2/workspaces: every workspace, no paging."""
    return 200, {"workspaces": api.company.workspaces}


def users(api: Api, ex: Exchange, _: re.Match[str]) -> Answer:
    """GET /v2/users: every user, 100 a page (the cursor is a query parameter)."""
    fp = fingerprint("GET /v2/users", ex.inputs())
    records, page = api.pager.items(ex, api.company.users, fp)
    return 200, {"records": records, "users": list(page)}


USER_ROUTES: list[Route] = [
    ("GET", r"/v2/workspaces", workspaces),
    ("GET", r"/v2/users", users),
]
