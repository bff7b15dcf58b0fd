"""The dbt marts, computed in plain Python from the raw warehouse rows.

An independent implementation of the definitions documented in dbt/models/marts/_gong__marts.yml,
used to check the SQL. Every function takes ``raw``: ``{table: [row dict, ...]}`` with the raw
column names of docs/ARCHITECTURE.md (e.g. read back from the warehouse the pipeline loaded, or
tests/dbt/raw_fixture.build_raw_rows()). Timestamps may be tz-aware (converted to naive UTC, as
the marts store them) or naive UTC. Each function returns ``{key: row dict}`` keyed like the mart.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

Raw = Mapping[str, Sequence[Mapping[str, Any]]]
Row = dict[str, Any]

SEED_TLDS = (".io", ".com", ".net", ".org", ".co")
# gong__call_talk_time column <- Gong's interactionStats name (raw call_interaction_stats.stat_name)
GONG_STATS = {
    "gong_talk_ratio": "Talk Ratio",
    "gong_longest_monologue_seconds": "Longest Monologue",
    "gong_interactivity": "Interactivity",
    "gong_patience_seconds": "Patience",
    "gong_question_rate": "Question Rate",
}
FREE_MAIL_SEED = Path(__file__).resolve().parents[2] / "dbt" / "seeds" / "gong_free_mail_domains.csv"


# ------------------------------------------------------------------------------------- helpers


def free_mail_domains(path: Path = FREE_MAIL_SEED) -> set[str]:
    with path.open(newline="") as fh:
        return {row["domain"].strip().lower() for row in csv.DictReader(fh) if row["domain"].strip()}


def utc(value: dt.datetime | None) -> dt.datetime | None:
    """tz-aware -> naive UTC; naive values are taken as UTC already."""
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def week_start(value: dt.datetime) -> dt.date:
    day = value.date()
    return day - dt.timedelta(days=day.weekday())


def month_start(value: dt.datetime) -> dt.date:
    return value.date().replace(day=1)


def account_name_from_domain(domain: str, tlds: Sequence[str] = SEED_TLDS) -> str:
    """The seed notes' rule, verbatim: strip one TLD, hyphens -> spaces, str.title()."""
    for tld in tlds:
        if domain.endswith(tld):
            domain = domain[: -len(tld)]
            break
    return domain.replace("-", " ").title()


def domain_from_url(url: str | None) -> str | None:
    if url is None:
        return None
    host = url.strip(" ").lower().replace("https://", "").replace("http://", "")
    host = host.split("/")[0].split("?")[0].split(":")[0]
    if host.startswith("www."):
        host = host[4:]
    return host or None


def affiliation(value: str | None) -> str:
    v = (value or "").lower()
    return {"internal": "Internal", "external": "External"}.get(v, "Unknown")


def _nonempty(value: str | None) -> str | None:
    return value if value else None


