"""A small, hand-made Gong raw dataset shaped exactly like the dlt-loaded warehouse tables.

`build_raw_rows()` returns ``{table: [row dict, ...]}`` with the column names and types of
gong_source/tables.py (ids text, ``*_at`` tz-aware datetimes, indexes/ms bigint, seconds double).
`write_duckdb()` / `write_postgres()` create the tables with the warehouse types dlt gives those
(text, timestamptz, bigint, double, boolean) in a schema, plus the dlt bookkeeping columns a real
load carries (``_dlt_load_id``, ``_dlt_id`` and, on call-scoped tables, ``_deleted``).

The scenarios it covers (call ids in brackets):
- a call whose CRM Account (Name field) overrides its e-mail domain; party-level Account objects
  that must be ignored; consecutive segments by one speaker (a monologue spanning segments); a
  party that never spoke; a trailing space after a '?' [c-globex-1]
- domain resolution with a hyphenated domain, a free-mail party, a party with no speaker id, an
  'External' party at one of the company's other domains, a transcript speaker id with no party,
  NULL topics [c-bluesky]
- a tie between two domains broken alphabetically ('acme2go.com' -> 'Acme2Go', digits break
  words like Python's str.title), an internal party that never spoke, a Sunday-evening local start
  that is Monday in UTC [c-tie]
- a CRM Account with only a Website field; a local start on 31 March that is April in UTC
  [c-umbrella]
- a free-mail-only external call (no account) with a tie between two longest monologues [c-freemail]
- an internal-only call that carries a CRM Account (still no account) [c-internal]
- a call without a transcript, with a newer CRM Name for the same account, a contact whose e-mail
  differs only in case, and a Gong speaker that is not in parties [c-globex-2]
- '.co' stripping and empty topics [c-northwind]; a call without a host [c-initech]

Like live Gong (docs gong-api.md 7.18), call_speakers lists only company users, and Gong's
interaction stats ('Talk Ratio', 'Longest Monologue', ...) exist for some calls only, one of them
without a transcript [c-globex-2]. Tracker occurrences name their speaker both ways Gong does: by
transcript speaker id and by the party's user id (7.20) [c-globex-1, c-tie].
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipelines.dbt_schema import dbt_type, raw_tables

Rows = dict[str, list[dict[str, Any]]]

# Column types per table: those of gong_source/tables.py, the only schema (dbt type keys).
TABLES: dict[str, list[tuple[str, str]]] = {
    table.name: [(name, dbt_type(dtype)) for name, dtype in table.warehouse_columns] for table in raw_tables()
}
REPLACE_TABLES = {table.name for table in raw_tables() if not table.call_scoped}  # the rest have _deleted

# Tables the fixture leaves out on purpose: a tenant that did not load highlights. Staging must
# read a missing raw table as empty.
OMITTED_TABLES = ("call_highlights",)

OWN_DOMAIN = "acmeanalytics.io"
LOAD_ID = "1712000000.123456"

# The warehouse types dlt creates for each type key, per engine.
_SQL_TYPES = {
    "duckdb": {
        "string": "VARCHAR",
        "timestamp": "TIMESTAMPTZ",
        "bigint": "BIGINT",
        "double": "DOUBLE",
        "boolean": "BOOLEAN",
    },
    "postgres": {
        "string": "text",
        "timestamp": "timestamp with time zone",
        "bigint": "bigint",
        "double": "double precision",
        "boolean": "boolean",
    },
}


def _ts(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _user(uid: str, first: str, last: str, title: str, manager: str | None) -> dict[str, Any]:
    email = f"{first.lower()}@{OWN_DOMAIN}"
    return {
        "user_id": uid,
        "email_address": email,
        "first_name": first,
        "last_name": last,
        "full_name": f"{first} {last}",
        "title": title,
        "phone_number": None,
        "manager_id": manager,
        "active": True,
        "created_at": _ts("2023-01-05T09:00:00+00:00"),
        "trusted_email_address": email,
        "meeting_consent_page_url": None,
        "spoken_languages": "en-US",
        "setting_web_conferences_recorded": True,
        "setting_telephony_calls_imported": False,
    }


def _valid(start: str, end: str | None) -> dict[str, Any]:
    return {
        "valid_from": _ts(f"{start}T00:00:00+00:00"),
        "valid_to": _ts(f"{end}T00:00:00+00:00") if end else None,
    }


def _party(
    call_id: str,
    party_id: str,
    speaker_id: str | None,
    name: str | None,
    email: str | None,
    affiliation: str,
    user_id: str | None = None,
) -> dict[str, Any]:
    domain = email.split("@")[1].lower() if email else None
    return {
        "call_id": call_id,
        "party_id": party_id,
        "speaker_id": speaker_id,
        "user_id": user_id,
        "name": name,
        "email_address": email,
        "email_domain": domain,
        "title": None,
        "affiliation": affiliation,
        "phone_number": None,
        "methods": "Invitee,Attendee",
        "crm_object_type": None,
        "crm_object_id": None,
    }


class _Builder:
    def __init__(self) -> None:
        self.rows: Rows = {t: [] for t in TABLES}

    def call(
        self,
        call_id: str,
        title: str,
        started: str | None,
        duration: int,
        host: str | None,
        scope: str,
    ) -> None:
        start = _ts(started) if started else None
        self.rows["calls"].append(
            {
                "call_id": call_id,
                "url": f"https://app.gong.io/call?id={call_id}",
                "title": title,
                "scheduled_at": start,
                "started_at": start,
                "ended_at": start + dt.timedelta(seconds=duration) if start else None,
                "duration_seconds": duration,
                "primary_user_id": host,
                "direction": "Conference",
                "system": "Zoom",
                "scope": scope,
                "media": "Video",
                "language": "eng",
                "workspace_id": "ws-1",
                "sdr_disposition": None,
                "client_unique_id": None,
                "custom_data": None,
                "purpose": None,
                "meeting_url": None,
                "is_private": False,
                "calendar_event_id": None,
            }
        )

    def parties(self, *parties: dict[str, Any]) -> None:
        self.rows["parties"].extend(parties)

    def speakers(self, call_id: str, *talk: tuple[str, str, float]) -> None:
        """Gong's interaction.speakers: like live Gong, only company users (each has a user id)."""
        for party_id, user_id, seconds in talk:
            self.rows["call_speakers"].append(
                {
                    "call_id": call_id,
                    "party_id": party_id,
                    "user_id": user_id,
                    "talk_time_seconds": float(seconds),
                }
            )

    def tracker(
        self, call_id: str, index: int, name: str, *occurrences: tuple[float, str, str | None]
    ) -> None:
        tracker_id = f"tr-{name.lower()}"
        self.rows["call_trackers"].append(
            {
                "call_id": call_id,
                "tracker_index": index,
                "tracker_id": tracker_id,
                "tracker_name": name,
                "tracker_type": "KEYWORD",
                "occurrence_count": len(occurrences),
            }
        )
        for occurrence_index, (start, speaker_id, phrase) in enumerate(occurrences):
            self.rows["call_tracker_occurrences"].append(
                {
                    "call_id": call_id,
                    "tracker_index": index,
                    "occurrence_index": occurrence_index,
                    "tracker_id": tracker_id,
                    "tracker_name": name,
                    "phrase": phrase,
                    "start_seconds": start,
                    "speaker_id": speaker_id,
                }
            )

    def stats(self, call_id: str, **values: float) -> None:
        """Gong's interactionStats, e.g. stats(c, talk_ratio=0.45) -> 'Talk Ratio' = 0.45."""
        for key, value in values.items():
            self.rows["call_interaction_stats"].append(
                {"call_id": call_id, "stat_name": key.replace("_", " ").title(), "stat_value": float(value)}
            )

    def transcript(
        self, call_id: str, segments: Sequence[tuple[str, str | None, Sequence[tuple[int, int, str]]]]
    ) -> None:
        for seg_index, (speaker_id, topic, sentences) in enumerate(segments):
            for sent_index, (start, end, text) in enumerate(sentences):
                self.rows["transcript_sentences"].append(
                    {
                        "call_id": call_id,
                        "segment_index": seg_index,
                        "sentence_index": sent_index,
                        "speaker_id": speaker_id,
                        "topic": topic,
                        "start_ms": start,
                        "end_ms": end,
                        "text": text,
                    }
                )

    def crm(
        self,
        call_id: str,
        object_index: int,
        party_id: str | None,
        object_type: str,
        object_id: str,
        fields: Sequence[tuple[str, str]] = (),
        timing: str = "Now",
    ) -> None:
        self.rows["crm_objects"].append(
            {
                "call_id": call_id,
                "object_index": object_index,
                "party_id": party_id,
                "crm_system": "Salesforce",
                "object_type": object_type,
                "object_id": object_id,
                "timing": timing,
            }
        )
        for field_index, (name, value) in enumerate(fields):
            try:
                number: float | None = float(value)
            except ValueError:
                number = None
            self.rows["crm_fields"].append(
                {
                    "call_id": call_id,
                    "object_index": object_index,
                    "field_index": field_index,
                    "party_id": party_id,
                    "crm_system": "Salesforce",
                    "object_type": object_type,
                    "object_id": object_id,
                    "field_name": name,
                    "field_value": value,
                    "field_value_number": number,
                    "timing": timing,
                }
            )


