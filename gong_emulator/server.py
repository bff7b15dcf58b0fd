"""The HTTP side: a real ``ThreadingHTTPServer`` speaking Gong's REST API v2 for a Company.

Request pipeline (in this order): record -> auth (401) -> fault plan -> rate limit / daily
quota (429) -> route (404 / 405 / handler). Faults never touch a request that failed auth.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hmac
import logging
import math
import random
import re
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import orjson

from gong_emulator.calls import ContentSelector
from gong_emulator.clock import Clock
from gong_emulator.company import CallFilter, Company, UploadError
from gong_emulator.cursors import CursorCodec, CursorError, fingerprint
from gong_emulator.faults import (
    FAULT_5XX,
    FAULT_429,
    FAULT_DELETE_BETWEEN_PAGES,
    FAULT_DROP,
    FAULT_EXPIRE_CURSOR,
    FAULT_SLOW,
    FAULT_TRUNCATE,
    FaultPlan,
)
from gong_emulator.limits import DailyQuota, TokenBucket
from gong_emulator.timefmt import ceil_ns_to_us, parse_instant_ns, to_us

_log = logging.getLogger("gong_emulator")
OK_CONTENT_TYPE = "application/json;charset=UTF-8"
ERROR_CONTENT_TYPE = "application/json; charset=utf-8"
NO_CALLS = "No calls found corresponding to the provided filters"
CURSOR_EXPIRED = "cursor has expired"
_5XX_MESSAGES = {
    "500": "Internal server error occurred",
    "502": "Bad Gateway",
    "503": "Service Unavailable",
    "504": "Gateway Timeout",
}
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
class _Exchange:
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


Handler = Callable[[_Exchange, re.Match[str]], tuple[int, dict[str, Any]]]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], emulator: GongEmulator) -> None:
        self.emulator = emulator
        self.open_sockets: set[socket.socket] = set()
        self.sockets_lock = threading.Lock()
        super().__init__(address, _RequestHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.sockets_lock:
            self.open_sockets.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.sockets_lock:
            self.open_sockets.discard(request)
        super().shutdown_request(request)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes: avoid 40 ms stalls
    server_version = "GongEmulator"
    sys_version = ""
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.emulator.log_requests:
            super().log_message(format, *args)

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _handle(self) -> None:
        try:
            body = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            return
        self.server.emulator._serve(self, body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle

    def send(self, status: int, payload: bytes, headers: Iterable[tuple[str, str]], truncate: bool) -> None:
        """Write the response; with ``truncate``, promise the full length but stop halfway."""
        try:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            if truncate:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(payload[: len(payload) // 2] if truncate else payload)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.close_connection = True
            return
        if truncate:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)

    def drop(self) -> None:
        """Close the connection without writing a byte."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


