"""A deterministic synthetic Gong tenant: users, workspaces, accounts and a lazy call index.

Only a compact per-call index (id, started, visibility times, workspace, privacy, primary user,
deleted flag) is materialised; everything else about a call is regenerated on demand from an RNG
seeded with ``(seed, call index)`` (see ``gong_emulator.calls``), so 100,000 calls x 300
sentences cost a few megabytes, and any single call can be produced without the others.
"""

from __future__ import annotations

import random
import threading
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import accumulate
from typing import Any
from zoneinfo import ZoneInfo

from gong_emulator import vocab
from gong_emulator.calls import GeneratedCall, Person, UploadedCall
from gong_emulator.timefmt import (
    format_instant,
    parse_instant_ns,
    precision_digits,
    to_us,
    truncate_us,
)

_MIN_ID = 10**17  # 18 digits
_MAX_ID = 2**63 - 1  # 19 digits, still a positive signed int64 like Gong's IDs
_MINUTE_US = 60_000_000
_HOUR_US = 60 * _MINUTE_US
DIRECTIONS = ("Inbound", "Outbound", "Conference", "Unknown")


class UploadError(ValueError):
    """An invalid ``POST /v2/calls`` body; ``str()`` is the message Gong puts in ``errors[]``."""


class DuplicateCallError(UploadError):
    """``clientUniqueId`` was already posted; carries the existing call id."""

    def __init__(self, client_unique_id: str, call_id: str) -> None:
        super().__init__(
            f"A call with clientUniqueId '{client_unique_id}' has already been posted for the call {call_id}"
        )
        self.call_id = call_id


@dataclass(frozen=True)
class CompanySpec:
    """Everything that determines a synthetic company; equal specs give identical JSON.

    Lags, as live Gong shows them: ``late_share`` of calls are listed 2-30 h after they start
    (the others 10-90 min); ``late_transcript_share`` get their transcript 3-48 h after they are
    listed (the others within 5 min). While a listed call's transcript is not ready, the call is
    left out of ``/v2/calls/transcript`` answers, except for ``empty_transcript_share`` of calls,
    which are answered ``{"callId": ..., "transcript": []}`` meanwhile (gong-api.md 7.19); a call
    without any transcript (``no_transcript_share``) answers ``[]`` once listed when asked by id.
    Post-call enrichment (gong-api.md 7.2): ``late_edit_share`` of calls get their comments,
    brief and key points 2-48 h after they are listed (``GeneratedCall.enriched_at``).
    """

    seed: int = 1
    n_calls: int = 200
    sentences_per_call: int = 40
    start: datetime = datetime(2026, 1, 5, tzinfo=UTC)
    end: datetime = datetime(2026, 3, 30, tzinfo=UTC)
    time_zone: str = "America/Los_Angeles"
    n_users: int = 12
    n_workspaces: int = 2
    n_accounts: int = 15
    private_share: float = 0.05
    internal_share: float = 0.1
    freemail_share: float = 0.1
    crm_share: float = 0.5
    late_share: float = 0.1
    late_transcript_share: float = 0.05
    no_transcript_share: float = 0.02
    empty_transcript_share: float = 0.5
    comment_share: float = 0.3
    late_edit_share: float = 0.1

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("CompanySpec.start and .end must be timezone-aware")
        if self.end <= self.start:
            raise ValueError("CompanySpec.end must be after .start")
        if self.n_calls < 0 or self.sentences_per_call < 1:
            raise ValueError("n_calls must be >= 0 and sentences_per_call >= 1")
        if min(self.n_users, self.n_workspaces, self.n_accounts) < 1:
            raise ValueError("n_users, n_workspaces and n_accounts must be >= 1")
        for name in (
            "private_share",
            "internal_share",
            "freemail_share",
            "crm_share",
            "late_share",
            "late_transcript_share",
            "no_transcript_share",
            "empty_transcript_share",
            "comment_share",
            "late_edit_share",
        ):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"CompanySpec.{name} must be within [0, 1]")
        ZoneInfo(self.time_zone)  # fail early on an unknown zone


@dataclass(frozen=True)
class CallFilter:
    """A parsed call filter: bounds in microseconds (from inclusive, to exclusive)."""

    from_us: int | None = None
    to_us: int | None = None
    workspace_id: str | None = None
    call_ids: frozenset[str] | None = None
    primary_user_ids: frozenset[str] | None = None