def build_raw_rows() -> Rows:
    """The hand-made dataset, as ``{table: [row, ...]}`` (every table of TABLES, some empty)."""
    b = _Builder()
    r = b.rows
    r["workspaces"].append({"workspace_id": "ws-1", "name": "Acme Sales", "description": "Main workspace"})
    r["users"] += [
        _user("u-alice", "Alice", "Able", "Account Executive", "u-carol"),
        # Bob moves under Alice on 2024-03-20 (users keep history): weeks before keep Carol.
        {
            **_user("u-bob", "Bob", "Baker", "Account Executive", "u-carol"),
            **_valid("2024-01-01", "2024-03-20"),
        },
        {**_user("u-bob", "Bob", "Baker", "Senior AE", "u-alice"), **_valid("2024-03-20", None)},
        _user("u-carol", "Carol", "Chen", "Sales Manager", None),
        _user("u-dave", "Dave", "Diaz", "SDR", "u-carol"),  # never on a call
    ]
    alice = ("u-alice", "Alice Able", f"alice@{OWN_DOMAIN}")
    bob = ("u-bob", "Bob Baker", f"bob@{OWN_DOMAIN}")
    carol = ("u-carol", "Carol Chen", f"carol@{OWN_DOMAIN}")

    def internal(call_id: str, party_id: str, speaker_id: str | None, who: tuple[str, str, str]) -> dict:
        return _party(call_id, party_id, speaker_id, who[1], who[2], "Internal", user_id=who[0])

    # c-globex-1: the CRM Account (Name) overrides the e-mail domain (globex.com x2 -> "Globex").
    c = "c-globex-1"
    b.call(c, "Globex discovery", "2024-03-04T15:00:00+00:00", 1800, "u-alice", "External")
    b.parties(
        internal(c, "p1a", "s-a", alice),
        _party(c, "p1b", "s-b", "Hank Scorpio", "hank@globex.com", "External"),
        _party(c, "p1c", "s-c", "Mindy Lee", "mindy@globex.com", "External"),
        _party(c, "p1d", "s-d", "Peter Gibbons", "peter@initech.com", "External"),  # never speaks
    )
    b.crm(c, 0, None, "Opportunity", "OPP-1", [("Name", "Globex expansion"), ("Amount", "50000")])
    b.crm(
        c,
        1,
        None,
        "Account",
        "ACC-GLOBEX",
        [("Website", "https://www.globex.com"), ("Name", "Globex Corporation")],
    )
    b.crm(c, 2, "p1b", "Contact", "CON-HANK", [("Name", "Hank Scorpio")])
    b.crm(c, 3, "p1c", "Account", "ACC-WRONG", [("Name", "Not the call's account")])
    b.speakers(c, ("p1a", "u-alice", 600))
    b.stats(c, talk_ratio=0.61, longest_monologue=95, interactivity=5.5, patience=0.86, question_rate=4.2)
    b.transcript(
        c,
        [
            (
                "s-a",
                "Introduction",
                [(0, 3000, "Hi all, thanks for joining."), (3000, 5500, "How is the quarter going?")],
            ),
            ("s-b", "Introduction", [(6000, 8000, "Busy, but good.")]),
            (
                "s-c",
                "Pricing",
                [(8500, 10000, "What does it cost?"), (10000, 12000, "And is there a discount?")],
            ),
            (
                "s-a",
                "Pricing",
                [(12500, 15000, "It depends on seats."), (15000, 25000, "Let me walk you through it.")],
            ),
            ("s-a", "Pricing", [(25500, 27000, "Any other questions? ")]),
            ("s-b", "", [(27500, 28500, "No, thanks!")]),
        ],
    )

    # c-bluesky: most frequent eligible domain blue-sky-labs.io -> "Blue Sky Labs".
    c = "c-bluesky"
    b.call(c, "Blue Sky weekly", "2024-03-06T10:00:00-05:00", 1200, "u-bob", "External")
    b.parties(
        internal(c, "p2a", "s-1", bob),
        _party(c, "p2b", "s-2", "Jane Roe", "jane@blue-sky-labs.io", "External"),
        _party(c, "p2c", "s-3", "Joe Roe", "joe@blue-sky-labs.io", "External"),
        _party(c, "p2d", None, "Zed", "zed@zeta.net", "External"),
        _party(c, "p2e", "s-5", "A Friend", "friend@gmail.com", "External"),
        _party(c, "p2f", "s-6", "Lee Acme", "lee@acme-analytics.com", "External"),  # company's other domain
        _party(c, "p2g", "s-7", None, None, "Unknown"),  # dial-in without a name or e-mail
    )
    b.speakers(c, ("p2a", "u-bob", 300.5))
    b.transcript(
        c,
        [
            ("s-1", None, [(0, 4000, "Welcome back everyone."), (4000, 6500, "Any blockers?")]),
            ("s-2", None, [(7000, 9000, "None on our side.")]),
            (
                "s-9",
                None,
                [(9000, 12000, "Sorry, I joined late - who is speaking?")],
            ),  # speaker id without a party
            ("s-1", None, [(12500, 14000, "That was me.")]),
            ("s-3", None, [(14000, 20000, "We finished the rollout.")]),
            ("s-7", None, [(20000, 21000, "Hello?")]),
        ],
    )

    # c-tie: one party each at northwind-traders.co and acme2go.com -> alphabetical -> "Acme2Go".
    c = "c-tie"
    b.call(c, "Tie call", "2024-03-10T22:30:00-05:00", 900, "u-alice", "External")  # Monday 03:30 UTC
    b.parties(
        internal(c, "p3a", "s-1", alice),
        _party(c, "p3b", "s-2", "Ann Wind", "ann@northwind-traders.co", "External"),
        _party(c, "p3c", "s-3", "Bo Go", "bo@acme2go.com", "External"),
        internal(c, "p3d", None, carol),  # internal, never spoke
    )
    b.speakers(c, ("p3a", "u-alice", 100))
    b.stats(c, talk_ratio=0.93, longest_monologue=30)
    b.transcript(
        c,
        [
            ("s-1", None, [(0, 10000, "Let me share my screen."), (10000, 12000, "Can you see it?")]),
            ("s-2", None, [(12000, 13000, "Yes.")]),
            ("s-3", None, [(13000, 15000, "Looks better than Initrode?")]),
            ("s-1", None, [(15000, 45000, "Here is the full product tour from start to finish.")]),
        ],
    )

    # c-umbrella: CRM Account with only a Website -> "Umbrella Corp" (email domain would say otherwise).
    c = "c-umbrella"
    b.call(c, "Umbrella QBR", "2024-03-31T23:30:00-05:00", 2400, "u-bob", "External")  # April in UTC
    b.parties(
        internal(c, "p4a", "s-1", bob),
        _party(c, "p4b", "s-2", "Albert Wesker", "wesker@umbrellacorp.com", "External"),
    )
    b.crm(
        c,
        0,
        None,
        "Account",
        "ACC-UMB",
        [("Industry", "Pharma"), ("Website", "  HTTP://www.Umbrella-Corp.org/about?x=1")],
    )
    b.speakers(c, ("p4a", "u-bob", 900))
    b.stats(c, talk_ratio=0.2, longest_monologue=10, interactivity=1.25, patience=2.5, question_rate=1)
    b.transcript(
        c,
        [
            ("s-2", "Renewal", [(0, 20000, "We need to talk about the renewal.")]),
            ("s-1", "Renewal", [(20000, 30000, "Of course, what would you like to change?")]),
            ("s-2", "Renewal", [(30000, 60000, "Fewer seats, more features.")]),
        ],
    )

    # c-freemail: only free-mail external parties -> no account; two longest monologues tie (4 s).
    c = "c-freemail"
    b.call(c, "Free-mail intro", "2024-04-02T09:00:00+00:00", 600, "u-alice", "External")
    b.parties(
        internal(c, "p5a", "s-1", alice),
        _party(c, "p5b", "s-2", "Xavier", "x@gmail.com", "External"),
        _party(c, "p5c", "s-3", "Yolanda", "y@yahoo.com", "External"),
    )
    b.transcript(
        c,
        [
            ("s-2", "Intro", [(0, 4000, "I found you online.")]),
            ("s-1", "Intro", [(4000, 6000, "Great, what do you need?")]),
            ("s-3", "Intro", [(6000, 10000, "A better dashboard.")]),
        ],
    )

    # c-internal: internal only (two company domains); a CRM Account is attached but no account results.
    c = "c-internal"
    b.call(c, "Pipeline review", "2024-04-03T16:00:00+00:00", 1800, "u-carol", "Internal")
    b.parties(
        internal(c, "p6a", "s-1", carol),
        internal(c, "p6b", "s-2", bob),
        _party(c, "p6c", "s-3", "Eve Ops", "eve@acme-analytics.com", "Internal"),
    )
    b.crm(c, 0, None, "Account", "ACC-GLOBEX", [("Name", "Globex Corporation")])
    b.speakers(c, ("p6a", "u-carol", 500), ("p6b", "u-bob", 400))
    b.transcript(
        c,
        [
            ("s-1", "Pipeline", [(0, 5000, "Let's go through the pipeline.")]),
            ("s-2", "Pipeline", [(5000, 9000, "Globex is moving forward?"), (9000, 11000, "I think so.")]),
            ("s-3", None, [(11000, 12000, "Noted.")]),
        ],
    )

    # c-globex-2: no transcript (but Gong's stats); newer CRM Name; a Gong speaker (a company user)
    # that is not in parties.
    c = "c-globex-2"
    b.call(c, "Globex follow-up", "2024-04-15T14:00:00+00:00", 1500, "u-alice", "External")
    b.parties(
        internal(c, "p7a", "s-1", alice),
        internal(c, "p7b", "s-2", bob),
        _party(c, "p7c", "s-3", "Hank Scorpio", "Hank@Globex.com", "External"),
        _party(c, "p7d", "s-4", "Sam Stone", "sam@globex.com", "External"),
    )
    b.crm(c, 0, None, "Account", "ACC-GLOBEX", [("Name", "Globex Corp")])
    b.speakers(c, ("p7a", "u-alice", 500), ("p7b", "u-bob", 100), ("p-ghost", "u-carol", 5))
    b.stats(c, talk_ratio=0.57, interactivity=3)

    # c-globex-3: no CRM context, but its participant writes from globex.com, the Website of the
    # CRM Account ACC-GLOBEX: the call belongs to that account, not to a second "Globex".
    c = "c-globex-3"
    b.call(c, "Globex check-in", "2024-05-20T10:00:00+00:00", 600, "u-bob", "External")
    b.parties(
        internal(c, "p10a", "s-1", bob),
        _party(c, "p10b", "s-2", "Ivy Park", "ivy@globex.com", "External"),
    )

    # c-northwind: '.co' is stripped; empty and NULL topics.
    c = "c-northwind"
    b.call(c, "Northwind kickoff", "2024-04-16T08:00:00+00:00", 1000, "u-bob", "External")
    b.parties(
        internal(c, "p8a", "s-1", bob),
        _party(c, "p8b", "s-2", "Ann Wind", "ann@northwind-traders.co", "External"),
        _party(c, "p8c", "s-3", "Ben Wind", "ben@northwind-traders.co", "External"),
    )
    b.speakers(c, ("p8a", "u-bob", 200))
    b.transcript(
        c,
        [
            ("s-1", "Kickoff", [(0, 3000, "Welcome to the kickoff."), (3000, 4000, "Ready?")]),
            ("s-2", "", [(4000, 5000, "Ready.")]),
            ("s-3", None, [(5000, 9000, "Where do we start?")]),
            ("s-1", "Kickoff", [(9000, 10000, "Right here.")]),
        ],
    )

    # c-initech: a call without a host; initech.com -> "Initech".
    c = "c-initech"
    b.call(c, "Initech inbound", "2024-05-01T12:00:00+00:00", 300, None, "External")
    b.parties(_party(c, "p9a", "s-1", "Bill Lumbergh", "bill@initech.com", "External"))
    b.transcript(c, [("s-1", None, [(0, 2000, "Did you get the memo?")])])

    # A little content in the other call-scoped tables, so their staging models see real rows.
    r["call_details"].append(
        {
            "call_id": "c-globex-1",
            "started_at": _ts("2024-03-04T15:00:00+00:00"),
            "brief": "Discovery with Globex.",
            "call_outcome_id": "MEETING_BOOKED",
            "call_outcome_category": "Answered",
            "call_outcome_name": "Meeting booked",
            "questions_company_count": 2,
            "questions_non_company_count": 2,
        }
    )
    r["call_topics"].append(
        {"call_id": "c-globex-1", "topic_index": 0, "topic_name": "Pricing", "duration_seconds": 19.5}
    )
    # Tracker occurrences name their speaker by transcript speaker id (s-c), by the party's user id
    # as in Gong's documented example (u-alice), or by an id that matches no party.
    b.tracker(
        "c-globex-1",
        0,
        "Competitors",
        (9.0, "s-c", "Initrode"),
        (13.0, "u-alice", "Initrode"),
        (20.0, "s-x", None),
    )
    b.tracker("c-tie", 0, "Competitors", (13.5, "s-3", "Initrode"))
    r["call_key_points"].append(
        {"call_id": "c-globex-1", "key_point_index": 0, "text": "Pricing depends on seats."}
    )
    r["call_outline_sections"].append(
        {
            "call_id": "c-globex-1",
            "section_index": 0,
            "section_name": "Pricing",
            "start_seconds": 8.5,
            "duration_seconds": 20.0,
        }
    )
    r["call_outline_items"].append(
        {
            "call_id": "c-globex-1",
            "section_index": 0,
            "item_index": 0,
            "text": "Seat-based pricing",
            "start_seconds": 12.5,
        }
    )
    r["call_comments"].append(
        {
            "call_id": "c-globex-1",
            "comment_id": "cm-1",
            "commenter_user_id": "u-carol",
            "comment": "Nice discovery!",
            "posted_at": _ts("2024-03-05T08:00:00+01:00"),
            "audio_start_seconds": 12.5,
            "audio_end_seconds": 27.0,
            "in_reply_to": None,
            "during_call": False,
        }
    )
    _more_gong(b)
    return b.rows


