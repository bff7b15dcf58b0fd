"""A generated call's plan: channel, parties, CRM context and metadata, drawn from its own seed.

Every value comes from one RNG seeded with ``(seed, "call", index)``, drawn in a fixed order, so
a call can be planned alone, without the others, and equal seeds give equal calls. The helpers
below are called in that order; each says what it draws.
"""

from __future__ import annotations

import hashlib
import random
from datetime import date, timedelta
from typing import Any

from gong_emulator import vocab
from gong_emulator.ids import random_id
from gong_emulator.model import Account, CrmObject, Party, Person, Plan, Row, User
from gong_emulator.tenant import Tenant
from gong_emulator.timefmt import from_us, truncate_us

_INTERNAL_METHODS = (("Invitee", "Attendee"), ("Attendee",))
_EXTERNAL_METHODS = (("Invitee", "Attendee"), ("Attendee",), ("Invitee",))
_PHONE_CALLS = ("Inbound", "Outbound")


def plan_generated(tenant: Tenant, row: Row) -> Plan:
    """Draw a generated call's plan from ``(seed, call index)`` and its index row."""
    spec = tenant.spec
    key = f"{spec.seed}/call/{row.seed_index}"
    rng = random.Random(key)
    primary = tenant.user(row.primary_user_id)
    internal_only = rng.random() < spec.internal_share
    has_transcript = rng.random() >= spec.no_transcript_share
    direction, system, media = _channel(rng, internal_only)
    language = _language(rng, internal_only, has_transcript)
    team = _team(rng, tenant, primary, internal_only)
    parties = [
        _party(
            rng, _colleague(tenant, user, row), None if i == 0 else _INTERNAL_METHODS, i == 0, has_transcript
        )
        for i, user in enumerate(team)
    ]
    weights = [1.0 / (i + 1) for i in range(len(tenant.accounts))]
    account = rng.choices(tenant.accounts, weights)[0]
    crm: list[CrmObject] = []
    if not internal_only:
        crm = _external_side(rng, tenant, account, direction, has_transcript, parties, row.started_us)
    scope = "Internal" if internal_only else ("Unknown" if rng.random() < 0.02 else "External")
    n = spec.sentences_per_call if has_transcript else 0
    duration = draw_duration(rng, n)
    title = _title(rng, tenant, team, account, parties, internal_only)
    meeting_url, calendar_event_id = _meeting(rng, tenant, system, direction, team[0])
    return Plan(
        key=key,
        call_id=row.call_id,
        started_us=row.started_us,
        digits=row.digits,
        scheduled_us=_scheduled(row, direction),
        scheduled_digits=0 if direction == "Conference" else row.digits,
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
        account_name=account.name if not internal_only else tenant.name,
        n_sentences=n,
        unknown_speaker=random_id(rng) if n >= 4 and rng.random() < 0.03 else None,
        comments=rng.random() < spec.comment_share,
        uploaded=False,
    )


