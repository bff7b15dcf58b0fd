"""``POST /v2/calls``: validate an upload body like Gong, and plan the uploaded call from it.

The stored call is what was sent plus generated speech (RNG seeded with the clientUniqueId).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from typing import Any

from gong_emulator import vocab
from gong_emulator.ids import random_id
from gong_emulator.model import CrmObject, Party, Plan, Row, UploadError
from gong_emulator.planning import draw_duration
from gong_emulator.tenant import Tenant
from gong_emulator.timefmt import parse_instant_ns, precision_digits, truncate_us

DIRECTIONS = ("Inbound", "Outbound", "Conference", "Unknown")
_REQUIRED = ("clientUniqueId", "actualStart", "direction", "primaryUser", "parties")


@dataclass(frozen=True)
class UploadRequest:
    """A validated upload body with its instants parsed (digits as Gong will emit them)."""

    body: dict[str, Any]
    client_id: str
    started_us: int
    digits: int
    scheduled_us: int
    scheduled_digits: int
    primary_user_id: str
    workspace_id: str


def parse_upload(body: Any, tenant: Tenant) -> UploadRequest:
    """Validate like Gong; UploadError carries the message Gong puts in ``errors[]``."""
    if not isinstance(body, dict):
        raise UploadError("Bad request")
    for name in _REQUIRED:
        if body.get(name) in (None, ""):
            raise UploadError(f"{name}: must not be null")
    client_id = body["clientUniqueId"]
    if not isinstance(client_id, str) or len(client_id) > 2048:
        raise UploadError("clientUniqueId: must be a string of at most 2048 characters")
    parties = body["parties"]
    if not isinstance(parties, list) or not parties:
        raise UploadError("parties: must not be empty")
    if not all(isinstance(p, dict) for p in parties):
        raise UploadError("parties: each party must be an object")
    if body["direction"] not in DIRECTIONS:
        raise UploadError(f"direction: must be one of {', '.join(DIRECTIONS)}")
    started_us, digits = _instant(body, "actualStart")
    scheduled_us, scheduled_digits = started_us, digits
    if body.get("scheduledStart") is not None:
        scheduled_us, scheduled_digits = _instant(body, "scheduledStart")
    primary = str(body["primaryUser"])
    if primary not in tenant.users_by_id:
        raise UploadError(f"primaryUser: user {primary} was not found")
    duration = body.get("duration")
    if duration is not None and (isinstance(duration, bool) or not isinstance(duration, int | float)):
        raise UploadError("duration: must be a number")
    workspace_id = body.get("workspaceId") or tenant.users_by_id[primary].workspace_id
    if workspace_id not in {w["id"] for w in tenant.workspaces}:
        raise UploadError(f"workspaceId: workspace {workspace_id} was not found")
    return UploadRequest(
        dict(body), client_id, started_us, digits, scheduled_us, scheduled_digits, primary, str(workspace_id)
    )


def _instant(body: dict[str, Any], name: str) -> tuple[int, int]:
    """(µs, digits) of an instant field, at the precision Gong keeps (0, 3 or 6 digits)."""
    try:
        ns, fraction = parse_instant_ns(body[name])
    except ValueError:
        raise UploadError(f"{name}: must be an ISO-8601 date-time with offset") from None
    digits = precision_digits(fraction)
    return truncate_us(ns // 1000, digits), digits


def plan_uploaded(tenant: Tenant, row: Row) -> Plan:
    """Plan for a POST /v2/calls upload: what was sent, plus generated speech."""
    up = row.upload
    assert up is not None
    body = up.body
    spec = tenant.spec
    key = f"{spec.seed}/upload/{body['clientUniqueId']}"
    rng = random.Random(key)
    internal_domains = set(tenant.internal_domains)
    parties = [_uploaded_party(rng, tenant, raw, internal_domains) for raw in body["parties"]]
    sent = body.get("duration")
    n = spec.sentences_per_call if sent is None else max(1, min(spec.sentences_per_call, int(sent // 5)))
    duration = draw_duration(rng, n) if sent is None else max(1, int(sent) - rng.randint(0, 5))
    external = any(p.affiliation != "Internal" for p in parties)
    language = vocab.UPLOAD_LANGUAGES.get(str(body.get("languageCode") or "en")[:2].lower(), "eng")
    meeting_url = body.get("meetingUrl")
    if up.media_uploaded:
        token = hashlib.sha1(key.encode()).hexdigest()[:19]
        host = vocab.S3_MEDIA_HOST
        meeting_url = f"{host}/public-api-upload/{tenant.company_number}/{row.call_id}/{token}/media.mp3"
    ext_party = next((p for p in parties if p.affiliation == "External"), None)
    return Plan(
        key=key,
        call_id=row.call_id,
        started_us=row.started_us,
        digits=row.digits,
        scheduled_us=up.scheduled_us,
        scheduled_digits=up.scheduled_digits,
        duration=duration,
        title=body.get("title"),
        direction=body["direction"],
        system="Upload API",
        scope="External" if external else "Internal",
        media="Audio",
        language=language if language in vocab.WORDS else "eng",
        workspace_id=row.workspace_id,
        primary_user_id=row.primary_user_id,
        sdr_disposition=body.get("disposition"),
        client_unique_id=body["clientUniqueId"],
        custom_data=body.get("customData"),
        purpose=body.get("purpose"),
        meeting_url=meeting_url,
        is_private=False,
        calendar_event_id=None,
        parties=parties,
        crm=_uploaded_crm(body.get("context")),
        account_name=(ext_party.name if ext_party and ext_party.name else tenant.name),
        n_sentences=n,
        unknown_speaker=None,
        comments=False,
        uploaded=True,
    )


def _uploaded_party(
    rng: random.Random, tenant: Tenant, raw: dict[str, Any], internal_domains: set[str]
) -> Party:
    """A sent party, completed from the company's users; affiliation guessed when not sent."""
    user_id = raw.get("userId")
    user = tenant.users_by_id.get(str(user_id)) if user_id else None
    email = raw.get("emailAddress") or (user.email if user else None)
    if user is None and email:
        user = next((u for u in tenant.members if u.email == email), None)
    affiliation = raw.get("affiliation")
    if affiliation not in ("Internal", "External", "Unknown"):
        domain = email.split("@")[-1].lower() if email else None
        affiliation = "Internal" if user or domain in internal_domains else "External"
        if not email and not user:
            affiliation = "Unknown"
    return Party(
        id=random_id(rng),
        email=email,
        name=raw.get("name") or (user.name if user else None),
        title=user.api["title"] if user else None,
        user_id=user.id if user else None,
        affiliation=affiliation,
        phone=raw.get("phoneNumber"),
        methods=["Attendee"],
        speaker_id=random_id(rng),
        speaks=True,
        crm=_uploaded_crm(raw.get("context")),
    )


def _uploaded_crm(context: Any) -> list[CrmObject]:
    """Uploaded ``context[]`` as CRM objects (shape-tolerant: bad entries are skipped)."""
    out: list[CrmObject] = []
    if not isinstance(context, list):
        return out
    for entry in context:
        if not isinstance(entry, dict):
            continue
        for obj in entry.get("objects") or []:
            if not isinstance(obj, dict) or "objectType" not in obj or "objectId" not in obj:
                continue
            fields = [
                (f["name"], f.get("value"))
                for f in obj.get("fields") or []
                if isinstance(f, dict) and "name" in f
            ]
            system = str(entry.get("system", "Generic"))
            out.append(CrmObject(system, obj["objectType"], str(obj["objectId"]), fields, fields))
    return out
