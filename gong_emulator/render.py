"""A call's JSON as Gong shapes it: metaData, transcript, CRM context, parties, interaction,
comments and media (the ``content`` section lives in ``gong_emulator.content``)."""

from __future__ import annotations

import hashlib
import os
from datetime import datetime
from typing import Any

from gong_emulator import talk, vocab
from gong_emulator.content import part_rng
from gong_emulator.ids import random_id
from gong_emulator.model import CrmObject, Plan, Row, Timeline
from gong_emulator.selector import ContentSelector
from gong_emulator.tenant import Tenant
from gong_emulator.timefmt import format_instant, to_us, truncate_us
from gong_emulator.timeline import sentence_texts

_MAX_COMMENT_DELAY_S = 72 * 3600  # comments after the call are posted up to 3 days later


def metadata_json(tenant: Tenant, p: Plan) -> dict[str, Any]:
    """Exactly the GET /v2/calls item (and the extensive ``metaData``): every key, nulls kept."""
    return {
        "id": p.call_id,
        "url": f"https://{tenant.app_host}/call?id={p.call_id}",
        "title": p.title,
        "scheduled": format_instant(p.scheduled_us, p.scheduled_digits, tenant.tz),
        "started": format_instant(p.started_us, p.digits, tenant.tz),
        "duration": p.duration,
        "primaryUserId": p.primary_user_id,
        "direction": p.direction,
        "system": p.system,
        "scope": p.scope,
        "media": p.media,
        "language": p.language,
        "workspaceId": p.workspace_id,
        "sdrDisposition": p.sdr_disposition,
        "clientUniqueId": p.client_unique_id,
        "customData": p.custom_data,
        "purpose": p.purpose,
        "meetingUrl": p.meeting_url,
        "isPrivate": p.is_private,
        "calendarEventId": p.calendar_event_id,
    }


def transcript_segments(plan: Plan, tl: Timeline) -> list[dict[str, Any]]:
    """The ``transcript`` array: one segment per turn, sentence bounds in integer ms."""
    texts = sentence_texts(plan, tl)
    return [
        {
            "speakerId": tl.speaker[first],
            "topic": topic,
            "sentences": [
                {"start": tl.start[i], "end": tl.end[i], "text": texts[i]} for i in range(first, stop)
            ],
        }
        for first, stop, topic in tl.segments
    ]


def context_json(objects: list[CrmObject], selector: ContentSelector) -> list[dict[str, Any]]:
    """CRM context grouped by system, one object per requested timing (fields only if Extended)."""
    systems: dict[str, list[dict[str, Any]]] = {}
    for timing in selector.context_timing:
        for obj in objects:
            values = obj.now_fields if timing == "Now" else obj.then_fields
            fields = [{"name": n, "value": v} for n, v in values] if selector.context == "Extended" else []
            systems.setdefault(obj.system, []).append(
                {"objectType": obj.object_type, "objectId": obj.object_id, "timing": timing, "fields": fields}
            )
    return [{"system": system, "objects": objs} for system, objs in systems.items()]


def parties_json(plan: Plan, tl: Timeline, selector: ContentSelector) -> list[dict[str, Any]]:
    """Parties with absent-not-null optional keys; ``speakerId`` only for those who spoke."""
    spoken = talk.talk_ms(tl)
    out = []
    for party in plan.parties:
        item: dict[str, Any] = {"id": party.id}
        if party.email is not None:
            item["emailAddress"] = party.email
        if party.name is not None:
            item["name"] = party.name
        item["title"] = party.title
        if party.user_id is not None:
            item["userId"] = party.user_id
        item["speakerId"] = party.speaker_id if party.speaker_id in spoken else None
        with_context = selector.context in ("Basic", "Extended") and party.crm
        item["context"] = context_json(party.crm, selector) if with_context else []
        item["affiliation"] = party.affiliation
        if party.phone is not None:
            item["phoneNumber"] = party.phone
        item["methods"] = list(party.methods)
        out.append(item)
    return out


