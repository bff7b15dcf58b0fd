"""Connection settings, resolved the dlt way and checked before any request is sent."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from dlt.common.configuration import configspec, resolve_configuration
from dlt.common.configuration.exceptions import ConfigValueCannotBeCoercedException
from dlt.common.configuration.specs import BaseConfiguration
from dlt.common.typing import TSecretStrValue

from . import settings
from .errors import GongConfigError

SECTION = ("sources", "gong")


@dataclass(frozen=True)
class GongConfig:
    """Everything the client needs. Secrets are kept out of `repr` so they never reach a log."""

    access_key: str | None = None
    access_key_secret: str | None = field(default=None, repr=False)
    bearer_token: str | None = field(default=None, repr=False)
    base_url: str = settings.DEFAULT_BASE_URL
    rate_limit_per_second: float = settings.DEFAULT_RATE_LIMIT_PER_SECOND
    daily_request_budget: int = settings.DEFAULT_DAILY_REQUEST_BUDGET
    max_retry_after_seconds: float = settings.DEFAULT_MAX_RETRY_AFTER_SECONDS
    timeout_seconds: float = settings.DEFAULT_TIMEOUT_SECONDS
    max_attempts: int = settings.DEFAULT_MAX_ATTEMPTS
    backoff_initial_seconds: float = settings.BACKOFF_INITIAL_SECONDS
    backoff_max_seconds: float = settings.BACKOFF_MAX_SECONDS

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_url", normalize_base_url(self.base_url))
        if not self.bearer_token and not (self.access_key and self.access_key_secret):
            missing = (
                "SOURCES__GONG__ACCESS_KEY" if not self.access_key else "SOURCES__GONG__ACCESS_KEY_SECRET"
            )
            raise GongConfigError(
                f"Gong credentials missing: set {missing} (or [sources.gong] access_key and "
                "access_key_secret in .dlt/secrets.toml), or SOURCES__GONG__BEARER_TOKEN for OAuth"
            )
        if self.rate_limit_per_second <= 0:
            raise GongConfigError("SOURCES__GONG__RATE_LIMIT_PER_SECOND must be greater than 0")
        if self.daily_request_budget <= 0:
            raise GongConfigError("SOURCES__GONG__DAILY_REQUEST_BUDGET must be greater than 0")
        if self.max_attempts < 1:
            raise GongConfigError("SOURCES__GONG__MAX_ATTEMPTS must be at least 1")

    @property
    def secrets(self) -> tuple[str, ...]:
        """The values that must never appear in output (used by log and error scrubbing)."""
        return tuple(s for s in (self.access_key_secret, self.bearer_token) if s)

    @classmethod
    def from_dlt(cls, **overrides: Any) -> GongConfig:
        """Read `[sources.gong]` from env vars, .dlt/secrets.toml and .dlt/config.toml.

        Explicit keyword arguments that are not None win over configured values.
        """
        try:
            resolved = resolve_configuration(_GongSpec(), sections=SECTION, accept_partial=True)
        except ConfigValueCannotBeCoercedException as error:
            expected = getattr(error.hint, "__name__", error.hint)
            raise GongConfigError(f"SOURCES__GONG__{error.field_name.upper()} must be a {expected}") from None
        values = {name: getattr(resolved, name) for name in cls.__dataclass_fields__}
        values.update({name: value for name, value in overrides.items() if value is not None})
        return cls(**{name: value for name, value in values.items() if value is not None and value != ""})


def configured_secrets() -> tuple[str, ...]:
    """The configured secret values, for scrubbing output even when the config is invalid."""
    try:
        resolved = resolve_configuration(_GongSpec(), sections=SECTION, accept_partial=True)
    except ConfigValueCannotBeCoercedException:
        return ()
    return tuple(str(v) for v in (resolved.access_key_secret, resolved.bearer_token) if v)


@configspec
class _GongSpec(BaseConfiguration):
    """How dlt reads the settings: typed, and with the secrets marked so traces never hold them."""

    access_key: str | None = None
    access_key_secret: TSecretStrValue | None = None
    bearer_token: TSecretStrValue | None = None
    base_url: str | None = None
    rate_limit_per_second: float | None = None
    daily_request_budget: int | None = None
    max_retry_after_seconds: float | None = None
    timeout_seconds: float | None = None
    max_attempts: int | None = None
    backoff_initial_seconds: float | None = None
    backoff_max_seconds: float | None = None


def normalize_base_url(base_url: str) -> str:
    """Accept `https://<tenant>.api.gong.io[/v2]`; refuse anything that cannot be Gong's API host.

    Plain http is allowed only to a loopback host (the local emulator), so credentials never
    travel unencrypted. Credentials inside the URL are refused without echoing the value.
    """
    text = (base_url or "").strip().rstrip("/")
    authority = text.split("://", 1)[-1]  # between scheme:// and the path: where user:pass@ goes
    for end in "/?#":
        authority = authority.partition(end)[0]
    if "@" in authority:
        raise GongConfigError(
            "SOURCES__GONG__BASE_URL must not contain credentials (user:password@host): set it to just "
            "the host, e.g. https://us-12345.api.gong.io, and put the key in SOURCES__GONG__ACCESS_KEY "
            "and the secret in SOURCES__GONG__ACCESS_KEY_SECRET"
        )
    if text.endswith("/v2"):
        text = text[: -len("/v2")]
    parts = urlsplit(text)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        raise GongConfigError(
            f"SOURCES__GONG__BASE_URL {text!r} is not a URL: use https://api.gong.io or your tenant "
            "host such as https://us-12345.api.gong.io"
        )
    if parts.path or parts.query or parts.fragment:
        raise GongConfigError(
            f"SOURCES__GONG__BASE_URL must be just the host (e.g. https://us-12345.api.gong.io), not {text!r}"
        )
    if _is_loopback(host):
        return text
    if parts.scheme != "https":
        raise GongConfigError(
            f"SOURCES__GONG__BASE_URL {text!r} uses plain http to a non-loopback host: use https"
        )
    if host != "api.gong.io" and not host.endswith(".api.gong.io"):
        raise GongConfigError(
            f"SOURCES__GONG__BASE_URL host {host!r} is not a Gong API host: expected api.gong.io or "
            "<tenant>.api.gong.io (Gong: Company Settings -> Ecosystem -> API shows yours)"
        )
    return text


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