def _mean(values: Iterable[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def _sum_or_none(values: Iterable[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return sum(vals) if vals else None


def _minutes(seconds: Iterable[float | None]) -> float | None:
    total = _sum_or_none(seconds)
    return None if total is None else total / 60.0


def _rows(raw: Raw, table: str) -> Sequence[Mapping[str, Any]]:
    return raw.get(table) or []


def _by_call(raw: Raw, table: str) -> dict[str, list[Mapping[str, Any]]]:
    out: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for row in _rows(raw, table):
        out[row["call_id"]].append(row)
    return out


def _sentences_by_call(raw: Raw) -> dict[str, list[Mapping[str, Any]]]:
    out: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for s in _rows(raw, "transcript_sentences"):
        out[s["call_id"]].append(s)
    for rows in out.values():
        rows.sort(key=lambda s: (s["segment_index"], s["sentence_index"]))
    return out


def _is_question(text: str | None) -> bool:
    return (text or "").strip(" ").endswith("?")


# ------------------------------------------------------------------------------ speaker identity


def speaker_identity(raw: Raw) -> dict[tuple[str, str], Row]:
    """(call_id, speaker_id) of the transcript -> participant_key, affiliation, speaker_name."""
    parties_by_speaker: dict[tuple[str, str], Mapping[str, Any]] = {}
    for p in sorted(_rows(raw, "parties"), key=lambda p: p["party_id"]):
        if p.get("speaker_id") is not None:
            parties_by_speaker.setdefault((p["call_id"], p["speaker_id"]), p)
    out: dict[tuple[str, str], Row] = {}
    for s in _rows(raw, "transcript_sentences"):
        key = (s["call_id"], s["speaker_id"])
        if key in out or s["speaker_id"] is None:
            continue
        party = parties_by_speaker.get(key)
        out[key] = {
            "participant_key": party["party_id"] if party else f"speaker:{s['speaker_id']}",
            "party_id": party["party_id"] if party else None,
            "affiliation": affiliation(party.get("affiliation")) if party else "Unknown",
            "speaker_name": (_nonempty(party.get("name")) if party else None) or s["speaker_id"],
        }
    return out


def call_participants(raw: Raw) -> dict[tuple[str, str], Row]:
    """(call_id, participant_key) -> participant (parties, unmatched call_speakers / transcript ids)."""
    out: dict[tuple[str, str], Row] = {}
    party_keys = set()
    for p in _rows(raw, "parties"):
        party_keys.add((p["call_id"], p["party_id"]))
        out[(p["call_id"], p["party_id"])] = {
            "participant_source": "party",
            "party_id": p["party_id"],
            "speaker_id": p.get("speaker_id"),
            "user_id": p.get("user_id"),
            "affiliation": affiliation(p.get("affiliation")),
            "email_address": p.get("email_address"),
        }
    for cs in _rows(raw, "call_speakers"):
        key = (cs["call_id"], cs["party_id"])
        if key in party_keys:
            continue
        out[key] = {
            "participant_source": "call_speaker",
            "party_id": cs["party_id"],
            "speaker_id": None,
            "user_id": cs.get("user_id"),
            "affiliation": "Internal" if cs.get("user_id") else "Unknown",
            "email_address": None,
        }
    for (call_id, speaker_id), ident in speaker_identity(raw).items():
        if ident["party_id"] is None:
            out[(call_id, ident["participant_key"])] = {
                "participant_source": "transcript_speaker",
                "party_id": None,
                "speaker_id": speaker_id,
                "user_id": None,
                "affiliation": "Unknown",
                "email_address": None,
            }
    return out


# ----------------------------------------------------------------------------------- talk time


def _runs(sentences: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Monologues: maximal runs of consecutive sentences with one speaker id."""
    runs: list[dict[str, Any]] = []
    for s in sentences:
        if runs and runs[-1]["speaker_id"] == s["speaker_id"]:
            runs[-1]["end_ms"] = s["end_ms"]
        else:
            runs.append({"speaker_id": s["speaker_id"], "start_ms": s["start_ms"], "end_ms": s["end_ms"]})
    for r in runs:
        r["seconds"] = (r["end_ms"] - r["start_ms"]) / 1000.0
    return runs


def call_speaker_talk_time(raw: Raw) -> dict[tuple[str, str], Row]:
    """gong__call_speaker_talk_time: (call_id, participant_key) -> measures."""
    call_ids = {c["call_id"] for c in _rows(raw, "calls")}
    identity = speaker_identity(raw)
    sentences = _sentences_by_call(raw)
    gong_calls = {cs["call_id"] for cs in _rows(raw, "call_speakers")}
    gong_talk: dict[tuple[str, str], float] = defaultdict(float)
    for cs in _rows(raw, "call_speakers"):
        gong_talk[(cs["call_id"], cs["party_id"])] += cs["talk_time_seconds"]

    # per (call, participant_key): its sentences and its monologues
    mine_by_key: dict[tuple[str, str], list[Mapping[str, Any]]] = defaultdict(list)
    runs_by_key: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    totals: dict[str, float] = {}
    for call_id, call_sentences in sentences.items():
        totals[call_id] = sum((s["end_ms"] - s["start_ms"]) / 1000.0 for s in call_sentences)
        for s in call_sentences:
            mine_by_key[(call_id, identity[(call_id, s["speaker_id"])]["participant_key"])].append(s)
        for r in _runs(call_sentences):
            runs_by_key[(call_id, identity[(call_id, r["speaker_id"])]["participant_key"])].append(r)

    out: dict[tuple[str, str], Row] = {}
    for (call_id, key), part in call_participants(raw).items():
        if call_id not in call_ids:
            continue
        has_transcript = call_id in sentences
        mine = mine_by_key.get((call_id, key), [])
        runs = runs_by_key.get((call_id, key), [])
        talk = sum((s["end_ms"] - s["start_ms"]) / 1000.0 for s in mine)
        total = totals.get(call_id, 0.0)
        out[(call_id, key)] = {
            **part,
            # Gong reports company users only: 0 for one it did not list, None for anyone else.
            "gong_talk_seconds": gong_talk[(call_id, part["party_id"])]
            if (call_id, part["party_id"]) in gong_talk
            else (0.0 if call_id in gong_calls and part["user_id"] is not None else None),
            "transcript_talk_seconds": talk if has_transcript else None,
            "transcript_talk_share": (talk / total if total else None) if has_transcript else None,
            "sentences": len(mine) if has_transcript else None,
            "questions_asked": sum(_is_question(s["text"]) for s in mine) if has_transcript else None,
            "monologues": len(runs) if has_transcript else None,
            "longest_monologue_seconds": max((r["seconds"] for r in runs), default=0.0)
            if has_transcript
            else None,
        }
    return out


def call_talk_time(raw: Raw) -> dict[str, Row]:
    """gong__call_talk_time: call_id -> measures."""
    identity = speaker_identity(raw)
    participants = call_participants(raw)
    sentences = _sentences_by_call(raw)
    call_speakers = _by_call(raw, "call_speakers")
    stats_by_call = _by_call(raw, "call_interaction_stats")
    parties_by_call: dict[str, list[Row]] = defaultdict(list)
    for (cid, _), part in participants.items():
        if part["participant_source"] == "party":
            parties_by_call[cid].append(part)
    out: dict[str, Row] = {}
    for call in _rows(raw, "calls"):
        call_id = call["call_id"]
        started = utc(call.get("started_at"))
        parties = parties_by_call.get(call_id, [])
        row: Row = {
            "started_at": started,
            "call_week_start": week_start(started) if started else None,
            "call_month_start": month_start(started) if started else None,
            "duration_seconds": call.get("duration_seconds"),
            "primary_user_id": call.get("primary_user_id"),
            "participants": len(parties),
            "internal_participants": sum(p["affiliation"] == "Internal" for p in parties),
            "external_participants": sum(p["affiliation"] == "External" for p in parties),
        }
        ss = sentences.get(call_id, [])
        row["has_transcript"] = bool(ss)
        if ss:
            side = [identity[(call_id, s["speaker_id"])]["affiliation"] for s in ss]
            secs = [(s["end_ms"] - s["start_ms"]) / 1000.0 for s in ss]
            internal = sum(x for x, a in zip(secs, side, strict=True) if a == "Internal")
            external = sum(x for x, a in zip(secs, side, strict=True) if a == "External")
            switches = sum(1 for a, b in itertools.pairwise(ss) if a["speaker_id"] != b["speaker_id"])
            runs = _runs(ss)
            best = max(runs, key=lambda r: r["seconds"])  # max() keeps the first of equal runs
            duration = call.get("duration_seconds")
            row |= {
                "sentences": len(ss),
                "transcript_speakers": len({s["speaker_id"] for s in ss}),
                "transcript_total_talk_seconds": sum(secs),
                "transcript_internal_talk_seconds": internal,
                "transcript_external_talk_seconds": external,
                "transcript_unknown_talk_seconds": sum(
                    x for x, a in zip(secs, side, strict=True) if a == "Unknown"
                ),
                "talk_ratio": internal / sum(secs) if sum(secs) else None,
                "longest_monologue_seconds": best["seconds"],
                "longest_monologue_speaker_id": best["speaker_id"],
                "longest_monologue_participant_key": identity[(call_id, best["speaker_id"])][
                    "participant_key"
                ],
                "speaker_switches": switches,
                "speaker_switches_per_minute": switches / (duration / 60.0) if duration else None,
                "internal_questions": sum(
                    _is_question(s["text"]) for s, a in zip(ss, side, strict=True) if a == "Internal"
                ),
                "external_questions": sum(
                    _is_question(s["text"]) for s, a in zip(ss, side, strict=True) if a == "External"
                ),
            }
        else:
            for k in (
                "sentences", "transcript_speakers", "transcript_total_talk_seconds",
                "transcript_internal_talk_seconds", "transcript_external_talk_seconds",
                "transcript_unknown_talk_seconds", "talk_ratio", "longest_monologue_seconds",
                "longest_monologue_speaker_id", "longest_monologue_participant_key", "speaker_switches",
                "speaker_switches_per_minute", "internal_questions", "external_questions",
            ):  # fmt: skip
                row[k] = None
        speakers = call_speakers.get(call_id, [])
        company_talk = [cs["talk_time_seconds"] for cs in speakers if cs.get("user_id") is not None]
        stats = {st["stat_name"]: st["stat_value"] for st in stats_by_call.get(call_id, [])}
        row |= {
            "has_gong_talk_time": bool(speakers),
            "gong_internal_talk_seconds": sum(company_talk) if company_talk else None,
            **{column: stats.get(name) for column, name in GONG_STATS.items()},
        }
        out[call_id] = row
    return out


def user_version_at(raw: Raw, user_id: str, instant: dt.datetime) -> Mapping[str, Any] | None:
    """The version of a user in force at `instant`: the first before any, the last after all."""
    versions = sorted(
        (u for u in _rows(raw, "users") if u["user_id"] == user_id),
        key=lambda u: utc(u.get("valid_from")) or dt.datetime.min,
    )
    for rank, version in enumerate(versions):
        start, end = utc(version.get("valid_from")), utc(version.get("valid_to"))
        if (rank == 0 or start is None or start <= instant) and (
            end is None or end > instant or rank == len(versions) - 1
        ):
            return version
    return None


def _week_end(week: dt.date) -> dt.datetime:
    return dt.datetime.combine(week + dt.timedelta(days=7), dt.time())  # naive UTC, like utc()


def rep_weekly_talk_time(raw: Raw) -> dict[tuple[str, dt.date], Row]:
    """gong__rep_weekly_talk_time: (user_id, week_start) -> measures over the calls the rep hosted."""
    calls = call_talk_time(raw)
    speakers = call_speaker_talk_time(raw)
    groups: dict[tuple[str, dt.date], list[str]] = defaultdict(list)
    for call_id, c in calls.items():
        if c["primary_user_id"] is not None and c["started_at"] is not None:
            groups[(c["primary_user_id"], c["call_week_start"])].append(call_id)
    out: dict[tuple[str, dt.date], Row] = {}
    for (user_id, week), call_ids in groups.items():
        rep_rows = [s for (cid, _), s in speakers.items() if cid in call_ids and s["user_id"] == user_id]
        version = user_version_at(raw, user_id, _week_end(week)) or {}
        out[(user_id, week)] = {
            "manager_id": version.get("manager_id"),
            "calls_hosted": len(call_ids),
            "calls_with_transcript": sum(calls[c]["has_transcript"] for c in call_ids),
            "hosted_minutes": sum(calls[c]["duration_seconds"] for c in call_ids) / 60.0,
            **{
                f"avg_{column}": _mean(calls[c][column] for c in call_ids)
                for column in ("talk_ratio", *GONG_STATS)
            },
            "rep_talk_minutes": _minutes(s["transcript_talk_seconds"] for s in rep_rows),
            "rep_gong_talk_minutes": _minutes(s["gong_talk_seconds"] for s in rep_rows),
            "longest_monologue_seconds": max(
                (
                    s["longest_monologue_seconds"]
                    for s in rep_rows
                    if s["longest_monologue_seconds"] is not None
                ),
                default=None,
            ),
            "longest_call_monologue_seconds": max(
                (
                    calls[c]["longest_monologue_seconds"]
                    for c in call_ids
                    if calls[c]["longest_monologue_seconds"] is not None
                ),
                default=None,
            ),
        }
    return out


# ------------------------------------------------------------------------------------ accounts


def internal_domains(raw: Raw, configured: Sequence[str] | None = None) -> set[str]:
    if configured:
        return {d.lower() for d in configured}
    return {
        p["email_domain"].strip(" ").lower()
        for p in _rows(raw, "parties")
        if affiliation(p.get("affiliation")) == "Internal" and (p.get("email_domain") or "").strip(" ")
    }


def _party_domain(p: Mapping[str, Any]) -> str | None:
    domain = (p.get("email_domain") or "").strip(" ").lower()
    if domain:
        return domain
    email = p.get("email_address") or ""
    parts = email.split("@")
    return parts[1].strip(" ").lower() or None if len(parts) > 1 else None


def _crm_account(
    objects: Sequence[Mapping[str, Any]], fields: Sequence[Mapping[str, Any]], tlds: Sequence[str]
) -> Row | None:
    """The call's CRM Account from its crm_objects / crm_fields rows."""
    accounts = sorted(
        (
            o for o in objects
            if o.get("party_id") is None and (o.get("timing") or "Now") != "TimeOfCall"
            and (o.get("object_type") or "").lower() == "account" and o.get("object_id") is not None
        ),
        key=lambda o: o["object_index"],
    )  # fmt: skip
    if not accounts:
        return None
    obj = accounts[0]
    fields = sorted(
        (f for f in fields if f["object_index"] == obj["object_index"]), key=lambda f: f["field_index"]
    )

    def first(name: str) -> str | None:
        return next((f["field_value"] for f in fields if (f.get("field_name") or "").lower() == name), None)

    name = _nonempty((first("name") or "").strip(" "))
    website_domain = domain_from_url(first("website"))
    if name is None and website_domain is not None:
        name = account_name_from_domain(website_domain, tlds)
    return {
        "account_id": obj["object_id"],
        "account_name": name or obj["object_id"],
        "domain": website_domain,
    }


def _crm_accounts_by_website(
    calls: Iterable[Mapping[str, Any]], crm_by_call: Mapping[str, Row | None]
) -> dict[str, Row]:
    """Website domain -> the CRM Account on most calls with it (ties: smallest id), latest name."""
    with_crm = [(call, crm) for call in calls if (crm := crm_by_call.get(call["call_id"])) is not None]
    latest: dict[str, tuple[Any, Row]] = {}
    for call, crm in with_crm:
        key = (call.get("started_at") is not None, utc(call.get("started_at")) or 0, call["call_id"])
        if crm["account_id"] not in latest or key > latest[crm["account_id"]][0]:
            latest[crm["account_id"]] = (key, crm)
    counts: dict[str, Counter[str]] = {}
    for _, crm in with_crm:
        if crm["domain"] is not None:
            counts.setdefault(crm["domain"], Counter())[crm["account_id"]] += 1
    out: dict[str, Row] = {}
    for domain, per_account in counts.items():
        account_id = min(per_account, key=lambda a: (-per_account[a], a))
        out[domain] = {"account_id": account_id, "account_name": latest[account_id][1]["account_name"]}
    return out


def call_accounts(
    raw: Raw,
    *,
    internal: Sequence[str] | None = None,
    free_mail: set[str] | None = None,
    tlds: Sequence[str] = SEED_TLDS,
) -> dict[str, Row]:
    """gong__call_accounts: call_id -> account_id, account_name, account_source, account_domain."""
    own = internal_domains(raw, internal)
    free = free_mail_domains() if free_mail is None else free_mail
    parties = _by_call(raw, "parties")
    crm_objects, crm_fields = _by_call(raw, "crm_objects"), _by_call(raw, "crm_fields")
    crm_by_call = {
        call["call_id"]: _crm_account(
            crm_objects.get(call["call_id"], []), crm_fields.get(call["call_id"], []), tlds
        )
        for call in _rows(raw, "calls")
    }
    by_website = _crm_accounts_by_website(_rows(raw, "calls"), crm_by_call)
    out: dict[str, Row] = {}
    for call in _rows(raw, "calls"):
        call_id = call["call_id"]
        externals = [p for p in parties.get(call_id, []) if affiliation(p.get("affiliation")) == "External"]
        counts = Counter(d for p in externals if (d := _party_domain(p)) is not None)
        eligible = sorted(
            ((n, d) for d, n in counts.items() if d not in own and d not in free), key=lambda x: (-x[0], x[1])
        )
        top = eligible[0][1] if eligible else None
        crm = crm_by_call[call_id]
        row: Row = {
            "started_at": utc(call.get("started_at")), "account_id": None, "account_name": None,
            "account_source": None, "account_domain": None, "external_parties": len(externals),
            "top_external_domain": top,
        }  # fmt: skip
        if externals and crm is not None:
            row |= {
                "account_id": crm["account_id"],
                "account_name": crm["account_name"],
                "account_source": "crm",
                "account_domain": crm["domain"] or top,
            }
        elif externals and top is not None and top in by_website:
            row |= {
                "account_id": by_website[top]["account_id"],
                "account_name": by_website[top]["account_name"],
                "account_source": "crm_website",
                "account_domain": top,
            }
        elif externals and top is not None:
            row |= {
                "account_id": top,
                "account_name": account_name_from_domain(top, tlds),
                "account_source": "email_domain",
                "account_domain": top,
            }
        out[call_id] = row
    return out


def _people(raw: Raw, call_ids: Iterable[str]) -> tuple[int, int]:
    ids = set(call_ids)
    parties = [p for p in _rows(raw, "parties") if p["call_id"] in ids]
    contacts = {
        p["email_address"].strip(" ").lower()
        for p in parties
        if affiliation(p.get("affiliation")) == "External" and p.get("email_address")
    }
    reps = {
        p["user_id"] for p in parties if affiliation(p.get("affiliation")) == "Internal" and p.get("user_id")
    }
    return len(contacts), len(reps)


def _rollup(raw: Raw, call_ids: list[str], calls: Mapping[str, Row], talk: Mapping[str, Row]) -> Row:
    starts = [calls[c]["started_at"] for c in call_ids if calls[c]["started_at"] is not None]
    contacts, reps = _people(raw, call_ids)
    return {
        "calls": len(call_ids),
        "first_call_at": min(starts, default=None),
        "last_call_at": max(starts, default=None),
        "total_minutes": sum(talk[c]["duration_seconds"] for c in call_ids) / 60.0,
        "external_talk_minutes": _minutes(talk[c]["transcript_external_talk_seconds"] for c in call_ids),
        "avg_talk_ratio": _mean(talk[c]["talk_ratio"] for c in call_ids),
        "distinct_external_contacts": contacts,
        "distinct_reps": reps,
    }


def accounts(raw: Raw, *, today: dt.date | None = None, **account_options: Any) -> dict[str, Row]:
    """gong__accounts: account_id -> rollup over the account's calls."""
    calls = call_accounts(raw, **account_options)
    talk = call_talk_time(raw)
    today = today or dt.datetime.now(dt.UTC).date()
    by_account: dict[str, list[str]] = defaultdict(list)
    for call_id, c in calls.items():
        if c["account_id"] is not None:
            by_account[c["account_id"]].append(call_id)
    out: dict[str, Row] = {}
    for account_id, call_ids in by_account.items():
        latest = sorted(
            call_ids,
            key=lambda c: (calls[c]["started_at"] is not None, calls[c]["started_at"] or dt.datetime.min, c),
        )[-1]
        row = _rollup(raw, call_ids, calls, talk)
        row |= {
            "account_name": calls[latest]["account_name"],
            "account_source": calls[latest]["account_source"],
            "account_domain": calls[latest]["account_domain"],
            "days_since_last_call": (today - row["last_call_at"].date()).days
            if row["last_call_at"]
            else None,
        }
        out[account_id] = row
    return out


def account_monthly(raw: Raw, **account_options: Any) -> dict[tuple[str, dt.date], Row]:
    """gong__account_monthly: (account_id, month_start) -> rollup over that month's calls."""
    calls = call_accounts(raw, **account_options)
    talk = call_talk_time(raw)
    names = {k: v["account_name"] for k, v in accounts(raw, **account_options).items()}
    groups: dict[tuple[str, dt.date], list[str]] = defaultdict(list)
    for call_id, c in calls.items():
        if c["account_id"] is not None and c["started_at"] is not None:
            groups[(c["account_id"], month_start(c["started_at"]))].append(call_id)
    return {
        key: _rollup(raw, call_ids, calls, talk) | {"account_name": names[key[0]]}
        for key, call_ids in groups.items()
    }


# ---------------------------------------------------------------------------------- trackers


def call_tracker_occurrences(raw: Raw) -> dict[tuple[str, int, int], Row]:
    """gong__call_tracker_occurrences: who said it, by speaker id first, else by user id (7.20)."""
    calls = {c["call_id"]: c for c in _rows(raw, "calls")}
    tracker_types = {
        (t["call_id"], t["tracker_index"]): t["tracker_type"] for t in _rows(raw, "call_trackers")
    }
    by_speaker: dict[tuple[str, str], Mapping[str, Any]] = {}
    by_user: dict[tuple[str, str], Mapping[str, Any]] = {}
    for p in sorted(_rows(raw, "parties"), key=lambda p: p["party_id"]):
        if p.get("speaker_id") is not None:
            by_speaker.setdefault((p["call_id"], p["speaker_id"]), p)
        if p.get("user_id") is not None:
            by_user.setdefault((p["call_id"], p["user_id"]), p)
    out: dict[tuple[str, int, int], Row] = {}
    for o in _rows(raw, "call_tracker_occurrences"):
        if o["call_id"] not in calls:
            continue
        key = (o["call_id"], o["speaker_id"])
        match = "speaker_id" if key in by_speaker else "user_id" if key in by_user else None
        party = by_speaker.get(key) or by_user.get(key) or {}
        out[(o["call_id"], o["tracker_index"], o["occurrence_index"])] = {
            "call_started_at": utc(calls[o["call_id"]].get("started_at")),
            "tracker_type": tracker_types.get((o["call_id"], o["tracker_index"])),
            "phrase": o["phrase"],
            "speaker_id": o["speaker_id"],
            "speaker_match": match,
            "party_id": party.get("party_id"),
            "user_id": party.get("user_id"),
            "affiliation": affiliation(party.get("affiliation")),
        }
    return out


# ---------------------------------------------------------------------------------- transcripts


def call_transcripts(raw: Raw) -> dict[str, Row]:
    """gong__call_transcripts: call_id -> transcript_text (the seed notes' format, with names)."""
    identity = speaker_identity(raw)
    call_ids = {c["call_id"] for c in _rows(raw, "calls")}
    out: dict[str, Row] = {}
    for call_id, ss in _sentences_by_call(raw).items():
        if call_id not in call_ids:
            continue
        segments: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
        for s in ss:
            segments[s["segment_index"]].append(s)
        lines = []
        for index in sorted(segments):
            seg = segments[index]
            speaker_id = seg[0]["speaker_id"]
            name = identity[(call_id, speaker_id)]["speaker_name"]
            topics = [s["topic"] for s in seg if s["topic"] is not None]
            topic = max(topics) if topics else None
            text = " ".join(s["text"] or "" for s in seg)
            lines.append(f"Speaker {name} ({topic}): {text}" if topic else f"Speaker {name}: {text}")
        out[call_id] = {"segments": len(segments), "sentences": len(ss), "transcript_text": "\n".join(lines)}
    return out


# ------------------------------------------------------------------------------ more of Gong
def call_opportunities(raw: Raw) -> dict[tuple[str, str], Row]:
    """gong__call_opportunities: per call and opportunity, stage/amount/close date at call and now."""
    copies: dict[tuple[str, str, str], Mapping[str, Any]] = {}
    for o in sorted(_rows(raw, "crm_objects"), key=lambda o: o["object_index"]):
        if o["party_id"] is None and (o["object_type"] or "").lower() == "opportunity" and o["object_id"]:
            copies.setdefault((o["call_id"], o["object_id"], o["timing"] or "Now"), o)
    calls = {c["call_id"]: c for c in _rows(raw, "calls")}

    def values(obj: Mapping[str, Any] | None) -> dict[str, Any]:
        fields = sorted(
            (
                f for f in _rows(raw, "crm_fields")
                if obj is not None
                and (f["call_id"], f["object_index"]) == (obj["call_id"], obj["object_index"])
            ),
            key=lambda f: f["field_index"],
        )  # fmt: skip
        first: dict[str, Mapping[str, Any]] = {}
        for f in fields:
            first.setdefault((f["field_name"] or "").lower(), f)
        return {
            "stage": first.get("stagename", {}).get("field_value"),
            "amount": first.get("amount", {}).get("field_value_number"),
            "close_date": first.get("closedate", {}).get("field_value"),
        }

    out: dict[tuple[str, str], Row] = {}
    for call_id, object_id in {(k[0], k[1]) for k in copies if k[0] in calls}:
        then, now = copies.get((call_id, object_id, "TimeOfCall")), copies.get((call_id, object_id, "Now"))
        at_call, current = values(then), values(now)
        out[(call_id, object_id)] = {
            "call_started_at": utc(calls[call_id]["started_at"]),
            "stage_at_call": at_call["stage"],
            "amount_at_call": at_call["amount"],
            "close_date_at_call": at_call["close_date"],
            "stage_now": current["stage"],
            "amount_now": current["amount"],
            "close_date_now": current["close_date"],
            "stage_changed": None
            if at_call["stage"] is None or current["stage"] is None
            else at_call["stage"] != current["stage"],
        }
    return out


def rep_scorecards(raw: Raw) -> dict[tuple[str, dt.date, str, str], Row]:
    """gong__rep_scorecards: per reviewed rep, review week and question."""
    answers = [a for a in _rows(raw, "scorecard_answers") if a["reviewed_user_id"] and a["reviewed_at"]]
    received: dict[tuple[str, dt.date], set[str]] = defaultdict(set)
    groups: dict[tuple[str, dt.date, str, str], list[Mapping[str, Any]]] = defaultdict(list)
    for a in answers:
        week = week_start(utc(a["reviewed_at"]))
        received[(a["reviewed_user_id"], week)].add(a["answered_scorecard_id"])
        groups[(a["reviewed_user_id"], week, a["scorecard_id"], a["question_id"])].append(a)
    questions = {(q["scorecard_id"], q["question_id"]): q for q in _rows(raw, "scorecard_questions")}
    out = {}
    for (user, week, card, question), rows in groups.items():
        scored = [a["score"] for a in rows if a["score"] is not None and not a["not_applicable"]]
        version = user_version_at(raw, user, _week_end(week)) or {}
        out[(user, week, card, question)] = {
            "manager_id": version.get("manager_id"),
            "question_text": questions.get((card, question), {}).get("question_text"),
            "scorecards_received": len(received[(user, week)]),
            "scored_answers": len(scored),
            "avg_score": _mean(scored),
        }
    return out


def tracker_weekly(raw: Raw) -> dict[tuple[str, str | None, dt.date, str], Row]:
    """gong__tracker_weekly: occurrences per tracker, call account, call week and side."""
    accounts = call_accounts(raw)
    groups: dict[tuple[str, str | None, dt.date, str], list[str]] = defaultdict(list)
    said = call_tracker_occurrences(raw)
    for raw_row in _rows(raw, "call_tracker_occurrences"):
        call_id = raw_row["call_id"]
        o = said.get((call_id, raw_row["tracker_index"], raw_row["occurrence_index"]))
        if o is None or o["call_started_at"] is None:
            continue
        account = accounts.get(call_id, {}).get("account_id")
        key = (raw_row["tracker_id"], account, week_start(o["call_started_at"]), o["affiliation"])
        groups[key].append(call_id)
    return {key: {"mentions": len(calls), "calls": len(set(calls))} for key, calls in groups.items()}


def rep_weekly_gong_stats(raw: Raw) -> dict[tuple[str, dt.date], Row]:
    """gong__rep_weekly_gong_stats: Gong's day stats per user and week, beside the talk-time rollup."""

    def week_of(day: str) -> dt.date:
        parsed = dt.date.fromisoformat(day)
        return parsed - dt.timedelta(days=parsed.weekday())

    activity: dict[tuple[str, dt.date], list[Mapping[str, Any]]] = defaultdict(list)
    for a in _rows(raw, "user_day_activity"):
        activity[(a["user_id"], week_of(a["day"]))].append(a)
    stats: dict[tuple[str, dt.date], list[Mapping[str, Any]]] = defaultdict(list)
    for s in _rows(raw, "user_day_interaction_stats"):
        stats[(s["user_id"], week_of(s["day"]))].append(s)
    talk = rep_weekly_talk_time(raw)
    out = {}
    for key in set(activity) | set(stats):
        days, stat_days = activity.get(key, []), stats.get(key, [])
        version = user_version_at(raw, key[0], _week_end(key[1])) or {}
        out[key] = {
            "manager_id": version.get("manager_id"),
            "calls_as_host": sum(d["calls_as_host"] or 0 for d in days),
            "calls_attended": sum(d["calls_attended"] or 0 for d in days),
            "calls_comments_received": sum(d["calls_comments_received"] or 0 for d in days),
            "days_with_stats": len(stat_days),
            "avg_interactivity": _mean(s["interactivity"] for s in stat_days),
            "avg_question_rate": _mean(s["question_rate"] for s in stat_days),
            "transcript_calls_hosted": talk.get(key, {}).get("calls_hosted"),
        }
    return out
