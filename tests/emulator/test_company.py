"""The data generator: determinism, realism and the consistency rules downstream tests rely on."""

from __future__ import annotations

import re
from collections import Counter, deque
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest

import gong_emulator.call as call_module
from gong_emulator import Company, CompanySpec, GeneratedCall

from .conftest import END, START
from .truth import expected_stats, talk_by_speaker_ms

META_KEYS = [
    "id", "url", "title", "scheduled", "started", "duration", "primaryUserId", "direction", "system",
    "scope", "media", "language", "workspaceId", "sdrDisposition", "clientUniqueId", "customData",
    "purpose", "meetingUrl", "isPrivate", "calendarEventId",
]  # fmt: skip
USER_KEYS = [
    "id", "emailAddress", "created", "active", "emailAliases", "trustedEmailAddress", "firstName",
    "lastName", "title", "phoneNumber", "extension", "personalMeetingUrls", "settings", "managerId",
    "meetingConsentPageUrl", "conferencingProviders", "spokenLanguages",
]  # fmt: skip
ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3}|\.\d{6})?[+-]\d{2}:\d{2}")
ID = re.compile(r"\d{18,19}")
# Many calls, few sentences: enough to hit the rare features quickly.
WIDE = CompanySpec(seed=11, n_calls=800, sentences_per_call=12, start=START, end=END)


@pytest.fixture(scope="module")
def wide() -> list[GeneratedCall]:
    return list(Company(WIDE).calls())


@pytest.fixture(scope="module")
def wide_extensive(wide: list[GeneratedCall]) -> list[dict[str, Any]]:
    return [c.extensive() for c in wide]


def _without_media(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k != "media"}


def test_same_seed_gives_identical_json() -> None:
    spec = CompanySpec(seed=5, n_calls=40, sentences_per_call=20)
    a, b = Company(spec), Company(spec)
    assert orjson.dumps(a.users) == orjson.dumps(b.users)
    assert orjson.dumps(a.workspaces) == orjson.dumps(b.workspaces)
    for x, y in zip(a.calls(), b.calls(), strict=True):
        assert orjson.dumps(x.metadata()) == orjson.dumps(y.metadata())
        assert orjson.dumps(_without_media(x.extensive())) == orjson.dumps(_without_media(y.extensive()))
        assert orjson.dumps(x.transcript()) == orjson.dumps(y.transcript())
    other = Company(CompanySpec(seed=6, n_calls=40, sentences_per_call=20))
    assert [c.call_id for c in other.calls()] != [c.call_id for c in a.calls()]


def test_a_call_generated_alone_equals_the_same_call_in_sequence() -> None:
    spec = CompanySpec(seed=5, n_calls=40, sentences_per_call=20)
    in_order = list(Company(spec).calls())
    alone = Company(spec).call(in_order[17].call_id)
    assert alone.transcript() == in_order[17].transcript()
    assert _without_media(alone.extensive()) == _without_media(in_order[17].extensive())


def test_calls_are_ordered_and_spread_over_the_window(company: Company) -> None:
    calls = list(company.calls())
    assert len(calls) == company.spec.n_calls
    keys = [(c.started, int(c.call_id)) for c in calls]
    assert keys == sorted(keys)
    assert all(START <= c.started < END for c in calls)
    assert all(c.started < c.visible_at <= c.transcript_visible_at for c in calls)
    assert len({c.call_id for c in calls}) == len(calls)


