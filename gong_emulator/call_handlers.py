"""The call endpoints: list, extensive, transcripts, one call, upload and media upload."""

from __future__ import annotations

import re

from gong_emulator.cursors import fingerprint
from gong_emulator.exchange import ApiError, Exchange, has_multipart_part, parse_call_filter
from gong_emulator.model import UploadError
from gong_emulator.routes import Answer, Api, Route
from gong_emulator.selector import ContentSelector


def list_calls(api: Api, ex: Exchange, _: re.Match[str]) -> Answer:
    """GET /v2/calls: metadata by started range, 100 a page."""
    flt = parse_call_filter(ex.query, "", call_ids=False, users=False)
    records, page = api.pager.calls(ex, flt, fingerprint("GET /v2/calls", ex.inputs()), transcripts=False)
    return 200, {"records": records, "calls": [c.metadata() for c in page]}


def _selector(ex: Exchange) -> ContentSelector:
    try:
        return ContentSelector.from_json(ex.json_object().get("contentSelector"))
    except ValueError as err:
        raise ApiError(400, str(err)) from None


def extensive(api: Api, ex: Exchange, _: re.Match[str]) -> Answer:
    """POST /v2/calls/extensive: the content selector's sections, as they are now."""
    flt = parse_call_filter(ex.filter_object(), "filter.", call_ids=True, users=True)
    selector = _selector(ex)
    fp = fingerprint("POST /v2/calls/extensive", ex.inputs())
    records, page = api.pager.calls(ex, flt, fp, transcripts=False)
    now = api.clock.now()
    return 200, {"records": records, "calls": [c.extensive(selector, now) for c in page]}


def transcripts(api: Api, ex: Exchange, _: re.Match[str]) -> Answer:
    """POST /v2/calls/transcript: listed calls' transcripts ([] while a pending one is empty)."""
    flt = parse_call_filter(ex.filter_object(), "filter.", call_ids=True, users=False)
    fp = fingerprint("POST /v2/calls/transcript", ex.inputs())
    records, page = api.pager.calls(ex, flt, fp, transcripts=True)
    now = api.clock.now()
    return 200, {"records": records, "callTranscripts": [c.transcript(now) for c in page]}


def get_call(api: Api, ex: Exchange, match: re.Match[str]) -> Answer:
    """GET /v2/calls/{id}: one listed call's metadata."""
    call_id = match["id"]
    try:
        call = api.company.call(call_id)
    except KeyError:
        raise ApiError(404, f"Call ID {call_id} was not found") from None
    if call.visible_at > api.clock.now():
        raise ApiError(404, f"Call ID {call_id} was not found")
    return 200, {"call": call.metadata()}


def upload_call(api: Api, ex: Exchange, _: re.Match[str]) -> Answer:
    """POST /v2/calls: store an uploaded call (200 with its new id)."""
    body = ex.json_object()
    try:
        call_id = api.company.add_uploaded_call(
            body, api.clock.now(), visible_after_seconds=api.upload_visibility_lag_seconds
        )
    except UploadError as err:
        raise ApiError(400, str(err)) from None
    return 200, {"callId": call_id}


def put_media(api: Api, ex: Exchange, match: re.Match[str]) -> Answer:
    """PUT /v2/calls/{id}/media: a multipart ``mediaFile`` (201)."""
    call_id = match["id"]
    content_type = ex.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise ApiError(415, "Unsupported Media Type")
    try:
        api.company.call(call_id)
    except KeyError:
        raise ApiError(404, f"Call ID {call_id} was not found") from None
    if not has_multipart_part(content_type, ex.raw_body, "mediaFile"):
        raise ApiError(400, "mediaFile part is missing")
    api.company.attach_media(call_id)
    return 201, {"callId": call_id, "url": f"https://{api.company.app_host}/call?id={call_id}"}


CALL_ROUTES: list[Route] = [
    ("GET", r"/v2/calls", list_calls, "api:calls:read:basic"),
    ("POST", r"/v2/calls", upload_call, "api:calls:create:basic"),
    ("POST", r"/v2/calls/extensive", extensive, "api:calls:read:extensive"),
    ("POST", r"/v2/calls/transcript", transcripts, "api:calls:read:transcript"),
    ("GET", r"/v2/calls/(?P<id>\d+)", get_call, "api:calls:read:basic"),
    ("PUT", r"/v2/calls/(?P<id>[^/]+)/media", put_media, "api:calls:create:basic"),
]