def _scheduled(row: Row, direction: str) -> int:
    """Meetings are scheduled on a whole 5 minutes, before they start; phone calls when started."""
    started = row.started_us
    if direction == "Conference":
        return truncate_us(started, 0) - (started // 1_000_000 % 300) * 1_000_000
    return started


def _channel(rng: random.Random, internal_only: bool) -> tuple[str, str, str]:
    """(direction, system, media): conferences on a meeting system, phone calls on a dialer."""
    if internal_only:
        direction = "Conference"
    else:
        direction = rng.choices(("Conference", "Outbound", "Inbound", "Unknown"), (60, 20, 15, 5))[0]
    if direction == "Conference":
        system = rng.choice(vocab.CONFERENCE_SYSTEMS)
        return direction, system, "Video" if rng.random() < 0.9 else "Audio"
    if direction == "Unknown":
        return direction, "Upload API", "Audio"
    return direction, rng.choice(vocab.TELEPHONY_SYSTEMS), "Audio"


def _language(rng: random.Random, internal_only: bool, has_transcript: bool) -> str:
    if not has_transcript:
        return "und"
    if internal_only:
        return rng.choices(("eng", "fre", "ger"), (90, 5, 5))[0]
    return rng.choices(("eng", "fre", "ger", "spa", "jpn"), (72, 7, 7, 7, 7))[0]


def _team(rng: random.Random, tenant: Tenant, primary: User, internal_only: bool) -> list[User]:
    """The primary user plus colleagues, preferring the same workspace."""
    colleagues = [u for u in tenant.members if u.id != primary.id]
    same_ws = [u for u in colleagues if u.workspace_id == primary.workspace_id] or colleagues
    n_colleagues = rng.randint(1, 3) if internal_only else rng.choices((0, 1, 2), (5, 3, 1))[0]
    return [primary, *rng.sample(same_ws, min(n_colleagues, len(same_ws)))]


def _colleague(tenant: Tenant, user: User, row: Row) -> tuple[str, str, str | None, str | None, str | None]:
    """A company user as a party, with the title the user had when the call started."""
    return user.email, user.name, tenant.user_at(user.id, row.started_us)["title"], user.id, user.phone


def _contact(person: Person) -> tuple[str, str, str | None, str | None, str | None]:
    return person.email, person.name, person.title, None, person.phone


def _party(
    rng: random.Random,
    who: tuple[str, str, str | None, str | None, str | None],
    method_options: tuple[tuple[str, ...], ...] | None,
    first: bool,
    has_transcript: bool,
) -> Party:
    """A named party (``who`` = email, name, title, user id, phone); draws its id, its methods
    (just Attendee without options), its speaker id and, after the first, whether it spoke."""
    email, name, title, user_id, phone = who
    party_id = random_id(rng)
    methods = ["Attendee"] if method_options is None else list(rng.choice(method_options))
    speaker_id = random_id(rng)
    speaks = has_transcript and (first or rng.random() < 0.75)
    affiliation = "Internal" if user_id is not None else "External"
    return Party(party_id, email, name, title, user_id, affiliation, phone, methods, speaker_id, speaks)


def _external_side(
    rng: random.Random,
    tenant: Tenant,
    account: Account,
    direction: str,
    has_transcript: bool,
    parties: list[Party],
    started_us: int,
) -> list[CrmObject]:
    """Append the customer's parties (contacts, maybe a free-mail lead, a stray contact of
    another account, a dial-in nobody knows); return the call's CRM objects, if any."""
    spec = tenant.spec
    n_contacts = 1 if direction in _PHONE_CALLS else rng.randint(1, 3)
    people: list[Person] = rng.sample(account.contacts, min(n_contacts, len(account.contacts)))
    if rng.random() < spec.freemail_share:
        freemail = tenant.make_person(rng, rng.choice(vocab.FREEMAIL_DOMAINS), "Lead")
        people = [freemail] if direction in _PHONE_CALLS else [*people, freemail]
    if len(tenant.accounts) > 1 and rng.random() < 0.05:
        other = rng.choice([a for a in tenant.accounts if a is not account])
        people.append(rng.choice(other.contacts))
    for j, person in enumerate(people):
        parties.append(_party(rng, _contact(person), _EXTERNAL_METHODS, j == 0, has_transcript))
    if rng.random() < 0.03:
        party_id = random_id(rng)
        phone = f"+1 {rng.randint(201, 989)}-555-{rng.randint(1000, 9999)}"
        parties.append(
            Party(party_id, None, None, None, None, "Unknown", phone, ["Invitee"], random_id(rng), False)
        )
    if rng.random() >= spec.crm_share:
        return []
    crm_account = account
    if len(tenant.accounts) > 1 and rng.random() < 0.25:  # CRM says a different company
        crm_account = rng.choice([a for a in tenant.accounts if a is not account])
    crm = _call_crm(rng, crm_account, started_us)
    for party in parties:
        _attach_party_crm(rng, party, people, tenant)
    return crm


def _title(
    rng: random.Random,
    tenant: Tenant,
    team: list[User],
    account: Account,
    parties: list[Party],
    internal_only: bool,
) -> str:
    if internal_only:
        return rng.choice(
            (
                "Weekly pipeline review",
                f"1:1 {team[0].first_name} / {team[-1].first_name}",
                "Forecast call",
                f"Deal strategy: {account.name}",
            )
        )
    contact = next((p for p in parties if p.affiliation == "External"), None)
    return rng.choice(
        (
            f"{account.name} <> {tenant.name}",
            f"{account.name} - Discovery",
            f"Demo for {account.name}",
            f"{tenant.name} / {account.name} QBR",
            f"Call with {contact.name if contact and contact.name else account.name}",
        )
    )


def _meeting(
    rng: random.Random, tenant: Tenant, system: str, direction: str, host: User
) -> tuple[str | None, str | None]:
    """(meeting URL, calendar event id) as each conferencing system shapes them."""
    slug = tenant.internal_domains[0].split(".")[0]
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
        meeting_url = f"https://{slug}.webex.com/meet/{host.email.split('@')[0]}"
    if direction == "Conference" and rng.random() < 0.7:
        calendar_event_id = f"{rng.getrandbits(104):026x}"
        if system == "Google Meet":
            calendar_event_id += "@google.com"
    return meeting_url, calendar_event_id


def draw_duration(rng: random.Random, n_sentences: int) -> int:
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
        then_fields = _opportunity_at_call(now_fields, stage_i, account.opportunity_id, started_us)
        objects.insert(
            0, CrmObject("Salesforce", "Opportunity", account.opportunity_id, now_fields, then_fields)
        )
    return objects


def _opportunity_at_call(
    now_fields: list[tuple[str, Any]], stage_i: int, opportunity_id: str, started_us: int
) -> list[tuple[str, Any]]:
    """The opportunity as it was when the call started (contextTiming TimeOfCall): usually an
    earlier stage, often another amount or close date. Drawn from its own stream, so the
    values served for ``Now`` never depend on it."""
    rng = random.Random(f"{opportunity_id}/{started_us}/at-call")
    stage = vocab.OPP_STAGES[max(0, stage_i - rng.choice((0, 1, 1, 2)))]
    now = dict(now_fields)
    amount = now["Amount"] if rng.random() < 0.4 else rng.randrange(5_000, 250_000, 500)
    close = date.fromisoformat(now["CloseDate"])
    if rng.random() < 0.5:
        close -= timedelta(days=rng.choice((-1, 1)) * rng.randint(7, 60))
    then = {
        "StageName": stage,
        "Amount": amount,
        "CloseDate": close.isoformat(),
        "MRR__c": round(amount / 12, 2),
        "IsClosed": vocab.OPP_STAGES.index(stage) >= len(vocab.OPP_STAGES) - 2,
    }
    return [(name, then.get(name, value)) for name, value in now_fields]


def _attach_party_crm(rng: random.Random, party: Party, people: list[Person], tenant: Tenant) -> None:
    """Contacts/Leads for external parties, sometimes a CRM User for internal ones."""
    if party.affiliation == "External":
        person = next((p for p in people if p.email == party.email), None)
        if person is None or (person.crm_type == "Lead" and rng.random() < 0.5):
            return
        domain = person.email.split("@")[1]
        owner = next((a.name for a in tenant.accounts if a.domain == domain), None)
        fields: list[tuple[str, Any]] = [("Email", person.email), ("Title", person.title or "")]
        if owner:
            fields.insert(0, ("Account_Name__c", owner))
        party.crm.append(CrmObject("Salesforce", person.crm_type, person.crm_id, fields, list(fields)))
    elif party.affiliation == "Internal" and rng.random() < 0.3:
        fields = [("PlayGongVoicePrompt__c", rng.choice(("true", "false")))]
        party.crm.append(CrmObject("Salesforce", "User", _sf_user_id(party.user_id), fields, list(fields)))


def _sf_user_id(user_id: str | None) -> str:
    return "005" + hashlib.sha1(str(user_id).encode()).hexdigest()[:15].upper()