def test_metadata_serialisation(company: Company) -> None:
    metas = [c.metadata() for c in company.calls()]
    offsets, fractions = Counter(), Counter()
    for call, meta in zip(company.calls(), metas, strict=True):
        assert list(meta) == META_KEYS
        assert (
            ID.fullmatch(meta["id"])
            and ID.fullmatch(meta["primaryUserId"])
            and ID.fullmatch(meta["workspaceId"])
        )
        for key in ("scheduled", "started"):
            assert ISO.fullmatch(meta[key]), meta[key]
        assert datetime.fromisoformat(meta["started"]).astimezone(UTC) == call.started
        offsets[meta["started"][-6:]] += 1
        fractions[len(meta["started"].split(".")[1][:-6]) if "." in meta["started"] else 0] += 1
        assert isinstance(meta["duration"], int)
        assert meta["direction"] in ("Inbound", "Outbound", "Conference", "Unknown")
        assert meta["scope"] in ("Internal", "External", "Unknown")
        assert meta["media"] in ("Video", "Audio")
        assert meta["isPrivate"] is call.is_private
        assert meta["url"].endswith(f"/call?id={meta['id']}")
    assert set(offsets) == {"-08:00", "-07:00"}  # both sides of the DST switch
    assert set(fractions) == {0, 3, 6}
    assert any(m["sdrDisposition"] is None for m in metas) and any(m["customData"] is None for m in metas)


def test_users_workspaces_and_manager_tree(company: Company) -> None:
    users = company.users
    assert len(users) == company.spec.n_users
    by_id = {u["id"]: u for u in users}
    for user in users:
        assert list(user) == USER_KEYS
        assert ID.fullmatch(user["id"]) and ISO.fullmatch(user["created"])
        assert user["emailAddress"].split("@")[1] in company.internal_domains
        assert user["conferencingProviders"] is None
    roots = [u for u in users if u["managerId"] is None]
    assert len(roots) == 1
    for user in users:  # every chain reaches the root without a cycle
        seen, current = set(), user
        while current["managerId"] is not None:
            assert current["id"] not in seen
            seen.add(current["id"])
            current = by_id[current["managerId"]]
        assert current is roots[0]
    assert any(not u["active"] for u in Company(WIDE).users) or all(u["active"] for u in users)
    assert [list(w) for w in company.workspaces] == [
        ["id", "name", "description"]
    ] * company.spec.n_workspaces


def test_transcript_structure_and_duration(wide: list[GeneratedCall]) -> None:
    for call in wide:
        t = call.transcript()
        assert t["callId"] == call.call_id
        previous_end, previous_speaker = -1, None
        for segment in t["transcript"]:
            assert segment["sentences"], "a segment holds at least one sentence"
            assert segment["speakerId"] != previous_speaker, "a segment is a maximal run of one speaker"
            previous_speaker = segment["speakerId"]
            for s in segment["sentences"]:
                assert isinstance(s["start"], int) and isinstance(s["end"], int)
                assert previous_end <= s["start"] < s["end"]
                previous_end = s["end"]
        assert call.metadata()["duration"] >= previous_end / 1000


def test_speakers_are_the_company_users_who_spoke_with_their_transcript_talk(
    wide: list[GeneratedCall], wide_extensive: list[dict[str, Any]]
) -> None:
    checked = externals_who_spoke = 0
    for call, ext in zip(wide, wide_extensive, strict=True):
        by_speaker_ms = talk_by_speaker_ms(call.transcript()["transcript"])
        parties = {p["id"]: p for p in ext["parties"]}
        spoke = [p for p in ext["parties"] if p["speakerId"] in by_speaker_ms]
        speakers = ext["interaction"]["speakers"]
        # Like live traffic: only parties with a userId (company users), in party order.
        assert [s["id"] for s in speakers] == [p["id"] for p in spoke if "userId" in p]
        externals_who_spoke += sum(1 for p in spoke if p["affiliation"] == "External")
        for speaker in speakers:
            party = parties[speaker["id"]]
            assert speaker["userId"] == party["userId"]
            assert speaker["talkTime"] == by_speaker_ms[party["speakerId"]] / 1000
            checked += 1
    assert checked > 500 and externals_who_spoke > 500


