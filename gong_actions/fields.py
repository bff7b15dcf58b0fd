"""The field types of the actions' input models: each carries its own check and JSON schema.

A check raises `ValueError` with a reason that reads after `"<field>: "`; the JSON schema is what
the CLI derives its flags and help from (`gong_actions.cli`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, StrictBool, StringConstraints, WithJsonSchema

from gong_source.settings import (
    CONTENT_FIELDS,
    CONTEXT_LEVELS,
    CONTEXT_TIMINGS,
    DIRECTIONS,
    INTERACTION_FIELDS,
)

# What Gong's POST /v2/calls accepts in a party (the seed names the first four).
PARTY_FIELDS = ("phoneNumber", "emailAddress", "name", "mediaChannelId", "partyId", "userId", "context")
_PARTY_TEXT_FIELDS = ("phoneNumber", "emailAddress", "name", "partyId", "userId")
MAX_TEXT = 255
MAX_CLIENT_UNIQUE_ID = 2048

_NUMBER = re.compile(r"[+-]?\d+(\.\d*)?")


def normalize_datetime(value: str) -> str:
    """Check an ISO-8601 date-time and return it in UTC with `Z`.

    The instant is what matters to Gong (it answers in the company's time zone anyway), so the
    caller's offset is folded into UTC; a value without an offset is taken as UTC. Unix numbers
    are refused: the contract says ISO-8601.
    """
    text = value.strip()
    if not text or _NUMBER.fullmatch(text):
        raise ValueError(f"{value[:64]!r} is not an ISO-8601 date-time (e.g. 2018-02-18T08:00:00Z)")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{value[:64]!r} is not an ISO-8601 date-time (e.g. 2018-02-18T08:00:00Z)") from None
    parsed = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    return parsed.isoformat().replace("+00:00", "Z")


def _canonical(options: tuple[str, ...]) -> Callable[[Any], str]:
    """Accept any letter case of one of Gong's values and return Gong's spelling."""

    def convert(value: Any) -> str:
        if isinstance(value, str):
            for option in options:
                if value.strip().lower() == option.lower():
                    return option
        raise ValueError(f"must be one of {', '.join(options)}")

    return convert


def _one_of(options: tuple[str, ...]) -> tuple[BeforeValidator, WithJsonSchema]:
    """A word of Gong's vocabulary: any letter case in, Gong's spelling out, the choices in the schema."""
    return BeforeValidator(_canonical(options)), WithJsonSchema({"type": "string", "enum": list(options)})


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _no_context_is_none(value: str) -> str | None:
    """Context `None` is Gong's default: it is sent as no context at all."""
    return None if value == "None" else value


def _check_url(value: str) -> str:
    if not re.match(r"https?://[^\s/]+", value):
        raise ValueError("must be an http(s) URL")
    return value


def _check_language_code(value: str) -> str:
    # en-US, fr-FR, es-419, ...: the shape only; Gong checks the value against its own list.
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
        raise ValueError(f"{value[:32]!r} is not a language code such as en-US or fr-FR")
    return value


def _check_parties(parties: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for index, party in enumerate(parties):
        if not party:
            raise ValueError(f"party {index} is empty: give at least a name, emailAddress or phoneNumber")
        unknown = sorted(set(party) - set(PARTY_FIELDS))
        if unknown:
            raise ValueError(
                f"party {index} has unknown key(s) {', '.join(unknown)}; allowed: {', '.join(PARTY_FIELDS)}"
            )
        for key in _PARTY_TEXT_FIELDS:
            if key in party and party[key] is not None and not isinstance(party[key], str):
                raise ValueError(f"party {index}: {key} must be a string")
    return parties


def _check_flags(allowed: tuple[str, ...]) -> Callable[[dict[str, bool]], dict[str, bool] | None]:
    """Only Gong's field names; an empty selection is no selection (nothing is sent)."""

    def check(flags: dict[str, bool]) -> dict[str, bool] | None:
        unknown = sorted(set(flags) - set(allowed))
        if unknown:
            raise ValueError(f"unknown field(s) {', '.join(unknown)}; allowed: {', '.join(allowed)}")
        return flags or None

    return check


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
ClientUniqueId = Annotated[Text, StringConstraints(max_length=MAX_CLIENT_UNIQUE_ID)]
LimitedText = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
Url = Annotated[Text, AfterValidator(_check_url)]
Seconds = Annotated[int, Field(ge=0)]
IsoDateTime = Annotated[str, AfterValidator(normalize_datetime)]
IdList = Annotated[list[Id], Field(min_length=1), AfterValidator(_unique)]
Direction = Annotated[str, *_one_of(DIRECTIONS)]
Context = Annotated[str, *_one_of(CONTEXT_LEVELS), AfterValidator(_no_context_is_none)]
ContextTimings = Annotated[
    list[Annotated[str, *_one_of(CONTEXT_TIMINGS)]], Field(min_length=1), AfterValidator(_unique)
]
LanguageCode = Annotated[str, AfterValidator(_check_language_code)]
Parties = Annotated[list[dict[str, Any]], Field(min_length=1), AfterValidator(_check_parties)]
ContentFields = Annotated[dict[str, StrictBool], AfterValidator(_check_flags(CONTENT_FIELDS))]
InteractionFields = Annotated[dict[str, StrictBool], AfterValidator(_check_flags(INTERACTION_FIELDS))]