@dataclass
class User:
    """Internal user record; ``api`` is the exact GET /v2/users item."""

    id: str
    first_name: str
    last_name: str
    email: str
    title: str | None
    workspace_id: str
    phone: str | None
    weight: float
    api: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass
class Account:
    """An external company: its domain, CRM ids and contacts."""

    name: str
    domain: str
    website: str
    industry: str
    account_id: str
    opportunity_id: str
    contacts: list[Person]


class Row:
    """The compact per-call index entry; everything else is regenerated from the seed."""

    __slots__ = (
        "call_id",
        "deleted",
        "digits",
        "empty_pending",
        "enriched_us",
        "is_private",
        "key",
        "primary_user_id",
        "seed_index",
        "started_us",
        "transcript_us",
        "upload",
        "visible_us",
        "workspace_id",
    )

    def __init__(
        self,
        started_us: int,
        digits: int,
        call_id: str,
        visible_us: int,
        transcript_us: int,
        workspace_id: str,
        primary_user_id: str,
        is_private: bool,
        seed_index: int | None,
        upload: UploadedCall | None = None,
        empty_pending: bool = False,
        enriched_us: int | None = None,
    ) -> None:
        self.started_us = started_us
        self.digits = digits
        self.call_id = call_id
        self.key = (started_us, int(call_id))
        self.visible_us = visible_us
        self.transcript_us = transcript_us
        self.workspace_id = workspace_id
        self.primary_user_id = primary_user_id
        self.is_private = is_private
        self.seed_index = seed_index
        self.upload = upload
        self.empty_pending = empty_pending  # answers "transcript": [] while it is not ready
        self.enriched_us = visible_us if enriched_us is None else enriched_us  # comments, brief
        self.deleted = False


def _row_key(row: Row) -> tuple[int, int]:
    return row.key


_FOLD = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "đ": "d", "ł": "l", "œ": "oe"})