def _more_gong(b: _Builder) -> None:
    """Opportunities at the time of the call, tracker definitions, answered scorecards, day stats."""
    c = "c-globex-1"
    b.crm(
        c,
        4,
        None,
        "Opportunity",
        "OPP-2",
        [("StageName", "Negotiation"), ("Amount", "90000.5"), ("CloseDate", "2024-06-30")],
    )
    b.crm(
        c,
        5,
        None,
        "Opportunity",
        "OPP-2",
        [("StageName", "Discovery"), ("Amount", "60000"), ("CloseDate", "2024-05-31")],
        timing="TimeOfCall",
    )
    b.crm(c, 6, None, "Opportunity", "OPP-1", [("StageName", "Closed Won")], timing="TimeOfCall")
    b.crm("c-tie", 0, None, "Opportunity", "OPP-3", [("StageName", "Proposal")], timing="TimeOfCall")
    r = b.rows
    r["trackers"].append(
        {"tracker_id": "tr-competitors", "tracker_name": "Competitors", "affiliation": "Anyone"}
    )
    r["tracker_keywords"] += [
        {"tracker_id": "tr-competitors", "language": "eng", "keyword_index": i, "keyword": word}
        for i, word in enumerate(("Initrode", "Globex"))
    ]
    r["scorecards"].append({"scorecard_id": "sc-1", "scorecard_name": "Discovery", "enabled": True})
    r["scorecard_questions"] += [
        {"scorecard_id": "sc-1", "question_id": "q-1", "question_index": 0, "question_text": "Pain found?",
         "is_overall": False, "min_range": 1, "max_range": 5},
        {"scorecard_id": "sc-1", "question_id": "q-2", "question_index": 1, "question_text": "Overall",
         "is_overall": True, "min_range": 1, "max_range": 5},
    ]  # fmt: skip

    def answered(card: str, user: str, at: str, *scores: tuple[str, float | None, bool]) -> None:
        r["scorecard_answers"].extend(
            {
                "answered_scorecard_id": card, "question_id": question, "scorecard_id": "sc-1",
                "scorecard_name": "Discovery", "call_id": c, "reviewed_user_id": user,
                "reviewer_user_id": "u-carol", "reviewed_at": _ts(at), "score": score, "not_applicable": na,
            }
            for question, score, na in scores
        )  # fmt: skip

    answered("as-1", "u-alice", "2024-03-05T10:00:00+00:00", ("q-1", 4, False), ("q-2", 3, False))
    # 23:30 in New York on Thursday is Friday in UTC: same week; a not-applicable answer is skipped
    answered("as-2", "u-alice", "2024-03-07T23:30:00-05:00", ("q-1", 2, False), ("q-2", None, True))
    answered("as-3", "u-bob", "2024-03-11T01:00:00+00:00", ("q-1", 5, False), ("q-2", None, False))
    answered("as-4", "u-bob", "2024-03-25T09:00:00+00:00", ("q-1", 3, False))
    for user, day, host, attended, stats in (
        ("u-alice", "2024-03-04", 1, 0, (60.0, 4.0, 1.5, 10.0)),
        ("u-alice", "2024-03-10", 1, 1, (30.0, 6.0, 0.5, 20.0)),  # Sunday: still the week of 03-04
        ("u-alice", "2024-03-11", 0, 0, None),
        ("u-bob", "2024-03-06", 1, 0, (45.0, None, 2.0, 12.0)),
        ("u-bob", "2024-03-25", 0, 2, (15.0, 3.0, 1.0, 5.0)),
    ):
        r["user_day_activity"].append(
            {"user_id": user, "day": day, "calls_as_host": host, "calls_attended": attended,
             "calls_comments_given": 0, "calls_comments_received": host, "calls_scorecards_filled": 0,
             "calls_scorecards_received": 0}
        )  # fmt: skip
        if stats:
            monologue, interactivity, patience, rate = stats
            r["user_day_interaction_stats"].append(
                {"user_id": user, "day": day, "longest_monologue": monologue, "interactivity": interactivity,
                 "patience": patience, "question_rate": rate}
            )  # fmt: skip


