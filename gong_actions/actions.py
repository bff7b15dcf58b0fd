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

import functools
import inspect
import logging
import re
from collections.abc import Callable, Iterator
from itertools import islice
from typing import Any, Generic, TypeVar, get_type_hints

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

In = TypeVar("In", bound=BaseModel)
Out = TypeVar("Out", bound=BaseModel)

_DUPLICATE = re.compile(r"clientUniqueId .* has already been posted for the call (\d+)", re.IGNORECASE)


class Action(Generic[In, Out]):
    """A seed action made from its operation `(client, params: <Input>) -> <Output>`.

    `action(client=None, **parameters)` validates the parameters into the input model (a None
    value counts as not given), runs the operation and reports every failure in the output
    model. The parameters and the call signature `help()` shows are the input model's fields.
    """

    def __init__(self, operation: Callable[[GongClient, In], Out]) -> None:
        hints = get_type_hints(operation)
        self.inputs: type[In] = hints["params"]
        self.output: type[Out] = hints["return"]
        self.operation = operation
        functools.update_wrapper(self, operation)
        self.__signature__ = _signature(self.inputs, self.output)

    @property
    def name(self) -> str:
        return self.operation.__name__

    @property
    def summary(self) -> str:
        """The docstring's first line (the CLI's help for the action)."""
        return (self.operation.__doc__ or self.name).strip().splitlines()[0]

    def __call__(self, client: GongClient | None = None, **parameters: Any) -> Out:
        try:
            params = self.inputs.model_validate({k: v for k, v in parameters.items() if v is not None})
        except ValidationError as exc:
            return self.output(success=False, error=describe_validation_error(exc))
        owned = client is None
        secrets: tuple[str, ...] = ()
        try:
            if client is None:
                client = GongClient(GongConfig.from_dlt())
            secrets = client.config.secrets
            return self.operation(client, params)
        except GongError as exc:
            return self._failure(str(exc), secrets, getattr(exc, "request_id", None))
        except Exception as exc:  # the error model: an action reports, it does not raise
            logger.debug("unexpected error in %s", self.name, exc_info=True)
            return self._failure(f"unexpected {type(exc).__name__}: {exc}", secrets, None)
        finally:
            if owned and client is not None:
                client.close()

    def _failure(self, message: str, secrets: tuple[str, ...], request_id: str | None) -> Out:
        values: dict[str, Any] = {"success": False, "error": redact(message, secrets) or "unknown error"}
        if "request_id" in self.output.model_fields and request_id:
            values["request_id"] = redact(request_id, secrets)
        return self.output(**values)


def _signature(inputs: type[BaseModel], output: type[BaseModel]) -> inspect.Signature:
    """`(client=None, *, <every field of the input model>) -> <output>`, in plain types."""
    types = get_type_hints(inputs)  # without the validators' `Annotated` metadata
    client = inspect.Parameter(
        "client", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None, annotation=GongClient | None
    )
    parameters = [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            default=inspect.Parameter.empty if field.is_required() else field.default,
            annotation=types[name],
        )
        for name, field in inputs.model_fields.items()
    ]
    return inspect.Signature([client, *parameters], return_annotation=output)


# ------------------------------------------------------------------------------ actions
@Action
def add_new_call(client: GongClient, params: AddNewCallInput) -> AddNewCallOutput:
    """Add a call to Gong (POST /v2/calls); `call_id` is Gong's id for it.

    A `clientUniqueId` that was already posted is an error naming the existing call, except when
    this very invocation retried (a lost answer after Gong stored the call): then the duplicate
    is our own first attempt, and the existing call id is returned as a success.
    """
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


@Action
def get_extensive_data(client: GongClient, params: GetExtensiveDataInput) -> GetExtensiveDataOutput:
    """Detailed calls (POST /v2/calls/extensive), every page up to max_results.

    More than 100 `call_ids` are sent in batches of 100 (Gong's limit per filter); no page is
    asked for once `max_results` calls are read.
    """
    calls = _items(client, settings.CALLS_EXTENSIVE_PATH, "calls", params.request_body())
    return GetExtensiveDataOutput(success=True, calls=list(islice(calls, params.max_results)))


@Action
def list_calls(client: GongClient, params: ListCallsInput) -> ListCallsOutput:
    """One page (up to 100) of calls (GET /v2/calls); pass the returned cursor for the next.

    `cursor` is None on the last page; a window with no calls is a success with no calls.
    """
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


@Action
def list_workspace_id_options(
    client: GongClient, params: ListWorkspaceIdOptionsInput
) -> ListWorkspaceIdOptionsOutput:
    """The company's workspaces (GET /v2/workspaces) as `{id, name}` entries."""
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


@Action
def retrieve_transcripts_of_calls(
    client: GongClient, params: RetrieveTranscriptsOfCallsInput
) -> RetrieveTranscriptsOfCallsOutput:
    """Call transcripts (POST /v2/calls/transcript) as Gong returns them: `{callId, transcript}`.

    No `call_ids` means no call filter; more than 100 ids are sent in batches of 100, and every
    batch follows Gong's cursor to its last page.
    """
    transcripts = _items(client, settings.CALLS_TRANSCRIPT_PATH, "callTranscripts", params.request_body())
    return RetrieveTranscriptsOfCallsOutput(success=True, call_transcripts=list(transcripts))


ACTIONS: tuple[Action[Any, Any], ...] = (
    add_new_call,
    get_extensive_data,
    list_calls,
    list_workspace_id_options,
    retrieve_transcripts_of_calls,
)


# ---------------------------------------------------------------------------- plumbing
def _items(client: GongClient, path: str, items_key: str, body: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every item of every page, lazily (a page is asked for when its first item is wanted).

    The body's filter is sent once, or once per 100 `callIds` (Gong's per-request limit).
    """
    call_ids = body["filter"].get("callIds")
    size = settings.MAX_CALL_IDS_PER_REQUEST
    batches = [call_ids[i : i + size] for i in range(0, len(call_ids), size)] if call_ids else [None]
    for batch in batches:
        filter_ = body["filter"] if batch is None else {**body["filter"], "callIds": batch}
        for page in client.paginate("POST", path, items_key=items_key, json={**body, "filter": filter_}):
            yield from page.items


def _text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)
