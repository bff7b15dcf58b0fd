"""The stats endpoints: per-user interaction stats, day-by-day activity, answered scorecards.

All take bare ``YYYY-MM-DD`` dates in the company time zone (from inclusive, to exclusive), page
by the body cursor, and answer an empty result (including ``from == to``) with 404.
"""

from __future__ import annotations

import re

from gong_emulator import stats
from gong_emulator.call import GeneratedCall
from gong_emulator.cursors import fingerprint
from gong_emulator.days import DayWindow, day_window, local_day, local_midnight_iso
from gong_emulator.exchange import ApiError, Exchange, id_list
from gong_emulator.routes import Answer, Api, Route
from gong_emulator.timefmt import to_us
from gong_emulator.user_handlers import NO_USERS

NO_SCORECARDS = "No answered scorecards found corresponding to the provided filters."


def _user_window(api: Api, ex: Exchange) -> tuple[DayWindow, frozenset[str] | None]:
    """``fromDate``/``toDate`` (both required; ``toDate`` may not pass today) and ``userIds``."""
    source = ex.filter_object()
    window = day_window(source, ("fromDate", "toDate"), api.company.tz, required=True)
    assert window.stop is not None
    if window.stop > local_day(to_us(api.clock.now()), api.company.tz):
        raise ApiError(400, "filter.toDate: must not be after the current day")
    return window, id_list(source, "userIds", "filter.")


def interaction(api: Api, ex: Exchange, _: re.Match[str]) -> Answer:
    """POST /v2/stats/interaction: each user's mean per-call stats over the window."""
    window, user_ids = _user_window(api, ex)
    items = stats.interaction_items(api.company, window, user_ids, api.clock.now())
    if not items:
        raise ApiError(404, NO_USERS)
    records, page = api.pager.items(ex, items, fingerprint("POST /v2/stats/interaction", ex.inputs()))
    assert window.first is not None and window.stop is not None
    return 200, {
        "records": records,
        "peopleInteractionStats": list(page),
        "timeZone": api.company.spec.time_zone,
        "fromDateTime": local_midnight_iso(window.first, api.company.tz),
        "toDateTime": local_midnight_iso(window.stop, api.company.tz),
    }


def day_by_day(api: Api, ex: Exchange, _: re.Match[str]) -> Answer:
    """POST /v2/stats/activity/day-by-day: per user per day, the call ids of each activity."""
    window, user_ids = _user_window(api, ex)
    items = stats.daily_activity_items(api.company, window, user_ids, api.clock.now())
    if not items:
        raise ApiError(404, NO_USERS)
    fp = fingerprint("POST /v2/stats/activity/day-by-day", ex.inputs())
    records, page = api.pager.items(ex, items, fp)
    return 200, {"records": records, "usersDetailedActivities": list(page)}


def answered_scorecards(api: Api, ex: Exchange, _: re.Match[str]) -> Answer:
    """POST /v2/stats/activity/scorecards: reviews by call date, review date, user, scorecard."""
    source = ex.filter_object()
    tz = api.company.tz
    calls = day_window(source, ("callFromDate", "callToDate"), tz)
    reviews = day_window(source, ("reviewFromDate", "reviewToDate"), tz)
    reviewed = id_list(source, "reviewedUserIds", "filter.")
    cards = id_list(source, "scorecardIds", "filter.")

    def wanted(call: GeneratedCall) -> bool:
        review = call.review_at
        return (
            review is not None
            and reviews.contains(to_us(review))
            and calls.contains(to_us(call.started))
            and (reviewed is None or call.primary_user_id in reviewed)
        )

    found = [
        card
        for call in api.company.reviewed_calls(api.clock.now())
        if wanted(call)
        for card in [call.answered_scorecard()]
        if card is not None and (cards is None or card["scorecardId"] in cards)
    ]
    if not found:
        raise ApiError(404, NO_SCORECARDS)
    fp = fingerprint("POST /v2/stats/activity/scorecards", ex.inputs())
    records, page = api.pager.items(ex, found, fp)
    return 200, {"records": records, "answeredScorecards": list(page)}


STATS_ROUTES: list[Route] = [
    ("POST", r"/v2/stats/interaction", interaction, "api:stats:interaction"),
    ("POST", r"/v2/stats/activity/day-by-day", day_by_day, "api:stats:user-actions:detailed"),
    ("POST", r"/v2/stats/activity/scorecards", answered_scorecards, "api:stats:scorecards"),
]
