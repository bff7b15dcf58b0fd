"""Opaque pagination cursors: HS256-signed, JWT-shaped, bound to the request that started them.

Like Gong's, the token is ``header.payload.signature`` with an ``exp`` fixed at the first page
of the sequence, so a client cannot renew it by paging on. The payload carries a keyset
position (``after``) so pages are cheap to serve at any depth; the server reproduces the one
effect of Gong's offset cursor that clients must survive (a call deleted between pages shifts
the next page: see the delete-between-pages fault). It also carries the request fingerprint
(``fp``) so a cursor cannot be replayed with a different filter.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Any

import orjson

_HEADER = orjson.dumps({"alg": "HS256", "typ": "JWT"})


class CursorError(ValueError):
    """A rejected cursor; ``str()`` is the 400 message."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def fingerprint(endpoint: str, inputs: Any) -> str:
    """A stable digest of every request input except the cursor."""
    blob = orjson.dumps([endpoint, inputs], option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(blob).hexdigest()[:32]


class CursorCodec:
    """Signs and verifies cursors with a per-emulator secret."""

    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret or secrets.token_bytes(32)

    def _sign(self, signing_input: bytes) -> str:
        return _b64(hmac.new(self._secret, signing_input, hashlib.sha256).digest())

    def encode(self, payload: dict[str, Any]) -> str:
        signing_input = f"{_b64(_HEADER)}.{_b64(orjson.dumps(payload))}".encode("ascii")
        return f"{signing_input.decode('ascii')}.{self._sign(signing_input)}"

    def decode(self, token: Any, *, fp: str, now_s: float) -> dict[str, Any]:
        """Verify signature, binding and expiry; return the payload or raise CursorError."""
        if not isinstance(token, str) or token.count(".") != 2:
            raise CursorError("cursor is invalid")
        head, body, sig = token.split(".")
        if not hmac.compare_digest(self._sign(f"{head}.{body}".encode("ascii")), sig):
            raise CursorError("cursor is invalid")
        try:
            payload = orjson.loads(_unb64(body))
        except (ValueError, orjson.JSONDecodeError):
            raise CursorError("cursor is invalid") from None
        if payload.get("fp") != fp:
            raise CursorError("cursor does not match the request: all other inputs must stay the same")
        if now_s >= payload["exp"]:
            raise CursorError("cursor has expired")
        return payload
