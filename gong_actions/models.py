"""The actions' contract: output models whose JSON schemas equal the seed's, and input models.

The output classes deliberately have no docstrings: pydantic turns a docstring into a schema
`description`, and the seed's schemas have none (only `Workspace` carries one).

Every input model validates a whole parameter set before any request is sent; the Python API
and the CLI share them. `describe_validation_error` turns pydantic's error into the one-line
`"<field>: <reason>"` text returned as `error`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    ValidationError,
    model_validator,
)

from gong_source.settings import (
    CONTENT_FIELDS,
    CONTEXT_LEVELS,
    CONTEXT_TIMINGS,
    DIRECTIONS,
    INTERACTION_FIELDS,
)

# ------------------------------------------------------------------------------ outputs


class AddNewCallOutput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    success: bool
    error: str | None = None
    request_id: str | None = None
    call_id: str | None = None


class GetExtensiveDataOutput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    success: bool
    error: str | None = None
    calls: list[dict[str, Any]] = Field(default_factory=list)


class ListCallsOutput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    success: bool
    error: str | None = None
    request_id: str | None = None
    cursor: str | None = None
    calls: list[dict[str, Any]] = Field(default_factory=list)


class Workspace(BaseModel):
    """A Gong workspace entry."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = None
    name: str | None = None


class ListWorkspaceIdOptionsOutput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    success: bool
    error: str | None = None
    workspaces: list[Workspace] = Field(default_factory=list)


class RetrieveTranscriptsOfCallsOutput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    success: bool
    error: str | None = None
    call_transcripts: list[dict[str, Any]] = Field(default_factory=list)


OUTPUT_MODELS: tuple[type[BaseModel], ...] = (
    AddNewCallOutput,
    GetExtensiveDataOutput,
    ListCallsOutput,
    ListWorkspaceIdOptionsOutput,
    RetrieveTranscriptsOfCallsOutput,
)

# ------------------------------------------------------------------------ input pieces

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


def _canonical(allowed: tuple[str, ...]) -> Any:
    """Accept any letter case of an enumerated value and return Gong's spelling."""

    def convert(value: Any) -> Any:
        if isinstance(value, str):
            for option in allowed:
                if value.strip().lower() == option.lower():
                    return option
        return value

    return convert


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


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


def _check_flags(allowed: tuple[str, ...]) -> Any:
    def check(flags: dict[str, bool]) -> dict[str, bool]:
        unknown = sorted(set(flags) - set(allowed))
        if unknown:
            raise ValueError(f"unknown field(s) {', '.join(unknown)}; allowed: {', '.join(allowed)}")
        return flags

    return check


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
LimitedText = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
IsoDateTime = Annotated[str, AfterValidator(normalize_datetime)]
IdList = Annotated[list[Id], Field(min_length=1), AfterValidator(_unique)]
Direction = Annotated[
    Literal["Inbound", "Outbound", "Conference", "Unknown"], BeforeValidator(_canonical(DIRECTIONS))
]
Context = Annotated[Literal["None", "Basic", "Extended"], BeforeValidator(_canonical(CONTEXT_LEVELS))]
ContextTiming = Annotated[Literal["Now", "TimeOfCall"], BeforeValidator(_canonical(CONTEXT_TIMINGS))]
LanguageCode = Annotated[str, AfterValidator(_check_language_code)]


def _ordered(start: str | None, end: str | None, start_name: str, end_name: str) -> None:
    """Both bounds given: the first must be strictly earlier (Gong answers 400 otherwise)."""
    if start is not None and end is not None and datetime.fromisoformat(start) >= datetime.fromisoformat(end):
        raise ValueError(f"{start_name}: must be before {end_name}")


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AddNewCallInput(_Input):
    """Parameters of `add_new_call` (POST /v2/calls)."""

    client_unique_id: Annotated[Text, StringConstraints(max_length=MAX_CLIENT_UNIQUE_ID)]
    actual_start: IsoDateTime
    direction: Direction
    primary_user: Id
    parties: Annotated[list[dict[str, Any]], Field(min_length=1), AfterValidator(_check_parties)]
    title: str | None = None
    purpose: LimitedText | None = None
    scheduled_start: IsoDateTime | None = None
    scheduled_end: IsoDateTime | None = None
    duration: Annotated[int, Field(ge=0)] | None = None
    disposition: LimitedText | None = None
    meeting_url: Text | None = None
    call_provider_code: Text | None = None
    download_media_url: Annotated[Text, AfterValidator(_check_url)] | None = None
    workspace_id: Id | None = None
    language_code: LanguageCode | None = None

    @model_validator(mode="after")
    def _schedule_order(self) -> AddNewCallInput:
        _ordered(self.scheduled_start, self.scheduled_end, "scheduled_start", "scheduled_end")
        return self


class ListCallsInput(_Input):
    """Parameters of `list_calls` (GET /v2/calls, one page)."""

    from_date_time: IsoDateTime | None = None
    to_date_time: IsoDateTime | None = None
    cursor: Text | None = None

    @model_validator(mode="after")
    def _window_order(self) -> ListCallsInput:
        _ordered(self.from_date_time, self.to_date_time, "from_date_time", "to_date_time")
        return self


