"""The ``content`` section of an extensive call: structure, topics, trackers, points of interest,
brief, outline, highlights, call outcome and key points.

Each part that needs randomness draws from its own stream (``<key>/c/<part>``), so asking for
fewer parts never changes the others. Times come from the call's timeline.
"""

from __future__ import annotations

import random
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gong_emulator import vocab
from gong_emulator.model import Plan, Timeline
from gong_emulator.tenant import Tenant


def part_rng(plan: Plan, part: str) -> random.Random:
    """One stream per extensive part, so selecting fewer parts never changes the others."""
    return random.Random(f"{plan.key}/c/{part}")


def _f32(x: float) -> float:
    """Round through float32, reproducing the artifacts Gong's outline times carry."""
    return struct.unpack("f", struct.pack("f", x))[0]


@dataclass(frozen=True)
class _Call:
    """What every content part reads."""

    tenant: Tenant
    plan: Plan
    tl: Timeline
    names: dict[str, str]  # speaker id -> party name
    internal_ids: list[str]  # speaker ids of Internal parties
    topic_word: str  # the call's first topic, for the prose

    @classmethod
    def of(cls, tenant: Tenant, plan: Plan, tl: Timeline) -> _Call:
        topics_in_call = [t for _, _, t in tl.segments if t]
        return cls(
            tenant=tenant,
            plan=plan,
            tl=tl,
            names={p.speaker_id: p.name or "The customer" for p in plan.parties},
            internal_ids=[p.speaker_id for p in plan.parties if p.affiliation == "Internal"],
            topic_word=(topics_in_call[0] if topics_in_call else "the project").lower(),
        )


def content_json(tenant: Tenant, plan: Plan, tl: Timeline, flags: frozenset[str]) -> dict[str, Any]:
    """The requested content parts, in Gong's key order; Upload API calls lack some (observed live)."""
    call = _Call.of(tenant, plan, tl)
    out: dict[str, Any] = {}
    for flag, render, generated_only in _PARTS:
        if flag in flags and not (generated_only and plan.uploaded):
            out[flag] = render(call, flags)
    return out


