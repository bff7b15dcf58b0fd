"""The actions' contract: output models whose JSON schemas equal the seed's, and input models.

Every input model validates a whole parameter set before any request is sent, and is the one
statement of its action's parameters: the request body, the CLI flags and the call signature
derive from it. `describe_validation_error` turns pydantic's error into the one-line
`"<field>: <reason>"` text returned as `error`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError, model_validator

from gong_source.settings import CONTENT_FIELDS, INTERACTION_FIELDS

from .fields import (
    MAX_TEXT,
    PARTY_FIELDS,
    ClientUniqueId,
    ContentFields,
    Context,
    ContextTimings,
    Direction,
    Id,
    IdList,
    InteractionFields,
    IsoDateTime,
    LanguageCode,
    LimitedText,
    Parties,
    Seconds,
    Text,
    Url,
)

# ------------------------------------------------------------------------------ outputs


class _Output(BaseModel):
    """What every action returns: `success`, and on failure a one-line `error`.

    The output classes deliberately have no docstrings: pydantic turns a docstring into a
    schema `description`, and the seed's schemas have none (only `Workspace` carries one).
    """

    model_config = ConfigDict(extra="forbid")

    success: bool
    error: str | None = None


class AddNewCallOutput(_Output):
    request_id: str | None = None
    call_id: str | None = None


class GetExtensiveDataOutput(_Output):
    calls: list[dict[str, Any]] = Field(default_factory=list)


class ListCallsOutput(_Output):
    request_id: str | None = None
    cursor: str | None = None
    calls: list[dict[str, Any]] = Field(default_factory=list)


class Workspace(BaseModel):
    """A Gong workspace entry."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = None
    name: str | None = None


class ListWorkspaceIdOptionsOutput(_Output):
    workspaces: list[Workspace] = Field(default_factory=list)


class RetrieveTranscriptsOfCallsOutput(_Output):
    call_transcripts: list[dict[str, Any]] = Field(default_factory=list)


OUTPUT_MODELS: tuple[type[BaseModel], ...] = (
    AddNewCallOutput,
    GetExtensiveDataOutput,
    ListCallsOutput,
    ListWorkspaceIdOptionsOutput,
    RetrieveTranscriptsOfCallsOutput,
)

# ------------------------------------------------------------------------------ inputs


class _Input(BaseModel):
    """An action's parameters, each stated once as a field; everything else derives from it.

    A field's `serialization_alias` is its key in Gong's request, a dotted alias nests it
    (`filter.callIds` is sent as `{"filter": {"callIds": ...}}`); `exclude=True` marks a
    parameter Gong never sees. Its description (the docstring under it, or `description=` when
    computed) is the CLI's help, its type the CLI's kind of flag (`gong_actions.cli`) and its
    name a keyword of the action (`gong_actions.actions`).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    # (earlier, later) date-time parameters: both given, the first must be strictly earlier
    # (Gong answers 400 otherwise).
    ordered: ClassVar[tuple[tuple[str, str], ...]] = ()

    @model_validator(mode="after")
    def _check_order(self) -> Self:
        for start_name, end_name in self.ordered:
            start, end = getattr(self, start_name), getattr(self, end_name)
            if None not in (start, end) and datetime.fromisoformat(start) >= datetime.fromisoformat(end):
                raise ValueError(f"{start_name}: must be before {end_name}")
        return self

    def request_body(self) -> dict[str, Any]:
        """Gong's JSON body (for GET, the query): the parameters given, under their aliases.

        A parameter left out or at its default (a flag left false) is not sent.
        """
        body: dict[str, Any] = {}
        for key, value in self.model_dump(by_alias=True, exclude_none=True, exclude_defaults=True).items():
            *sections, leaf = key.split(".")
            target = body
            for section in sections:
                target = target.setdefault(section, {})
            target[leaf] = value
        return body


_FREE_TEXT = f"Free text up to {MAX_TEXT} characters."


class AddNewCallInput(_Input):
    """Parameters of `add_new_call` (POST /v2/calls)."""

    ordered = (("scheduled_start", "scheduled_end"),)

    client_unique_id: ClientUniqueId = Field(serialization_alias="clientUniqueId")
    """A call's unique identifier in the PBX or recording system; Gong refuses a second call with it."""
    actual_start: IsoDateTime = Field(serialization_alias="actualStart")
    """When the call started, ISO-8601: 2018-02-18T02:30:00-07:00 or 2018-02-18T08:00:00Z."""
    direction: Direction = Field(serialization_alias="direction")
    """The call's direction."""
    primary_user: Id = Field(serialization_alias="primaryUser")
    """The Gong user id of the team member who hosted the call."""
    parties: Parties = Field(
        serialization_alias="parties",
        description=f"The call's participants, objects with any of {', '.join(PARTY_FIELDS)}.",
    )
    title: str | None = Field(None, serialization_alias="title")
    """The title of the call, for indexing and search."""
    purpose: LimitedText | None = Field(
        None, serialization_alias="purpose", description=f"The purpose of the call. {_FREE_TEXT}"
    )
    scheduled_start: IsoDateTime | None = Field(None, serialization_alias="scheduledStart")
    """When the call was scheduled to begin, ISO-8601."""
    scheduled_end: IsoDateTime | None = Field(None, serialization_alias="scheduledEnd")
    """When the call was scheduled to end, ISO-8601."""
    duration: Seconds | None = Field(None, serialization_alias="duration")
    """The actual call duration in seconds."""
    disposition: LimitedText | None = Field(
        None, serialization_alias="disposition", description=f"The disposition of the call. {_FREE_TEXT}"
    )
    meeting_url: Text | None = Field(None, serialization_alias="meetingUrl")
    """The URL of the conference call by which users join the meeting."""
    call_provider_code: Text | None = Field(None, serialization_alias="callProviderCode")
    """The conferencing or telephony system: zoom, clearslide, gotomeeting, ringcentral, outreach, ..."""
    download_media_url: Url | None = Field(None, serialization_alias="downloadMediaUrl")
    """The http(s) URL Gong downloads the media file from; unique, at most 1.5 GB."""
    workspace_id: Id | None = Field(None, serialization_alias="workspaceId")
    """The workspace to place the call in."""
    language_code: LanguageCode | None = Field(None, serialization_alias="languageCode")
    """The language to transcribe in, e.g. en-US or fr-FR; Gong detects it when unset."""


