"""A tenant's settings: scorecard definitions, tracker definitions and a reorganisation.

Each is drawn from its own RNG stream (``(seed, "scorecards" | "trackers" | "reorg")``), so
adding them left every older draw, and so every earlier tenant and call, as it was.
"""

from __future__ import annotations

import random
from typing import Any
from zoneinfo import ZoneInfo

from gong_emulator import vocab
from gong_emulator.ids import random_id
from gong_emulator.model import CompanySpec, User
from gong_emulator.timefmt import format_instant, to_us

_DAY_US = 86_400_000_000


def _before_start(rng: random.Random, spec: CompanySpec) -> int:
    """An instant 30-400 days before the calls start (when settings were made)."""
    return to_us(spec.start) - rng.randint(30, 400) * _DAY_US + rng.randrange(_DAY_US)


def make_scorecards(
    spec: CompanySpec, workspaces: list[dict[str, Any]], users: list[User]
) -> list[dict[str, Any]]:
    """GET /v2/settings/scorecards items: one or two per workspace, RANGE questions 1-5, ids as
    strings; the first of each workspace is enabled (new reviews use only enabled ones)."""
    rng = random.Random(f"{spec.seed}/scorecards")
    tz = ZoneInfo(spec.time_zone)
    out = []
    for workspace in workspaces:
        for k in range(rng.randint(1, 2)):
            stamp = format_instant(_before_start(rng, spec), 0, tz)
            updater = "-1" if rng.random() < 0.6 else rng.choice(users).id  # "-1": made by Gong
            texts = rng.sample(vocab.SCORECARD_QUESTIONS, rng.randint(3, 6))
            overall = rng.random() < 0.5
            questions = [_question(rng, text, stamp, updater, is_overall=False) for text in texts] + (
                [_question(rng, vocab.OVERALL_QUESTION, stamp, updater, is_overall=True)] if overall else []
            )
            out.append(
                {
                    "scorecardId": random_id(rng),
                    "scorecardName": rng.choice(vocab.SCORECARD_NAMES),
                    "workspaceId": workspace["id"],
                    "enabled": k == 0 or rng.random() < 0.5,
                    "updaterUserId": updater,
                    "created": stamp,
                    "updated": stamp,
                    "reviewMethod": "MANUAL" if rng.random() < 0.8 else "AUTOMATIC",
                    "questions": questions,
                }
            )
    return out


def _question(rng: random.Random, text: str, stamp: str, updater: str, *, is_overall: bool) -> dict[str, Any]:
    return {
        "questionId": random_id(rng),
        "questionRevisionId": random_id(rng),
        "questionText": text,
        "isOverall": is_overall,
        "updaterUserId": updater,
        "questionType": "RANGE",
        "answerGuide": None,
        "minRange": "1",
        "maxRange": "5",
        "answerOptions": [],
        "created": stamp,
        "updated": stamp,
    }


def make_tracker_settings(
    spec: CompanySpec, trackers: list[tuple[str, str, str, tuple[str, ...]]], workspace_id: str
) -> list[dict[str, Any]]:
    """GET /v2/settings/trackers ``keywordTrackers``: the very trackers calls report (same ids),
    in the first workspace; KEYWORD ones list their phrases per language, SMART ones none."""
    rng = random.Random(f"{spec.seed}/trackers")
    tz = ZoneInfo(spec.time_zone)
    out = []
    for tracker_id, name, kind, phrases in trackers:
        stamp = format_instant(_before_start(rng, spec), 6, tz)
        languages = ["eng", *rng.sample(vocab.TRACKER_LANGUAGES, rng.randint(0, 2))]
        related = rng.random() < 0.7
        keywords = [
            {"language": lang, "keywords": list(phrases), "includeRelatedForms": related}
            for lang in languages
        ]
        out.append(
            {
                "trackerId": tracker_id,
                "trackerName": name,
                "workspaceId": workspace_id,
                "languageKeywords": keywords if kind == "KEYWORD" else [],
                "affiliation": "Anyone",  # hits are drawn on any known speaker's sentences
                "partOfQuestion": False,
                "saidAt": "Anytime",
                "saidAtInterval": None,
                "saidAtUnit": None,
                "saidInTopics": [],
                "filterQuery": "{}",
                "created": stamp,
                "creatorUserId": None,
                "updated": stamp,
                "updaterUserId": None,
            }
        )
    return out


def make_reorg(spec: CompanySpec, users: list[User]) -> dict[str, dict[str, Any]]:
    """``{user id: {"managerId", "title"}}`` from ``spec.reorg_at`` on: ``reorg_share`` of the
    reps (users nobody reports to) move to another manager and get another title."""
    if spec.reorg_at is None:
        return {}
    rng = random.Random(f"{spec.seed}/reorg")
    managers = {u.api["managerId"] for u in users} - {None}
    leads = [u for u in users if u.id in managers]
    changes: dict[str, dict[str, Any]] = {}
    for user in users:
        if user.api["managerId"] is None or user.id in managers or rng.random() >= spec.reorg_share:
            continue
        others = [m.id for m in leads if m.id not in (user.api["managerId"], user.id)]
        titles = [t for t in vocab.IC_TITLES if t is not None and t != user.api["title"]]
        if others:
            changes[user.id] = {"managerId": rng.choice(others), "title": rng.choice(titles)}
    return changes
