"""Settings, action items, CRM context at the time of the call and the day-windowed stats,
emulator -> DuckDB / Postgres, against the emulator's own company (never the connector's shaping)."""

from __future__ import annotations

import json
import math
from collections import Counter
from datetime import date, datetime, timedelta

import pytest

from gong_emulator import ContentSelector, stats
from gong_emulator.days import DayWindow
from gong_source import RESOURCE_NAMES, GongConfig
from gong_source.sync import SyncState, last_stats_day, plan_days
from gong_source.tables import USER_ACTIVITIES, snake
from pipelines.runner import describe_plan
from tests.support import NOW, config_for, emulator, small_spec
from tests.warehouse import warehouse

DESTINATIONS = ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]
AT_CALL = ContentSelector.from_json(
    {
        "context": "Extended",
        "contextTiming": ["Now", "TimeOfCall"],
        "exposedFields": {"parties": True, "content": {"pointsOfInterest": True}},
    }
)


def _days(first: date, stop: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((stop - first).days)]


def _as_text(value) -> str:
    """A CRM value as the warehouse keeps it: text as sent, anything else as its JSON."""
    return value if isinstance(value, str) else json.dumps(value)


def _paths(emu) -> Counter[str]:
    return Counter(r.path for r in emu.requests)


@pytest.mark.parametrize("kind", DESTINATIONS)
def test_settings_action_items_crm_timing_and_day_stats_equal_the_company(kind, tmp_path, monkeypatch):
    spec = small_spec(n_calls=40, scorecard_share=0.6)
    with emulator(spec) as emu, warehouse(kind, tmp_path, monkeypatch) as target:
        company, now = emu.company, emu.clock.now()
        planned: list[str] = []
        config = config_for(emu, start_date=spec.start.isoformat())
        describe_plan(target.options(resources=RESOURCE_NAMES), config, planned.append)
        target.load(emu, spec.start, resources=RESOURCE_NAMES)
        calls = [c for c in company.calls() if c.visible_at <= now and not c.is_private]

        # Tracker definitions: every keyword per language, joinable to the per-call trackers.
        assert set(target.query("select tracker_id, tracker_name, workspace_id from {ds}.trackers")) == {
            (t["trackerId"], t["trackerName"], t["workspaceId"]) for t in company.tracker_settings
        }
        assert set(
            target.query("select tracker_id, language, keyword_index, keyword from {ds}.tracker_keywords")
        ) == {
            (t["trackerId"], k["language"], i, word)
            for t in company.tracker_settings
            for k in t["languageKeywords"]
            for i, word in enumerate(k["keywords"])
        }
        unjoined = target.query(
            "select count(*) from {ds}.call_trackers c left join {ds}.trackers t using (tracker_id) "
            "where t.tracker_id is null"
        )[0][0]
        assert unjoined == 0 and target.count("call_trackers") > 0

        # Scorecard definitions with their questions, in order, ranges as numbers.
        assert set(target.query("select scorecard_id, scorecard_name, enabled from {ds}.scorecards")) == {
            (s["scorecardId"], s["scorecardName"], s["enabled"]) for s in company.scorecards
        }
        assert set(
            target.query(
                "select scorecard_id, question_id, question_index, question_text, is_overall, min_range, "
                "max_range from {ds}.scorecard_questions"
            )
        ) == {
            (
                s["scorecardId"],
                q["questionId"],
                i,
                q["questionText"],
                q["isOverall"],
                int(q["minRange"]),
                int(q["maxRange"]),
            )
            for s in company.scorecards
            for i, q in enumerate(s["questions"])
        }

        # Action items and CRM fields at both timings come from the one extensive request per page.
        extensive = [c.extensive(AT_CALL, now) for c in calls]
        assert set(
            target.query(
                "select call_id, action_item_index, speaker_id, snippet, start_seconds "
                "from {ds}.call_action_items"
            )
        ) == {
            (e["metaData"]["id"], i, a["speakerID"], a["snippet"], a["snippetStartTime"])
            for e in extensive
            for i, a in enumerate(e["content"].get("pointsOfInterest", {}).get("actionItems", []))
        }
        assert target.count("call_action_items") > 0
        expected_fields = Counter(
            (e["metaData"]["id"], o["timing"], o["objectId"], f["name"], _as_text(f["value"]))
            for e in extensive
            for s in e["context"]
            for o in s["objects"]
            for f in o["fields"]
        )
        loaded = Counter(
            target.query(
                "select call_id, timing, object_id, field_name, field_value from {ds}.crm_fields "
                "where party_id is null"
            )
        )
        assert loaded == expected_fields and {k[1] for k in loaded} == {"Now", "TimeOfCall"}

        # Answered scorecards, one row per answer, for every review day that is over everywhere.
        stop = last_stats_day(now)
        first = GongConfig(start_date=spec.start.isoformat()).start_at.date()
        reviews = [
            a
            for a in company.answered_scorecards(now)
            if datetime.fromisoformat(a["reviewTime"]).astimezone(company.tz).date() < stop
        ]
        assert len(reviews) > 3
        assert set(
            target.query(
                "select answered_scorecard_id, question_id, call_id, reviewed_user_id, reviewer_user_id, "
                "reviewed_at, score from {ds}.scorecard_answers"
            )
        ) == {
            (
                a["answeredScorecardId"],
                q["questionId"],
                a["callId"],
                a["reviewedUserId"],
                a["reviewerUserId"],
                datetime.fromisoformat(a["reviewTime"]),
                q["score"],
            )
            for a in reviews
            for q in a["answers"]
        }

        # Per-user day stats: Gong's interaction stats of each day, and the activity counts.
        days = _days(first, stop)
        expected_stats = {
            (item["userId"], day.isoformat()): {s["name"]: s["value"] for s in item["personInteractionStats"]}
            for day in days
            for item in stats.interaction_items(
                company, DayWindow(day, day + timedelta(days=1), company.tz), None, now
            )
        }
        loaded_stats = {
            (user, day): {"Interactivity": interactivity, "Patience": patience, "Question Rate": rate}
            for user, day, interactivity, patience, rate in target.query(
                "select user_id, day, interactivity, patience, question_rate "
                "from {ds}.user_day_interaction_stats"
            )
        }
        assert loaded_stats.keys() == expected_stats.keys() and loaded_stats
        for key, value in loaded_stats.items():
            assert value == {name: expected_stats[key][name] for name in value}
        columns = ", ".join(snake(k) for k in USER_ACTIVITIES)
        activity = {
            (row[0], row[1]): row[2:]
            for row in target.query(f"select user_id, day, {columns} from {{ds}}.user_day_activity")
        }
        expected_activity = {
            (item["userId"], entry["fromDate"][:10]): tuple(len(entry[k]) for k in USER_ACTIVITIES)
            for item in stats.daily_activity_items(company, DayWindow(first, stop, company.tz), None, now)
            for entry in item["userDailyActivityStats"]
        }
        # (a user idle for a whole window is absent from it, so only days with activity compare)
        active = {key: counts for key, counts in activity.items() if any(counts)}
        assert active == {key: counts for key, counts in expected_activity.items() if any(counts)} and active

        # Cost: 1 request per settings endpoint, 1 per day (interaction) or per 7 days (the others).
        paths = _paths(emu)
        weeks = math.ceil(len(days) / 7)
        assert paths["/v2/settings/trackers"] == paths["/v2/settings/scorecards"] == 1
        assert paths["/v2/stats/interaction"] == len(days)
        assert paths["/v2/stats/activity/day-by-day"] == paths["/v2/stats/activity/scorecards"] == weeks
        assert f", {len(days) + 2 * weeks} for the day-windowed stats" in planned[-1]  # run --plan knew

        # The same day again: the settings are read, the day stats are not (their mark is there).
        emu.clear_requests()
        target.load(emu, spec.start, resources=RESOURCE_NAMES)
        paths = _paths(emu)
        assert paths["/v2/settings/trackers"] == 1
        assert not [p for p in paths if p.startswith("/v2/stats/")]
        describe_plan(target.options(resources=RESOURCE_NAMES), config, planned.append)
        assert ", 0 for the day-windowed stats" in planned[-1]


