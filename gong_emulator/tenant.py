"""The static side of a synthetic company: workspaces, users, accounts with contacts, trackers.

Everything is drawn from one RNG seeded with ``(seed, "company")``, in a fixed order, so equal
specs give identical tenants. The calls live in ``gong_emulator.company`` on top of this.
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from gong_emulator import vocab
from gong_emulator.ids import ascii_fold, random_id, sfdc_id
from gong_emulator.model import Account, CompanySpec, Person, User
from gong_emulator.tenant_settings import make_reorg, make_scorecards, make_tracker_settings
from gong_emulator.timefmt import format_instant, to_us, truncate_us

_DAY_US = 86_400_000_000
_WORKSPACE_NAMES = ("Initial workspace", "EMEA Sales", "Customer Success", "APAC", "Partners", "SMB")


class Tenant:
    """Workspaces, users (``members`` records, ``users`` JSON), accounts and trackers of a spec."""

    def __init__(self, spec: CompanySpec | None = None) -> None:
        self.spec = spec or CompanySpec()
        self.tz = ZoneInfo(self.spec.time_zone)
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
        self.scorecards: list[dict[str, Any]] = make_scorecards(self.spec, self.workspaces, self.members)
        self.tracker_settings: list[dict[str, Any]] = make_tracker_settings(
            self.spec, self.trackers, self.workspaces[0]["id"]
        )
        #: Ground truth of the users' history: ``{user id: {"managerId", "title"}}`` from reorg_at on.
        self.reorg: dict[str, dict[str, Any]] = make_reorg(self.spec, self.members)
        self._reorg_us = None if self.spec.reorg_at is None else to_us(self.spec.reorg_at)

    def user(self, user_id: str) -> User:
        return self.users_by_id[user_id]

    def user_at(self, user_id: str, at_us: int) -> dict[str, Any]:
        """The GET /v2/users item of one user as it was at ``at_us`` (µs since the epoch)."""
        item = self.users_by_id[user_id].api
        if self._reorg_us is None or at_us < self._reorg_us or user_id not in self.reorg:
            return item
        return {**item, **self.reorg[user_id]}

    def users_at(self, now: datetime) -> list[dict[str, Any]]:
        """GET /v2/users as served at ``now``: before ``spec.reorg_at`` equal to ``users``."""
        at_us = to_us(now)
        return [self.user_at(u.id, at_us) for u in self.members]

    def _make_workspaces(self, rng: random.Random) -> list[dict[str, Any]]:
        out = []
        for i in range(self.spec.n_workspaces):
            name = _WORKSPACE_NAMES[i] if i < len(_WORKSPACE_NAMES) else f"Workspace {i + 1}"
            description = "The built-in workspace" if i == 0 else f"{name} team calls"
            out.append({"id": random_id(rng), "name": name, "description": description})
        return out

    def _make_users(self, rng: random.Random, slug: str) -> list[User]:
        """A CEO, up to 2 VPs, up to 4 managers and the reps below them (the manager tree)."""
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
            title, manager, weight = _role(rng, i, users, n_vps, n_managers)
            active = i == 0 or rng.random() < 0.9
            if not active:
                weight *= 0.2
            workspace_id = self.workspaces[0 if i == 0 else i % len(self.workspaces)]["id"]
            phone = f"+1 415-555-{rng.randint(1000, 9999)}" if rng.random() < 0.5 else None
            created_digits = rng.choice((0, 3, 3, 6))
            created_us = start_us - rng.randint(30, 1500) * _DAY_US + rng.randrange(_DAY_US)
            created = format_instant(truncate_us(created_us, created_digits), created_digits, self.tz)
            user = User(random_id(rng), first, last, email, title, workspace_id, phone, weight)
            langs = _spoken_languages(rng)
            user.api = self._user_json(rng, user, created, active, manager, local, slug, langs)
            users.append(user)
        return users

    def _user_json(
        self,
        rng: random.Random,
        user: User,
        created: str,
        active: bool,
        manager: str | None,
        local: str,
        slug: str,
        langs: list[dict[str, Any]],
    ) -> dict[str, Any]:
        """The exact GET /v2/users item (the draws run in key order)."""
        return {
            "id": user.id,
            "emailAddress": user.email,
            "created": created,
            "active": active,
            "emailAliases": (
                [f"{ascii_fold(user.first_name)}@{self.internal_domains[-1]}"] if rng.random() < 0.15 else []
            ),
            "trustedEmailAddress": user.email if rng.random() < 0.2 else None,
            "firstName": user.first_name,
            "lastName": user.last_name,
            "title": user.title if rng.random() < 0.85 else None,
            "phoneNumber": user.phone,
            "extension": str(rng.randint(100, 999)) if user.phone and rng.random() < 0.3 else None,
            "personalMeetingUrls": (
                [f"https://{slug}.zoom.us/j/{rng.randint(10**9, 10**10 - 1)}"] if rng.random() < 0.4 else []
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
            industry = rng.choice(vocab.INDUSTRIES)
            account_id, opportunity_id = sfdc_id(rng, "001"), sfdc_id(rng, "006")
            accounts.append(Account(name, domain, website, industry, account_id, opportunity_id, contacts))
        return accounts

    @staticmethod
    def make_person(rng: random.Random, domain: str, crm_type: str) -> Person:
        """A CRM Contact at ``domain`` (or a Lead, e.g. on a free-mail domain)."""
        first, last = rng.choice(vocab.FIRST_NAMES), rng.choice(vocab.LAST_NAMES)
        f, la = ascii_fold(first), ascii_fold(last)
        if domain in vocab.FREEMAIL_DOMAINS:
            local = f"{f}.{la}{rng.randint(1, 99)}"
        else:
            local = rng.choice((f"{f}.{la}", f"{f[0]}{la}", f, f"{f}_{la}"))
        title = rng.choice(vocab.CONTACT_TITLES)
        phone = f"+1 {rng.randint(201, 989)}-555-{rng.randint(1000, 9999)}" if rng.random() < 0.4 else None
        crm_id = sfdc_id(rng, "003" if crm_type == "Contact" else "00Q")
        return Person(f"{first} {last}", f"{local}@{domain}", title, phone, crm_type, crm_id)


def _role(
    rng: random.Random, i: int, users: list[User], n_vps: int, n_managers: int
) -> tuple[str | None, str | None, float]:
    """(title, manager id, call weight) of the i-th user: CEO, VP, manager or rep."""
    if i == 0:
        return "CEO", None, 0.5
    if i <= n_vps:
        return rng.choice(vocab.VP_TITLES), users[0].id, 1.0
    if i <= n_vps + n_managers:
        return rng.choice(vocab.MANAGER_TITLES), users[rng.randint(1, n_vps)].id, 2.0
    lo, hi = (n_vps + 1, n_vps + n_managers) if n_managers else (1, max(1, n_vps))
    return rng.choice(vocab.IC_TITLES), users[rng.randint(lo, hi)].id, 5.0


def _spoken_languages(rng: random.Random) -> list[dict[str, Any]]:
    langs: list[dict[str, Any]] = []
    if rng.random() < 0.6:
        primary = rng.choice(vocab.SPOKEN_LANGUAGES)
        langs.append({"language": primary, "primary": True})
        if rng.random() < 0.3:
            other = rng.choice([x for x in vocab.SPOKEN_LANGUAGES if x != primary])
            langs.append({"language": other, "primary": False})
    return langs
