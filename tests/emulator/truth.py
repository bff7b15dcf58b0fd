"""Gong's talk figures recomputed from the API JSON alone (transcript, parties, metadata), so
the emulator's stats are checked against an independent implementation."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise
from typing import Any


def talk_by_speaker_ms(transcript: list[dict[str, Any]]) -> Counter[str]:
    by_speaker: Counter[str] = Counter()
    for segment in transcript:
        for s in segment["sentences"]:
            by_speaker[segment["speakerId"]] += s["end"] - s["start"]
    return by_speaker


def expected_stats(
    ext: dict[str, Any], transcript: list[dict[str, Any]], side: set[str] | None = None
) -> dict[str, float]:
    """Per-call stats for ``side`` (speaker ids; default: the Internal parties)."""
    if side is None:
        side = {p["speakerId"] for p in ext["parties"] if p["affiliation"] == "Internal" and p["speakerId"]}
    customers = {p["speakerId"] for p in ext["parties"] if p["affiliation"] == "External" and p["speakerId"]}
    duration = ext["metaData"]["duration"]
    talk = talk_by_speaker_ms(transcript)
    total = sum(talk.values())
    turns = [
        (seg["speakerId"], seg["sentences"][0]["start"], seg["sentences"][-1]["end"]) for seg in transcript
    ]
    pauses = [b[1] - a[2] for a, b in pairwise(turns) if a[0] not in side and b[0] in side]
    questions = sum(
        1
        for seg in transcript
        if seg["speakerId"] in side
        for s in seg["sentences"]
        if s["text"].endswith("?")
    )

    def longest(speakers: set[str]) -> int:
        return max((end - start for sp, start, end in turns if sp in speakers), default=0) // 1000

    return {
        "Talk Ratio": round(sum(talk[sp] for sp in side) / total, 2) if total else 0.0,
        "Longest Monologue": longest(side),
        "Longest Customer Story": longest(customers),
        "Interactivity": round(min(10.0, (len(turns) - 1) / max(1.0, duration / 60)), 2) if turns else 0.0,
        "Patience": round(sum(pauses) / len(pauses) / 1000, 2) if pauses else 0.0,
        "Question Rate": round(questions * 3600 / duration, 2),
    }