def _structure(c: _Call, _: frozenset[str]) -> list[dict[str, Any]]:
    rng = part_rng(c.plan, "structure")
    parts = rng.sample(vocab.STRUCTURE_PARTS, rng.randint(1, 3))
    return [{"name": name, "duration": rng.randint(30, max(31, c.plan.duration // 3))} for name in parts]


def _topics(c: _Call, _: frozenset[str]) -> list[dict[str, Any]]:
    tl = c.tl
    durations: dict[str, int] = {}
    for first, stop, topic in tl.segments:
        if topic is not None:
            durations[topic] = durations.get(topic, 0) + (tl.end[stop - 1] - tl.start[first])
    topics = [{"name": t, "duration": round(ms / 1000)} for t, ms in durations.items()]
    return topics + [{"name": t, "duration": 0} for t in tl.extra_topics]


def _trackers(c: _Call, flags: frozenset[str]) -> list[dict[str, Any]]:
    tl = c.tl
    with_occurrences = "trackerOccurrences" in flags
    trackers = []
    for t_index, (tracker_id, name, kind, _) in enumerate(c.tenant.trackers):
        hits = [(s, ph) for ti, s, ph in tl.hits if ti == t_index]
        item: dict[str, Any] = {"id": tracker_id, "name": name, "count": len(hits), "type": kind}
        occ = [{"startTime": tl.start[s] / 1000, "speakerId": tl.speaker[s]} for s, _ in hits]
        if with_occurrences:
            item["occurrences"] = occ
        if kind == "KEYWORD":
            phrases = []
            for phrase in dict.fromkeys(ph for _, ph in hits):
                ph_occ = [o for o, (_, ph) in zip(occ, hits, strict=True) if ph == phrase]
                entry: dict[str, Any] = {"count": len(ph_occ), "phrase": phrase}
                if with_occurrences:
                    entry["occurrences"] = ph_occ
                phrases.append(entry)
            item["phrases"] = phrases
        trackers.append(item)
    return trackers


def _points_of_interest(c: _Call, _: frozenset[str]) -> dict[str, Any]:
    """Action items said by company speakers (Gong spells the key ``speakerID`` here)."""
    tl = c.tl
    rng = part_rng(c.plan, "pointsOfInterest")
    items = []
    internal_sentences = [i for i, sp in enumerate(tl.speaker) if sp in c.internal_ids]
    for s in sorted(rng.sample(internal_sentences, min(len(internal_sentences), rng.randint(0, 2)))):
        items.append(
            {
                "snippetStartTime": tl.start[s] // 1000,
                "snippetEndTime": tl.end[s] // 1000,
                "speakerID": tl.speaker[s],
                "snippet": f"I'll send over the follow-up on {c.topic_word} after this call.",
            }
        )
    return {"actionItems": items}


def _brief(c: _Call, _: frozenset[str]) -> str:
    company = c.tenant.name
    host = c.names.get(c.internal_ids[0], company) if c.internal_ids else company
    return f"{host} met with {c.plan.account_name} to discuss {c.topic_word}. The team agreed on next steps."


def _outline(c: _Call, _: frozenset[str]) -> list[dict[str, Any]]:
    """One section per run of segments with the same topic (untagged segments extend one)."""
    tl = c.tl
    rng = part_rng(c.plan, "outline")
    blocks: list[tuple[str | None, int, int]] = []
    for first, stop, topic in tl.segments:
        if blocks and topic in (None, blocks[-1][0]):
            blocks[-1] = (topic, blocks[-1][1], stop)
        else:
            blocks.append((topic, first, stop))
    sections = []
    for topic, first, stop in blocks:
        start_s, end_s = tl.start[first] / 1000, tl.end[stop - 1] / 1000
        picks = sorted(rng.sample(range(first, stop), min(stop - first, rng.randint(1, 3))))
        items = [
            {
                "text": rng.choice(vocab.OUTLINE_ITEM_TEMPLATES).format(
                    speaker=c.names.get(tl.speaker[i], "The customer"),
                    topic=(topic or "the agenda").lower(),
                ),
                "startTime": _f32(tl.start[i] / 1000),
            }
            for i in picks
        ]
        section = topic or "Introduction"
        sections.append(
            {
                "section": section,
                "startTime": _f32(start_s),
                "duration": _f32(end_s - start_s),
                "items": items,
            }
        )
    return sections


def _highlights(c: _Call, _: frozenset[str]) -> list[dict[str, Any]]:
    tl = c.tl
    rng = part_rng(c.plan, "highlights")
    highlights: list[dict[str, Any]] = []
    if not tl.start:
        return highlights
    for title in rng.sample(vocab.HIGHLIGHT_TITLES, rng.randint(1, 3)):
        picks = sorted(rng.sample(range(len(tl.start)), min(len(tl.start), rng.randint(1, 2))))
        items = [
            {"text": f"{title}: {who} on {c.topic_word}.", "startTimes": [tl.start[i] / 1000]}
            for i in picks
            for who in [c.names.get(tl.speaker[i], "Someone")]
        ]
        highlights.append({"title": title, "items": items})
    return highlights


def _call_outcome(c: _Call, _: frozenset[str]) -> dict[str, Any]:
    oid, category, name = part_rng(c.plan, "callOutcome").choice(vocab.CALL_OUTCOMES)
    return {"id": oid, "category": category, "name": name}


def _key_points(c: _Call, _: frozenset[str]) -> list[dict[str, Any]]:
    rng = part_rng(c.plan, "keyPoints")
    return [
        {
            "text": rng.choice(vocab.KEY_POINT_TEMPLATES).format(
                account=c.plan.account_name, topic=c.topic_word
            )
        }
        for _ in range(rng.randint(1, 4) if c.tl.start else 0)
    ]


_Render = Callable[[_Call, frozenset[str]], Any]
#: (flag and response key, renderer, generated calls only), in Gong's key order.
_PARTS: tuple[tuple[str, _Render, bool], ...] = (
    ("structure", _structure, True),
    ("topics", _topics, False),
    ("trackers", _trackers, False),
    ("pointsOfInterest", _points_of_interest, True),
    ("brief", _brief, False),
    ("outline", _outline, False),
    ("highlights", _highlights, True),
    ("callOutcome", _call_outcome, False),
    ("keyPoints", _key_points, False),
)
