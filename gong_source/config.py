"""The source's one configuration: every setting, its default and its check, written once.

dlt resolves it from `[sources.gong]` in `.dlt/config.toml` / `.dlt/secrets.toml` and
`SOURCES__GONG__*` environment variables, and injects it into `gong_source()`; a clone with
`section="acme"` reads `[sources.acme]`. The CLI overlays only the flags that were given.
`on_resolved` validates once, so a bad value fails before any request or file is created.
"""

from __future__ import annotations

import contextlib
import ipaddress
import math
from typing import Any, ClassVar
from urllib.parse import urlsplit

import dlt
import pendulum
from dlt.common.configuration import configspec, resolve_configuration
from dlt.common.configuration.exceptions import ConfigurationValueError, ConfigValueCannotBeCoercedException
from dlt.common.configuration.specs import BaseConfiguration
from dlt.common.typing import TSecretStrValue

from . import settings
from .errors import GongConfigError
from .values import setting_date

DEFAULT_SECTION = "gong"
_SECRET_FIELDS = frozenset({"access_key_secret", "bearer_token"})
# Upper bounds: a value past these is a typo (ten years of days, a day of seconds), not a setting.
_CEILINGS = {
    "window_days": 3650,
    "lookback_days": 3650,
    "deep_lookback_days": 3650,
    "reconcile_days": 3650,
    "reconcile_every_days": 3650,
    "stats_lookback_days": 3650,
    "deep_lookback_every_hours": 87_600,
    "rate_limit_per_second": 1e6,
    "daily_request_budget": 10**9,
    "max_retry_after_seconds": 86_400,
    "timeout_seconds": 3600,
    "max_attempts": 100,
    "backoff_initial_seconds": 3600,
    "backoff_max_seconds": 3600,
}


