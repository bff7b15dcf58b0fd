"""Answered scorecards: a call's review, drawn from ``(seed, "answered", call id)``.

Which calls are reviewed, and when, is in the index (``Row.review_us``); the review itself is
generated on demand. The reviewed user is the call's host, the reviewer usually the host's
manager at review time; the scorecard is an enabled one of the call's workspace.
"""

from __future__ import annotations

import random
from typing import Any

from gong_emulator import vocab
from gong_emulator.ids import random_id
from gong_emulator.model import Row
from gong_emulator.tenant import Tenant
from gong_emulator.timefmt import format_instant, truncate_us


def answered_scorecard(tenant: Tenant, row: Row) -> dict[str, Any]:
    """The POST /v2/stats/activity/scorecards item of a reviewed call (``row.review_us`` set)."""
    assert row.review_us is not None
    rng = random.Random(f"{tenant.spec.seed}/answered/{row.call_id}")
    enabled = [s for s in tenant.scorecards if s["enabled"]]
    card = rng.choice([s for s in enabled if s["workspaceId"] == row.workspace_id] or enabled)
    host = row.primary_user_id
    manager = tenant.user_at(host, row.review_us)["managerId"]
    others = [u.id for u in tenant.members if u.id != host] or [host]
    reviewer = manager if manager is not None and rng.random() < 0.8 else rng.choice(others)
    digits = rng.choice((0, 3))
    return {
        "answeredScorecardId": random_id(rng),
        "scorecardId": card["scorecardId"],
        "scorecardName": card["scorecardName"],
        "callId": row.call_id,
        "callStartTime": format_instant(row.started_us, row.digits, tenant.tz),
        "reviewedUserId": host,
        "reviewerUserId": reviewer,
        "reviewTime": format_instant(truncate_us(row.review_us, digits), digits, tenant.tz),
        "visibilityType": rng.choice(vocab.VISIBILITY_TYPES),
        "answers": [_answer(rng, q) for q in card["questions"]],
    }


def _answer(rng: random.Random, question: dict[str, Any]) -> dict[str, Any]:
    not_applicable = not question["isOverall"] and rng.random() < 0.08
    score = None if not_applicable else rng.randint(int(question["minRange"]), int(question["maxRange"]))
    return {
        "questionId": question["questionId"],
        "questionRevisionId": question["questionRevisionId"],
        "isOverall": question["isOverall"],
        "score": score,
        "answerText": None,
        "notApplicable": not_applicable,
        "selectedOptions": [],
    }
