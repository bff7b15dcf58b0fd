"""The emulator's data model: the company spec, tenant records and what a call is planned from.

Plain records only; generation lives in ``tenant``, ``index``, ``planning`` and ``timeline``,
rendering in ``render`` and ``content``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo


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
    ``scorecard_share`` of generated calls get an answered scorecard, reviewed 30 min to 7 days
    after the call is listed. With ``reorg_at`` set, ``reorg_share`` of the reps get another
    manager and title from that instant on (``Company.users_at``).
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
    scorecard_share: float = 0.2
    reorg_at: datetime | None = None
    reorg_share: float = 0.3

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("CompanySpec.start and .end must be timezone-aware")
        if self.reorg_at is not None and self.reorg_at.tzinfo is None:
            raise ValueError("CompanySpec.reorg_at must be timezone-aware")
        if self.end <= self.start:
            raise ValueError("CompanySpec.end must be after .start")
        if self.n_calls < 0 or self.sentences_per_call < 1:
            raise ValueError("n_calls must be >= 0 and sentences_per_call >= 1")
        if min(self.n_users, self.n_workspaces, self.n_accounts) < 1:
            raise ValueError("n_users, n_workspaces and n_accounts must be >= 1")
        for share in (f.name for f in fields(self) if f.name.endswith("_share")):
            if not 0.0 <= getattr(self, share) <= 1.0:
                raise ValueError(f"CompanySpec.{share} must be within [0, 1]")
        ZoneInfo(self.time_zone)  # fail early on an unknown zone


@dataclass(frozen=True)
class CallFilter:
    """A parsed call filter: bounds in microseconds (from inclusive, to exclusive)."""

    from_us: int | None = None
    to_us: int | None = None
    workspace_id: str | None = None
    call_ids: frozenset[str] | None = None
    primary_user_ids: frozenset[str] | None = None


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
        "review_us",
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
        *,
        is_private: bool = False,
        seed_index: int | None = None,
        upload: UploadedCall | None = None,
        empty_pending: bool = False,
        enriched_us: int | None = None,
        review_us: int | None = None,
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
        self.review_us = review_us  # when its answered scorecard is published, if it has one
        self.deleted = False


def row_key(row: Row) -> tuple[int, int]:
    """The listing order: (started µs, numeric id)."""
    return row.key