# --------------------------------------------------------------------------------------- writers


def _ddl(table: str, engine: str, schema: str) -> str:
    types = _SQL_TYPES[engine]
    cols = [f"{name} {types[kind]}" for name, kind in TABLES[table]]
    cols += [f"_dlt_load_id {types['string']} NOT NULL", f"_dlt_id {types['string']} NOT NULL"]
    if table not in REPLACE_TABLES:
        cols.append(f"_deleted {types['boolean']}")
    return f"CREATE TABLE IF NOT EXISTS {schema}.{table} ({', '.join(cols)})"


@dataclass(frozen=True)
class LoadIds:
    """The _dlt_load_id of each row: `calls` maps a call id to the load that last merged the call
    (else `default`); the replace tables (users, workspaces) carry `snapshot`, the newest load."""

    calls: Mapping[str, str] = field(default_factory=dict)
    snapshot: str = LOAD_ID
    default: str = LOAD_ID

    def of(self, table: str, row: Mapping[str, Any]) -> str:
        return self.snapshot if table in REPLACE_TABLES else self.calls.get(row["call_id"], self.default)


def _values(table: str, rows: Iterable[Mapping[str, Any]], load_ids: LoadIds) -> list[tuple[Any, ...]]:
    names = [name for name, _ in TABLES[table]]
    out = []
    for i, row in enumerate(rows):
        values = [row.get(name) for name in names] + [load_ids.of(table, row), f"{table}-{i}"]
        if table not in REPLACE_TABLES:
            values.append(None)
        out.append(tuple(values))
    return out


