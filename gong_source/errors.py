"""One exception family for everything that can go wrong talking to Gong.

Every message is a single line that names what to fix; none ever contains a secret.
"""

from __future__ import annotations

from collections.abc import Iterable

REDACTED = "***"


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """`text` on one line, with every secret value replaced by `***`.

    Values shorter than 6 characters are left alone: no real key is that short, and replacing
    one letter everywhere would shred the message.
    """
    for secret in sorted((s for s in secrets if s and len(s) >= 6), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return " ".join(text.split())


class GongError(Exception):
    """Base class; `str(error)` is the one-line message shown to users."""

    def __init__(
        self,
        message: str,
        *,
        endpoint: str | None = None,
        status: int | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.endpoint = endpoint
        self.status = status
        self.request_id = request_id


class GongConfigError(GongError):
    """Missing or malformed settings: credentials, base URL, dates, resource names."""


class GongAuthError(GongError):
    """401/403: wrong key or secret, wrong tenant host, or a scope the key lacks."""


class GongRequestError(GongError):
    """Any other 4xx: the request itself is wrong."""


class GongNotFoundError(GongRequestError):
    """A real 404 (unknown call id, wrong path), as opposed to Gong's empty-result 404."""


class GongCursorExpiredError(GongRequestError):
    """The pagination cursor outlived its hour: restart the window from its first page."""


class GongServerError(GongError):
    """5xx or a transport failure that outlasted every retry."""


class GongResponseError(GongError):
    """A response that is not the JSON Gong promises (truncated, wrong shape, looping cursor)."""


class GongQuotaExhausted(GongError):
    """Gong answered 429 with a Retry-After beyond the ceiling: the daily quota is spent."""


class GongBudgetExhausted(GongError):
    """Our own daily request budget would be exceeded by the next request."""