def test_interaction_stats_follow_from_the_transcript(
    wide: list[GeneratedCall], wide_extensive: list[dict[str, Any]]
) -> None:
    with_transcript = 0
    for call, ext in zip(wide, wide_extensive, strict=True):
        transcript = call.transcript()["transcript"]
        stats = {s["name"]: s["value"] for s in ext["interaction"]["interactionStats"]}
        assert stats == expected_stats(ext, transcript)
        truth = call.talk_stats()
        assert {k: v for k, v in truth.items() if k in stats} == stats
        talk = talk_by_speaker_ms(transcript)
        company = {p["speakerId"] for p in ext["parties"] if p["affiliation"] == "Internal"}
        company_s = sum(ms for sp, ms in talk.items() if sp in company) / 1000
        assert truth["company_talk_seconds"] == pytest.approx(company_s)
        assert truth["external_talk_seconds"] == pytest.approx(sum(talk.values()) / 1000 - company_s)
        if transcript:  # the transcript-derived ratio agrees with Gong's Talk Ratio
            with_transcript += 1
            assert abs(company_s / (sum(talk.values()) / 1000) - stats["Talk Ratio"]) <= 0.02
    assert with_transcript > 700
    talk_ratios = [
        s["value"]
        for e in wide_extensive
        for s in e["interaction"]["interactionStats"]
        if s["name"] == "Talk Ratio"
    ]
    assert 0.3 < sum(talk_ratios) / len(talk_ratios) < 0.8  # a real mix of both sides, never all 1.0


def test_question_counts_match_the_transcript(
    wide: list[GeneratedCall], wide_extensive: list[dict[str, Any]]
) -> None:
    total = 0
    for call, ext in zip(wide, wide_extensive, strict=True):
        affiliation = {p["speakerId"]: p["affiliation"] for p in ext["parties"] if p["speakerId"]}
        company_q = non_company_q = 0
        for segment in call.transcript()["transcript"]:
            questions = sum(1 for s in segment["sentences"] if s["text"].endswith("?"))
            if affiliation.get(segment["speakerId"]) == "Internal":
                company_q += questions
            elif segment["speakerId"] in affiliation:
                non_company_q += questions
        assert ext["interaction"]["questions"] == {
            "companyCount": company_q,
            "nonCompanyCount": non_company_q,
        }
        total += company_q + non_company_q
    assert total > 0


def test_trackers_point_at_sentences_containing_their_phrases(
    wide: list[GeneratedCall], wide_extensive: list[dict[str, Any]]
) -> None:
    phrases_seen = 0
    for call, ext in zip(wide, wide_extensive, strict=True):
        sentences = {
            (s["start"], seg["speakerId"]): s["text"]
            for seg in call.transcript()["transcript"]
            for s in seg["sentences"]
        }
        for tracker in ext["content"]["trackers"]:
            assert tracker["count"] == len(tracker["occurrences"])
            for phrase in tracker.get("phrases", []):
                assert phrase["count"] == len(phrase["occurrences"])
                for occ in phrase["occurrences"]:
                    text = sentences[(round(occ["startTime"] * 1000), occ["speakerId"])]
                    assert phrase["phrase"].lower() in text.lower()  # sentence case may capitalise it
                    phrases_seen += 1
    assert phrases_seen > 50