def interaction_json(
    plan: Plan, tl: Timeline, flags: frozenset[str], stats: dict[str, float]
) -> dict[str, Any]:
    """Speakers (company users only, like live traffic), ``stats``, video and question counts."""
    spoken = talk.talk_ms(tl)
    affiliation = {p.speaker_id: p.affiliation for p in plan.parties}
    out: dict[str, Any] = {}
    if "speakers" in flags:
        out["speakers"] = [
            {"id": party.id, "userId": party.user_id, "talkTime": spoken[party.speaker_id] / 1000}
            for party in plan.parties
            if party.user_id is not None and party.speaker_id in spoken
        ]
    if "personInteractionStats" in flags:
        out["interactionStats"] = [{"name": name, "value": value} for name, value in stats.items()]
    if "video" in flags and plan.media == "Video" and not plan.uploaded:
        rng = part_rng(plan, "video")
        names = rng.sample(vocab.VIDEO_NAMES, rng.randint(2, 3))
        out["video"] = [{"name": n, "duration": round(rng.uniform(0, plan.duration), 2)} for n in names]
    if "questions" in flags:
        asked = [affiliation.get(sp) for sp, q in zip(tl.speaker, tl.question, strict=True) if q]
        company_count = sum(1 for side in asked if side == "Internal")
        non_company = sum(1 for side in asked if side in ("External", "Unknown"))
        out["questions"] = {"companyCount": company_count, "nonCompanyCount": non_company}
    return out


def comments_json(tenant: Tenant, plan: Plan, row: Row) -> list[dict[str, Any]]:
    """Public comments, during the call or up to 3 days after it; a late edit's comments were
    all posted by its ``enriched_us`` (the delays after the call are squeezed into it)."""
    rng = part_rng(plan, "comments")
    if not plan.comments:
        return []
    comments: list[dict[str, Any]] = []
    end_us = plan.started_us + plan.duration * 1_000_000
    squeeze = max(0, row.enriched_us - end_us) if row.enriched_us > row.visible_us else None
    for _ in range(rng.randint(1, 3)):
        audio_start = round(rng.uniform(0, plan.duration), 4)
        during = rng.random() < 0.4
        if during:
            posted = plan.started_us + int(audio_start * 1e6)
        else:
            after = rng.randint(60, _MAX_COMMENT_DELAY_S) * 10**6
            posted = end_us + (
                after if squeeze is None else after * squeeze // (_MAX_COMMENT_DELAY_S * 10**6)
            )
        digits = rng.choice((3, 6, 6))
        comments.append(
            {
                "id": random_id(rng),
                "audioStartTime": audio_start,
                "audioEndTime": round(audio_start + rng.choice((0.0, rng.uniform(1, 30))), 4),
                "commenterUserId": rng.choice(tenant.members).id,
                "comment": rng.choice(vocab.COMMENTS),
                "posted": format_instant(truncate_us(posted, digits), digits, tenant.tz),
                "inReplyTo": comments[-1]["id"] if comments and rng.random() < 0.4 else None,
                "duringCall": during,
            }
        )
    return comments


def media_json(tenant: Tenant, plan: Plan, now: datetime) -> dict[str, Any]:
    """Pre-signed-looking URLs, re-signed on every call like Gong's (never diff them)."""
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    nonce = os.urandom(8).hex()

    def signed(kind: str) -> str:
        sig = hashlib.sha256(f"{plan.call_id}/{kind}/{to_us(now)}/{nonce}".encode()).hexdigest()
        return (
            f"{vocab.S3_MEDIA_HOST}/call-recordings/{tenant.company_number}/{plan.call_id}/{kind}"
            f"?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date={stamp}&X-Amz-SignedHeaders=host"
            f"&X-Amz-Expires=28799&X-Amz-Credential=ASIAEMULATOR%2F{stamp[:8]}%2Fus-west-2%2Fs3%2Faws4_request"
            f"&X-Amz-Signature={sig}"
        )

    return {
        "audioUrl": signed("audio.mp3"),
        "videoUrl": signed("video.mp4") if plan.media == "Video" else None,
    }
