"""One exception family for everything that can go wrong talking to Gong.

Every message is a single line that names what to fix; none ever contains a secret.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from enum import IntEnum
from typing import ClassVar

import tomlkit
from dlt.common.configuration.exceptions import ConfigurationException
from dlt.common.configuration.providers.toml import TomlProviderReadException
from dlt.common.destination.exceptions import DestinationTransientException

REDACTED = "***"


class ExitCode(IntEnum):
    """Process exit statuses (sysexits.h), so a scheduler can tell "fix it" from "retry later"."""

    OK = 0
    FAILURE = 1  # anything not listed below: a bug, or a dbt build that failed
    DATA = 65  # EX_DATAERR: input or a response that cannot be used as it is
    UNAVAILABLE = 69  # EX_UNAVAILABLE: Gong or the destination is down or unreachable
    TEMPFAIL = 75  # EX_TEMPFAIL: Gong's quota or the daily request budget is spent: retry tomorrow
    NOPERM = 77  # EX_NOPERM: credentials rejected, or a scope the key lacks
    CONFIG = 78  # EX_CONFIG: a setting, a flag or a settings file is wrong
    INTERRUPTED = 130  # 128 + SIGINT: Ctrl-C


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """`text` on one line, with every secret value replaced by `***`.

    Values shorter than 6 characters are left alone: no real key is that short, and replacing
    one letter everywhere would shred the message.
    """
    for secret in sorted((s for s in secrets if s and len(s) >= 6), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return " ".join(text.split())


class GongError(Exception):
    """Base class; `str(error)` is the one-line message shown to users, `exit_code` its cause."""

    exit_code: ClassVar[ExitCode] = ExitCode.FAILURE

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

    exit_code = ExitCode.CONFIG


class GongAuthError(GongError):
    """401/403: wrong key or secret, wrong tenant host, or a scope the key lacks."""

    exit_code = ExitCode.NOPERM


class GongRequestError(GongError):
    """Any other 4xx: the request itself is wrong."""

    exit_code = ExitCode.DATA


class GongNotFoundError(GongRequestError):
    """A real 404 (unknown call id, wrong path), as opposed to Gong's empty-result 404."""


class GongCursorExpiredError(GongRequestError):
    """The pagination cursor outlived its hour: restart the window from its first page."""

    exit_code = ExitCode.UNAVAILABLE


class GongServerError(GongError):
    """5xx or a transport failure that outlasted every retry."""

    exit_code = ExitCode.UNAVAILABLE


class GongResponseError(GongError):
    """A response that is not the JSON Gong promises (truncated, wrong shape, looping cursor)."""

    exit_code = ExitCode.DATA


class GongQuotaExhausted(GongError):
    """Gong answered 429 with a Retry-After beyond the ceiling: the daily quota is spent."""

    exit_code = ExitCode.TEMPFAIL


class GongBudgetExhausted(GongError):
    """Our own daily request budget would be exceeded by the next request."""

    exit_code = ExitCode.TEMPFAIL


class DestinationUnavailableError(GongError):
    """The warehouse did not answer (down, unreachable, or refused the connection)."""

    exit_code = ExitCode.UNAVAILABLE


def causes(error: BaseException) -> Iterator[BaseException]:
    """`error`, then what it wraps, outermost first (dlt wraps the real cause in its step errors)."""
    seen: set[int] = set()
    link: BaseException | None = error
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        yield link
        link = link.__cause__ or link.__context__


def exit_code(error: BaseException) -> ExitCode:
    """The exit status for a run that ended in `error`, from the first cause that says which."""
    chain = list(causes(error))
    if any(isinstance(link, KeyboardInterrupt) for link in chain):
        return ExitCode.INTERRUPTED
    for link in chain:
        if isinstance(link, GongError):
            return link.exit_code
        if isinstance(link, ConfigurationException):
            return ExitCode.CONFIG
        if isinstance(link, DestinationTransientException | ConnectionError | TimeoutError):
            return ExitCode.UNAVAILABLE
    return ExitCode.FAILURE


def settings_file_error(error: BaseException) -> GongConfigError | None:
    """When `error` comes from a broken `.dlt/*.toml`, one line naming the file and the line."""
    broken = next((link for link in causes(error) if isinstance(link, TomlProviderReadException)), None)
    if broken is None:
        return None
    for path in broken.full_paths:
        if os.path.isfile(path):
            try:
                with open(path, encoding="utf-8") as file:
                    tomlkit.parse(file.read())
            except (tomlkit.exceptions.ParseError, UnicodeDecodeError) as problem:
                return GongConfigError(f"{path} is not valid TOML: {problem}; fix that line")
    return GongConfigError(f"{broken.file_name} could not be read: {' '.join(str(broken).split())}")