def test_realistic_variety(
    company: Company, wide: list[GeneratedCall], wide_extensive: list[dict[str, Any]]
) -> None:
    gen = Company(WIDE)
    internal, freemail, crm, mismatch, languages, null_topics = 0, 0, 0, 0, set(), 0
    silent_parties, orphan_speaker, no_transcript, comments, long_sentences, jpn_script = 0, 0, 0, 0, 0, 0
    for call, ext in zip(wide, wide_extensive, strict=True):
        meta, parties = ext["metaData"], ext["parties"]
        transcript = call.transcript()["transcript"]
        languages.add(meta["language"])
        if meta["scope"] == "Internal":
            internal += 1
            assert all(p["affiliation"] == "Internal" for p in parties)
            assert all(p["emailAddress"].split("@")[1] in gen.internal_domains for p in parties)
        domains = [p["emailAddress"].split("@")[1] for p in parties if p["affiliation"] == "External"]
        freemail += any(d in ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com") for d in domains)
        if ext["context"]:
            crm += 1
            objects = {o["objectType"]: o for c in ext["context"] for o in c["objects"]}
            website = next(f["value"] for f in objects["Account"]["fields"] if f["name"] == "Website")
            top_domain = Counter(d for d in domains if "mail" not in d and "yahoo" not in d).most_common(1)
            if top_domain and not website.endswith(top_domain[0][0]):
                mismatch += 1
            types = {type(f["value"]) for o in objects.values() for f in o["fields"]}
            assert {str, int, float, bool} <= types
        else:
            assert ext["context"] == []
        null_topics += any(seg["topic"] is None for seg in transcript)
        silent_parties += any(p["speakerId"] is None for p in parties)
        speaker_ids = {p["speakerId"] for p in parties}
        orphan_speaker += any(seg["speakerId"] not in speaker_ids for seg in transcript)
        no_transcript += transcript == []
        comments += bool(ext["collaboration"])
        if not ext["collaboration"]:
            assert ext["collaboration"] == {}
        texts = [s["text"] for seg in transcript for s in seg["sentences"]]
        long_sentences += any(len(t) > 600 for t in texts)
        if meta["language"] == "jpn":
            jpn_script += any(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", t) for t in texts)
    assert internal and freemail and crm and mismatch and null_topics and silent_parties
    assert orphan_speaker and no_transcript and comments and jpn_script
    assert {"eng", "fre", "ger", "spa", "jpn"} <= languages
    long_company = Company(CompanySpec(seed=2, n_calls=60, sentences_per_call=300, start=START, end=END))
    assert any(
        len(s["text"]) > 600
        for c in long_company.calls()
        for seg in c.transcript()["transcript"]
        for s in seg["sentences"]
    )
    domains = [a.domain for a in gen.accounts]
    assert any("-" in d for d in domains)
    assert len({d.rsplit(".", 1)[1] for d in domains}) >= 3
    stats = {s["name"] for s in wide_extensive[0]["interaction"]["interactionStats"]}
    assert stats == {
        "Talk Ratio",
        "Longest Monologue",
        "Longest Customer Story",
        "Interactivity",
        "Patience",
        "Question Rate",
    }


def test_extensive_has_every_section(wide_extensive: list[dict[str, Any]]) -> None:
    for ext in wide_extensive:
        assert list(ext) == [
            "metaData",
            "context",
            "parties",
            "content",
            "interaction",
            "collaboration",
            "media",
        ]
        assert {"topics", "trackers", "brief", "outline", "callOutcome", "keyPoints"} <= set(ext["content"])
        assert {"speakers", "interactionStats", "questions"} <= set(ext["interaction"])
        for party in ext["parties"]:
            assert ID.fullmatch(party["id"])
            assert party["speakerId"] is None or ID.fullmatch(party["speakerId"])
            assert party["affiliation"] in ("Internal", "External", "Unknown")


def test_hundred_thousand_calls_one_transcript_without_generating_the_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    company = Company(CompanySpec(seed=1, n_calls=100_000, sentences_per_call=300))
    built: list[str] = []
    original = call_module.build_timeline

    def counting(company: Company, plan: Any) -> Any:
        built.append(plan.call_id)
        return original(company, plan)

    monkeypatch.setattr(call_module, "build_timeline", counting)
    last = deque(company.calls(), maxlen=1)[0]  # call #99,999 in started order
    transcript = last.transcript()["transcript"]
    assert built == [last.call_id]
    sentences = sum(len(seg["sentences"]) for seg in transcript)
    assert sentences in (0, 300)
    with_text = next(c for c in reversed(list(company.calls())) if c.plan.n_sentences)
    assert sum(len(s["sentences"]) for s in with_text.transcript()["transcript"]) == 300
    assert built == list(dict.fromkeys([last.call_id, with_text.call_id]))  # each built once


def test_call_lookup_and_delete() -> None:
    company = Company(CompanySpec(seed=4, n_calls=10))
    first = next(company.calls())
    assert company.call(first.call_id).call_id == first.call_id
    with pytest.raises(KeyError):
        company.call("123")
    company.delete_call(first.call_id)
    with pytest.raises(KeyError):
        company.call(first.call_id)
    assert first.call_id not in {c.call_id for c in company.calls()}
    assert company.deleted_call_ids == {first.call_id}