class GongEmulator:
    """A local Gong REST API v2 over real HTTP, backed by a synthetic ``Company``.

    ``with GongEmulator(Company(CompanySpec())) as emu: httpx.get(emu.base_url + "/v2/users", ...)``
    """

    def __init__(
        self,
        company: Company,
        *,
        access_key: str = "emulator-key",
        access_key_secret: str = "emulator-secret",
        bearer_tokens: Iterable[str] = ("emulator-token",),
        rate_limit_per_second: float | None = None,
        burst: int = 3,
        daily_quota: int | None = None,
        page_size: int = 100,
        cursor_ttl_seconds: float = 3600,
        faults: FaultPlan | None = None,
        clock: Clock | None = None,
        upload_visibility_lag_seconds: float = 0,
        host: str = "127.0.0.1",
        port: int = 0,
        log_requests: bool = False,
    ) -> None:
        if page_size < 1:
            raise ValueError("page_size must be >= 1")
        self.company = company
        self.access_key = access_key
        self.access_key_secret = access_key_secret
        self.bearer_tokens = tuple(bearer_tokens)
        self.page_size = page_size
        self.cursor_ttl_seconds = cursor_ttl_seconds
        self.faults = faults or FaultPlan.none()
        self.clock = clock or Clock()
        self.upload_visibility_lag_seconds = upload_visibility_lag_seconds
        self.host = host
        self.port = port
        self.log_requests = log_requests
        self._bucket = TokenBucket(rate_limit_per_second, burst) if rate_limit_per_second else None
        self._quota = DailyQuota(daily_quota, company.tz) if daily_quota is not None else None
        self._cursors = CursorCodec()
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []
        self._count = 0
        self._faults_applied = 0
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = [
            ("GET", re.compile(r"/v2/calls"), self._list_calls),
            ("POST", re.compile(r"/v2/calls"), self._upload_call),
            ("POST", re.compile(r"/v2/calls/extensive"), self._extensive),
            ("POST", re.compile(r"/v2/calls/transcript"), self._transcripts),
            ("GET", re.compile(r"/v2/calls/(?P<id>\d+)"), self._get_call),
            ("PUT", re.compile(r"/v2/calls/(?P<id>[^/]+)/media"), self._put_media),
            ("GET", re.compile(r"/v2/workspaces"), self._workspaces),
            ("GET", re.compile(r"/v2/users"), self._users),
        ]

    # ------------------------------------------------------------------------- lifecycle
    def start(self) -> GongEmulator:
        """Bind and serve in a daemon thread; returns self."""
        if self._server is not None:
            return self
        self._server = _Server((self.host, self.port), self)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="gong-emulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close every open connection (idempotent)."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        with server.sockets_lock:
            sockets = list(server.open_sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> GongEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the emulator is not running; call start() first")
        return f"http://{self.host}:{self.port}"

    @property
    def requests(self) -> list[RequestRecord]:
        """A snapshot of every request received so far, in arrival order."""
        with self._lock:
            return list(self._records)

    def clear_requests(self) -> None:
        with self._lock:
            self._records.clear()

    def set_daily_quota(self, limit: int | None) -> None:
        """Change the company's daily quota (as Gong support can); None removes it."""
        self._quota = DailyQuota(limit, self.company.tz) if limit is not None else None

    @property
    def deleted_call_ids(self) -> set[str]:
        return self.company.deleted_call_ids

    # -------------------------------------------------------------------------- pipeline
    def _serve(self, handler: _RequestHandler, raw_body: bytes) -> None:
        received_at = time.monotonic()
        parts = urlsplit(handler.path)
        path = parts.path.rstrip("/") or "/"
        headers = {k.lower(): v for k, v in handler.headers.items()}
        json_body: Any = None
        if raw_body and "multipart/" not in headers.get("content-type", ""):
            try:
                json_body = orjson.loads(raw_body)
            except orjson.JSONDecodeError:
                json_body = None
        with self._lock:
            self._count += 1
            number = self._count
        ex = _Exchange(
            number=number,
            method=handler.command,
            path=path,
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            headers=headers,
            raw_body=raw_body,
            json_body=json_body,
            request_id=new_request_id(),
            received_at=received_at,
        )
        status: int | None
        truncate = False
        try:
            self._authenticate(ex)
            self._decide_fault(ex)
            if ex.fault == FAULT_DROP:
                handler.drop()
                self._record(ex, None)
                return
            if ex.fault == FAULT_SLOW:
                time.sleep(self.faults.slow_seconds)
            truncate = ex.fault == FAULT_TRUNCATE
            self._apply_fault_errors(ex)
            self._rate_limit()
            status, body = self._route(ex)
            if ex.fault == FAULT_DELETE_BETWEEN_PAGES and not ex.fault_used:
                ex.fault = None  # nothing earlier to delete (or not a call listing): not a fault
                with self._lock:
                    self._faults_applied -= 1
            body = {"requestId": ex.request_id, **body}
            extra: dict[str, str] = {}
        except ApiError as err:
            status, body, extra = (
                err.status,
                {"requestId": ex.request_id, "errors": [err.message]},
                err.headers,
            )
        except Exception:  # a bug in the emulator must still answer like a server, and be seen
            _log.exception("unhandled error serving %s %s", ex.method, ex.path)
            status, extra = 500, {}
            body = {"requestId": ex.request_id, "errors": ["Internal server error occurred"]}
        content_type = OK_CONTENT_TYPE if status < 400 else ERROR_CONTENT_TYPE
        response_headers = [("Content-Type", content_type), ("x-traceid", ex.request_id), *extra.items()]
        self._record(ex, status)
        handler.send(status, orjson.dumps(body), response_headers, truncate)

    def _record(self, ex: _Exchange, status: int | None) -> None:
        record = RequestRecord(
            method=ex.method,
            path=ex.path,
            query=ex.query,
            json_body=ex.json_body,
            status=status,
            received_at=ex.received_at,
            request_id=ex.request_id,
            fault=ex.fault,
            headers=ex.headers,
        )
        with self._lock:
            self._records.append(record)

    def _authenticate(self, ex: _Exchange) -> None:
        auth = ex.headers.get("authorization", "")
        scheme, _, value = auth.partition(" ")
        value = value.strip()
        if scheme.lower() == "basic" and value:
            try:
                key, sep, secret = base64.b64decode(value, validate=True).decode("utf-8").partition(":")
            except (binascii.Error, UnicodeDecodeError):
                key, sep, secret = "", "", ""
            if (
                sep
                and hmac.compare_digest(key.encode(), self.access_key.encode())
                and hmac.compare_digest(secret.encode(), self.access_key_secret.encode())
            ):
                return
        elif scheme.lower() == "bearer" and any(
            hmac.compare_digest(value.encode(), t.encode()) for t in self.bearer_tokens
        ):
            return
        raise ApiError(401, "Unauthorized: missing or invalid credentials")

    def _decide_fault(self, ex: _Exchange) -> None:
        has_cursor = bool(ex.query.get("cursor")) or (
            isinstance(ex.json_body, dict) and bool(ex.json_body.get("cursor"))
        )
        fault = self.faults.decide(ex.number, has_cursor=has_cursor)
        if fault is None:
            return
        with self._lock:
            if self.faults.max_faults is not None and self._faults_applied >= self.faults.max_faults:
                return
            self._faults_applied += 1
        ex.fault = fault

    def _apply_fault_errors(self, ex: _Exchange) -> None:
        if ex.fault in FAULT_5XX:
            raise ApiError(int(ex.fault), _5XX_MESSAGES[ex.fault])
        if ex.fault == FAULT_429:
            retry = str(max(1, int(self.faults.retry_after_seconds)))
            raise ApiError(429, "API request limit exceeded", {"Retry-After": retry})
        if ex.fault == FAULT_EXPIRE_CURSOR:
            raise ApiError(400, CURSOR_EXPIRED)

    def _rate_limit(self) -> None:
        if self._bucket is not None:
            wait = self._bucket.take()
            if wait is not None:
                raise ApiError(429, "API request limit exceeded", {"Retry-After": str(wait)})
        if self._quota is not None:
            wait = self._quota.acquire(self.clock.now())
            if wait is not None:
                raise ApiError(429, "Daily API request limit exceeded", {"Retry-After": str(wait)})

    def _route(self, ex: _Exchange) -> tuple[int, dict[str, Any]]:
        allowed = []
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(ex.path)
            if match is None:
                continue
            if method == ex.method:
                return handler(ex, match)
            allowed.append(method)
        if allowed:
            raise ApiError(405, "Method Not Allowed", {"Allow": ", ".join(sorted(set(allowed)))})
        raise ApiError(404, f"No endpoint {ex.method} {ex.path}")

    # ------------------------------------------------------------------- request parsing
    @staticmethod
    def _json_object(ex: _Exchange) -> dict[str, Any]:
        content_type = ex.headers.get("content-type", "")
        if content_type and "json" not in content_type.lower():
            raise ApiError(415, "Unsupported Media Type")
        if not isinstance(ex.json_body, dict):
            raise ApiError(400, "Bad request")
        return ex.json_body

    @staticmethod
    def _parse_filter(source: dict[str, Any], prefix: str, *, call_ids: bool, users: bool) -> CallFilter:
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

        def ids(name: str) -> frozenset[str] | None:
            raw = source.get(name)
            if raw is None:
                return None
            if not isinstance(raw, list) or any(
                isinstance(x, bool) or not isinstance(x, str | int) for x in raw
            ):
                raise ApiError(400, f"{prefix}{name}: must be an array of ids")
            if not raw:
                raise ApiError(400, f"{prefix}{name}: must not be empty")
            return frozenset(str(x) for x in raw)

        return CallFilter(
            from_us=None if lo is None else ceil_ns_to_us(lo),
            to_us=None if hi is None else ceil_ns_to_us(hi),
            workspace_id=None if workspace is None else str(workspace),
            call_ids=ids("callIds") if call_ids else None,
            primary_user_ids=ids("primaryUserIds") if users else None,
        )

    # ---------------------------------------------------------------------- pagination
    def _page_of_calls(
        self, ex: _Exchange, flt: CallFilter, fp: str, cursor: Any, *, transcripts: bool
    ) -> tuple[dict[str, Any], list[Any]]:
        """One page of matching calls plus the ``records`` object (404 when nothing matches)."""
        now = self.clock.now()
        now_s = to_us(now) / 1e6
        shifted = 0
        if cursor is None:
            total = self.company.count(flt, now=now, transcripts=transcripts)
            if total == 0:
                raise ApiError(404, NO_CALLS)
            page_number, after, exp = 0, None, math.ceil(now_s + self.cursor_ttl_seconds)
        else:
            payload = self._decode_cursor(cursor, fp, now_s)
            total, page_number, exp = payload["total"], payload["pageNumber"], payload["exp"]
            after = tuple(payload["after"])
            if ex.fault == FAULT_DELETE_BETWEEN_PAGES:
                earlier = self.company.select(flt, now=now, transcripts=transcripts, until=after)
                if earlier:
                    victim = random.Random(f"{self.faults.seed}/delete/{ex.number}").choice(earlier)
                    self.company.delete_call(victim.call_id)
                    ex.fault_used = True
                    # Gong's cursor is an offset (pageNumber): with one earlier call gone, every
                    # later call moves up one place, so the call that would open this page now
                    # sits on the page already served and is skipped.
                    shifted = 1
        page = self.company.select(
            flt, now=now, transcripts=transcripts, after=after, limit=self.page_size + 1 + shifted
        )[shifted:]
        more = len(page) > self.page_size
        page = page[: self.page_size]
        after_last = list(page[-1].key) if more else None
        return self._records_object(total, len(page), page_number, fp, exp, after_last), page

    def _records_object(
        self, total: int, size: int, page_number: int, fp: str, exp: int, after: Any
    ) -> dict[str, Any]:
        """Gong's `records` object; `cursor` (resuming after `after`) only when more pages exist."""
        records: dict[str, Any] = {
            "totalRecords": total,
            "currentPageSize": size,
            "currentPageNumber": page_number,
        }
        if after is not None:
            payload = {"pageSize": self.page_size, "total": total, "pageNumber": page_number + 1}
            records["cursor"] = self._cursors.encode({**payload, "exp": exp, "fp": fp, "after": after})
        return records

    def _decode_cursor(self, cursor: Any, fp: str, now_s: float) -> dict[str, Any]:
        try:
            return self._cursors.decode(cursor, fp=fp, now_s=now_s)
        except CursorError as err:
            raise ApiError(400, str(err)) from None

    # ------------------------------------------------------------------------- handlers
    def _list_calls(self, ex: _Exchange, _: re.Match[str]) -> tuple[int, dict[str, Any]]:
        flt = self._parse_filter(ex.query, "", call_ids=False, users=False)
        inputs = {k: v for k, v in ex.query.items() if k != "cursor"}
        fp = fingerprint("GET /v2/calls", inputs)
        records, page = self._page_of_calls(ex, flt, fp, ex.query.get("cursor") or None, transcripts=False)
        return 200, {"records": records, "calls": [c.metadata() for c in page]}

    def _extensive(self, ex: _Exchange, _: re.Match[str]) -> tuple[int, dict[str, Any]]:
        body = self._json_object(ex)
        source = body.get("filter")
        if not isinstance(source, dict):
            raise ApiError(400, "filter: must not be null")
        flt = self._parse_filter(source, "filter.", call_ids=True, users=True)
        try:
            selector = ContentSelector.from_json(body.get("contentSelector"))
        except ValueError as err:
            raise ApiError(400, str(err)) from None
        fp = fingerprint("POST /v2/calls/extensive", {k: v for k, v in body.items() if k != "cursor"})
        records, page = self._page_of_calls(ex, flt, fp, body.get("cursor") or None, transcripts=False)
        now = self.clock.now()
        return 200, {"records": records, "calls": [c.extensive(selector, now) for c in page]}

    def _transcripts(self, ex: _Exchange, _: re.Match[str]) -> tuple[int, dict[str, Any]]:
        body = self._json_object(ex)
        source = body.get("filter")
        if not isinstance(source, dict):
            raise ApiError(400, "filter: must not be null")
        flt = self._parse_filter(source, "filter.", call_ids=True, users=False)
        fp = fingerprint("POST /v2/calls/transcript", {k: v for k, v in body.items() if k != "cursor"})
        records, page = self._page_of_calls(ex, flt, fp, body.get("cursor") or None, transcripts=True)
        now = self.clock.now()
        return 200, {"records": records, "callTranscripts": [c.transcript(now) for c in page]}

    def _visible_call(self, call_id: str) -> Any:
        try:
            call = self.company.call(call_id)
        except KeyError:
            raise ApiError(404, f"Call ID {call_id} was not found") from None
        if call.visible_at > self.clock.now():
            raise ApiError(404, f"Call ID {call_id} was not found")
        return call

    def _get_call(self, ex: _Exchange, match: re.Match[str]) -> tuple[int, dict[str, Any]]:
        return 200, {"call": self._visible_call(match["id"]).metadata()}

    def _upload_call(self, ex: _Exchange, _: re.Match[str]) -> tuple[int, dict[str, Any]]:
        body = self._json_object(ex)
        try:
            call_id = self.company.add_uploaded_call(
                body, self.clock.now(), visible_after_seconds=self.upload_visibility_lag_seconds
            )
        except UploadError as err:
            raise ApiError(400, str(err)) from None
        return 200, {"callId": call_id}

    def _put_media(self, ex: _Exchange, match: re.Match[str]) -> tuple[int, dict[str, Any]]:
        call_id = match["id"]
        content_type = ex.headers.get("content-type", "")
        if not content_type.lower().startswith("multipart/form-data"):
            raise ApiError(415, "Unsupported Media Type")
        try:
            self.company.call(call_id)
        except KeyError:
            raise ApiError(404, f"Call ID {call_id} was not found") from None
        if not _has_multipart_part(content_type, ex.raw_body, "mediaFile"):
            raise ApiError(400, "mediaFile part is missing")
        self.company.attach_media(call_id)
        return 201, {"callId": call_id, "url": f"https://{self.company.app_host}/call?id={call_id}"}

    def _workspaces(self, ex: _Exchange, _: re.Match[str]) -> tuple[int, dict[str, Any]]:
        return 200, {"workspaces": self.company.workspaces}

    def _users(self, ex: _Exchange, _: re.Match[str]) -> tuple[int, dict[str, Any]]:
        inputs = {k: v for k, v in ex.query.items() if k != "cursor"}
        fp = fingerprint("GET /v2/users", inputs)
        users = self.company.users
        start, page_number, total = 0, 0, len(users)
        exp = math.ceil(to_us(self.clock.now()) / 1e6 + self.cursor_ttl_seconds)
        if ex.query.get("cursor"):
            payload = self._decode_cursor(ex.query["cursor"], fp, to_us(self.clock.now()) / 1e6)
            start, page_number, exp = payload["after"], payload["pageNumber"], payload["exp"]
        page = users[start : start + self.page_size]
        after = start + self.page_size if start + self.page_size < total else None
        return 200, {
            "records": self._records_object(total, len(page), page_number, fp, exp, after),
            "users": page,
        }


def _has_multipart_part(content_type: str, body: bytes, name: str) -> bool:
    """Whether a multipart/form-data body has a part called ``name`` (stdlib email parser)."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart():
        return False
    return any(part.get_param("name", header="content-disposition") == name for part in message.iter_parts())