def _columns(table: str) -> list[str]:
    cols = [name for name, _ in TABLES[table]] + ["_dlt_load_id", "_dlt_id"]
    return cols + ([] if table in REPLACE_TABLES else ["_deleted"])


def write_duckdb(
    path: str, schema: str, rows: Rows, omit: Sequence[str] = OMITTED_TABLES, load_ids: LoadIds = LoadIds()
) -> None:
    """Load `rows` into `schema` of the DuckDB file at `path`, replacing what its tables held (tables
    in `omit` are not created); views on the tables survive, as they do a dlt load."""
    import duckdb

    con = duckdb.connect(path)
    try:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        for table in TABLES:
            if table in omit:
                continue
            con.execute(_ddl(table, "duckdb", schema))
            con.execute(f"DELETE FROM {schema}.{table}")
            values = _values(table, rows.get(table, []), load_ids)
            if values:
                marks = ", ".join("?" for _ in _columns(table))
                con.executemany(f"INSERT INTO {schema}.{table} VALUES ({marks})", values)
    finally:
        con.close()


def write_postgres(
    conn: Any, schema: str, rows: Rows, omit: Sequence[str] = OMITTED_TABLES, load_ids: LoadIds = LoadIds()
) -> None:
    """Load `rows` into `schema` through the psycopg2 connection `conn`, like write_duckdb."""
    from psycopg2.extras import execute_values

    with conn.cursor() as cur:
        cur.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        for table in TABLES:
            if table in omit:
                continue
            cur.execute(_ddl(table, "postgres", schema))
            cur.execute(f"DELETE FROM {schema}.{table}")
            values = _values(table, rows.get(table, []), load_ids)
            if values:
                execute_values(cur, f"INSERT INTO {schema}.{table} VALUES %s", values)
    conn.commit()