@configspec
class GongConfig(BaseConfiguration):
    """Connection, sync and pacing settings of one Gong tenant.

    Lookback tiers (see README "Incremental loading"): every run re-reads `lookback_days`
    before its high-water mark; at most every `deep_lookback_every_hours` a run re-reads the
    last `deep_lookback_days` (late calls, late transcripts, post-call edits, deletions); and
    each deep pass also reconciles the next slice of the last `reconcile_days`, so the whole
    range is checked for deletions once every `reconcile_every_days`.
    """

    access_key: str | None = None
    access_key_secret: TSecretStrValue | None = None
    bearer_token: TSecretStrValue | None = None
    base_url: str = settings.DEFAULT_BASE_URL

    start_date: str = "2024-01-01T00:00:00Z"
    lookback_days: float = 0.125
    deep_lookback_days: float = 4.0
    deep_lookback_every_hours: float = 24.0
    reconcile_days: float = 90.0
    reconcile_every_days: float = 7.0
    window_days: float = 7.0
    # the day-granular stats (answered scorecards, per-user day stats) re-read this many days
    stats_lookback_days: int = 3
    workspace_id: str | None = None
    primary_user_ids: list[str] | None = None
    include_private_calls: bool = False

    rate_limit_per_second: float = 3.0
    daily_request_budget: int = 10_000
    max_retry_after_seconds: float = 300.0
    timeout_seconds: float = 60.0
    max_attempts: int = 6
    backoff_initial_seconds: float = 1.0
    backoff_max_seconds: float = 60.0

    # Where this config was read from, for error messages (`SOURCES__<SECTION>__<KEY>`); a
    # ClassVar, so not a setting; `from_dlt` gives each instance its own.
    section: ClassVar[str] = DEFAULT_SECTION
    # The settings `gong-pipeline` also takes as flags (the CLI derives its flags from this).
    FLAGS: ClassVar[dict[str, str]] = {
        "start_date": "--start-date",
        "lookback_days": "--lookback-days",
        "deep_lookback_days": "--deep-lookback-days",
        "window_days": "--window-days",
        "workspace_id": "--workspace",
        "include_private_calls": "--include-private",
    }
    _POSITIVE: ClassVar[tuple[str, ...]] = (
        "window_days",
        "deep_lookback_every_hours",
        "reconcile_every_days",
        "rate_limit_per_second",
        "daily_request_budget",
        "timeout_seconds",
        "max_attempts",
    )
    _NOT_NEGATIVE: ClassVar[tuple[str, ...]] = (
        "lookback_days",
        "deep_lookback_days",
        "reconcile_days",
        "stats_lookback_days",
        "max_retry_after_seconds",
        "backoff_initial_seconds",
        "backoff_max_seconds",
    )

    def on_resolved(self) -> None:
        self.validate()

    def __post_init__(self) -> None:
        # A config built in code (not resolved by dlt) is checked as soon as it has a base URL, so
        # credentials in the URL never travel further than this constructor.
        if self.base_url != settings.DEFAULT_BASE_URL:
            self.base_url = normalize_base_url(self.base_url, self.env_name("base_url"))

    def validate(self) -> None:
        """Check every value once; raise a one-line `GongConfigError` naming the setting."""
        self.base_url = normalize_base_url(self.base_url, self.env_name("base_url"))
        for name in self._POSITIVE + self._NOT_NEGATIVE:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise GongConfigError(f"{self.env_name(name)} must be a finite number, not {value!r}")
            if value <= 0 if name in self._POSITIVE else value < 0:
                bound = "greater than 0" if name in self._POSITIVE else "0 or more"
                raise GongConfigError(f"{self.env_name(name)} must be {bound}, not {value!r}")
        if self.window_days < 1 / 24:
            raise GongConfigError(
                f"{self.env_name('window_days')} must be at least an hour (0.0417), not {self.window_days!r}"
            )
        for name, ceiling in _CEILINGS.items():
            if getattr(self, name) > ceiling:
                raise GongConfigError(
                    f"{self.env_name(name)} must be at most {ceiling:g}, not {getattr(self, name)!r}"
                )
        self.start_at  # noqa: B018  (parses, or raises naming the setting)
        if self.primary_user_ids is not None:
            self.primary_user_ids = [str(u).strip() for u in self.primary_user_ids if str(u).strip()] or None

    @property
    def start_at(self) -> pendulum.DateTime:
        """`start_date` as a UTC instant; a bare number is never taken for a date."""
        start = setting_date(self.start_date, f"start date ({self.env_name('start_date')})")
        if start > pendulum.now("UTC"):
            raise GongConfigError(f"{self.env_name('start_date')} {start.isoformat()} is in the future")
        return start

    def check_credentials(self) -> None:
        """Credentials are needed only to talk to Gong (a caller may pass its own client)."""
        if self.bearer_token or (self.access_key and self.access_key_secret):
            return
        missing = "access_key" if not self.access_key else "access_key_secret"
        raise GongConfigError(
            f"Gong credentials missing: set {self.env_name(missing)} (or [sources.{self.section}] "
            f"access_key and access_key_secret in .dlt/secrets.toml), or {self.env_name('bearer_token')} "
            "for OAuth"
        )

    @property
    def secrets(self) -> tuple[str, ...]:
        """The values that must never appear in output (used by log and error scrubbing)."""
        return tuple(str(s) for s in (self.access_key_secret, self.bearer_token) if s)

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={'***' if name in _SECRET_FIELDS and value else value!r}"
            for name, value in ((name, getattr(self, name)) for name in self.get_resolvable_fields())
        )
        return f"GongConfig({shown})"

    def env_name(self, field: str) -> str:
        """How a person sets `field`: its flag, if it has one, and its environment variable."""
        variable = f"SOURCES__{self.section.upper()}__{field.upper()}"
        return f"{self.FLAGS[field]} / {variable}" if field in self.FLAGS else variable

    @classmethod
    def from_dlt(cls, section: str = DEFAULT_SECTION, **given: Any) -> GongConfig:
        """Resolve `[sources.<section>]`; keyword arguments that are not None win (CLI flags)."""
        config = cls()
        setattr(config, "section", section)  # noqa: B010  (the instance's own, shadowing the ClassVar)
        explicit = {name: value for name, value in given.items() if value is not None}
        try:
            return resolve_configuration(config, sections=("sources", section), explicit_value=explicit)
        except ConfigValueCannotBeCoercedException as error:
            expected = getattr(error.hint, "__name__", error.hint)
            raise GongConfigError(f"{config.env_name(error.field_name)} must be a {expected}") from None
        except ConfigurationValueError as error:
            raise GongConfigError(str(error).splitlines()[0]) from None


def configured_secrets(section: str = DEFAULT_SECTION) -> tuple[str, ...]:
    """The configured secret values, for scrubbing output even when the config is invalid."""
    found: list[str] = []
    for key in ("access_key_secret", "bearer_token"):
        value: Any = None
        with contextlib.suppress(Exception):  # a broken settings file: nothing to scrub with
            value = dlt.secrets.get(f"sources.{section}.{key}")
        if value:
            found.append(str(value))
    return tuple(found)


def normalize_base_url(base_url: str, setting: str = "SOURCES__GONG__BASE_URL") -> str:
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
            f"{setting} {text!r} is not a URL: use https://api.gong.io or your tenant "
            "host such as https://us-12345.api.gong.io"
        )
    if parts.path or parts.query or parts.fragment:
        raise GongConfigError(
            f"{setting} must be just the host (e.g. https://us-12345.api.gong.io), not {text!r}"
        )
    if _is_loopback(host):
        return text
    if parts.scheme != "https":
        raise GongConfigError(f"{setting} {text!r} uses plain http to a non-loopback host: use https")
    if host != "api.gong.io" and not host.endswith(".api.gong.io"):
        raise GongConfigError(
            f"{setting} host {host!r} is not a Gong API host: expected api.gong.io or "
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
