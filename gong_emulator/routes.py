"""Routing: what a handler gets (``Api``), how routes are declared, and the 404/405 answers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from gong_emulator.clock import Clock
from gong_emulator.company import Company
from gong_emulator.exchange import ApiError, Exchange
from gong_emulator.paging import Pager


@dataclass
class Api:
    """The tenant and services every handler works with."""

    company: Company
    clock: Clock
    pager: Pager
    upload_visibility_lag_seconds: float = 0.0


Answer = tuple[int, dict[str, Any]]
Handler = Callable[[Api, Exchange, re.Match[str]], Answer]
#: (HTTP method, path regex matched in full, handler)
Route = tuple[str, str, Handler]


class Router:
    """First route whose method and path match; 405 naming the allowed methods, else 404."""

    def __init__(self, routes: Iterable[Route]) -> None:
        self._routes = [(method, re.compile(path), handler) for method, path, handler in routes]

    def dispatch(self, api: Api, ex: Exchange) -> Answer:
        allowed = []
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(ex.path)
            if match is None:
                continue
            if method == ex.method:
                return handler(api, ex, match)
            allowed.append(method)
        if allowed:
            raise ApiError(405, "Method Not Allowed", {"Allow": ", ".join(sorted(set(allowed)))})
        raise ApiError(404, f"No endpoint {ex.method} {ex.path}")
