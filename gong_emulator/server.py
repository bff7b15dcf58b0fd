"""``GongEmulator``: a real ``ThreadingHTTPServer`` speaking Gong's REST API v2 for a Company.

Request pipeline (in this order): record -> auth (401) -> fault plan -> rate limit / daily
quota (429) -> route (404 / 405 / handler). Faults never touch a request that failed auth.

The rooms: ``transport`` (sockets), ``exchange`` (the parsed request, errors, body parsing),
``middleware`` (auth, faults, limits), ``routes`` and the ``*_handlers`` modules (one per group
of endpoints), ``paging`` (records and cursors), and behind them the company model
(``company``, ``tenant``, ``index``, ``model``), its generators (``planning``, ``uploads``,
``timeline``) and its JSON rendering (``call``, ``render``, ``content``, ``talk``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import orjson

from gong_emulator.call_handlers import CALL_ROUTES
from gong_emulator.clock import Clock
from gong_emulator.company import Company
from gong_emulator.exchange import (
    ERROR_CONTENT_TYPE,
    OK_CONTENT_TYPE,
    ApiError,
    Exchange,
    RequestRecord,
    new_request_id,
)
from gong_emulator.faults import FAULT_DROP, FAULT_SLOW, FAULT_TRUNCATE, FaultPlan
from gong_emulator.middleware import Authenticator, FaultInjector, RateLimits
from gong_emulator.paging import Pager
from gong_emulator.routes import Api, Router
from gong_emulator.settings_handlers import SETTINGS_ROUTES
from gong_emulator.stats_handlers import STATS_ROUTES
from gong_emulator.transport import HttpServer, RequestHandler
from gong_emulator.user_handlers import USER_ROUTES

_log = logging.getLogger("gong_emulator")
ROUTES = [*CALL_ROUTES, *USER_ROUTES, *SETTINGS_ROUTES, *STATS_ROUTES]


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
        granted_scopes: Iterable[str] | None = None,
    ) -> None:
        if page_size < 1:
            raise ValueError("page_size must be >= 1")
        self.company = company
        self.clock = clock or Clock()
        self.host = host
        self.port = port
        self.log_requests = log_requests
        self._auth = Authenticator(access_key, access_key_secret, bearer_tokens, granted_scopes)
        self._faults = FaultInjector(faults or FaultPlan.none())
        self._limits = RateLimits(rate_limit_per_second, burst, daily_quota, company.tz, self.clock)
        pager = Pager(company, self.clock, page_size, cursor_ttl_seconds, self._faults)
        self._api = Api(company, self.clock, pager, upload_visibility_lag_seconds)
        self._router = Router(ROUTES)
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []
        self._count = 0
        self._server: HttpServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def access_key(self) -> str:
        return self._auth.access_key

    @access_key.setter
    def access_key(self, value: str) -> None:
        self._auth.access_key = value

    @property
    def access_key_secret(self) -> str:
        """The accepted secret; assign another to rotate it (old credentials then get 401)."""
        return self._auth.access_key_secret

    @access_key_secret.setter
    def access_key_secret(self, value: str) -> None:
        self._auth.access_key_secret = value

    bearer_tokens = property(lambda self: self._auth.bearer_tokens)

    @property
    def faults(self) -> FaultPlan:
        """The FaultPlan in force; assign another to change it between requests."""
        return self._faults.plan

    @faults.setter
    def faults(self, plan: FaultPlan) -> None:
        self._faults.plan = plan

    page_size = property(lambda self: self._api.pager.page_size)
    cursor_ttl_seconds = property(lambda self: self._api.pager.cursor_ttl_seconds)
    upload_visibility_lag_seconds = property(lambda self: self._api.upload_visibility_lag_seconds)

    # ------------------------------------------------------------------------- lifecycle
    def start(self) -> GongEmulator:
        """Bind and serve in a daemon thread; returns self."""
        if self._server is not None:
            return self
        self._server = HttpServer((self.host, self.port), self.serve, lambda: self.log_requests)
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
        server.close_all()
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
        self._limits.set_daily_quota(limit)

    @property
    def deleted_call_ids(self) -> set[str]:
        return self.company.deleted_call_ids

    # -------------------------------------------------------------------------- pipeline
    def serve(self, handler: RequestHandler, raw_body: bytes) -> None:
        """Answer one request (called by the transport on its connection thread)."""
        ex = self._exchange(handler, raw_body)
        status: int | None
        truncate = False
        try:
            self._auth.check(ex)
            route = self._router.resolve(ex)
            self._auth.check_scope(route.scope)
            self._faults.decide(ex)
            if ex.fault == FAULT_DROP:
                self._record(ex, None)  # before the drop: the client's retry must come after it
                handler.drop()
                return
            if ex.fault == FAULT_SLOW:
                time.sleep(self._faults.plan.slow_seconds)
            truncate = ex.fault == FAULT_TRUNCATE
            self._faults.raise_error(ex)
            self._limits.take()
            status, body = route.answer(self._api, ex)
            self._faults.settle(ex)
            body = {"requestId": ex.request_id, **body}
            extra: dict[str, str] = {}
        except ApiError as err:
            status, extra = err.status, err.headers
            body = {"requestId": ex.request_id, "errors": [err.message]}
        except Exception:  # a bug in the emulator must still answer like a server, and be seen
            _log.exception("unhandled error serving %s %s", ex.method, ex.path)
            status, extra = 500, {}
            body = {"requestId": ex.request_id, "errors": ["Internal server error occurred"]}
        content_type = OK_CONTENT_TYPE if status < 400 else ERROR_CONTENT_TYPE
        response_headers = [("Content-Type", content_type), ("x-traceid", ex.request_id), *extra.items()]
        self._record(ex, status)
        handler.send(status, orjson.dumps(body), response_headers, truncate)

    def _exchange(self, handler: RequestHandler, raw_body: bytes) -> Exchange:
        received_at = time.monotonic()
        parts = urlsplit(handler.path)
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
        return Exchange(
            number=number,
            method=handler.command,
            path=parts.path.rstrip("/") or "/",
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            headers=headers,
            raw_body=raw_body,
            json_body=json_body,
            request_id=new_request_id(),
            received_at=received_at,
        )

    def _record(self, ex: Exchange, status: int | None) -> None:
        record = ex.record(status)
        with self._lock:
            self._records.append(record)
