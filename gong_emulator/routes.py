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
#: (HTTP method, path regex matched in full, handler, the API scope it needs)
Route = tuple[str, str, Handler, str]


@dataclass(frozen=True)
class Resolved:
    """A request's route: its handler and scope, or the 404/405 it will answer."""

    handler: Handler | None
    match: re.Match[str] | None
    scope: str | None
    error: ApiError | None

    def answer(self, api: Api, ex: Exchange) -> Answer:
        if self.error is not None:
            raise self.error
        assert self.handler is not None and self.match is not None
        return self.handler(api, ex, self.match)


class Router:
    """First route whose method and path match; 405 naming the allowed methods, else 404."""

    def __init__(self, routes: Iterable[Route]) -> None:
        self._routes = [(method, re.compile(path), handler, scope) for method, path, handler, scope in routes]

    def resolve(self, ex: Exchange) -> Resolved:
        allowed = []
        for method, pattern, handler, scope in self._routes:
            match = pattern.fullmatch(ex.path)
            if match is None:
                continue
            if method == ex.method:
                return Resolved(handler, match, scope, None)
            allowed.append(method)
        if allowed:
            error = ApiError(405, "Method Not Allowed", {"Allow": ", ".join(sorted(set(allowed)))})
        else:
            error = ApiError(404, f"No endpoint {ex.method} {ex.path}")
        return Resolved(None, None, None, error)