# --------------------------------------------------------------------------------------- readers
# Read raw tables back as {table: [row, ...]} (e.g. after a real pipeline run) so that
# tests/dbt/expected.py can recompute the marts from what was actually loaded. Missing tables
# read as empty lists; missing columns as None.


def _complete(table: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    names = [name for name, _ in TABLES[table]]
    return [{**dict.fromkeys(names), **row} for row in rows]


def read_duckdb(path: str, schema: str) -> Rows:
    import duckdb

    con = duckdb.connect(path, read_only=True)
    try:
        con.execute("SET TimeZone = 'UTC'")
        present = {
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = ?", [schema]
            ).fetchall()
        }
        out: Rows = {}
        for table in TABLES:
            if table not in present:
                out[table] = []
                continue
            cur = con.execute(f"select * from {schema}.{table}")
            names = [d[0] for d in cur.description]
            out[table] = _complete(table, [dict(zip(names, row, strict=True)) for row in cur.fetchall()])
        return out
    finally:
        con.close()


def read_postgres(conn: Any, schema: str) -> Rows:
    import psycopg2.extras

    out: Rows = {}
    with conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
        cur.execute("select table_name from information_schema.tables where table_schema = %s", [schema])
        present = {r["table_name"] for r in cur.fetchall()}
        for table in TABLES:
            if table not in present:
                out[table] = []
                continue
            cur.execute(f"select * from {schema}.{table}")
            out[table] = _complete(table, [dict(r) for r in cur.fetchall()])
    conn.rollback()
    return out


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m tests.dbt.raw_fixture raw.duckdb [--schema gong]`: the raw fixture in a DuckDB file,
    e.g. for dbt/integration_tests."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("path", help="DuckDB file to create or overwrite the schema in")
    parser.add_argument("--schema", default="gong", help="raw schema (the dlt dataset name)")
    args = parser.parse_args(argv)
    write_duckdb(args.path, args.schema, build_raw_rows())


if __name__ == "__main__":
    main()
