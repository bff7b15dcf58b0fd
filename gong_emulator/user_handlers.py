"""The company endpoints: workspaces and users (as they are at the emulator's ``now``)."""

from __future__ import annotations

import re

from gong_emulator.cursors import fingerprint
from gong_emulator.exchange import ApiError, Exchange, id_list
from gong_emulator.routes import Answer, Api, Route
from gong_emulator.timefmt import parse_instant_ns

NO_USERS = "No users found corresponding to the provided filters"


def workspaces(api: Api, ex: Exchange, _: re.Match[str]) -> Answer:
    """GET /v2/workspaces: every workspace, no paging."""
    return 200, {"workspaces": api.company.workspaces}


def users(api: Api, ex: Exchange, _: re.Match[str]) -> Answer:
    """GET /v2/users: every user, 100 a page (the cursor is a query parameter)."""
    fp = fingerprint("GET /v2/users", ex.inputs())
    records, page = api.pager.items(ex, api.company.users_at(api.clock.now()), fp)
    return 200, {"records": records, "users": list(page)}


def users_extensive(api: Api, ex: Exchange, _: re.Match[str]) -> Answer:
    """POST /v2/users/extensive: users by id and creation time (to exclusive); 404 when none."""
    source = ex.filter_object()
    ids = id_list(source, "userIds", "filter.")
    bounds = []
    for name in ("createdFromDateTime", "createdToDateTime"):
        raw = source.get(name)
        try:
            bounds.append(None if raw is None else parse_instant_ns(raw)[0])
        except ValueError:
            raise ApiError(400, f"filter.{name}: '{raw}' is not a valid ISO-8601 date-time") from None
    lo, hi = bounds
    found = [
        user
        for user in api.company.users_at(api.clock.now())
        if (ids is None or user["id"] in ids)
        and (lo is None or parse_instant_ns(user["created"])[0] >= lo)
        and (hi is None or parse_instant_ns(user["created"])[0] < hi)
    ]
    if not found:
        raise ApiError(404, NO_USERS)
    records, page = api.pager.items(ex, found, fingerprint("POST /v2/users/extensive", ex.inputs()))
    return 200, {"records": records, "users": list(page)}


USER_ROUTES: list[Route] = [
    ("GET", r"/v2/workspaces", workspaces, "api:workspaces:read"),
    ("GET", r"/v2/users", users, "api:users:read"),
    ("POST", r"/v2/users/extensive", users_extensive, "api:users:read"),
]