class ListCallsInput(_Input):
    """Parameters of `list_calls` (GET /v2/calls, one page)."""

    ordered = (("from_date_time", "to_date_time"),)

    from_date_time: IsoDateTime | None = Field(None, serialization_alias="fromDateTime")
    """Date and time (ISO-8601) from which to list recorded calls, inclusive."""
    to_date_time: IsoDateTime | None = Field(None, serialization_alias="toDateTime")
    """Date and time (ISO-8601) until which to list recorded calls, exclusive."""
    cursor: Text | None = Field(None, serialization_alias="cursor")
    """Pagination cursor returned by a previous call."""


class _CallFilter(_Input):
    """Gong's `filter` of the call-scoped POST endpoints; it is sent even when empty."""

    ordered = (("from_date_time", "to_date_time"),)

    from_date_time: IsoDateTime | None = Field(None, serialization_alias="filter.fromDateTime")
    """Date and time (ISO-8601) from which to filter calls by their start, inclusive."""
    to_date_time: IsoDateTime | None = Field(None, serialization_alias="filter.toDateTime")
    """Date and time (ISO-8601) until which to filter calls by their start, exclusive."""
    workspace_id: Id | None = Field(None, serialization_alias="filter.workspaceId")
    """The ID of the workspace to filter by."""
    call_ids: IdList | None = Field(None, serialization_alias="filter.callIds")
    """Call IDs to filter by (sent in batches of 100); none: every call in the window."""

    def request_body(self) -> dict[str, Any]:
        return {"filter": {}, **super().request_body()}


class GetExtensiveDataInput(_CallFilter):
    """Parameters of `get_extensive_data` (POST /v2/calls/extensive, every page up to max_results)."""

    primary_user_ids: IdList | None = Field(None, serialization_alias="filter.primaryUserIds")
    """User IDs: only calls hosted by these users."""
    max_results: int = Field(600, ge=1, exclude=True)
    """Maximum number of calls to return (no page is asked for beyond it)."""
    context: Context | None = Field(None, serialization_alias="contentSelector.context")
    """How much CRM context: Basic adds the links, Extended their data too."""
    context_timing: ContextTimings | None = Field(None, serialization_alias="contentSelector.contextTiming")
    """Timing for context data, one or both; only valid when context is Extended."""
    include_parties: StrictBool = Field(False, serialization_alias="contentSelector.exposedFields.parties")
    """Whether to include parties in the response."""
    exposed_fields_content: ContentFields | None = Field(
        None,
        serialization_alias="contentSelector.exposedFields.content",
        description=f"Content fields to include (boolean values): {', '.join(CONTENT_FIELDS)}.",
    )
    exposed_fields_interaction: InteractionFields | None = Field(
        None,
        serialization_alias="contentSelector.exposedFields.interaction",
        description=f"Interaction fields to include (boolean values): {', '.join(INTERACTION_FIELDS)}.",
    )
    include_public_comments: StrictBool = Field(
        False, serialization_alias="contentSelector.exposedFields.collaboration.publicComments"
    )
    """Whether to include public comments in the response."""
    include_media: StrictBool = Field(False, serialization_alias="contentSelector.exposedFields.media")
    """Whether to include media URLs in the response (needs the media-url scope)."""

    @model_validator(mode="after")
    def _combinations(self) -> GetExtensiveDataInput:
        if self.context_timing is not None and self.context != "Extended":
            raise ValueError("context_timing: only valid when context is Extended")
        content = self.exposed_fields_content or {}
        if content.get("trackerOccurrences") and not content.get("trackers"):
            raise ValueError("exposed_fields_content: trackerOccurrences requires trackers to be true")
        return self


class ListWorkspaceIdOptionsInput(_Input):
    """`list_workspace_id_options` takes no parameters."""


class RetrieveTranscriptsOfCallsInput(_CallFilter):
    """Parameters of `retrieve_transcripts_of_calls` (POST /v2/calls/transcript)."""


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
