"""The one way this project talks to Gong: an httpx client that respects Gong's limits.

Quota is the scarce resource (3 requests/s, 10,000/day), so every request passes a rate limiter
shared by the whole process and a daily budget before it is sent, and every failure is either
retried (429, 5xx, timeouts, dropped or truncated responses) or turned into a one-line
`GongError` that names the endpoint, Gong's requestId and what to check.
"""

from __future__ import annotations

import functools
import json as stdlib_json
import logging
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson
import tenacity

from .config import GongConfig
from .errors import (
    GongAuthError,
    GongBudgetExhausted,
    GongCursorExpiredError,
    GongError,
    GongNotFoundError,
    GongQuotaExhausted,
    GongRequestError,
    GongResponseError,
    GongServerError,
)

logger = logging.getLogger(__name__)

_EMPTY_RESULT = re.compile(r"No .* found corresponding to the provided filters", re.IGNORECASE)
_CURSOR_EXPIRED = re.compile(r"cursor has expired", re.IGNORECASE)
_RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})

# A response body's bytes -> (its value, whether characters were replaced): `decode_json` or an
# endpoint's own reader of the same value (`records.decode_transcript_page`).
Decoder = Callable[[bytes], tuple[Any, bool]]


class RateLimiter:
    """Spaces requests evenly at `rate` per second across all threads.

    Slots are handed out in order (`next = max(now, next) + interval`), so a healthy run stays
    at or under the rate and never sees a 429 from Gong's own limiter.
    """

    def __init__(self, rate_per_second: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = 1.0 / rate_per_second
        self._clock = clock
        self._next_slot = 0.0
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Claim the next slot and return how long to wait for it."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_slot)
            self._next_slot = slot + self.interval
        return slot - now


_shared_limiters: dict[tuple[str, str, float], RateLimiter] = {}
_shared_limiters_lock = threading.Lock()


def shared_rate_limiter(config: GongConfig) -> RateLimiter:
    """One limiter per tenant (host and key) and rate in this process: Gong's limit is per company."""
    with _shared_limiters_lock:
        rate_per_second = config.rate_limit_per_second
        key = (config.base_url, config.access_key or config.section, rate_per_second)
        if key not in _shared_limiters:
            _shared_limiters[key] = RateLimiter(rate_per_second)
        return _shared_limiters[key]


class RequestBudget:
    """Counts requests against a daily ceiling and refuses the one that would cross it."""

    def __init__(self, limit: int, used: int = 0) -> None:
        self.limit = limit
        self.used = used
        self._lock = threading.Lock()

    def spend(self, endpoint: str) -> None:
        with self._lock:
            if self.used >= self.limit:
                raise GongBudgetExhausted(
                    f"daily request budget of {self.limit} reached before {endpoint}; the run stops "
                    "here and the next run resumes (raise SOURCES__GONG__DAILY_REQUEST_BUDGET if your "
                    "Gong quota is higher)",
                    endpoint=endpoint,
                )
            self.used += 1


@dataclass
class RequestStats:
    """What the client did, for progress lines, summaries, tests and benchmarks."""

    requests: int = 0
    retries: int = 0
    throttled: int = 0
    server_errors: int = 0
    transport_errors: int = 0
    repaired_responses: int = 0
    waited_seconds: float = 0.0
    by_endpoint: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, endpoint: str) -> None:
        with self._lock:
            self.requests += 1
            self.by_endpoint[endpoint] += 1

    def add(self, name: str, amount: float = 1) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + amount)


@dataclass(frozen=True)
class Page:
    """One page of a paginated answer."""

    items: list[dict[str, Any]]
    records: dict[str, Any]
    request_id: str | None


