"""Scorecards, per-user stats, tracker definitions, CRM context at call time, action items,
users with history and the primaryUserIds filter (gong-api.md 4.3, 4.8-4.11)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from gong_emulator import Clock, Company, ContentSelector, FaultPlan, GongEmulator
from gong_emulator.stats import ACTIVITY_KEYS

from .conftest import AFTER, SPEC
from .test_api import _all_pages
from .truth import expected_stats

MORE = replace(
    SPEC, n_calls=90, sentences_per_call=12, scorecard_share=0.5, reorg_at=datetime(2025, 4, 1, tzinfo=UTC)
)
NO_SCORECARDS = ["No answered scorecards found corresponding to the provided filters."]
NO_USERS = ["No users found corresponding to the provided filters"]
NEW_ENDPOINTS = [
    ("GET", "/v2/settings/scorecards", None),
    ("GET", "/v2/settings/trackers", None),
    ("POST", "/v2/users/extensive", {"filter": {}}),
    ("POST", "/v2/stats/activity/scorecards", {"filter": {}}),
    ("POST", "/v2/stats/interaction", {"filter": {"fromDate": "2025-03-01", "toDate": "2025-05-01"}}),
    ("POST", "/v2/stats/activity/day-by-day", {"filter": {"fromDate": "2025-03-01", "toDate": "2025-03-08"}}),
]


@pytest.fixture(scope="module")
def more() -> Any:
    """A read-only tenant with many reviews and a reorganisation, page size 7, clock at AFTER."""
    with (
        GongEmulator(Company(MORE), clock=Clock(AFTER), page_size=7) as emu,
        httpx.Client(base_url=emu.base_url, auth=("emulator-key", "emulator-secret"), timeout=30) as http,
    ):
        yield emu, http


def _day(instant: str, company: Company) -> date:
    return datetime.fromisoformat(instant).astimezone(company.tz).date()


def _started_in(call: Any, company: Company, first: date, stop: date) -> bool:
    return first <= call.started.astimezone(company.tz).date() < stop


# ------------------------------------------------------------------------ scorecards
def test_scorecard_definitions_and_answers_reference_real_calls_and_users(more: Any) -> None:
    emu, http = more
    company: Company = emu.company
    definitions = http.get("/v2/settings/scorecards").json()["scorecards"]
    assert definitions == company.scorecards and definitions
    workspaces = {w["id"] for w in company.workspaces}
    questions = {}
    for card in definitions:
        assert card["workspaceId"] in workspaces and card["questions"]
        for q in card["questions"]:
            assert (q["questionType"], q["minRange"], q["maxRange"]) == ("RANGE", "1", "5")
            questions[q["questionId"]] = (card["scorecardId"], q)
    answered = company.answered_scorecards(emu.clock.now())
    assert len(answered) > 20
    users = set(company.users_by_id)
    for item in answered:
        call = company.call(item["callId"])
        assert item["reviewedUserId"] == call.primary_user_id and item["reviewerUserId"] in users
        assert item["callStartTime"] == call.metadata()["started"]
        assert datetime.fromisoformat(item["reviewTime"]) >= call.visible_at - timedelta(seconds=1)
        for answer in item["answers"]:
            card_id, question = questions[answer["questionId"]]
            assert (
                card_id == item["scorecardId"]
                and answer["questionRevisionId"] == question["questionRevisionId"]
            )
            assert answer["score"] is None if answer["notApplicable"] else 1 <= answer["score"] <= 5


def test_answered_scorecards_by_review_day_in_the_company_time_zone(more: Any) -> None:
    emu, http = more
    company: Company = emu.company
    answered = company.answered_scorecards(emu.clock.now())
    first = _day(answered[len(answered) // 2]["reviewTime"], company)
    stop = first + timedelta(days=10)
    expected = [a for a in answered if first <= _day(a["reviewTime"], company) < stop]
    assert len(expected) > 7  # more than one page of 7
    emu.clear_requests()
    body = {"filter": {"reviewFromDate": first.isoformat(), "reviewToDate": stop.isoformat()}}
    pages = _all_pages(http, "POST", "/v2/stats/activity/scorecards", "answeredScorecards", json=body)
    assert [a for p in pages for a in p["answeredScorecards"]] == expected
    assert len(emu.requests) == len(pages) == -(-len(expected) // 7)
    user = expected[0]["reviewedUserId"]
    by_user = {
        "filter": {**body["filter"], "reviewedUserIds": [user], "scorecardIds": [expected[0]["scorecardId"]]}
    }
    got = _all_pages(http, "POST", "/v2/stats/activity/scorecards", "answeredScorecards", json=by_user)
    want = [
        a for a in expected if a["reviewedUserId"] == user and a["scorecardId"] == expected[0]["scorecardId"]
    ]
    assert [a for p in got for a in p["answeredScorecards"]] == want
    same_day = http.post(
        "/v2/stats/activity/scorecards",
        json={"filter": {"reviewFromDate": "2025-04-02", "reviewToDate": "2025-04-02"}},
    )
    assert (same_day.status_code, same_day.json()["errors"]) == (404, NO_SCORECARDS)
    by_call_day = {"filter": {"callFromDate": first.isoformat(), "callToDate": stop.isoformat()}}
    got = _all_pages(http, "POST", "/v2/stats/activity/scorecards", "answeredScorecards", json=by_call_day)
    assert {a["callId"] for p in got for a in p["answeredScorecards"]} == {
        a["callId"] for a in answered if first <= _day(a["callStartTime"], company) < stop
    }


def test_a_review_is_listed_once_published(make_emulator: Any) -> None:
    emu, http = make_emulator(spec=replace(MORE, n_calls=20, scorecard_share=1.0))
    call = next(c for c in emu.company.reviewed_calls() if c.review_at > c.visible_at)
    window = {"filter": {"callFromDate": "2025-03-01", "callToDate": "2025-05-02"}}
    emu.clock.set(call.review_at - timedelta(seconds=1))
    listed = http.post("/v2/stats/activity/scorecards", json=window).json().get("answeredScorecards", [])
    assert call.call_id not in {a["callId"] for a in listed}
    emu.clock.set(call.review_at)
    pages = _all_pages(http, "POST", "/v2/stats/activity/scorecards", "answeredScorecards", json=window)
    assert call.answered_scorecard() in [a for p in pages for a in p["answeredScorecards"]]


# ------------------------------------------------------------------------ per-user stats
def _stats_expected(company: Company, now: datetime, first: date, stop: date) -> dict[str, dict[str, float]]:
    per_user: dict[str, list[dict[str, float]]] = defaultdict(list)
    for call in company.calls():
        if call.visible_at > now or not _started_in(call, company, first, stop):
            continue
        ext, transcript = call.extensive(), call.transcript()["transcript"]
        spoke = {seg["speakerId"] for seg in transcript}
        for party in ext["parties"]:
            if party.get("userId") and party["speakerId"] in spoke:
                stats = expected_stats(ext, transcript, side={party["speakerId"]})
                per_user[party["userId"]].append(stats)
    names = ("Longest Monologue", "Longest Customer Story", "Interactivity", "Patience", "Question Rate")
    return {
        user: {n: round(sum(s[n] for s in calls) / len(calls), 2) for n in names}
        for user, calls in per_user.items()
    }


def test_interaction_stats_per_user_follow_from_that_users_calls(more: Any) -> None:
    emu, http = more
    company: Company = emu.company
    first, stop = date(2025, 3, 10), date(2025, 3, 24)
    body = {"filter": {"fromDate": first.isoformat(), "toDate": stop.isoformat()}}
    pages = _all_pages(http, "POST", "/v2/stats/interaction", "peopleInteractionStats", json=body)
    got = {
        item["userId"]: {s["name"]: s["value"] for s in item["personInteractionStats"]}
        for page in pages
        for item in page["peopleInteractionStats"]
    }
    assert got == _stats_expected(company, emu.clock.now(), first, stop) and len(got) > 3
    assert pages[0]["timeZone"] == company.spec.time_zone
    assert (pages[0]["fromDateTime"], pages[0]["toDateTime"]) == (
        "2025-03-10T00:00:00-07:00",
        "2025-03-24T00:00:00-07:00",
    )
    one = next(iter(got))
    only = http.post("/v2/stats/interaction", json={"filter": {**body["filter"], "userIds": [one]}}).json()
    assert [i["userId"] for i in only["peopleInteractionStats"]] == [one]


@pytest.mark.parametrize("path", ["/v2/stats/interaction", "/v2/stats/activity/day-by-day"])
def test_stats_windows_are_days_not_past_today(more: Any, path: str) -> None:
    emu, http = more
    today = emu.clock.now().astimezone(emu.company.tz).date()
    cases = [
        ({"fromDate": "2025-03-10", "toDate": "2025-03-10"}, 404, NO_USERS),
        ({"fromDate": "2025-03-10", "toDate": (today + timedelta(days=1)).isoformat()}, 400, None),
        ({"fromDate": "2025-03-10T00:00:00Z", "toDate": "2025-03-11"}, 400, None),
        ({"fromDate": "2025-03-11", "toDate": "2025-03-10"}, 400, None),
        ({"toDate": "2025-03-10"}, 400, None),
    ]
    for flt, status, errors in cases:
        response = http.post(path, json={"filter": flt})
        assert response.status_code == status, (flt, response.text)
        assert errors is None or response.json()["errors"] == errors
    assert (
        http.post(path, json={"filter": {"fromDate": "2025-03-10", "toDate": today.isoformat()}}).status_code
        == 200
    )


def test_day_by_day_lists_each_users_calls_comments_and_reviews_per_day(more: Any) -> None:
    emu, http = more
    company: Company = emu.company
    now = emu.clock.now()
    first, stop = date(2025, 3, 10), date(2025, 3, 17)
    want: dict[tuple[str, date], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for call in company.calls():
        ext = call.extensive(ContentSelector.everything(), now)
        if _started_in(call, company, first, stop):
            day = call.started.astimezone(company.tz).date()
            want[call.primary_user_id, day]["callsAsHost"].add(call.call_id)
            for party in ext["parties"]:
                if party.get("userId") not in (None, call.primary_user_id):
                    want[party["userId"], day]["callsAttended"].add(call.call_id)
        for comment in ext["collaboration"].get("publicComments", []):
            if first <= (day := _day(comment["posted"], company)) < stop:
                want[comment["commenterUserId"], day]["callsCommentsGiven"].add(call.call_id)
                want[call.primary_user_id, day]["callsCommentsReceived"].add(call.call_id)
    for card in company.answered_scorecards(now):
        if first <= (day := _day(card["reviewTime"], company)) < stop:
            want[card["reviewerUserId"], day]["callsScorecardsFilled"].add(card["callId"])
            want[card["reviewedUserId"], day]["callsScorecardsReceived"].add(card["callId"])
    body = {"filter": {"fromDate": first.isoformat(), "toDate": stop.isoformat()}}
    pages = _all_pages(http, "POST", "/v2/stats/activity/day-by-day", "usersDetailedActivities", json=body)
    got: dict[tuple[str, date], dict[str, set[str]]] = {}
    for item in (i for p in pages for i in p["usersDetailedActivities"]):
        days = item["userDailyActivityStats"]
        assert [d["fromDate"][:10] for d in days] == [
            (first + timedelta(days=i)).isoformat() for i in range(7)
        ]
        for entry in days:
            assert set(entry) == {*ACTIVITY_KEYS, "fromDate", "toDate"}
            lists = {k: set(entry[k]) for k in ACTIVITY_KEYS if entry[k]}
            if lists:
                got[item["userId"], date.fromisoformat(entry["fromDate"][:10])] = lists
    assert got == {k: dict(v) for k, v in want.items()}
    kinds = {kind for lists in got.values() for kind in lists}
    assert {"callsAsHost", "callsAttended", "callsCommentsGiven", "callsScorecardsFilled"} <= kinds


# ------------------------------------------------------------------------ trackers
def test_tracker_definitions_are_the_trackers_calls_report(more: Any) -> None:
    emu, http = more
    company: Company = emu.company
    settings = http.get("/v2/settings/trackers").json()["keywordTrackers"]
    assert settings == company.tracker_settings
    for workspace, expected in ((company.workspaces[0]["id"], settings), (company.workspaces[1]["id"], [])):
        answer = http.get("/v2/settings/trackers", params={"workspaceId": workspace}).json()
        assert answer["keywordTrackers"] == expected
    keywords = {
        t["trackerId"]: {k["language"]: k["keywords"] for k in t["languageKeywords"]} for t in settings
    }
    seen = 0
    for call in list(company.calls())[:40]:
        language = call.metadata()["language"]
        for tracker in call.extensive()["content"]["trackers"]:
            assert tracker["id"] in keywords
            for phrase in tracker.get("phrases", []):
                assert phrase["phrase"] in keywords[tracker["id"]]["eng"]
                assert (
                    language not in keywords[tracker["id"]]
                    or phrase["phrase"] in keywords[tracker["id"]][language]
                )
                seen += 1
    assert seen > 20
    assert any(len(k) > 1 for k in keywords.values()) and any(not k for k in keywords.values())


# ------------------------------------------------------------------------ calls
def test_crm_context_at_the_time_of_the_call(more: Any) -> None:
    emu, http = more
    selector = {"context": "Extended", "contextTiming": ["Now", "TimeOfCall"]}
    calls = [c for c in emu.company.calls() if c.extensive()["context"]][:30]
    body = {"filter": {"callIds": [c.call_id for c in calls]}, "contentSelector": selector}
    items = [
        i for p in _all_pages(http, "POST", "/v2/calls/extensive", "calls", json=body) for i in p["calls"]
    ]
    changed = unchanged = 0
    for item in items:
        objects = [o for system in item["context"] for o in system["objects"]]
        by_timing = defaultdict(dict)
        for obj in objects:
            by_timing[obj["timing"]][obj["objectId"]] = {f["name"]: f["value"] for f in obj["fields"]}
        assert (
            set(by_timing) == {"Now", "TimeOfCall"}
            and by_timing["Now"].keys() == by_timing["TimeOfCall"].keys()
        )
        now_only = emu.company.call(item["metaData"]["id"]).extensive()["context"]
        assert by_timing["Now"] == {
            o["objectId"]: {f["name"]: f["value"] for f in o["fields"]}
            for s in now_only
            for o in s["objects"]
        }
        for object_id, now in by_timing["Now"].items():
            if "StageName" in now:
                then = by_timing["TimeOfCall"][object_id]
                moved = {k for k in ("StageName", "Amount", "CloseDate") if then[k] != now[k]}
                changed += bool(moved)
                unchanged += not moved
    assert changed > 3 and unchanged > 0


def test_action_items_are_said_by_company_speakers(more: Any) -> None:
    emu, _ = more
    found = 0
    for call in emu.company.calls():
        ext = call.extensive()
        if call.is_uploaded or "pointsOfInterest" not in ext["content"]:
            continue
        internal = {p["speakerId"] for p in ext["parties"] if p["affiliation"] == "Internal"}
        for item in ext["content"]["pointsOfInterest"]["actionItems"]:
            assert set(item) == {"snippetStartTime", "snippetEndTime", "speakerID", "snippet"}
            assert item["speakerID"] in internal
            assert 0 <= item["snippetStartTime"] <= item["snippetEndTime"] <= ext["metaData"]["duration"]
            found += 1
    assert found > 20


def test_primary_user_ids_filter_the_extensive_listing(more: Any) -> None:
    emu, http = more
    calls = list(emu.company.calls())
    users = [calls[0].primary_user_id, calls[1].primary_user_id]
    body = {
        "filter": {
            "fromDateTime": "2025-03-01T00:00:00Z",
            "toDateTime": "2025-05-01T00:00:00Z",
            "primaryUserIds": users,
        }
    }
    pages = _all_pages(http, "POST", "/v2/calls/extensive", "calls", json=body)
    assert [c["metaData"]["id"] for p in pages for c in p["calls"]] == [
        c.call_id for c in calls if c.primary_user_id in users
    ]


# ------------------------------------------------------------------------ users
def test_users_change_manager_and_title_at_the_reorg(make_emulator: Any) -> None:
    emu, http = make_emulator(spec=MORE, clock_at=MORE.reorg_at - timedelta(seconds=1))
    company: Company = emu.company
    before = http.get("/v2/users").json()["users"]
    assert before == company.users and company.reorg
    emu.clock.set(MORE.reorg_at)
    after = http.get("/v2/users").json()["users"]
    assert http.post("/v2/users/extensive", json={"filter": {}}).json()["users"] == after
    changed = {u["id"] for u, v in zip(before, after, strict=True) if u != v}
    assert changed == set(company.reorg)
    for old, new in zip(before, after, strict=True):
        if old["id"] in changed:
            assert (new["managerId"], new["title"]) == (
                company.reorg[old["id"]]["managerId"],
                company.reorg[old["id"]]["title"],
            )
            assert new["managerId"] != old["managerId"]
            assert {k: v for k, v in new.items() if k not in ("managerId", "title")} == {
                k: v for k, v in old.items() if k not in ("managerId", "title")
            }
    by_id = {u["id"]: u for u in after}
    for user in after:  # still a tree
        seen, current = set(), user
        while current["managerId"] is not None:
            assert current["id"] not in seen
            seen.add(current["id"])
            current = by_id[current["managerId"]]
    # A mover's party title on a call is the title the user had when the call started.
    old_titles = {u["id"]: u["title"] for u in before}
    sides = set()
    for call in company.calls():
        for party in call.extensive()["parties"]:
            if party.get("userId") in changed:
                after_reorg = call.started >= MORE.reorg_at
                title = (
                    company.reorg[party["userId"]]["title"] if after_reorg else old_titles[party["userId"]]
                )
                assert party["title"] == title
                sides.add(after_reorg)
    assert sides == {False, True}


def test_users_extensive_filters_by_id_and_creation_time(more: Any) -> None:
    emu, http = more
    users = emu.company.users_at(emu.clock.now())
    created = sorted(datetime.fromisoformat(u["created"]) for u in users)
    cut = created[len(created) // 2]
    body = {"filter": {"createdFromDateTime": cut.isoformat()}}
    got = _all_pages(http, "POST", "/v2/users/extensive", "users", json=body)
    assert [u["id"] for p in got for u in p["users"]] == [
        u["id"] for u in users if datetime.fromisoformat(u["created"]) >= cut
    ]
    before = http.post("/v2/users/extensive", json={"filter": {"createdToDateTime": created[0].isoformat()}})
    assert (before.status_code, before.json()["errors"]) == (404, NO_USERS)
    one = http.post("/v2/users/extensive", json={"filter": {"userIds": [users[2]["id"]]}}).json()["users"]
    assert one == [users[2]]


# ------------------------------------------------------------------------ auth, faults, limits
@pytest.mark.parametrize(("method", "path", "body"), NEW_ENDPOINTS)
def test_new_endpoints_need_auth_and_obey_faults_and_quota(
    make_emulator: Any, method: str, path: str, body: Any
) -> None:
    emu, http = make_emulator(
        spec=replace(MORE, n_calls=30), faults=FaultPlan(schedule={2: "503"}), daily_quota=2
    )
    assert httpx.request(method, emu.base_url + path, json=body).status_code == 401  # request 1
    assert http.request(method, path, json=body).status_code == 503  # request 2: the fault
    assert http.request(method, path, json=body).status_code == 200  # request 3
    assert http.request(method, path, json=body).status_code == 200  # request 4
    limited = http.request(method, path, json=body)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert [r.status for r in emu.requests] == [401, 503, 200, 200, 429]


def test_an_app_without_a_scope_gets_gongs_401(make_emulator: Any) -> None:
    _, http = make_emulator(spec=replace(MORE, n_calls=10), granted_scopes={"api:calls:read:basic"})
    denied = http.post(
        "/v2/stats/interaction", json={"filter": {"fromDate": "2025-03-01", "toDate": "2025-03-02"}}
    )
    assert denied.status_code == 401
    assert denied.json()["errors"] == [
        "You don't have permission to use 'api:stats:interaction' in your app."
    ]
    assert http.get("/v2/calls").status_code == 200


def test_the_emulator_serves_exactly_the_activities_the_source_loads():
    """The emulator keeps its own copy of Gong's activity keys (it imports nothing of the
    source); the two lists must name the same keys."""
    from gong_source.tables import USER_ACTIVITIES

    assert sorted(ACTIVITY_KEYS) == sorted(USER_ACTIVITIES)
