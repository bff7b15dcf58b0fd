"""Per-user stats over day windows: ``/v2/stats/interaction`` and ``/v2/stats/activity/day-by-day``.

Both read only listed calls (visible at ``now``, not deleted) that started inside the window,
in the company time zone:

* interaction: for each user who spoke on at least one such call, the mean over those calls of
  the user's per-call stats (``GeneratedCall.user_talk_stats``), as Gong averages per call;
* day-by-day: for each user with any activity, one entry per day of the window listing call
  ids: ``callsAsHost`` (primary user), ``callsAttended`` (a party, not the host),
  ``callsCommentsGiven`` / ``callsCommentsReceived`` (a public comment posted that day by the
  user / on the user's call), ``callsScorecardsFilled`` / ``callsScorecardsReceived`` (an
  answered scorecard published that day by / about the user). The other lists (listening,
  sharing, feedback requests) are not modelled and stay empty.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from gong_emulator import talk
from gong_emulator.call import GeneratedCall
from gong_emulator.company import Company
from gong_emulator.days import DayWindow, local_day, local_midnight_iso, midnight_us
from gong_emulator.model import CallFilter
from gong_emulator.selector import ContentSelector
from gong_emulator.timefmt import to_us

ACTIVITY_KEYS = (
    "callsAsHost",
    "callsGaveFeedback",
    "callsRequestedFeedback",
    "callsReceivedFeedback",
    "ownCallsListenedTo",
    "othersCallsListenedTo",
    "callsSharedInternally",
    "callsSharedExternally",
    "callsAttended",
    "callsCommentsGiven",
    "callsCommentsReceived",
    "callsMarkedAsFeedbackGiven",
    "callsMarkedAsFeedbackReceived",
    "callsScorecardsFilled",
    "callsScorecardsReceived",
)
_COMMENTS = ContentSelector(collaboration=frozenset({"publicComments"}))
_COMMENT_REACH = timedelta(days=4)  # comments come up to 3 days after a call of at most a day


def _calls_started(
    company: Company, window: DayWindow, now: datetime, reach: timedelta = timedelta()
) -> list[GeneratedCall]:
    assert window.first is not None and window.stop is not None
    lo = midnight_us(window.first, company.tz) - int(reach.total_seconds() * 1_000_000)
    return company.select(CallFilter(from_us=lo, to_us=midnight_us(window.stop, company.tz)), now=now)


def _selected(company: Company, user_ids: frozenset[str] | None) -> list[str]:
    return [u.id for u in company.members if user_ids is None or u.id in user_ids]


def interaction_items(
    company: Company, window: DayWindow, user_ids: frozenset[str] | None, now: datetime
) -> list[dict[str, Any]]:
    """``peopleInteractionStats`` items, users in company order."""
    per_user: dict[str, list[dict[str, float]]] = defaultdict(list)
    wanted = set(_selected(company, user_ids))
    for call in _calls_started(company, window, now):
        for user_id in wanted.intersection(p.user_id for p in call.plan.parties):
            stats = call.user_talk_stats(user_id)
            if stats is not None:
                per_user[user_id].append(stats)
    return [
        {
            "userId": user_id,
            "userEmailAddress": company.user(user_id).email,
            "personInteractionStats": [
                {"name": name, "value": value}
                for name, value in talk.mean_stats(per_user[user_id], talk.USER_STAT_NAMES).items()
            ],
        }
        for user_id in _selected(company, user_ids)
        if per_user[user_id]
    ]


def daily_activity_items(
    company: Company, window: DayWindow, user_ids: frozenset[str] | None, now: datetime
) -> list[dict[str, Any]]:
    """``usersDetailedActivities`` items: users with any activity, every day of the window."""
    activity: dict[tuple[str, date], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))

    def note(user_id: str | None, us: int, key: str, call_id: str) -> None:
        if (
            user_id is not None
            and window.contains(us)
            and call_id not in activity[user_id, local_day(us, company.tz)][key]
        ):
            activity[user_id, local_day(us, company.tz)][key].append(call_id)

    for call in _calls_started(company, window, now):
        started = to_us(call.started)
        note(call.primary_user_id, started, "callsAsHost", call.call_id)
        for user_id in dict.fromkeys(
            p.user_id for p in call.plan.parties if p.user_id != call.primary_user_id
        ):
            note(user_id, started, "callsAttended", call.call_id)
    for call in _calls_started(company, window, now, _COMMENT_REACH):
        for comment in call.extensive(_COMMENTS, now)["collaboration"].get("publicComments", []):
            posted = to_us(datetime.fromisoformat(comment["posted"]))
            note(comment["commenterUserId"], posted, "callsCommentsGiven", call.call_id)
            note(call.primary_user_id, posted, "callsCommentsReceived", call.call_id)
    for card in company.answered_scorecards(now):
        reviewed = to_us(datetime.fromisoformat(card["reviewTime"]))
        note(card["reviewerUserId"], reviewed, "callsScorecardsFilled", card["callId"])
        note(card["reviewedUserId"], reviewed, "callsScorecardsReceived", card["callId"])
    active = {user_id for user_id, _ in activity}
    return [
        {
            "userId": user_id,
            "userEmailAddress": company.user(user_id).email,
            "userDailyActivityStats": list(_days(company, window, activity, user_id)),
        }
        for user_id in _selected(company, user_ids)
        if user_id in active
    ]


def _days(
    company: Company, window: DayWindow, activity: dict[tuple[str, date], dict[str, list[str]]], user_id: str
) -> Iterable[dict[str, Any]]:
    for day in window.days():
        lists = activity.get((user_id, day), {})
        yield {
            **{key: list(lists.get(key, [])) for key in ACTIVITY_KEYS},
            "fromDate": local_midnight_iso(day, company.tz),
            "toDate": local_midnight_iso(day + timedelta(days=1), company.tz),
        }
