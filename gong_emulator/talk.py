"""Gong's interaction stats, computed from a call's timeline (the one its transcript is built from).

A *turn* is a transcript segment: consecutive sentences of one speaker (the timeline starts a new
segment at every change of speaker). *Talk* is the sum of sentence durations (``end - start``,
integer ms), so it equals what a client sums from the transcript. The *side* is the set of
speaker ids the stats are about: the company's Internal parties for a call's ``interactionStats``,
one user's speaker id for ``/v2/stats/interaction``.

Formulas (each value as Gong emits it):

* **Talk Ratio**: side talk / all talk (every speaker, attributed or not), rounded to 2
  decimals; 0.0 when nobody spoke. A fraction, e.g. 0.51.
* **Longest Monologue**: the longest side turn, first sentence start to last sentence end,
  in whole seconds (floored).
* **Longest Customer Story**: the same for turns of External parties.
* **Interactivity**: speaker switches (turns - 1) per minute of the call (``duration / 60``,
  at least 1), capped at 10, rounded to 2 decimals.
* **Patience**: the mean pause, in seconds rounded to 2 decimals, between the end of a turn by
  anyone outside the side and the start of the side turn that follows it; 0.0 without such a
  hand-over.
* **Question Rate**: questions asked by the side per hour of the call (``duration``), rounded to
  2 decimals.
"""

from __future__ import annotations

from collections.abc import Collection
from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gong_emulator.model import Timeline

TALK_RATIO = "Talk Ratio"
LONGEST_MONOLOGUE = "Longest Monologue"
LONGEST_CUSTOMER_STORY = "Longest Customer Story"
INTERACTIVITY = "Interactivity"
PATIENCE = "Patience"
QUESTION_RATE = "Question Rate"
#: The per-call ``interactionStats`` names, in the order Gong lists them.
CALL_STAT_NAMES = (
    TALK_RATIO,
    LONGEST_MONOLOGUE,
    LONGEST_CUSTOMER_STORY,
    INTERACTIVITY,
    PATIENCE,
    QUESTION_RATE,
)
#: The per-user ``/v2/stats/interaction`` names (Gong has no per-user Talk Ratio there).
USER_STAT_NAMES = CALL_STAT_NAMES[1:]


def talk_ms(tl: Timeline) -> dict[str, int]:
    """Talk per speaker id in ms, summed over sentences."""
    totals: dict[str, int] = {}
    for sp, s, e in zip(tl.speaker, tl.start, tl.end, strict=True):
        totals[sp] = totals.get(sp, 0) + (e - s)
    return totals


def interaction_stats(
    tl: Timeline, duration_seconds: int, side: Collection[str], customers: Collection[str]
) -> dict[str, float]:
    """Gong's stats for ``side`` (speaker ids); ``customers`` are the External speakers."""
    spoken = talk_ms(tl)
    total = sum(spoken.values())
    side_ms = sum(ms for sp, ms in spoken.items() if sp in side)
    turns = [(tl.speaker[a], tl.start[a], tl.end[b - 1]) for a, b, _ in tl.segments]
    gaps = [
        start - prev_end
        for (prev_sp, _, prev_end), (sp, start, _) in pairwise(turns)
        if prev_sp not in side and sp in side
    ]
    minutes = max(1.0, duration_seconds / 60)
    questions = sum(1 for sp, q in zip(tl.speaker, tl.question, strict=True) if q and sp in side)
    return {
        TALK_RATIO: round(side_ms / total, 2) if total else 0.0,
        LONGEST_MONOLOGUE: _longest(turns, side),
        LONGEST_CUSTOMER_STORY: _longest(turns, customers),
        INTERACTIVITY: round(min(10.0, (len(turns) - 1) / minutes), 2) if turns else 0.0,
        PATIENCE: round(sum(gaps) / len(gaps) / 1000, 2) if gaps else 0.0,
        QUESTION_RATE: round(questions * 3600 / max(1, duration_seconds), 2),
    }


def _longest(turns: list[tuple[str, int, int]], speakers: Collection[str]) -> int:
    return max((end - start for sp, start, end in turns if sp in speakers), default=0) // 1000


def side_talk_seconds(tl: Timeline, side: Collection[str]) -> tuple[float, float]:
    """(talk of ``side``, talk of everyone else) in seconds."""
    spoken = talk_ms(tl)
    side_ms = sum(ms for sp, ms in spoken.items() if sp in side)
    return side_ms / 1000, (sum(spoken.values()) - side_ms) / 1000


def mean_stats(per_call: list[dict[str, float]], names: tuple[str, ...]) -> dict[str, float]:
    """Gong's figure for a user over several calls: the mean of each per-call stat, 2 decimals."""
    return {name: round(sum(s[name] for s in per_call) / len(per_call), 2) for name in names}