class GetExtensiveDataInput(_Input):
    """Parameters of `get_extensive_data` (POST /v2/calls/extensive, every page up to max_results)."""

    from_date_time: IsoDateTime | None = None
    to_date_time: IsoDateTime | None = None
    workspace_id: Id | None = None
    call_ids: IdList | None = None
    primary_user_ids: IdList | None = None
    max_results: Annotated[int, Field(ge=1)] = 600
    context: Context | None = None
    context_timing: Annotated[list[ContextTiming], Field(min_length=1), AfterValidator(_unique)] | None = None
    include_parties: StrictBool = False
    exposed_fields_content: (
        Annotated[dict[str, StrictBool], AfterValidator(_check_flags(CONTENT_FIELDS))] | None
    ) = None
    exposed_fields_interaction: (
        Annotated[dict[str, StrictBool], AfterValidator(_check_flags(INTERACTION_FIELDS))] | None
    ) = None
    include_public_comments: StrictBool = False
    include_media: StrictBool = False

    @model_validator(mode="after")
    def _combinations(self) -> GetExtensiveDataInput:
        _ordered(self.from_date_time, self.to_date_time, "from_date_time", "to_date_time")
        if self.context_timing is not None and self.context != "Extended":
            raise ValueError("context_timing: only valid when context is Extended")
        content = self.exposed_fields_content or {}
        if content.get("trackerOccurrences") and not content.get("trackers"):
            raise ValueError("exposed_fields_content: trackerOccurrences requires trackers to be true")
        return self

    def request_body(self) -> dict[str, Any]:
        """Gong's body: `filter` (always present, Gong requires it) and `contentSelector`."""
        filter_ = {
            "fromDateTime": self.from_date_time,
            "toDateTime": self.to_date_time,
            "workspaceId": self.workspace_id,
            "callIds": self.call_ids,
            "primaryUserIds": self.primary_user_ids,
        }
        exposed: dict[str, Any] = {}
        if self.include_parties:
            exposed["parties"] = True
        if self.exposed_fields_content:
            exposed["content"] = dict(self.exposed_fields_content)
        if self.exposed_fields_interaction:
            exposed["interaction"] = dict(self.exposed_fields_interaction)
        if self.include_public_comments:
            exposed["collaboration"] = {"publicComments": True}
        if self.include_media:
            exposed["media"] = True
        selector: dict[str, Any] = {}
        if self.context and self.context != "None":
            selector["context"] = self.context
        if self.context_timing:
            selector["contextTiming"] = list(self.context_timing)
        if exposed:
            selector["exposedFields"] = exposed
        body: dict[str, Any] = {"filter": _without_none(filter_)}
        if selector:
            body["contentSelector"] = selector
        return body


class ListWorkspaceIdOptionsInput(_Input):
    """`list_workspace_id_options` takes no parameters."""


class RetrieveTranscriptsOfCallsInput(_Input):
    """Parameters of `retrieve_transcripts_of_calls` (POST /v2/calls/transcript)."""

    from_date_time: IsoDateTime | None = None
    to_date_time: IsoDateTime | None = None
    workspace_id: Id | None = None
    call_ids: IdList | None = None

    @model_validator(mode="after")
    def _window_order(self) -> RetrieveTranscriptsOfCallsInput:
        _ordered(self.from_date_time, self.to_date_time, "from_date_time", "to_date_time")
        return self


def add_new_call_body(params: AddNewCallInput) -> dict[str, Any]:
    """Gong's POST /v2/calls body; parameters left out stay out."""
    return _without_none(
        {
            "clientUniqueId": params.client_unique_id,
            "actualStart": params.actual_start,
            "direction": params.direction,
            "primaryUser": params.primary_user,
            "parties": [dict(p) for p in params.parties],
            "title": params.title,
            "purpose": params.purpose,
            "scheduledStart": params.scheduled_start,
            "scheduledEnd": params.scheduled_end,
            "duration": params.duration,
            "disposition": params.disposition,
            "meetingUrl": params.meeting_url,
            "callProviderCode": params.call_provider_code,
            "downloadMediaUrl": params.download_media_url,
            "workspaceId": params.workspace_id,
            "languageCode": params.language_code,
        }
    )


def _without_none(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def describe_validation_error(error: ValidationError) -> str:
    """`"<field>: <reason>"` for every problem, on one line (`; ` between problems)."""
    problems = []
    for item in error.errors(include_url=False):
        loc = item.get("loc") or ()
        message = str(item.get("msg", "invalid"))
        message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
        field = _field_path(loc)
        if not field and ":" in message.split(" ", 1)[0]:
            problems.append(message)  # a model-level check already names its field
        elif not field:
            problems.append(f"input: {message}")
        else:
            problems.append(f"{field}: {message}")
    return " ".join("; ".join(problems).split())


def _field_path(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif str(part).startswith(("function-after", "function-before", "literal[")):
            continue  # pydantic's validator wrappers, not fields
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts)
