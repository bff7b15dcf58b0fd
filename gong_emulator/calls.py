"""One call, regenerated on demand from its seed: metadata, extensive object and transcript.

A call is built in three independent RNG streams so each output costs only what it needs:

* the *plan* (``<key>``): parties, CRM context, metadata and the duration; enough for GET /v2/calls;
* the *timeline* (``<key>/t``): who speaks when, sentence bounds, topics, tracker hits;
* the *texts* (``<key>/x`` and ``<key>/c``): sentence words and the AI-content prose.

Everything that must agree (talkTime vs sentence bounds, question counts vs "?" endings, tracker
occurrences vs the phrases written into sentences) is derived from the same timeline.
"""

from __future__ import annotations

import hashlib
import os
import random
import struct
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from gong_emulator import talk, vocab
from gong_emulator.timefmt import format_instant, from_us, to_us, truncate_us

if TYPE_CHECKING:
    from gong_emulator.company import Company, Row

CONTEXT_LEVELS = ("None", "Basic", "Extended")
CONTEXT_TIMINGS = ("Now", "TimeOfCall")
CONTENT_FLAGS = (
    "structure",
    "topics",
    "trackers",
    "trackerOccurrences",
    "pointsOfInterest",
    "brief",
    "outline",
    "highlights",
    "callOutcome",
    "keyPoints",
)
INTERACTION_FLAGS = ("speakers", "video", "personInteractionStats", "questions")
COLLABORATION_FLAGS = ("publicComments",)
#: Content that Gong adds after the call is listed (post-call enrichment), like the comments.
ENRICHED_CONTENT = frozenset({"brief", "keyPoints"})
_MAX_COMMENT_DELAY_S = 72 * 3600  # comments after the call are posted up to 3 days later
_S3 = "https://gong-pre-redaction-media-gpe-nam-02-1-us-west-2.s3.amazonaws.com"


@dataclass(frozen=True)
class ContentSelector:
    """The parsed ``contentSelector`` of POST /v2/calls/extensive."""

    context: str = "None"
    context_timing: tuple[str, ...] = ("Now",)
    parties: bool = False
    content: frozenset[str] = frozenset()
    interaction: frozenset[str] = frozenset()
    collaboration: frozenset[str] = frozenset()
    media: bool = False

    @classmethod
    def everything(cls) -> ContentSelector:
        """Every section and flag: what ``GeneratedCall.extensive()`` returns by default."""
        return cls(
            context="Extended",
            context_timing=("Now",),
            parties=True,
            content=frozenset(CONTENT_FLAGS),
            interaction=frozenset(INTERACTION_FLAGS),
            collaboration=frozenset(COLLABORATION_FLAGS),
            media=True,
        )

    @classmethod
    def from_json(cls, obj: Any) -> ContentSelector:
        """Parse the request JSON; ValueError carries the 400 message."""
        if obj is None:
            return cls()
        if not isinstance(obj, dict):
            raise ValueError("contentSelector: must be an object")
        context = obj.get("context") or "None"
        if context not in CONTEXT_LEVELS:
            raise ValueError("contentSelector.context: must be one of None, Basic, Extended")
        timing = obj.get("contextTiming")
        if timing is None:
            timing = ["Now"]
        elif not isinstance(timing, list) or any(t not in CONTEXT_TIMINGS for t in timing):
            raise ValueError("contentSelector.contextTiming: values must be Now or TimeOfCall")
        elif timing and context != "Extended":
            raise ValueError("contentSelector.contextTiming: may only be set when context is Extended")
        exposed = obj.get("exposedFields") or {}
        if not isinstance(exposed, dict):
            raise ValueError("contentSelector.exposedFields: must be an object")

        def flags(name: str, allowed: tuple[str, ...]) -> frozenset[str]:
            section = exposed.get(name) or {}
            if not isinstance(section, dict):
                raise ValueError(f"contentSelector.exposedFields.{name}: must be an object")
            return frozenset(k for k in allowed if section.get(k) is True)

        return cls(
            context=context,
            context_timing=tuple(dict.fromkeys(timing)) or ("Now",),
            parties=exposed.get("parties") is True,
            content=flags("content", CONTENT_FLAGS),
            interaction=flags("interaction", INTERACTION_FLAGS),
            collaboration=flags("collaboration", COLLABORATION_FLAGS),
            media=exposed.get("media") is True,
        )


@dataclass(frozen=True)
class Person:
    """An external contact (CRM Contact) or a free-mail prospect (CRM Lead)."""

    name: str
    email: str
    title: str | None
    phone: str | None
    crm_type: str
    crm_id: str


@dataclass
class UploadedCall:
    """What POST /v2/calls stored; the rest of the call is generated like any other."""

    body: dict[str, Any]
    scheduled_us: int
    scheduled_digits: int
    media_uploaded: bool
    posted_us: int


@dataclass
class CrmObject:
    """One CRM record linked to a call or a party, with field values now and at call time."""

    system: str
    object_type: str
    object_id: str
    now_fields: list[tuple[str, Any]]
    then_fields: list[tuple[str, Any]]


