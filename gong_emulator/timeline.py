"""Who says what when: a call's sentence-level timeline and the words of each sentence.

The timeline (RNG ``<key>/t``) holds integer-ms sentence bounds, turns, topics and tracker hits;
the texts (``<key>/x``) only words. Transcript, talk times, interaction stats, questions and
tracker occurrences are all read from the same timeline, so they agree by construction.
"""

from __future__ import annotations

import random
from typing import Any

from gong_emulator import vocab
from gong_emulator.model import Party, Plan, Timeline
from gong_emulator.tenant import Tenant


def build_timeline(tenant: Tenant, plan: Plan) -> Timeline:
    """Who says what when; sentence bounds are integer ms fitted inside ``plan.duration``."""
    rng = random.Random(f"{plan.key}/t")
    n = plan.n_sentences
    speakers = [p for p in plan.parties if p.speaks]
    if n == 0 or not speakers:
        return Timeline([], [], [], [], [], [], {}, [], [])
    speaker, start, end, words, question, segments = _speak(rng, plan, speakers)
    start, end = _fit(rng, plan, start, end)
    extra = _assign_topics(rng, plan, segments)
    party_of = {p.speaker_id for p in speakers}
    phrase_at, hits = _tracker_hits(rng, tenant, [i for i in range(n) if speaker[i] in party_of])
    return Timeline(
        speaker=speaker,
        start=start,
        end=end,
        words=words,
        question=question,
        segments=[(a, b, c) for a, b, c in segments],
        phrase_at=phrase_at,
        hits=sorted(hits, key=lambda h: (h[1], h[0])),
        extra_topics=extra,
    )


def _speak(
    rng: random.Random, plan: Plan, speakers: list[Party]
) -> tuple[list[str], list[int], list[int], list[int], list[bool], list[list[Any]]]:
    """Sentences one after another; a new turn (segment) starts at every change of speaker."""
    n = plan.n_sentences
    weights = [
        3.0 if i == 0 else (1.5 if p.affiliation == "Internal" else 2.0) for i, p in enumerate(speakers)
    ]
    party_of = {p.speaker_id: p for p in speakers}
    unknown = plan.unknown_speaker
    unknown_at = n // 2 if unknown else -1
    speaker: list[str] = []
    start: list[int] = []
    end: list[int] = []
    words: list[int] = []
    question: list[bool] = []
    segments: list[list[Any]] = []
    rand = rng.random  # the hot loop draws ~5 numbers per sentence: keep each draw cheap
    t = int(rand() * 15_000)
    current = speakers[0]
    cur_id = current.speaker_id
    seg_first = 0
    allow_long = n >= 20
    several = len(speakers) > 1
    for k in range(n):
        if k > 0:
            if k == unknown_at or cur_id == unknown or (several and rand() < 0.4):
                segments.append([seg_first, k, None])
                seg_first = k
                if k == unknown_at and unknown is not None:
                    cur_id = unknown
                else:
                    others = [
                        (p, w) for p, w in zip(speakers, weights, strict=True) if p.speaker_id != cur_id
                    ]
                    if others:
                        current = rng.choices([p for p, _ in others], [w for _, w in others])[0]
                    cur_id = current.speaker_id
                t += 200 + int(rand() * 1600)
            else:
                t += 40 + int(rand() * 660)
        w = 3 + int(rand() * 22)
        if allow_long and rand() < 0.008:
            w = 150 + int(rand() * 250)
        start.append(t)
        t += w * (250 + int(rand() * 170))
        end.append(t)
        speaker.append(cur_id)
        words.append(w)
        question.append(cur_id in party_of and rand() < 0.12)
    segments.append([seg_first, n, None])
    return speaker, start, end, words, question, segments


def _fit(rng: random.Random, plan: Plan, start: list[int], end: list[int]) -> tuple[list[int], list[int]]:
    """Scale the sentences into the planned duration, keeping order and a silent tail."""
    n = len(start)
    limit = plan.duration * 1000 - rng.randint(200, min(60_000, plan.duration * 100 + 200))
    if end[-1] > limit:
        factor = max(limit, n) / end[-1]
        start = [int(s * factor) for s in start]  # non-negative: int() floors
        end = [max(int(e * factor), s + 1) for s, e in zip(start, end, strict=True)]
        for i in range(1, n):  # keep bounds non-overlapping after the +1 guard
            if start[i] < end[i - 1]:
                start[i] = end[i - 1]
                end[i] = max(end[i], start[i] + 1)
    return start, end


def _assign_topics(rng: random.Random, plan: Plan, segments: list[list[Any]]) -> list[str]:
    """Topics as contiguous blocks of segments, some segments untagged; returns the topics
    Gong lists with duration 0 (named in the call's topic list but never discussed)."""
    pool = vocab.INTERNAL_TOPICS if plan.scope == "Internal" else vocab.EXTERNAL_TOPICS
    n_topics = rng.randint(1, min(5, len(segments)))
    topics = rng.sample(pool, n_topics)
    for i, seg in enumerate(segments):
        seg[2] = None if rng.random() < 0.12 else topics[i * n_topics // len(segments)]
    unused = [x for x in pool if x not in topics]
    return [rng.choice(unused)] if unused and rng.random() < 0.4 else []


def _tracker_hits(
    rng: random.Random, tenant: Tenant, eligible: list[int]
) -> tuple[dict[int, str], list[tuple[int, int, str | None]]]:
    """Tracker hits on sentences of known parties; KEYWORD phrases get written into the text."""
    phrase_at: dict[int, str] = {}
    hits: list[tuple[int, int, str | None]] = []
    for t_index, (_, _, kind, phrases) in enumerate(tenant.trackers):
        count = rng.choices((0, 1, 2, 3, 5), (4, 3, 2, 1, 0.5))[0]
        for _ in range(count):
            if not eligible:
                break
            s_index = rng.choice(eligible)
            if kind == "KEYWORD":  # one phrase per sentence: re-draw a few times, then give up
                for _ in range(8):
                    if s_index not in phrase_at:
                        break
                    s_index = rng.choice(eligible)
                else:
                    continue
                phrase_at[s_index] = rng.choice(phrases)
            hits.append((t_index, s_index, phrase_at.get(s_index) if kind == "KEYWORD" else None))
    return phrase_at, hits


def sentence_texts(plan: Plan, timeline: Timeline) -> list[str]:
    """The words of every sentence, in the call's language; questions end with "?"."""
    rng = random.Random(f"{plan.key}/x")
    rand = rng.random
    vocabulary = vocab.WORDS.get(plan.language, vocab.WORDS["eng"])
    size = len(vocabulary)
    japanese = plan.language == "jpn"
    phrase_at, question = timeline.phrase_at, timeline.question
    out = []
    for i, n_words in enumerate(timeline.words):
        chosen = [vocabulary[int(rand() * size)] for _ in range(n_words)]
        phrase = phrase_at.get(i)
        if phrase is not None:
            chosen.insert(int(rand() * (n_words + 1)), phrase)
        if japanese:
            text = "".join(chosen) + ("?" if question[i] else "。")
        else:
            text = " ".join(chosen)
            text = text[0].upper() + text[1:] + ("?" if question[i] else ".")
        out.append(text)
    return out
