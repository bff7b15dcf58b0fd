"""The five seed actions on top of `gong_source.client.GongClient`.

Every action follows the same error model:

1. the parameters are validated first (pydantic input models); a problem returns
   `success=False, error="<field>: <reason>"` and no request is sent;
2. the request(s) go through the shared client, which paces, budgets and retries (429 with
   Retry-After, 5xx, timeouts, dropped or truncated answers);
3. any `GongError` (and any unexpected exception) becomes `success=False` with a one-line
   `error` naming the endpoint, status, Gong's message and requestId; the client's secrets are
   scrubbed from it. An action never raises for a Gong or input problem.

`client=None` builds a client from `GongConfig.from_dlt()` (SOURCES__GONG__* env vars or
.dlt/secrets.toml) and closes it afterwards.

Date-times are sent to Gong normalized to UTC (`2018-02-18T02:30:00-07:00` is sent as
`2018-02-18T09:30:00Z`, same instant); a value without an offset is taken as UTC.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from gong_source import settings
from gong_source.client import GongClient
from gong_source.config import GongConfig
from gong_source.errors import GongError, GongRequestError, redact

from .models import (
    AddNewCallInput,
    AddNewCallOutput,
    GetExtensiveDataInput,
    GetExtensiveDataOutput,
    ListCallsInput,
    ListCallsOutput,
    ListWorkspaceIdOptionsInput,
    ListWorkspaceIdOptionsOutput,
    RetrieveTranscriptsOfCallsInput,
    RetrieveTranscriptsOfCallsOutput,
    Workspace,
    describe_validation_error,
)

logger = logging.getLogger(__name__)

Out = TypeVar("Out", bound=BaseModel)
In = TypeVar("In", bound=BaseModel)

_DUPLICATE = re.compile(r"clientUniqueId .* has already been posted for the call (\d+)", re.IGNORECASE)


# ------------------------------------------------------------------------------ actions
def add_new_call(
    client: GongClient | None = None,
    *,
    client_unique_id: str,
    actual_start: str,
    direction: str,
    primary_user: str,
    parties: list[dict[str, Any]],
    title: str | None = None,
    purpose: str | None = None,
    scheduled_start: str | None = None,
    scheduled_end: str | None = None,
    duration: int | None = None,
    disposition: str | None = None,
    meeting_url: str | None = None,
    call_provider_code: str | None = None,
    download_media_url: str | None = None,
    workspace_id: str | None = None,
    language_code: str | None = None,
) -> AddNewCallOutput:
    """Add a call to Gong (POST /v2/calls); `call_id` is Gong's id for it.

    A `clientUniqueId` that was already posted is an error naming the existing call, except when
    this very invocation retried (a lost answer after Gong stored the call): then the duplicate
    is our own first attempt, and the existing call id is returned as a success.
    """
    return _run(AddNewCallOutput, AddNewCallInput, client, locals(), _add_new_call)


def list_calls(
    client: GongClient | None = None,
    *,
    from_date_time: str | None = None,
    to_date_time: str | None = None,
    cursor: str | None = None,
) -> ListCallsOutput:
    """One page (up to 100) of calls (GET /v2/calls); pass the returned `cursor` for the next.

    `cursor` is None on the last page; a window with no calls is a success with no calls.
    """
    return _run(ListCallsOutput, ListCallsInput, client, locals(), _list_calls)


def get_extensive_data(
    client: GongClient | None = None,
    *,
    from_date_time: str | None = None,
    to_date_time: str | None = None,
    workspace_id: str | None = None,
    call_ids: list[str] | None = None,
    primary_user_ids: list[str] | None = None,
    max_results: int = 600,
    context: str | None = None,
    context_timing: list[str] | None = None,
    include_parties: bool = False,
    exposed_fields_content: dict[str, bool] | None = None,
    exposed_fields_interaction: dict[str, bool] | None = None,
    include_public_comments: bool = False,
    include_media: bool = False,
) -> GetExtensiveDataOutput:
    """Detailed calls (POST /v2/calls/extensive), following Gong's cursor up to `max_results`.

    More than 100 `call_ids` are sent in batches of 100 (Gong's limit per filter).
    """
    return _run(GetExtensiveDataOutput, GetExtensiveDataInput, client, locals(), _get_extensive_data)


def list_workspace_id_options(client: GongClient | None = None) -> ListWorkspaceIdOptionsOutput:
    """The company's workspaces (GET /v2/workspaces) as `{id, name}` entries."""
    return _run(
        ListWorkspaceIdOptionsOutput, ListWorkspaceIdOptionsInput, client, {}, _list_workspace_id_options
    )


def retrieve_transcripts_of_calls(
    client: GongClient | None = None,
    *,
    from_date_time: str | None = None,
    to_date_time: str | None = None,
    workspace_id: str | None = None,
    call_ids: list[str] | None = None,
) -> RetrieveTranscriptsOfCallsOutput:
    """Transcripts (POST /v2/calls/transcript) as Gong returns them: `{callId, transcript}`.

    `call_ids=None` means no call filter; more than 100 ids are sent in batches of 100, and
    every batch follows Gong's cursor to its last page.
    """
    return _run(
        RetrieveTranscriptsOfCallsOutput,
        RetrieveTranscriptsOfCallsInput,
        client,
        locals(),
        _retrieve_transcripts_of_calls,
    )


# ------------------------------------------------------------------------ operations
def _add_new_call(client: GongClient, params: AddNewCallInput) -> AddNewCallOutput:
    try:
        body = client.post(settings.CALLS_PATH, json=params.request_body()) or {}
    except GongRequestError as exc:
        duplicate = _DUPLICATE.search(str(exc))
        if exc.status == 400 and duplicate and client.attempts_of_last_request() > 1:
            logger.info("add_new_call: the retried upload had been stored by an earlier attempt: %s", exc)
            return AddNewCallOutput(success=True, request_id=exc.request_id, call_id=duplicate.group(1))
        raise
    call_id = body.get("callId")
    if call_id is None:
        raise GongError(
            f"POST {settings.CALLS_PATH}: HTTP 200 without a callId (requestId {body.get('requestId')})",
            request_id=body.get("requestId"),
        )
    return AddNewCallOutput(success=True, request_id=body.get("requestId"), call_id=str(call_id))


def _list_calls(client: GongClient, params: ListCallsInput) -> ListCallsOutput:
    body = client.get(settings.CALLS_PATH, params=params.request_body())
    if body is None:  # Gong's "No calls found corresponding to the provided filters" 404
        return ListCallsOutput(success=True)
    calls = body.get("calls")
    records = body.get("records") or {}
    if not isinstance(calls, list) or not isinstance(records, dict):
        raise GongError(
            f"GET {settings.CALLS_PATH}: response has no 'calls' list (requestId {body.get('requestId')})"
        )
    return ListCallsOutput(
        success=True,
        request_id=body.get("requestId"),
        cursor=records.get("cursor") or None,
        calls=calls,
    )


def _get_extensive_data(client: GongClient, params: GetExtensiveDataInput) -> GetExtensiveDataOutput:
    body = params.request_body()
    calls: list[dict[str, Any]] = []
    for filter_ in _batched_filters(body["filter"]):
        pages = client.paginate(
            "POST", settings.CALLS_EXTENSIVE_PATH, items_key="calls", json={**body, "filter": filter_}
        )
        for page in pages:
            calls.extend(page.items)
            if len(calls) >= params.max_results:
                pages.close()
                return GetExtensiveDataOutput(success=True, calls=calls[: params.max_results])
    return GetExtensiveDataOutput(success=True, calls=calls)


def _list_workspace_id_options(
    client: GongClient, params: ListWorkspaceIdOptionsInput
) -> ListWorkspaceIdOptionsOutput:
    body = client.get(settings.WORKSPACES_PATH) or {}
    workspaces = body.get("workspaces") or []
    if not isinstance(workspaces, list):
        raise GongError(
            f"GET {settings.WORKSPACES_PATH}: 'workspaces' is not a list (requestId {body.get('requestId')})"
        )
    return ListWorkspaceIdOptionsOutput(
        success=True,
        workspaces=[
            Workspace(id=_text_or_none(w.get("id")), name=_text_or_none(w.get("name")))
            for w in workspaces
            if isinstance(w, dict)
        ],
    )


def _retrieve_transcripts_of_calls(
    client: GongClient, params: RetrieveTranscriptsOfCallsInput
) -> RetrieveTranscriptsOfCallsOutput:
    transcripts: list[dict[str, Any]] = []
    for batch in _batched_filters(params.request_body()["filter"]):
        for page in client.paginate(
            "POST", settings.CALLS_TRANSCRIPT_PATH, items_key="callTranscripts", json={"filter": batch}
        ):
            transcripts.extend(page.items)
    return RetrieveTranscriptsOfCallsOutput(success=True, call_transcripts=transcripts)


def _batched_filters(filter_: dict[str, Any]) -> list[dict[str, Any]]:
    """The filter once, or once per 100 `callIds` (Gong's per-request limit)."""
    call_ids = filter_.get("callIds")
    if not call_ids:
        return [filter_]
    size = settings.MAX_CALL_IDS_PER_REQUEST
    return [{**filter_, "callIds": call_ids[i : i + size]} for i in range(0, len(call_ids), size)]


# ---------------------------------------------------------------------------- plumbing
def _run(
    output: type[Out],
    inputs: type[In],
    client: GongClient | None,
    arguments: dict[str, Any],
    operation: Callable[[GongClient, In], Out],
) -> Out:
    """Validate, send, and turn every failure into `output(success=False, error=...)`."""
    values = {k: v for k, v in arguments.items() if k != "client" and v is not None}
    try:
        params = inputs.model_validate(values)
    except ValidationError as exc:
        return output(success=False, error=describe_validation_error(exc))
    owned = client is None
    secrets: tuple[str, ...] = ()
    try:
        if client is None:
            client = GongClient(GongConfig.from_dlt())
        secrets = client.config.secrets
        return operation(client, params)
    except GongError as exc:
        return _failure(output, str(exc), secrets, getattr(exc, "request_id", None))
    except Exception as exc:  # the error model: an action reports, it does not raise
        logger.debug("unexpected error in %s", operation.__name__, exc_info=True)
        return _failure(output, f"unexpected {type(exc).__name__}: {exc}", secrets, None)
    finally:
        if owned and client is not None:
            client.close()


def _failure(output: type[Out], message: str, secrets: tuple[str, ...], request_id: str | None) -> Out:
    text = redact(message, secrets) or "unknown error"
    values: dict[str, Any] = {"success": False, "error": text}
    if "request_id" in output.model_fields and request_id:
        values["request_id"] = redact(request_id, secrets)
    return output(**values)


def _text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)