@dataclass
class Party:
    """A call participant; ``speaker_id`` is emitted only if the party actually spoke."""

    id: str
    email: str | None
    name: str | None
    title: str | None
    user_id: str | None
    affiliation: str
    phone: str | None
    methods: list[str]
    speaker_id: str
    speaks: bool
    crm: list[CrmObject] = field(default_factory=list)


@dataclass
class Plan:
    """Everything about a call that metadata needs (no sentence-level data)."""

    key: str
    call_id: str
    started_us: int
    digits: int
    scheduled_us: int
    scheduled_digits: int
    duration: int
    title: str | None
    direction: str
    system: str
    scope: str
    media: str
    language: str
    workspace_id: str
    primary_user_id: str
    sdr_disposition: str | None
    client_unique_id: str | None
    custom_data: str | None
    purpose: str | None
    meeting_url: str | None
    is_private: bool
    calendar_event_id: str | None
    parties: list[Party]
    crm: list[CrmObject]
    account_name: str
    n_sentences: int
    unknown_speaker: str | None
    comments: bool
    uploaded: bool


@dataclass
class Timeline:
    """Sentence-level skeleton: bounds in integer ms, so talkTime sums are exact."""

    speaker: list[str]
    start: list[int]
    end: list[int]
    words: list[int]
    question: list[bool]
    segments: list[tuple[int, int, str | None]]  # [first, stop) sentence indexes, topic
    phrase_at: dict[int, str]
    hits: list[tuple[int, int, str | None]]  # (tracker index, sentence index, phrase)
    extra_topics: list[str]


def _f32(x: float) -> float:
    """Round through float32, reproducing the artifacts Gong's outline times carry."""
    return struct.unpack("f", struct.pack("f", x))[0]


def _rid(rng: random.Random) -> str:
    return str(rng.randrange(10**17, 2**63 - 1))