def ascii_fold(text: str) -> str:
    """'Søren O'Brien' -> 'sorenobrien': email local parts are ASCII."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in decomposed if c.isascii() and c.isalnum()).lower()


def random_id(rng: random.Random) -> str:
    """An 18-19 digit Gong-style ID (a JSON string, below 2**63 like Gong's)."""
    return str(rng.randrange(_MIN_ID, _MAX_ID))


def sfdc_id(rng: random.Random, prefix: str) -> str:
    """An 18-character Salesforce record id with the given 3-character key prefix."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    return prefix + "".join(rng.choices(alphabet, k=15))


class Company:
    """A synthetic tenant: cheap to build, deterministic from ``spec.seed``, thread-safe."""

    def __init__(self, spec: CompanySpec | None = None) -> None:
        self.spec = spec or CompanySpec()
        self.tz = ZoneInfo(self.spec.time_zone)
        self._lock = threading.RLock()
        rng = random.Random(f"{self.spec.seed}/company")
        stem = rng.choice(vocab.COMPANY_STEMS)
        self.name = f"{stem} {rng.choice(vocab.COMPANY_SUFFIXES)}"
        slug = stem.lower()
        self.internal_domains: list[str] = [f"{slug}.com"]
        if rng.random() < 0.6:
            self.internal_domains.append(rng.choice((f"{slug}.io", f"{slug}-hq.com", f"get{slug}.com")))
        self.instance = f"us-{rng.randint(10000, 99999)}"
        self.app_host = f"{self.instance}.app.gong.io"
        self.company_number = str(rng.randrange(10**17, 10**18))
        self.workspaces: list[dict[str, Any]] = self._make_workspaces(rng)
        self.members: list[User] = self._make_users(rng, slug)  # records behind the users JSON
        self.users: list[dict[str, Any]] = [u.api for u in self.members]
        self.users_by_id: dict[str, User] = {u.id: u for u in self.members}
        self.accounts: list[Account] = self._make_accounts(rng)
        self.trackers: list[tuple[str, str, str, tuple[str, ...]]] = [
            (random_id(rng), name, kind, phrases) for name, kind, phrases in vocab.TRACKERS
        ]
        self._rows: list[Row] = []
        self._by_id: dict[str, Row] = {}
        self._by_client_id: dict[str, str] = {}
        self._build_index(random.Random(f"{self.spec.seed}/index"))

    # ----------------------------------------------------------------- static tenant data
    def _make_workspaces(self, rng: random.Random) -> list[dict[str, Any]]:
        names = ["Initial workspace", "EMEA Sales", "Customer Success", "APAC", "Partners", "SMB"]
        out = []
        for i in range(self.spec.n_workspaces):
            name = names[i] if i < len(names) else f"Workspace {i + 1}"
            description = "The built-in workspace" if i == 0 else f"{name} team calls"
            out.append({"id": random_id(rng), "name": name, "description": description})
        return out

    def _make_users(self, rng: random.Random, slug: str) -> list[User]:
        n = self.spec.n_users
        start_us = to_us(self.spec.start)
        users: list[User] = []
        seen_emails: set[str] = set()
        n_vps = min(2, n - 1)
        n_managers = max(0, min((n - 1 - n_vps) // 4, 4))
        for i in range(n):
            first, last = rng.choice(vocab.FIRST_NAMES), rng.choice(vocab.LAST_NAMES)
            domain = self.internal_domains[0]
            if len(self.internal_domains) > 1 and rng.random() < 0.15:
                domain = self.internal_domains[1]
            local = f"{ascii_fold(first)}.{ascii_fold(last)}"
            while f"{local}@{domain}" in seen_emails:
                local += str(rng.randint(0, 9))
            email = f"{local}@{domain}"
            seen_emails.add(email)
            if i == 0:
                title, manager, weight = "CEO", None, 0.5
            elif i <= n_vps:
                title, manager, weight = rng.choice(vocab.VP_TITLES), users[0].id, 1.0
            elif i <= n_vps + n_managers:
                title, manager, weight = (
                    rng.choice(vocab.MANAGER_TITLES),
                    users[rng.randint(1, n_vps)].id,
                    2.0,
                )
            else:
                lo, hi = (n_vps + 1, n_vps + n_managers) if n_managers else (1, max(1, n_vps))
                title, manager, weight = rng.choice(vocab.IC_TITLES), users[rng.randint(lo, hi)].id, 5.0
            active = i == 0 or rng.random() < 0.9
            if not active:
                weight *= 0.2
            workspace_id = self.workspaces[0 if i == 0 else i % len(self.workspaces)]["id"]
            phone = f"+1 415-555-{rng.randint(1000, 9999)}" if rng.random() < 0.5 else None
            created_digits = rng.choice((0, 3, 3, 6))
            created_us = start_us - rng.randint(30, 1500) * 86_400_000_000 + rng.randrange(86_400_000_000)
            created_us = truncate_us(created_us, created_digits)
            user = User(
                id=random_id(rng),
                first_name=first,
                last_name=last,
                email=email,
                title=title,
                workspace_id=workspace_id,
                phone=phone,
                weight=weight,
            )
            langs: list[dict[str, Any]] = []
            if rng.random() < 0.6:
                primary = rng.choice(vocab.SPOKEN_LANGUAGES)
                langs.append({"language": primary, "primary": True})
                if rng.random() < 0.3:
                    other = rng.choice([x for x in vocab.SPOKEN_LANGUAGES if x != primary])
                    langs.append({"language": other, "primary": False})
            alias_domain = self.internal_domains[-1]
            user.api = {
                "id": user.id,
                "emailAddress": email,
                "created": format_instant(created_us, created_digits, self.tz),
                "active": active,
                "emailAliases": [f"{ascii_fold(first)}@{alias_domain}"] if rng.random() < 0.15 else [],
                "trustedEmailAddress": email if rng.random() < 0.2 else None,
                "firstName": first,
                "lastName": last,
                "title": title if rng.random() < 0.85 else None,
                "phoneNumber": phone,
                "extension": str(rng.randint(100, 999)) if phone and rng.random() < 0.3 else None,
                "personalMeetingUrls": (
                    [f"https://{slug}.zoom.us/j/{rng.randint(10**9, 10**10 - 1)}"]
                    if rng.random() < 0.4
                    else []
                ),
                "settings": {
                    "webConferencesRecorded": rng.random() < 0.8,
                    "preventWebConferenceRecording": rng.random() < 0.05,
                    "telephonyCallsImported": rng.random() < 0.6,
                    "emailsImported": rng.random() < 0.5,
                    "preventEmailImport": rng.random() < 0.05,
                    "nonRecordedMeetingsImported": rng.random() < 0.3,
                    "gongConnectEnabled": rng.random() < 0.5,
                },
                "managerId": manager,
                "meetingConsentPageUrl": (
                    f"https://{self.instance}.join.gong.io/{slug}/{local}" if rng.random() < 0.5 else None
                ),
                "conferencingProviders": None,
                "spokenLanguages": langs,
            }
            users.append(user)
        return users

    def _make_accounts(self, rng: random.Random) -> list[Account]:
        accounts: list[Account] = []
        names: set[str] = set()
        domains: set[str] = set(self.internal_domains) | set(vocab.FREEMAIL_DOMAINS)
        while len(accounts) < self.spec.n_accounts:
            first, second = rng.choice(vocab.ACCOUNT_FIRST), rng.choice(vocab.ACCOUNT_SECOND)
            name = f"{first} {second}"
            if name in names:
                name = f"{name} {len(accounts) + 1}"
            tld = rng.choice(vocab.TLDS)
            style = rng.random()
            if style < 0.3:
                domain = f"{first.lower()}-{second.lower()}{tld}"
            elif style < 0.5:
                domain = f"{first.lower()}{tld}"
            else:
                domain = f"{first.lower()}{second.lower()}{tld}"
            if domain in domains:
                domain = f"{first.lower()}-{second.lower()}-{len(accounts) + 1}{tld}"
            names.add(name)
            domains.add(domain)
            website = rng.choice((domain, f"www.{domain}", f"https://www.{domain}"))
            contacts = [self.make_person(rng, domain, "Contact") for _ in range(rng.randint(3, 8))]
            accounts.append(
                Account(
                    name=name,
                    domain=domain,
                    website=website,
                    industry=rng.choice(vocab.INDUSTRIES),
                    account_id=sfdc_id(rng, "001"),
                    opportunity_id=sfdc_id(rng, "006"),
                    contacts=contacts,
                )
            )
        return accounts

    @staticmethod
    def make_person(rng: random.Random, domain: str, crm_type: str) -> Person:
        first, last = rng.choice(vocab.FIRST_NAMES), rng.choice(vocab.LAST_NAMES)
        f, la = ascii_fold(first), ascii_fold(last)
        if domain in vocab.FREEMAIL_DOMAINS:
            local = f"{f}.{la}{rng.randint(1, 99)}"
        else:
            local = rng.choice((f"{f}.{la}", f"{f[0]}{la}", f, f"{f}_{la}"))
        return Person(
            name=f"{first} {last}",
            email=f"{local}@{domain}",
            title=rng.choice(vocab.CONTACT_TITLES),
            phone=f"+1 {rng.randint(201, 989)}-555-{rng.randint(1000, 9999)}" if rng.random() < 0.4 else None,
            crm_type=crm_type,
            crm_id=sfdc_id(rng, "003" if crm_type == "Contact" else "00Q"),
        )

    # ----------------------------------------------------------------------- call index
    def _build_index(self, rng: random.Random) -> None:
        spec = self.spec
        start_us, end_us = to_us(spec.start), to_us(spec.end)
        span = end_us - start_us
        users = self.members
        cum = list(accumulate(u.weight for u in users))
        uniform, randint, choices = rng.random, rng.randint, rng.choices
        # Features added later draw from their own streams, so older draws keep their values.
        empty_draw = random.Random(f"{spec.seed}/index/empty").random
        edit_rng = random.Random(f"{spec.seed}/index/edit")
        starts = sorted(start_us + int(uniform() * span) for _ in range(spec.n_calls))
        seen: set[int] = set()
        rows: list[Row] = []
        for index, raw in enumerate(starts):
            digits = (0, 3, 6)[randint(0, 2)]
            started = truncate_us(raw, digits)
            if started < start_us:
                started += 10 ** (6 - digits)
            cid = rng.randrange(_MIN_ID, _MAX_ID)
            while cid in seen:
                cid = rng.randrange(_MIN_ID, _MAX_ID)
            seen.add(cid)
            if uniform() < spec.late_share:
                visible = started + randint(2 * 60, 30 * 60) * _MINUTE_US
            else:
                visible = started + randint(10, 90) * _MINUTE_US
            if uniform() < spec.late_transcript_share:
                transcript = visible + randint(3 * 60, 48 * 60) * _MINUTE_US
            else:
                transcript = visible + randint(0, 5 * 60) * 1_000_000
            user = choices(users, cum_weights=cum)[0]
            late_edit, edit_lag = edit_rng.random() < spec.late_edit_share, edit_rng.randint(2 * 60, 48 * 60)
            rows.append(
                Row(
                    started_us=started,
                    digits=digits,
                    call_id=str(cid),
                    visible_us=visible,
                    transcript_us=transcript,
                    workspace_id=user.workspace_id,
                    primary_user_id=user.id,
                    is_private=uniform() < spec.private_share,
                    seed_index=index,
                    empty_pending=empty_draw() < spec.empty_transcript_share,
                    enriched_us=visible + edit_lag * _MINUTE_US if late_edit else visible,
                )
            )
        rows.sort(key=_row_key)
        self._rows = rows
        self._by_id = {r.call_id: r for r in rows}

    # --------------------------------------------------------------------- public reads
    def user(self, user_id: str) -> User:
        return self.users_by_id[user_id]

    def calls(self) -> Iterator[GeneratedCall]:
        """Ground truth: every call not deleted, in (started, id) order, visible or not."""
        with self._lock:
            rows = [r for r in self._rows if not r.deleted]
        for row in rows:
            yield GeneratedCall(self, row)

    def call(self, call_id: str) -> GeneratedCall:
        """The call with this id, visible or not; KeyError if unknown or deleted."""
        row = self._by_id.get(str(call_id))
        if row is None or row.deleted:
            raise KeyError(call_id)
        return GeneratedCall(self, row)

    @property
    def deleted_call_ids(self) -> set[str]:
        """Ids of every call deleted so far (by ``delete_call`` or an injected fault)."""
        with self._lock:
            return {r.call_id for r in self._rows if r.deleted}

    def __len__(self) -> int:
        with self._lock:
            return sum(1 for r in self._rows if not r.deleted)

    def _iter_rows(
        self,
        flt: CallFilter,
        now_us: int | None,
        transcripts: bool,
        after: tuple[int, int] | None,
        until: tuple[int, int] | None,
    ) -> Iterator[Row]:
        """Rows matching ``flt`` in key order, strictly after ``after``, up to ``until``."""
        if flt.call_ids is not None:
            found = (self._by_id.get(c) for c in flt.call_ids)
            candidates: list[Row] = sorted((r for r in found if r is not None), key=_row_key)
        else:
            candidates = self._rows
        lo, hi = 0, len(candidates)
        if flt.from_us is not None:
            lo = bisect_left(candidates, (flt.from_us, -1), key=_row_key)
        if after is not None:
            lo = max(lo, bisect_right(candidates, tuple(after), key=_row_key))
        if flt.to_us is not None:
            hi = bisect_left(candidates, (flt.to_us, -1), key=_row_key)
        if until is not None:
            hi = min(hi, bisect_right(candidates, tuple(until), key=_row_key))
        ws, users = flt.workspace_id, flt.primary_user_ids
        for i in range(lo, hi):
            row = candidates[i]
            if row.deleted:
                continue
            if now_us is not None and not self._listed(row, now_us, transcripts, flt.call_ids is not None):
                continue
            if ws is not None and row.workspace_id != ws:
                continue
            if users is not None and row.primary_user_id not in users:
                continue
            yield row

    def _listed(self, row: Row, now_us: int, transcripts: bool, by_id: bool) -> bool:
        """Whether ``row`` is in a listing at ``now_us``; a transcript answer also holds listed
        calls that answer ``[]`` for now (the empty share; calls without speech, by id)."""
        if row.visible_us > now_us:
            return False
        if not transcripts or row.transcript_us <= now_us or row.empty_pending:
            return True
        return by_id and GeneratedCall(self, row).plan.n_sentences == 0

    def select(
        self,
        flt: CallFilter,
        *,
        now: datetime | None = None,
        transcripts: bool = False,
        after: tuple[int, int] | None = None,
        until: tuple[int, int] | None = None,
        limit: int | None = None,
    ) -> list[GeneratedCall]:
        """Calls matching ``flt`` visible at ``now`` (transcript-visible if ``transcripts``).

        Keyset pagination: ``after``/``until`` are ``GeneratedCall.key`` values (the server
        adds the offset shift Gong's cursor shows when a call is deleted between pages).
        """
        now_us = None if now is None else to_us(now)
        out: list[GeneratedCall] = []
        with self._lock:
            for row in self._iter_rows(flt, now_us, transcripts, after, until):
                if limit is not None and len(out) >= limit:
                    break
                out.append(GeneratedCall(self, row))
        return out

    def count(self, flt: CallFilter, *, now: datetime | None = None, transcripts: bool = False) -> int:
        """How many calls ``select`` would return without a limit (one pass over the range)."""
        now_us = None if now is None else to_us(now)
        with self._lock:
            return sum(1 for _ in self._iter_rows(flt, now_us, transcripts, None, None))

    # ----------------------------------------------------------------------- mutations
    def delete_call(self, call_id: str) -> None:
        """Delete a call for good: it disappears from every endpoint (KeyError if unknown)."""
        with self._lock:
            row = self._by_id.get(str(call_id))
            if row is None or row.deleted:
                raise KeyError(call_id)
            row.deleted = True

    def attach_media(self, call_id: str) -> GeneratedCall:
        """Record a media upload (PUT /v2/calls/{id}/media); KeyError if unknown."""
        call = self.call(call_id)
        if call._row.upload is not None:
            call._row.upload.media_uploaded = True
        return call

    def _generated_client_id_owner(self, client_id: str) -> str | None:
        """Generated "Upload API" calls carry ``crm-sync-<callId>``; re-posting one is a duplicate."""
        prefix = "crm-sync-"
        if not client_id.startswith(prefix):
            return None
        row = self._by_id.get(client_id[len(prefix) :])
        if row is None or row.upload is not None:
            return None
        call = GeneratedCall(self, row)
        return row.call_id if call.plan.client_unique_id == client_id else None

    def add_uploaded_call(
        self, body: dict[str, Any], now: datetime, *, visible_after_seconds: float = 0.0
    ) -> str:
        """``POST /v2/calls``: validate like Gong, store the call, return its new id.

        Raises UploadError (message = Gong's ``errors[]`` text) on an invalid body and
        DuplicateCallError on a reused ``clientUniqueId``. The call and its generated
        transcript become visible ``visible_after_seconds`` after ``now``.
        """
        if not isinstance(body, dict):
            raise UploadError("Bad request")
        for name in ("clientUniqueId", "actualStart", "direction", "primaryUser", "parties"):
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
        try:
            started_ns, fraction = parse_instant_ns(body["actualStart"])
        except ValueError:
            raise UploadError("actualStart: must be an ISO-8601 date-time with offset") from None
        scheduled_ns, scheduled_fraction = started_ns, fraction
        if body.get("scheduledStart") is not None:
            try:
                scheduled_ns, scheduled_fraction = parse_instant_ns(body["scheduledStart"])
            except ValueError:
                raise UploadError("scheduledStart: must be an ISO-8601 date-time with offset") from None
        primary = str(body["primaryUser"])
        if primary not in self.users_by_id:
            raise UploadError(f"primaryUser: user {primary} was not found")
        duration = body.get("duration")
        if duration is not None and (isinstance(duration, bool) or not isinstance(duration, int | float)):
            raise UploadError("duration: must be a number")
        workspace_id = body.get("workspaceId") or self.users_by_id[primary].workspace_id
        if workspace_id not in {w["id"] for w in self.workspaces}:
            raise UploadError(f"workspaceId: workspace {workspace_id} was not found")
        digits = precision_digits(fraction)
        started_us = truncate_us(started_ns // 1000, digits)
        s_digits = precision_digits(scheduled_fraction)
        now_us = to_us(now)
        visible = now_us + int(visible_after_seconds * 1_000_000)
        with self._lock:
            existing = self._by_client_id.get(client_id) or self._generated_client_id_owner(client_id)
            if existing is not None:
                raise DuplicateCallError(client_id, existing)
            rng = random.Random(f"{self.spec.seed}/upload-id/{client_id}")
            call_id = random_id(rng)
            while call_id in self._by_id:
                call_id = random_id(rng)
            upload = UploadedCall(
                body=dict(body),
                scheduled_us=truncate_us(scheduled_ns // 1000, s_digits),
                scheduled_digits=s_digits,
                media_uploaded=bool(body.get("downloadMediaUrl")),
                posted_us=now_us,
            )
            row = Row(
                started_us=started_us,
                digits=digits,
                call_id=call_id,
                visible_us=visible,
                transcript_us=visible,
                workspace_id=str(workspace_id),
                primary_user_id=primary,
                is_private=False,
                seed_index=None,
                upload=upload,
            )
            pos = bisect_left(self._rows, row.key, key=_row_key)
            self._rows.insert(pos, row)
            self._by_id[call_id] = row
            self._by_client_id[client_id] = call_id
        return call_id
