"""The compact call index: one ``Row`` per generated call, drawn from ``(seed, "index")``.

Only what listing and filtering need is drawn here (start, id, visibility lags, owner,
privacy); everything else about a call is regenerated from its own seed when asked for.
"""

from __future__ import annotations

import random
from itertools import accumulate

from gong_emulator.ids import MAX_ID, MIN_ID
from gong_emulator.model import CompanySpec, Row, User, row_key
from gong_emulator.timefmt import to_us, truncate_us

_MINUTE_US = 60_000_000


def build_index(spec: CompanySpec, users: list[User]) -> list[Row]:
    """Every generated call's row, in listing order; primary users drawn by their weight."""
    rng = random.Random(f"{spec.seed}/index")
    start_us, end_us = to_us(spec.start), to_us(spec.end)
    span = end_us - start_us
    cum = list(accumulate(u.weight for u in users))
    uniform, randint, choices = rng.random, rng.randint, rng.choices
    # Features added later draw from their own streams, so older draws keep their values.
    empty_draw = random.Random(f"{spec.seed}/index/empty").random
    edit_rng = random.Random(f"{spec.seed}/index/edit")
    review_rng = random.Random(f"{spec.seed}/index/review")
    starts = sorted(start_us + int(uniform() * span) for _ in range(spec.n_calls))
    seen: set[int] = set()
    rows: list[Row] = []
    for index, raw in enumerate(starts):
        digits = (0, 3, 6)[randint(0, 2)]
        started = truncate_us(raw, digits)
        if started < start_us:
            started += 10 ** (6 - digits)
        cid = rng.randrange(MIN_ID, MAX_ID)
        while cid in seen:
            cid = rng.randrange(MIN_ID, MAX_ID)
        seen.add(cid)
        if uniform() < spec.late_share:
            visible = started + randint(2 * 60, 30 * 60) * _MINUTE_US
        else:
            visible = started + randint(10, 90) * _MINUTE_US
        if uniform() < spec.late_transcript_share:
            transcript = visible + randint(3 * 60, 48 * 60) * _MINUTE_US
        else:
            transcript = visible + randint(0, 5 * 60) * 1_000_000
        user = choices(users, cum_weights=cum)[0]
        late_edit, edit_lag = edit_rng.random() < spec.late_edit_share, edit_rng.randint(2 * 60, 48 * 60)
        reviewed, review_lag = review_rng.random() < spec.scorecard_share, review_rng.randint(30, 7 * 24 * 60)
        rows.append(
            Row(
                started,
                digits,
                str(cid),
                visible,
                transcript,
                user.workspace_id,
                user.id,
                is_private=uniform() < spec.private_share,
                seed_index=index,
                empty_pending=empty_draw() < spec.empty_transcript_share,
                enriched_us=visible + edit_lag * _MINUTE_US if late_edit else visible,
                review_us=visible + review_lag * _MINUTE_US if reviewed else None,
            )
        )
    rows.sort(key=row_key)
    return rows
