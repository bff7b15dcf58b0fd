"""One HTTP exchange as the emulator sees it: the parsed request, Gong's error answer, and the
request-body parsing every handler shares (JSON objects, call filters, multipart parts)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from gong_emulator.model import CallFilter
from gong_emulator.timefmt import ceil_ns_to_us, parse_instant_ns

OK_CONTENT_TYPE = "application/json;charset=UTF-8"
ERROR_CONTENT_TYPE = "application/json; charset=utf-8"
NO_CALLS = "No calls found corresponding to the provided filters"
_ALNUM = "0123456789abcdefghijklmnopqrstuvwxyz"


def new_request_id() -> str:
    """19 lowercase alphanumerics, like Gong's ``requestId`` / ``x-traceid``."""
    return secrets.choice(_ALNUM[1:]) + "".join(secrets.choice(_ALNUM) for _ in range(18))


@dataclass
class RequestRecord:
    """One request as the emulator saw it (``status`` is None when the connection was dropped)."""

    method: str
    path: str
    query: dict[str, str]
    json_body: Any
    status: int | None
    received_at: float
    request_id: str
    fault: str | None
    headers: dict[str, str] = field(default_factory=dict)


class ApiError(Exception):
    """An error answer: status, Gong's message, optional extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass
class Exchange:
    """Parsed request plus what the pipeline decided about it."""

    number: int
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    raw_body: bytes
    json_body: Any
    request_id: str
    received_at: float
    fault: str | None = None
    fault_used: bool = False

    def record(self, status: int | None) -> RequestRecord:
        return RequestRecord(
            method=self.method,
            path=self.path,
            query=self.query,
            json_body=self.json_body,
            status=status,
            received_at=self.received_at,
            request_id=self.request_id,
            fault=self.fault,
            headers=self.headers,
        )

    @property
    def has_cursor(self) -> bool:
        return bool(self.query.get("cursor")) or (
            isinstance(self.json_body, dict) and bool(self.json_body.get("cursor"))
        )

    def json_object(self) -> dict[str, Any]:
        """The JSON body, which must be an object (415 for another content type, else 400)."""
        content_type = self.headers.get("content-type", "")
        if content_type and "json" not in content_type.lower():
            raise ApiError(415, "Unsupported Media Type")
        if not isinstance(self.json_body, dict):
            raise ApiError(400, "Bad request")
        return self.json_body

    def filter_object(self) -> dict[str, Any]:
        """The body's required ``filter`` object (400 when missing)."""
        source = self.json_object().get("filter")
        if not isinstance(source, dict):
            raise ApiError(400, "filter: must not be null")
        return source

    def inputs(self) -> dict[str, Any]:
        """Every request input but the cursor (what a cursor is bound to)."""
        source = self.json_body if self.method != "GET" and isinstance(self.json_body, dict) else self.query
        return {k: v for k, v in source.items() if k != "cursor"}

    def cursor(self) -> Any:
        """The pagination cursor: the query parameter for GET, the body field for POST."""
        source = self.query if self.method == "GET" else self.json_object()
        return source.get("cursor") or None


def id_list(source: dict[str, Any], name: str, prefix: str) -> frozenset[str] | None:
    """An optional non-empty array of ids (strings or numbers); 400 naming the field otherwise."""
    raw = source.get(name)
    if raw is None:
        return None
    if not isinstance(raw, list) or any(isinstance(x, bool) or not isinstance(x, str | int) for x in raw):
        raise ApiError(400, f"{prefix}{name}: must be an array of ids")
    if not raw:
        raise ApiError(400, f"{prefix}{name}: must not be empty")
    return frozenset(str(x) for x in raw)


def parse_call_filter(source: dict[str, Any], prefix: str, *, call_ids: bool, users: bool) -> CallFilter:
    """A call filter: ISO-8601 bounds (from inclusive, to exclusive), workspace, ids."""
    bounds: dict[str, int | None] = {}
    for name in ("fromDateTime", "toDateTime"):
        raw = source.get(name)
        if raw is None:
            bounds[name] = None
            continue
        try:
            bounds[name] = parse_instant_ns(raw)[0]
        except ValueError:
            raise ApiError(400, f"{prefix}{name}: '{raw}' is not a valid ISO-8601 date-time") from None
    lo, hi = bounds["fromDateTime"], bounds["toDateTime"]
    if lo is not None and hi is not None and lo >= hi:
        raise ApiError(400, "filter.fromDateTime: must be before toDateTime")
    workspace = source.get("workspaceId")
    if workspace is not None and (isinstance(workspace, bool) or not isinstance(workspace, str | int)):
        raise ApiError(400, f"{prefix}workspaceId: must be a string")
    return CallFilter(
        from_us=None if lo is None else ceil_ns_to_us(lo),
        to_us=None if hi is None else ceil_ns_to_us(hi),
        workspace_id=None if workspace is None else str(workspace),
        call_ids=id_list(source, "callIds", prefix) if call_ids else None,
        primary_user_ids=id_list(source, "primaryUserIds", prefix) if users else None,
    )


def has_multipart_part(content_type: str, body: bytes, name: str) -> bool:
    """Whether a multipart/form-data body has a part called ``name`` (stdlib email parser)."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart():
        return False
    return any(part.get_param("name", header="content-disposition") == name for part in message.iter_parts())