def _config(**values) -> GongConfig:
    return GongConfig(start_date="2025-01-01T00:00:00Z", **values)


def test_day_windows_stop_where_every_time_zone_has_finished_the_day() -> None:
    # 11:00 UTC on the 10th: in UTC-12 it is still the 9th, so the 9th is not over everywhere.
    assert last_stats_day(datetime.fromisoformat("2025-01-10T11:00:00+00:00")) == date(2025, 1, 9)
    assert last_stats_day(datetime.fromisoformat("2025-01-10T12:00:00+00:00")) == date(2025, 1, 10)


def test_day_windows_reread_the_lookback_once_a_day() -> None:
    state = SyncState({})
    config = _config(stats_lookback_days=3, window_days=7)
    noon = datetime.fromisoformat("2025-01-20T12:00:00+00:00")
    first = plan_days(state, config, noon, "user_day_activity", one_day=False)
    assert first == [(date(2025, 1, 1), date(2025, 1, 8)), (date(2025, 1, 8), date(2025, 1, 15)),
                     (date(2025, 1, 15), date(2025, 1, 20))]  # fmt: skip
    assert len(plan_days(state, config, noon, "user_day_interaction_stats", one_day=True)) == 19
    state.advance_day_mark("user_day_activity", date(2025, 1, 20))
    assert plan_days(state, config, noon + timedelta(hours=11), "user_day_activity", one_day=False) == []
    next_day = plan_days(state, config, noon + timedelta(days=1), "user_day_activity", one_day=False)
    assert next_day == [(date(2025, 1, 17), date(2025, 1, 21))]
    # A mark never moves back, and each table has its own.
    state.advance_day_mark("user_day_activity", date(2025, 1, 2))
    assert state.day_mark("user_day_activity") == date(2025, 1, 20)
    assert state.day_mark("scorecard_answers") is None