class _Retryable(Exception):
    """An attempt that failed in a way worth repeating; carries the final error to raise."""

    def __init__(self, error: GongError, retry_after: float | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after


class GongClient:
    """Synchronous, thread-safe Gong API v2 client.

    `sleep` and `limiter` are injectable so tests can assert the waits without waiting.
    """

    def __init__(
        self,
        config: GongConfig,
        *,
        limiter: RateLimiter | None = None,
        budget: RequestBudget | None = None,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not config.is_resolved():
            config.resolve()  # built in code: validate it, and let dlt take it as given
        config.check_credentials()
        self.config = config
        self.limiter = limiter or shared_rate_limiter(config)
        self.budget = budget or RequestBudget(config.daily_request_budget)
        self.stats = RequestStats()
        self._sleep = sleep
        self._this_thread = threading.local()
        self._http = httpx.Client(
            base_url=config.base_url,
            auth=_auth(config),
            timeout=httpx.Timeout(config.timeout_seconds),
            follow_redirects=False,
            transport=transport,
            headers={"Accept": "application/json", "User-Agent": "gong-elt/0.1"},
        )

    def __enter__(self) -> GongClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # ----------------------------------------------------------------------------------------
    def get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """GET a JSON body; None means Gong's empty-result 404."""
        return self.request("GET", path, params=params)

    def post(self, path: str, json: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """POST a JSON body; None means Gong's empty-result 404."""
        return self.request("POST", path, json=json)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
        keep_number_text: bool = False,
        decode: Decoder | None = None,
    ) -> dict[str, Any] | None:
        """Send one logical request, retrying what is worth retrying.

        `keep_number_text` decodes numbers with a fraction or exponent as `JsonFloat`, which
        remembers the text Gong sent (for CRM values; see `decode_json`). `decode` replaces
        `decode_json` for the body.
        """
        if not path.startswith("/"):
            # An absolute URL would make httpx leave the configured host.
            raise GongRequestError(f"refusing to request {path!r}: only paths on the configured host")
        endpoint = f"{method} {_endpoint_name(path)}"
        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(_Retryable),
            stop=tenacity.stop_after_attempt(self.config.max_attempts),
            wait=self._wait,
            sleep=self._sleep_and_count,
            before_sleep=self._log_retry,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    self._this_thread.attempts = attempt.retry_state.attempt_number
                    return self._attempt(
                        method,
                        path,
                        endpoint,
                        params=params,
                        json=json,
                        decode=decode or functools.partial(decode_json, keep_number_text=keep_number_text),
                    )
        except _Retryable as exhausted:
            raise exhausted.error from None
        raise AssertionError("unreachable")  # pragma: no cover

    def attempts_of_last_request(self) -> int:
        """How many times this thread's last request was sent (a non-idempotent upload's retry
        can meet the copy its lost first attempt stored)."""
        return getattr(self._this_thread, "attempts", 0)

    def paginate(
        self,
        method: str,
        path: str,
        *,
        items_key: str,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
        keep_number_text: bool = False,
        decode: Decoder | None = None,
    ) -> Iterator[Page]:
        """Yield every page: the cursor goes in the query for GET and the body for POST.

        All other inputs stay as given; pagination ends when `records.cursor` is absent.
        """
        seen_cursors: set[str] = set()
        cursor: str | None = None
        while True:
            if method == "GET":
                page_params = {**(params or {}), **({"cursor": cursor} if cursor else {})}
                body = self.request(
                    method, path, params=page_params, keep_number_text=keep_number_text, decode=decode
                )
            else:
                page_json = {**(json or {}), **({"cursor": cursor} if cursor else {})}
                body = self.request(
                    method,
                    path,
                    params=params,
                    json=page_json,
                    keep_number_text=keep_number_text,
                    decode=decode,
                )
            if body is None:
                return
            items = body.get(items_key)
            records = body.get("records") or {}
            if not isinstance(items, list) or not isinstance(records, dict):
                raise GongResponseError(
                    f"{method} {path}: response has no {items_key!r} list; requestId {body.get('requestId')}"
                )
            yield Page(items=items, records=records, request_id=body.get("requestId"))
            cursor = records.get("cursor")
            if not cursor:
                return
            if cursor in seen_cursors:
                raise GongResponseError(
                    f"{method} {path} returned a cursor it had already returned; stopping instead of "
                    f"looping (requestId {body.get('requestId')})"
                )
            seen_cursors.add(cursor)

    def fetch_all(
        self,
        method: str,
        path: str,
        *,
        items_key: str,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
        max_passes: int = 4,
        keep_number_text: bool = False,
        decode: Decoder | None = None,
    ) -> list[Any]:
        """Every item of a paginated answer, read in one uninterrupted pass.

        Gong's cursor is an offset: an item deleted between pages moves every later item up one
        place, so one is never served. A pass that served fewer items than its first page's
        `totalRecords` is read once more (items still being analysed also cause a shortfall,
        which a second pass cannot fix, so there is one retry). An expired cursor restarts it.
        """
        shortfall_retries = 1
        for remaining in range(max_passes - 1, -1, -1):
            items: list[Any] = []
            total = None
            try:
                pages = self.paginate(
                    method,
                    path,
                    items_key=items_key,
                    params=params,
                    json=json,
                    keep_number_text=keep_number_text,
                    decode=decode,
                )
                for page in pages:
                    total = page.records.get("totalRecords") if total is None else total
                    items.extend(page.items)
            except GongCursorExpiredError:
                if not remaining:
                    raise
                continue
            if isinstance(total, int) and len(items) < total and shortfall_retries and remaining:
                shortfall_retries -= 1
                continue
            return items
        raise AssertionError("unreachable")  # pragma: no cover

    # ----------------------------------------------------------------------------------------
    def _attempt(
        self,
        method: str,
        path: str,
        endpoint: str,
        *,
        params: dict[str, Any] | None,
        json: dict[str, Any] | None,
        decode: Decoder,
    ) -> dict[str, Any] | None:
        self.budget.spend(endpoint)
        wait = self.limiter.reserve()
        if wait > 0:
            self._sleep(wait)
        self.stats.count(endpoint)
        content = orjson.dumps(json) if json is not None else None
        headers = {"Content-Type": "application/json"} if content is not None else None
        try:
            with self._http.stream(method, path, params=params, content=content, headers=headers) as response:
                # Not `response.read()`: that keeps the body on the Response, which httpx puts in
                # a reference cycle (its stream refers back to it), so a body (5 MB for a
                # transcript batch) lived until the cyclic GC ran; 10 responses waited for it at
                # the end of a 3M-sentence extract, whose peak this cut by 23-34 MB (paired runs,
                # docs/BENCHMARKS.md).
                raw = b"".join(response.iter_bytes())
        except httpx.TransportError as exc:
            self.stats.add("transport_errors")
            raise _Retryable(
                GongServerError(f"{endpoint}: {_describe_transport_error(exc)}", endpoint=endpoint)
            ) from None
        return self._handle(response, raw, endpoint, decode)

    def _handle(
        self, response: httpx.Response, raw: bytes, endpoint: str, decode: Decoder
    ) -> dict[str, Any] | None:
        status = response.status_code
        body, repaired = decode(raw)
        request_id = (body or {}).get("requestId") if isinstance(body, dict) else None
        request_id = request_id or response.headers.get("x-traceid")
        if repaired:
            self.stats.add("repaired_responses")
            logger.warning(
                "%s: the body held bytes that are not UTF-8 or lone surrogates; read with U+FFFD in "
                "their place (requestId %s)",
                endpoint,
                request_id,
            )
        if 200 <= status < 300:
            if not isinstance(body, dict):
                self.stats.add("transport_errors")
                raise _Retryable(
                    GongResponseError(
                        f"{endpoint}: HTTP {status} but the body is not complete JSON "
                        f"({len(raw)} bytes); requestId {request_id}",
                        endpoint=endpoint,
                        status=status,
                        request_id=request_id,
                    )
                )
            return body
        message = _gong_message(body, response)
        kwargs = {"endpoint": endpoint, "status": status, "request_id": request_id}
        where = f"{endpoint}: HTTP {status}: {message} (requestId {request_id})"
        if status in _RETRYABLE_STATUS:
            retry_after = _retry_after_seconds(response)
            if status == 429:
                self.stats.add("throttled")
                if retry_after is not None and retry_after > self.config.max_retry_after_seconds:
                    raise GongQuotaExhausted(
                        f"{endpoint}: Gong's quota is spent (429, Retry-After {retry_after:.0f}s exceeds "
                        f"the {self.config.max_retry_after_seconds:.0f}s ceiling); the run stops and the "
                        "next run resumes from the last loaded window",
                        **kwargs,
                    )
                error: GongError = GongQuotaExhausted(f"{where}; still throttled after every retry", **kwargs)
            else:
                self.stats.add("server_errors")
                error = GongServerError(f"{where}; still failing after every retry", **kwargs)
            raise _Retryable(error, retry_after)
        if status == 404 and _EMPTY_RESULT.search(message):
            return None
        if status in (401, 403):
            raise GongAuthError(
                f"{where}. Check SOURCES__GONG__ACCESS_KEY / ACCESS_KEY_SECRET (or BEARER_TOKEN), that "
                f"SOURCES__GONG__BASE_URL ({self.config.base_url}) is your tenant's API host, and the "
                "key's scopes",
                **kwargs,
            )
        if _CURSOR_EXPIRED.search(message):
            raise GongCursorExpiredError(where, **kwargs)
        if status == 404:
            raise GongNotFoundError(where, **kwargs)
        if 300 <= status < 400:
            raise GongResponseError(
                f"{endpoint}: unexpected redirect (HTTP {status}); redirects are not followed", **kwargs
            )
        raise GongRequestError(where, **kwargs)

    def _wait(self, retry_state: tenacity.RetryCallState) -> float:
        """Retry-After when Gong gives one, else capped exponential backoff with full jitter."""
        exception = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(exception, _Retryable) and exception.retry_after is not None:
            return exception.retry_after
        ceiling = min(
            self.config.backoff_max_seconds,
            self.config.backoff_initial_seconds * 2 ** (retry_state.attempt_number - 1),
        )
        return random.uniform(ceiling / 2, ceiling)

    def _sleep_and_count(self, seconds: float) -> None:
        self.stats.add("retries")
        self.stats.add("waited_seconds", seconds)
        self._sleep(seconds)

    @staticmethod
    def _log_retry(retry_state: tenacity.RetryCallState) -> None:
        exception = retry_state.outcome.exception() if retry_state.outcome else None
        logger.info("retrying after attempt %d: %s", retry_state.attempt_number, exception)


def _auth(config: GongConfig) -> httpx.Auth | tuple[str, str]:
    if config.bearer_token:
        return _BearerAuth(str(config.bearer_token))
    assert config.access_key and config.access_key_secret
    return httpx.BasicAuth(config.access_key, str(config.access_key_secret))


class _BearerAuth(httpx.Auth):
    def __init__(self, token: str) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request

    def __repr__(self) -> str:
        return "_BearerAuth(<redacted>)"


class JsonFloat(float):
    """A JSON number with a fraction or exponent that remembers its text: `0.0` stays "0.0",
    `1e3` stays "1e3" where a float would print "0" or "1000.0". Otherwise a plain float."""

    __slots__ = ("text",)
    text: str

    def __new__(cls, text: str) -> JsonFloat:
        number = super().__new__(cls, text)
        number.text = text
        return number


REPLACEMENT_CHARACTER = "\ufffd"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # a decoded valid pair is one character
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def decode_json(content: bytes, *, keep_number_text: bool = False) -> tuple[Any, bool]:
    """The JSON value of a response body (None when it is not complete JSON), and whether
    characters had to be replaced to read it.

    orjson by default (the transcript path). `keep_number_text`, and any body orjson refuses,
    go through the standard library: its float hook sees each number's text (integers are
    exact either way), and it reads what orjson rejects although the JSON is whole: bytes that
    are not UTF-8 (Latin-1 text) and lone surrogate escapes (`"\\ud800"`). Both become U+FFFD,
    so every consumer gets valid Unicode. A truncated body stays None, which is retried.
    """
    if not keep_number_text:
        try:
            return orjson.loads(content), False
        except orjson.JSONDecodeError:
            pass
    try:
        text, repaired = content.decode("utf-8-sig"), False
    except UnicodeDecodeError:
        text, repaired = content.decode("utf-8-sig", errors="replace"), True
    try:
        value = stdlib_json.loads(text, parse_float=JsonFloat if keep_number_text else float)
    except (ValueError, RecursionError):
        return None, False
    if _SURROGATE_ESCAPE.search(content):
        repaired = _replace_lone_surrogates(value) or repaired
    return value, repaired


def _replace_lone_surrogates(value: Any) -> bool:
    """Replace lone surrogates in every string and key of a decoded JSON value, in place."""
    replaced = False
    pending = [value]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            for key in [k for k in node if _LONE_SURROGATE.search(k)]:
                node[_LONE_SURROGATE.sub(REPLACEMENT_CHARACTER, key)] = node.pop(key)
                replaced = True
            entries: Any = node.items()
        elif isinstance(node, list):
            entries = enumerate(node)
        else:
            continue
        for key, item in list(entries):
            if isinstance(item, str):
                if _LONE_SURROGATE.search(item):
                    node[key] = _LONE_SURROGATE.sub(REPLACEMENT_CHARACTER, item)
                    replaced = True
            else:
                pending.append(item)
    return replaced


def _gong_message(body: Any, response: httpx.Response) -> str:
    """Gong's `errors[]` as one line, or the reason phrase when the body is not Gong's."""
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, list) and errors:
        text = "; ".join(str(e.get("description", e) if isinstance(e, dict) else e) for e in errors)
    else:
        text = response.reason_phrase or "no error message"
    return " ".join(text.split())[:500]


def _retry_after_seconds(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _describe_transport_error(exc: httpx.TransportError) -> str:
    kind = {
        httpx.TimeoutException: "timed out",
        httpx.ConnectError: "could not connect (check SOURCES__GONG__BASE_URL)",
        httpx.RemoteProtocolError: "the connection dropped mid-response",
    }
    for cls, text in kind.items():
        if isinstance(exc, cls):
            return f"{text}; still failing after every retry"
    return f"{type(exc).__name__}; still failing after every retry"


def _endpoint_name(path: str) -> str:
    """`/v2/calls/123/media` -> `/v2/calls/{id}/media`, so counts group by endpoint."""
    return re.sub(r"/\d+(?=/|$)", "/{id}", path)
