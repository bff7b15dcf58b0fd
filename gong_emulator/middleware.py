"""What runs before a handler, in this order: auth (401), the fault plan, rate limits (429).

Faults never touch a request that failed auth; rate limits count only requests that got past
both, like Gong's (a 5xx from the infrastructure costs no quota).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import threading
from collections.abc import Iterable
from datetime import tzinfo

from gong_emulator.clock import Clock
from gong_emulator.exchange import ApiError, Exchange
from gong_emulator.faults import (
    FAULT_5XX,
    FAULT_429,
    FAULT_DELETE_BETWEEN_PAGES,
    FAULT_EXPIRE_CURSOR,
    FaultPlan,
)
from gong_emulator.limits import DailyQuota, TokenBucket

CURSOR_EXPIRED = "cursor has expired"
_5XX_MESSAGES = {
    "500": "Internal server error occurred",
    "502": "Bad Gateway",
    "503": "Service Unavailable",
    "504": "Gateway Timeout",
}


class Authenticator:
    """Accepts ``Basic base64(key:secret)`` and any of the ``Bearer`` tokens (constant-time);
    with ``granted_scopes``, an endpoint whose scope is not granted answers Gong's 401."""

    def __init__(
        self,
        access_key: str,
        access_key_secret: str,
        bearer_tokens: Iterable[str],
        granted_scopes: Iterable[str] | None = None,
    ) -> None:
        self.access_key = access_key
        self.access_key_secret = access_key_secret
        self.bearer_tokens = tuple(bearer_tokens)
        self.granted_scopes = None if granted_scopes is None else frozenset(granted_scopes)

    def check_scope(self, scope: str | None) -> None:
        """401 with Gong's text when the app lacks ``scope`` (None: no endpoint matched)."""
        if scope is not None and self.granted_scopes is not None and scope not in self.granted_scopes:
            raise ApiError(401, f"You don't have permission to use '{scope}' in your app.")

    def check(self, ex: Exchange) -> None:
        """Return if the credentials are good; 401 otherwise."""
        scheme, _, value = ex.headers.get("authorization", "").partition(" ")
        value = value.strip()
        if scheme.lower() == "basic" and value and self._basic_ok(value):
            return
        if scheme.lower() == "bearer" and any(
            hmac.compare_digest(value.encode(), t.encode()) for t in self.bearer_tokens
        ):
            return
        raise ApiError(401, "Unauthorized: missing or invalid credentials")

    def _basic_ok(self, value: str) -> bool:
        try:
            key, sep, secret = base64.b64decode(value, validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return bool(
            sep
            and hmac.compare_digest(key.encode(), self.access_key.encode())
            and hmac.compare_digest(secret.encode(), self.access_key_secret.encode())
        )


class FaultInjector:
    """Applies the ``FaultPlan`` and counts the faults it injected (for ``max_faults``)."""

    def __init__(self, plan: FaultPlan) -> None:
        self.plan = plan
        self._applied = 0
        self._lock = threading.Lock()

    def decide(self, ex: Exchange) -> None:
        """Set ``ex.fault`` from the plan, unless ``max_faults`` is reached."""
        fault = self.plan.decide(ex.number, has_cursor=ex.has_cursor)
        if fault is None:
            return
        with self._lock:
            if self.plan.max_faults is not None and self._applied >= self.plan.max_faults:
                return
            self._applied += 1
        ex.fault = fault

    def raise_error(self, ex: Exchange) -> None:
        """Answer instead of the handler for the faults that are error statuses."""
        if ex.fault in FAULT_5XX:
            raise ApiError(int(ex.fault), _5XX_MESSAGES[ex.fault])
        if ex.fault == FAULT_429:
            retry = str(max(1, int(self.plan.retry_after_seconds)))
            raise ApiError(429, "API request limit exceeded", {"Retry-After": retry})
        if ex.fault == FAULT_EXPIRE_CURSOR:
            raise ApiError(400, CURSOR_EXPIRED)

    def settle(self, ex: Exchange) -> None:
        """A delete-between-pages fault that found nothing earlier to delete was no fault."""
        if ex.fault == FAULT_DELETE_BETWEEN_PAGES and not ex.fault_used:
            ex.fault = None
            with self._lock:
                self._applied -= 1


class RateLimits:
    """Gong's two company-wide limits: the per-second bucket and the daily quota (each optional)."""

    def __init__(
        self, rate_per_second: float | None, burst: int, daily_quota: int | None, tz: tzinfo, clock: Clock
    ) -> None:
        self.clock = clock
        self.tz = tz
        self._bucket = TokenBucket(rate_per_second, burst) if rate_per_second else None
        self._quota: DailyQuota | None = None
        self.set_daily_quota(daily_quota)

    def set_daily_quota(self, limit: int | None) -> None:
        """Change the company's daily quota (as Gong support can); None removes it."""
        self._quota = DailyQuota(limit, self.tz) if limit is not None else None

    def take(self) -> None:
        """Count this request; 429 with ``Retry-After`` when a limit is reached."""
        if self._bucket is not None:
            wait = self._bucket.take()
            if wait is not None:
                raise ApiError(429, "API request limit exceeded", {"Retry-After": str(wait)})
        if self._quota is not None:
            wait = self._quota.acquire(self.clock.now())
            if wait is not None:
                raise ApiError(429, "Daily API request limit exceeded", {"Retry-After": str(wait)})