@pytest.mark.parametrize("kind", DESTINATIONS)
def test_users_keep_their_old_version_across_a_manager_change(kind, tmp_path, monkeypatch):
    reorg = NOW - timedelta(days=3)
    spec = small_spec(n_calls=20, reorg_at=reorg)
    with emulator(spec) as emu, warehouse(kind, tmp_path, monkeypatch) as target:
        before = reorg - timedelta(hours=1)
        emu.clock.set(before)
        target.load(emu, spec.start, resources=["users"])
        old = {u["id"]: (u["managerId"], u["title"]) for u in emu.company.users}
        emu.clock.set(NOW)
        target.load(emu, spec.start, resources=["users"])
        target.load(emu, spec.start, resources=["users"])  # unchanged: no new version
        reorg_changes = emu.company.reorg
        new = {
            u: (reorg_changes[u]["managerId"], reorg_changes[u]["title"]) if u in reorg_changes else old[u]
            for u in old
        }
        moved = {user for user in old if old[user] != new[user]}
        assert moved and moved == set(reorg_changes)
        rows = target.query("select user_id, manager_id, title, valid_from, valid_to from {ds}.users")
        assert len(rows) == len(old) + len(moved)
        # The emulator's clock runs on from where it was set: a run's boundary is its own now.
        versions = {(u, m, t): (_run_at(f, before, NOW), _run_at(to, before, NOW)) for u, m, t, f, to in rows}
        for user in old:
            if user in moved:
                assert versions[(user, *old[user])] == (before, NOW)
                assert versions[(user, *new[user])] == (NOW, None)
            else:
                assert versions[(user, *old[user])] == (before, None)


def _run_at(boundary: datetime | None, *clock_settings: datetime) -> datetime | None:
    """The clock setting a validity boundary belongs to (a run starts seconds after setting it)."""
    return next(
        (at for at in clock_settings if boundary and at <= boundary < at + timedelta(minutes=5)), boundary
    )