# ----------------------------------------------------------------------------- planning
def plan_generated(company: Company, row: Row) -> Plan:
    """Draw a generated call's plan from ``(seed, call index)`` and its index row."""
    spec = company.spec
    key = f"{spec.seed}/call/{row.seed_index}"
    rng = random.Random(key)
    primary = company.user(row.primary_user_id)
    internal_only = rng.random() < spec.internal_share
    has_transcript = rng.random() >= spec.no_transcript_share
    if internal_only:
        direction = "Conference"
    else:
        direction = rng.choices(("Conference", "Outbound", "Inbound", "Unknown"), (60, 20, 15, 5))[0]
    if direction == "Conference":
        system = rng.choice(vocab.CONFERENCE_SYSTEMS)
        media = "Video" if rng.random() < 0.9 else "Audio"
    elif direction == "Unknown":
        system, media = "Upload API", "Audio"
    else:
        system, media = rng.choice(vocab.TELEPHONY_SYSTEMS), "Audio"
    if not has_transcript:
        language = "und"
    elif internal_only:
        language = rng.choices(("eng", "fre", "ger"), (90, 5, 5))[0]
    else:
        language = rng.choices(("eng", "fre", "ger", "spa", "jpn"), (72, 7, 7, 7, 7))[0]

    # Internal parties: the primary user plus colleagues, preferring the same workspace.
    colleagues = [u for u in company.members if u.id != primary.id]
    same_ws = [u for u in colleagues if u.workspace_id == primary.workspace_id] or colleagues
    n_colleagues = rng.randint(1, 3) if internal_only else rng.choices((0, 1, 2), (5, 3, 1))[0]
    team = [primary, *rng.sample(same_ws, min(n_colleagues, len(same_ws)))]
    parties: list[Party] = []
    for i, user in enumerate(team):
        parties.append(
            Party(
                id=_rid(rng),
                email=user.email,
                name=user.name,
                title=user.api["title"],
                user_id=user.id,
                affiliation="Internal",
                phone=user.phone,
                methods=["Attendee"] if i == 0 else rng.choice((["Invitee", "Attendee"], ["Attendee"])),
                speaker_id=_rid(rng),
                speaks=has_transcript and (i == 0 or rng.random() < 0.75),
            )
        )

    weights = [1.0 / (i + 1) for i in range(len(company.accounts))]
    account = rng.choices(company.accounts, weights)[0]
    crm: list[CrmObject] = []
    if not internal_only:
        n_contacts = 1 if direction in ("Inbound", "Outbound") else rng.randint(1, 3)
        people: list[Person] = rng.sample(account.contacts, min(n_contacts, len(account.contacts)))
        if rng.random() < spec.freemail_share:
            freemail = company.make_person(rng, rng.choice(vocab.FREEMAIL_DOMAINS), "Lead")
            people = [freemail] if direction in ("Inbound", "Outbound") else [*people, freemail]
        if len(company.accounts) > 1 and rng.random() < 0.05:
            other = rng.choice([a for a in company.accounts if a is not account])
            people.append(rng.choice(other.contacts))
        for j, person in enumerate(people):
            parties.append(
                Party(
                    id=_rid(rng),
                    email=person.email,
                    name=person.name,
                    title=person.title,
                    user_id=None,
                    affiliation="External",
                    phone=person.phone,
                    methods=rng.choice((["Invitee", "Attendee"], ["Attendee"], ["Invitee"])),
                    speaker_id=_rid(rng),
                    speaks=has_transcript and (j == 0 or rng.random() < 0.75),
                )
            )
        if rng.random() < 0.03:
            parties.append(
                Party(
                    id=_rid(rng),
                    email=None,
                    name=None,
                    title=None,
                    user_id=None,
                    affiliation="Unknown",
                    phone=f"+1 {rng.randint(201, 989)}-555-{rng.randint(1000, 9999)}",
                    methods=["Invitee"],
                    speaker_id=_rid(rng),
                    speaks=False,
                )
            )
        if rng.random() < spec.crm_share:
            crm_account = account
            if len(company.accounts) > 1 and rng.random() < 0.25:  # CRM says a different company
                crm_account = rng.choice([a for a in company.accounts if a is not account])
            crm = _call_crm(rng, crm_account, row.started_us)
            for party in parties:
                _attach_party_crm(rng, party, people, company)
    scope = "Internal" if internal_only else ("Unknown" if rng.random() < 0.02 else "External")

    digits, started = row.digits, row.started_us
    if direction == "Conference":
        scheduled, scheduled_digits = truncate_us(started, 0) - (started // 1_000_000 % 300) * 1_000_000, 0
    else:
        scheduled, scheduled_digits = started, digits
    n = spec.sentences_per_call if has_transcript else 0
    duration = _draw_duration(rng, n)
    contact = next((p for p in parties if p.affiliation == "External"), None)
    if internal_only:
        title = rng.choice(
            (
                "Weekly pipeline review",
                f"1:1 {team[0].first_name} / {team[-1].first_name}",
                "Forecast call",
                f"Deal strategy: {account.name}",
            )
        )
    else:
        title = rng.choice(
            (
                f"{account.name} <> {company.name}",
                f"{account.name} - Discovery",
                f"Demo for {account.name}",
                f"{company.name} / {account.name} QBR",
                f"Call with {contact.name if contact and contact.name else account.name}",
            )
        )
    slug = company.internal_domains[0].split(".")[0]
    meeting_url = None
    calendar_event_id = None
    if system == "Zoom":
        meeting_url = f"https://{slug}.zoom.us/j/{rng.randint(10**9, 10**11 - 1)}"
    elif system == "Google Meet":
        letters = "abcdefghijklmnopqrstuvwxyz"
        code = "-".join("".join(rng.choices(letters, k=k)) for k in (3, 4, 3))
        meeting_url = f"https://meet.google.com/{code}"
    elif system == "Microsoft Teams":
        meeting_url = f"https://teams.microsoft.com/l/meetup-join/19%3ameeting_{rng.getrandbits(64):016x}"
    elif system == "Webex":
        meeting_url = f"https://{slug}.webex.com/meet/{team[0].email.split('@')[0]}"
    if direction == "Conference" and rng.random() < 0.7:
        calendar_event_id = f"{rng.getrandbits(104):026x}"
        if system == "Google Meet":
            calendar_event_id += "@google.com"
    return Plan(
        key=key,
        call_id=row.call_id,
        started_us=started,
        digits=digits,
        scheduled_us=scheduled,
        scheduled_digits=scheduled_digits,
        duration=duration,
        title=title,
        direction=direction,
        system=system,
        scope=scope,
        media=media,
        language=language,
        workspace_id=row.workspace_id,
        primary_user_id=row.primary_user_id,
        sdr_disposition=rng.choice(vocab.SDR_DISPOSITIONS)
        if direction == "Outbound" and rng.random() < 0.5
        else None,
        client_unique_id=f"crm-sync-{row.call_id}" if system == "Upload API" else None,
        custom_data="crm-sync" if system == "Upload API" and rng.random() < 0.5 else None,
        purpose=rng.choice(vocab.PURPOSES) if rng.random() < 0.2 else None,
        meeting_url=meeting_url,
        is_private=row.is_private,
        calendar_event_id=calendar_event_id,
        parties=parties,
        crm=crm,
        account_name=account.name if not internal_only else company.name,
        n_sentences=n,
        unknown_speaker=_rid(rng) if n >= 4 and rng.random() < 0.03 else None,
        comments=rng.random() < spec.comment_share,
        uploaded=False,
    )


def _draw_duration(rng: random.Random, n_sentences: int) -> int:
    """Call length in seconds, drawn before the timeline (which is then fitted inside it)."""
    if n_sentences == 0:
        return rng.randint(60, 1800)
    return max(30, round(n_sentences * 5.5 * rng.uniform(0.85, 1.25)) + rng.randint(5, 60))


def _call_crm(rng: random.Random, account: Any, started_us: int) -> list[CrmObject]:
    """Salesforce Account (+ usually an Opportunity) with mixed JSON value types."""
    close = from_us(started_us + rng.randint(10, 120) * 86_400_000_000).date().isoformat()
    stage_i = rng.randrange(len(vocab.OPP_STAGES))
    amount = rng.randrange(5_000, 250_000, 500)
    seats = rng.randint(5, 500)
    account_fields: list[tuple[str, Any]] = [
        ("Name", account.name),
        ("Website", account.website),
        ("Industry", account.industry),
        ("ARR__c", round(rng.uniform(10_000, 900_000), 2)),
        ("NumberOfEmployees", rng.randint(20, 50_000)),
        ("Sales_Team_Size__c", str(rng.randint(5, 400))),
        ("CS_Tier__c", rng.choice(vocab.CS_TIERS)),
        ("Size_Category__c", rng.choice(vocab.SIZE_CATEGORIES)),
        ("Is_Customer__c", rng.random() < 0.5),
    ]
    objects = [CrmObject("Salesforce", "Account", account.account_id, account_fields, list(account_fields))]
    if rng.random() < 0.8:
        now_fields: list[tuple[str, Any]] = [
            ("Name", f"{account.name} - {rng.choice(vocab.OPP_TYPES)} ({seats})"),
            ("StageName", vocab.OPP_STAGES[stage_i]),
            ("Amount", amount),
            ("Probability", rng.choice((10, 20, 40, 60, 85, 100))),
            ("CloseDate", close),
            ("Type", rng.choice(vocab.OPP_TYPES)),
            ("Number_of_seats__c", seats),
            ("MRR__c", round(amount / 12, 2)),
            ("Must_Win__c", rng.choice(("true", "false"))),
            ("Primary_contact_persona__c", rng.choice(vocab.PERSONAS)),
            ("IsClosed", stage_i >= len(vocab.OPP_STAGES) - 2),
        ]
        then_fields = [
            ("StageName", vocab.OPP_STAGES[max(0, stage_i - 1)]) if name == "StageName" else (name, value)
            for name, value in now_fields
        ]
        objects.insert(
            0, CrmObject("Salesforce", "Opportunity", account.opportunity_id, now_fields, then_fields)
        )
    return objects


def _attach_party_crm(rng: random.Random, party: Party, people: list[Person], company: Company) -> None:
    """Contacts/Leads for external parties, sometimes a CRM User for internal ones."""
    if party.affiliation == "External":
        person = next((p for p in people if p.email == party.email), None)
        if person is None or (person.crm_type == "Lead" and rng.random() < 0.5):
            return
        domain = person.email.split("@")[1]
        owner = next((a.name for a in company.accounts if a.domain == domain), None)
        fields: list[tuple[str, Any]] = [("Email", person.email), ("Title", person.title or "")]
        if owner:
            fields.insert(0, ("Account_Name__c", owner))
        party.crm.append(CrmObject("Salesforce", person.crm_type, person.crm_id, fields, list(fields)))
    elif party.affiliation == "Internal" and rng.random() < 0.3:
        fields = [("PlayGongVoicePrompt__c", rng.choice(("true", "false")))]
        party.crm.append(CrmObject("Salesforce", "User", _sf_user_id(party.user_id), fields, list(fields)))


def _sf_user_id(user_id: str | None) -> str:
    return "005" + hashlib.sha1(str(user_id).encode()).hexdigest()[:15].upper()


def plan_uploaded(company: Company, row: Row) -> Plan:
    """Plan for a POST /v2/calls upload: what was sent, plus generated speech."""
    up = row.upload
    assert up is not None
    body = up.body
    spec = company.spec
    key = f"{spec.seed}/upload/{body['clientUniqueId']}"
    rng = random.Random(key)
    internal_domains = set(company.internal_domains)
    parties: list[Party] = []
    for raw in body["parties"]:
        user_id = raw.get("userId")
        user = company.users_by_id.get(str(user_id)) if user_id else None
        email = raw.get("emailAddress") or (user.email if user else None)
        if user is None and email:
            user = next((u for u in company.members if u.email == email), None)
        affiliation = raw.get("affiliation")
        if affiliation not in ("Internal", "External", "Unknown"):
            domain = email.split("@")[-1].lower() if email else None
            affiliation = "Internal" if user or domain in internal_domains else "External"
            if not email and not user:
                affiliation = "Unknown"
        parties.append(
            Party(
                id=_rid(rng),
                email=email,
                name=raw.get("name") or (user.name if user else None),
                title=user.api["title"] if user else None,
                user_id=user.id if user else None,
                affiliation=affiliation,
                phone=raw.get("phoneNumber"),
                methods=["Attendee"],
                speaker_id=_rid(rng),
                speaks=True,
                crm=_uploaded_crm(raw.get("context")),
            )
        )
    sent = body.get("duration")
    n = spec.sentences_per_call if sent is None else max(1, min(spec.sentences_per_call, int(sent // 5)))
    duration = _draw_duration(rng, n) if sent is None else max(1, int(sent) - rng.randint(0, 5))
    external = any(p.affiliation != "Internal" for p in parties)
    language = vocab.UPLOAD_LANGUAGES.get(str(body.get("languageCode") or "en")[:2].lower(), "eng")
    meeting_url = body.get("meetingUrl")
    if up.media_uploaded:
        token = hashlib.sha1(key.encode()).hexdigest()[:19]
        meeting_url = f"{_S3}/public-api-upload/{company.company_number}/{row.call_id}/{token}/media.mp3"
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
        account_name=(ext_party.name if ext_party and ext_party.name else company.name),
        n_sentences=n,
        unknown_speaker=None,
        comments=False,
        uploaded=True,
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
            out.append(
                CrmObject(
                    str(entry.get("system", "Generic")),
                    obj["objectType"],
                    str(obj["objectId"]),
                    fields,
                    fields,
                )
            )
    return out


# ----------------------------------------------------------------------------- timeline
def build_timeline(company: Company, plan: Plan) -> Timeline:
    """Who says what when; sentence bounds are integer ms fitted inside ``plan.duration``."""
    rng = random.Random(f"{plan.key}/t")
    n = plan.n_sentences
    speakers = [p for p in plan.parties if p.speaks]
    if n == 0 or not speakers:
        return Timeline([], [], [], [], [], [], {}, [], [])
    weights = [
        3.0 if i == 0 else (1.5 if p.affiliation == "Internal" else 2.0) for i, p in enumerate(speakers)
    ]
    party_of = {p.speaker_id: p for p in speakers}
    unknown = plan.unknown_speaker
    unknown_at = n // 2 if unknown else -1
    speaker: list[str] = []
    start: list[int] = []
    end: list[int] = []
    words: list[int] = []
    question: list[bool] = []
    segments: list[list[Any]] = []
    rand = rng.random  # the hot loop draws ~5 numbers per sentence: keep each draw cheap
    t = int(rand() * 15_000)
    current = speakers[0]
    cur_id = current.speaker_id
    seg_first = 0
    allow_long = n >= 20
    several = len(speakers) > 1
    for k in range(n):
        if k > 0:
            if k == unknown_at or cur_id == unknown or (several and rand() < 0.4):
                segments.append([seg_first, k, None])
                seg_first = k
                if k == unknown_at:
                    cur_id = unknown
                else:
                    others = [
                        (p, w) for p, w in zip(speakers, weights, strict=True) if p.speaker_id != cur_id
                    ]
                    if others:
                        current = rng.choices([p for p, _ in others], [w for _, w in others])[0]
                    cur_id = current.speaker_id
                t += 200 + int(rand() * 1600)
            else:
                t += 40 + int(rand() * 660)
        w = 3 + int(rand() * 22)
        if allow_long and rand() < 0.008:
            w = 150 + int(rand() * 250)
        start.append(t)
        t += w * (250 + int(rand() * 170))
        end.append(t)
        speaker.append(cur_id)
        words.append(w)
        question.append(cur_id in party_of and rand() < 0.12)
    segments.append([seg_first, n, None])
    # Fit inside the planned duration, keeping order and a silent tail.
    limit = plan.duration * 1000 - rng.randint(200, min(60_000, plan.duration * 100 + 200))
    if end[-1] > limit:
        factor = max(limit, n) / end[-1]
        start = [int(s * factor) for s in start]  # non-negative: int() floors
        end = [max(int(e * factor), s + 1) for s, e in zip(start, end, strict=True)]
        for i in range(1, n):  # keep bounds non-overlapping after the +1 guard
            if start[i] < end[i - 1]:
                start[i] = end[i - 1]
                end[i] = max(end[i], start[i] + 1)
    # Topics: contiguous blocks of segments, some segments without a topic.
    pool = vocab.INTERNAL_TOPICS if plan.scope == "Internal" else vocab.EXTERNAL_TOPICS
    n_topics = rng.randint(1, min(5, len(segments)))
    topics = rng.sample(pool, n_topics)
    for i, seg in enumerate(segments):
        seg[2] = None if rng.random() < 0.12 else topics[i * n_topics // len(segments)]
    unused = [x for x in pool if x not in topics]
    extra = [rng.choice(unused)] if unused and rng.random() < 0.4 else []
    # Tracker hits: KEYWORD phrases get written into the sentence text.
    eligible = [i for i in range(n) if speaker[i] in party_of]
    phrase_at: dict[int, str] = {}
    hits: list[tuple[int, int, str | None]] = []
    for t_index, (_, _, kind, phrases) in enumerate(company.trackers):
        count = rng.choices((0, 1, 2, 3, 5), (4, 3, 2, 1, 0.5))[0]
        for _ in range(count):
            if not eligible:
                break
            s_index = rng.choice(eligible)
            if kind == "KEYWORD":  # one phrase per sentence: re-draw a few times, then give up
                for _ in range(8):
                    if s_index not in phrase_at:
                        break
                    s_index = rng.choice(eligible)
                else:
                    continue
                phrase_at[s_index] = rng.choice(phrases)
            hits.append((t_index, s_index, phrase_at.get(s_index) if kind == "KEYWORD" else None))
    return Timeline(
        speaker=speaker,
        start=start,
        end=end,
        words=words,
        question=question,
        segments=[(a, b, c) for a, b, c in segments],
        phrase_at=phrase_at,
        hits=sorted(hits, key=lambda h: (h[1], h[0])),
        extra_topics=extra,
    )


def sentence_texts(plan: Plan, timeline: Timeline) -> list[str]:
    """The words of every sentence, in the call's language; questions end with "?"."""
    rng = random.Random(f"{plan.key}/x")
    rand = rng.random
    vocabulary = vocab.WORDS.get(plan.language, vocab.WORDS["eng"])
    size = len(vocabulary)
    japanese = plan.language == "jpn"
    phrase_at, question = timeline.phrase_at, timeline.question
    out = []
    for i, n_words in enumerate(timeline.words):
        chosen = [vocabulary[int(rand() * size)] for _ in range(n_words)]
        phrase = phrase_at.get(i)
        if phrase is not None:
            chosen.insert(int(rand() * (n_words + 1)), phrase)
        if japanese:
            text = "".join(chosen) + ("?" if question[i] else "。")
        else:
            text = " ".join(chosen)
            text = text[0].upper() + text[1:] + ("?" if question[i] else ".")
        out.append(text)
    return out


# ------------------------------------------------------------------------------ the call
@lru_cache(maxsize=1024)
def _generated(company: Company, row: Row) -> tuple[Plan, Timeline]:
    """Plan and timeline of a generated call, kept for the calls served most recently.

    A client asks for a batch's extensive data and its transcripts moments apart; both need the
    same timeline, the most expensive thing a call generates. (Rows hash by identity; uploaded
    calls change with their media, so they are never cached.)
    """
    plan = plan_generated(company, row)
    return plan, build_timeline(company, plan)


class GeneratedCall:
    """A lazy view of one call: cheap to create, generates only what is asked for."""

    def __init__(self, company: Company, row: Row) -> None:
        self._company = company
        self._row = row

    def __repr__(self) -> str:
        return f"GeneratedCall({self.call_id!r}, started={self.started.isoformat()})"

    call_id = property(lambda self: self._row.call_id)
    key = property(lambda self: self._row.key, doc="(started µs, numeric id): the listing order")
    started = property(lambda self: from_us(self._row.started_us))
    visible_at = property(lambda self: from_us(self._row.visible_us))
    transcript_visible_at = property(lambda self: from_us(self._row.transcript_us))
    is_private = property(lambda self: self._row.is_private)
    workspace_id = property(lambda self: self._row.workspace_id)
    primary_user_id = property(lambda self: self._row.primary_user_id)
    is_uploaded = property(lambda self: self._row.upload is not None)
    enriched_at = property(
        lambda self: from_us(self._row.enriched_us),
        doc="When comments, brief and key points appear (visible_at unless a late edit)",
    )
    answers_empty_transcript = property(
        lambda self: self._row.empty_pending,
        doc="Listed but before transcript_visible_at, /v2/calls/transcript answers it with []",
    )

    @cached_property
    def plan(self) -> Plan:
        if self._row.upload is not None:
            return plan_uploaded(self._company, self._row)
        return _generated(self._company, self._row)[0]

    @cached_property
    def timeline(self) -> Timeline:
        if self._row.upload is not None:
            return build_timeline(self._company, self.plan)
        return _generated(self._company, self._row)[1]

    def _fmt(self, us: int, digits: int) -> str:
        return format_instant(us, digits, self._company.tz)

    def metadata(self) -> dict[str, Any]:
        """Exactly the GET /v2/calls item (and the extensive ``metaData``)."""
        p = self.plan
        return {
            "id": p.call_id,
            "url": f"https://{self._company.app_host}/call?id={p.call_id}",
            "title": p.title,
            "scheduled": self._fmt(p.scheduled_us, p.scheduled_digits),
            "started": self._fmt(p.started_us, p.digits),
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

    def transcript(self, now: datetime | None = None) -> dict[str, Any]:
        """``{"callId", "transcript": [segments]}`` as in POST /v2/calls/transcript; before
        ``transcript_visible_at`` (when ``now`` is given) the segments are ``[]``."""
        if now is not None and to_us(now) < self._row.transcript_us:
            return {"callId": self.call_id, "transcript": []}
        tl = self.timeline
        texts = sentence_texts(self.plan, tl)
        segments = []
        for first, stop, topic in tl.segments:
            segments.append(
                {
                    "speakerId": tl.speaker[first],
                    "topic": topic,
                    "sentences": [
                        {"start": tl.start[i], "end": tl.end[i], "text": texts[i]} for i in range(first, stop)
                    ],
                }
            )
        return {"callId": self.call_id, "transcript": segments}

    # ------------------------------------------------------------------ extensive parts
    def _context_json(self, objects: list[CrmObject], selector: ContentSelector) -> list[dict[str, Any]]:
        systems: dict[str, list[dict[str, Any]]] = {}
        for timing in selector.context_timing:
            for obj in objects:
                values = obj.now_fields if timing == "Now" else obj.then_fields
                fields = (
                    [{"name": n, "value": v} for n, v in values] if selector.context == "Extended" else []
                )
                systems.setdefault(obj.system, []).append(
                    {
                        "objectType": obj.object_type,
                        "objectId": obj.object_id,
                        "timing": timing,
                        "fields": fields,
                    }
                )
        return [{"system": system, "objects": objs} for system, objs in systems.items()]

    def _parties_json(self, selector: ContentSelector) -> list[dict[str, Any]]:
        spoken = talk.talk_ms(self.timeline)
        out = []
        for party in self.plan.parties:
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
            item["context"] = self._context_json(party.crm, selector) if with_context else []
            item["affiliation"] = party.affiliation
            if party.phone is not None:
                item["phoneNumber"] = party.phone
            item["methods"] = list(party.methods)
            out.append(item)
        return out

    def _rng(self, part: str) -> random.Random:
        """One stream per extensive part, so selecting fewer parts never changes the others."""
        return random.Random(f"{self.plan.key}/c/{part}")

    def _content_json(self, flags: frozenset[str]) -> dict[str, Any]:
        plan, tl = self.plan, self.timeline
        company = self._company
        names = {p.speaker_id: p.name or "The customer" for p in plan.parties}
        internal_ids = [p.speaker_id for p in plan.parties if p.affiliation == "Internal"]
        topics_in_call = [t for _, _, t in tl.segments if t]
        topic_word = (topics_in_call[0] if topics_in_call else "the project").lower()
        out: dict[str, Any] = {}
        rich = not plan.uploaded  # Upload API calls lack these (observed live)
        if "structure" in flags and rich:
            rng = self._rng("structure")
            parts = rng.sample(vocab.STRUCTURE_PARTS, rng.randint(1, 3))
            out["structure"] = [
                {"name": name, "duration": rng.randint(30, max(31, plan.duration // 3))} for name in parts
            ]
        if "topics" in flags:
            durations: dict[str, int] = {}
            for first, stop, topic in tl.segments:
                if topic is not None:
                    durations[topic] = durations.get(topic, 0) + (tl.end[stop - 1] - tl.start[first])
            topics = [{"name": t, "duration": round(ms / 1000)} for t, ms in durations.items()]
            out["topics"] = topics + [{"name": t, "duration": 0} for t in tl.extra_topics]
        if "trackers" in flags:
            with_occurrences = "trackerOccurrences" in flags
            trackers = []
            for t_index, (tracker_id, name, kind, _) in enumerate(company.trackers):
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
            out["trackers"] = trackers
        if "pointsOfInterest" in flags and rich:
            rng = self._rng("pointsOfInterest")
            items = []
            internal_sentences = [i for i, sp in enumerate(tl.speaker) if sp in internal_ids]
            for s in sorted(rng.sample(internal_sentences, min(len(internal_sentences), rng.randint(0, 2)))):
                items.append(
                    {
                        "snippetStartTime": tl.start[s] // 1000,
                        "snippetEndTime": tl.end[s] // 1000,
                        "speakerID": tl.speaker[s],
                        "snippet": f"I'll send over the follow-up on {topic_word} after this call.",
                    }
                )
            out["pointsOfInterest"] = {"actionItems": items}
        if "brief" in flags:
            out["brief"] = (
                f"{names.get(internal_ids[0], company.name) if internal_ids else company.name} met with "
                f"{plan.account_name} to discuss {topic_word}. The team agreed on next steps."
            )
        if "outline" in flags:
            rng = self._rng("outline")
            sections = []
            blocks: list[tuple[str | None, int, int]] = []
            for first, stop, topic in tl.segments:
                if blocks and topic in (None, blocks[-1][0]):  # untagged segments extend a section
                    blocks[-1] = (topic, blocks[-1][1], stop)
                else:
                    blocks.append((topic, first, stop))
            for topic, first, stop in blocks:
                start_s, end_s = tl.start[first] / 1000, tl.end[stop - 1] / 1000
                picks = sorted(rng.sample(range(first, stop), min(stop - first, rng.randint(1, 3))))
                items = [
                    {
                        "text": rng.choice(vocab.OUTLINE_ITEM_TEMPLATES).format(
                            speaker=names.get(tl.speaker[i], "The customer"),
                            topic=(topic or "the agenda").lower(),
                        ),
                        "startTime": _f32(tl.start[i] / 1000),
                    }
                    for i in picks
                ]
                sections.append(
                    {
                        "section": topic or "Introduction",
                        "startTime": _f32(start_s),
                        "duration": _f32(end_s - start_s),
                        "items": items,
                    }
                )
            out["outline"] = sections
        if "highlights" in flags and rich:
            rng = self._rng("highlights")
            highlights = []
            if tl.start:
                for title in rng.sample(vocab.HIGHLIGHT_TITLES, rng.randint(1, 3)):
                    picks = sorted(rng.sample(range(len(tl.start)), min(len(tl.start), rng.randint(1, 2))))
                    highlights.append(
                        {
                            "title": title,
                            "items": [
                                {
                                    "text": f"{title}: {who} on {topic_word}.",
                                    "startTimes": [tl.start[i] / 1000],
                                }
                                for i in picks
                                for who in [names.get(tl.speaker[i], "Someone")]
                            ],
                        }
                    )
            out["highlights"] = highlights
        if "callOutcome" in flags:
            rng = self._rng("callOutcome")
            oid, category, name = rng.choice(vocab.CALL_OUTCOMES)
            out["callOutcome"] = {"id": oid, "category": category, "name": name}
        if "keyPoints" in flags:
            rng = self._rng("keyPoints")
            out["keyPoints"] = [
                {
                    "text": rng.choice(vocab.KEY_POINT_TEMPLATES).format(
                        account=plan.account_name, topic=topic_word
                    )
                }
                for _ in range(rng.randint(1, 4) if tl.start else 0)
            ]
        return out

    def _company_speakers(self) -> set[str]:
        return {p.speaker_id for p in self.plan.parties if p.affiliation == "Internal"}

    def _customer_speakers(self) -> set[str]:
        return {p.speaker_id for p in self.plan.parties if p.affiliation == "External"}

    def talk_stats(self) -> dict[str, float]:
        """Ground truth for talk: Gong's per-call ``interactionStats`` by name (see
        ``gong_emulator.talk`` for each formula) plus ``company_talk_seconds`` (Internal parties)
        and ``external_talk_seconds`` (everyone else who spoke, attributed or not), both summed
        from the same timeline the transcript is built from."""
        company_s, external_s = talk.side_talk_seconds(self.timeline, self._company_speakers())
        return {**self._call_stats(), "company_talk_seconds": company_s, "external_talk_seconds": external_s}

    def _call_stats(self) -> dict[str, float]:
        company, customers = self._company_speakers(), self._customer_speakers()
        return talk.interaction_stats(self.timeline, self.plan.duration, company, customers)

    def _interaction_json(self, flags: frozenset[str]) -> dict[str, Any]:
        plan, tl = self.plan, self.timeline
        spoken = talk.talk_ms(tl)
        affiliation = {p.speaker_id: p.affiliation for p in plan.parties}
        out: dict[str, Any] = {}
        if "speakers" in flags:  # live Gong lists only the company's users here, never externals
            out["speakers"] = [
                {"id": party.id, "userId": party.user_id, "talkTime": spoken[party.speaker_id] / 1000}
                for party in plan.parties
                if party.user_id is not None and party.speaker_id in spoken
            ]
        if "personInteractionStats" in flags:
            stats = self._call_stats().items()
            out["interactionStats"] = [{"name": name, "value": value} for name, value in stats]
        if "video" in flags and plan.media == "Video" and not plan.uploaded:
            rng = self._rng("video")
            names = rng.sample(vocab.VIDEO_NAMES, rng.randint(2, 3))
            out["video"] = [{"name": n, "duration": round(rng.uniform(0, plan.duration), 2)} for n in names]
        if "questions" in flags:
            company_count = sum(
                1
                for sp, q in zip(tl.speaker, tl.question, strict=True)
                if q and affiliation.get(sp) == "Internal"
            )
            non_company = sum(
                1
                for sp, q in zip(tl.speaker, tl.question, strict=True)
                if q and affiliation.get(sp) in ("External", "Unknown")
            )
            out["questions"] = {"companyCount": company_count, "nonCompanyCount": non_company}
        return out

    def _comments_json(self) -> list[dict[str, Any]]:
        plan = self.plan
        rng = self._rng("comments")
        if not plan.comments:
            return []
        users = self._company.members
        comments: list[dict[str, Any]] = []
        end_us = plan.started_us + plan.duration * 1_000_000
        # A late edit's comments were posted by the time they appear: squeeze the delays after
        # the call into (end, enriched_at].
        squeeze = (
            max(0, self._row.enriched_us - end_us) if self._row.enriched_us > self._row.visible_us else None
        )
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
                    "id": _rid(rng),
                    "audioStartTime": audio_start,
                    "audioEndTime": round(audio_start + rng.choice((0.0, rng.uniform(1, 30))), 4),
                    "commenterUserId": rng.choice(users).id,
                    "comment": rng.choice(vocab.COMMENTS),
                    "posted": self._fmt(truncate_us(posted, digits), digits),
                    "inReplyTo": comments[-1]["id"] if comments and rng.random() < 0.4 else None,
                    "duringCall": during,
                }
            )
        return comments

    def _media_json(self, now: datetime) -> dict[str, Any]:
        """Pre-signed-looking URLs, re-signed on every call like Gong's (never diff them)."""
        plan = self.plan
        stamp = now.strftime("%Y%m%dT%H%M%SZ")
        nonce = os.urandom(8).hex()

        def signed(kind: str) -> str:
            sig = hashlib.sha256(f"{plan.call_id}/{kind}/{to_us(now)}/{nonce}".encode()).hexdigest()
            return (
                f"{_S3}/call-recordings/{self._company.company_number}/{plan.call_id}/{kind}"
                f"?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date={stamp}&X-Amz-SignedHeaders=host"
                f"&X-Amz-Expires=28799&X-Amz-Credential=ASIAEMULATOR%2F{stamp[:8]}%2Fus-west-2%2Fs3%2Faws4_request"
                f"&X-Amz-Signature={sig}"
            )

        return {
            "audioUrl": signed("audio.mp3"),
            "videoUrl": signed("video.mp4") if plan.media == "Video" else None,
        }

    def extensive(
        self, selector: ContentSelector | None = None, now: datetime | None = None
    ) -> dict[str, Any]:
        """The /v2/calls/extensive call object as served at ``now``; by default every section and
        flag. Before ``enriched_at`` the comments, brief and key points are absent (``now=None``
        means after everything)."""
        sel = selector or ContentSelector.everything()
        plan = self.plan
        enriched = now is None or to_us(now) >= self._row.enriched_us
        out: dict[str, Any] = {"metaData": self.metadata()}
        if sel.context in ("Basic", "Extended"):
            out["context"] = self._context_json(plan.crm, sel) if plan.crm else []
        if sel.parties:
            out["parties"] = self._parties_json(sel)
        if sel.content:
            out["content"] = self._content_json(sel.content if enriched else sel.content - ENRICHED_CONTENT)
        if sel.interaction:
            out["interaction"] = self._interaction_json(sel.interaction)
        if sel.collaboration:
            comments = self._comments_json() if enriched else []
            out["collaboration"] = {"publicComments": comments} if comments else {}
        if sel.media:
            out["media"] = self._media_json(now or datetime.now(UTC))
        return out
