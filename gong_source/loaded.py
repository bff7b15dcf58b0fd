"""What the destination already holds: the evidence deletions and transcript requests rest on.

The source asks the pipeline's own dataset (any dlt destination `pipeline.dataset()` can read)
which calls of a window it has stored, and which of them have sentences. Without a readable
destination (a first run, or a pipeline without one) the answer is "nothing": then nothing is
deleted and every listed call's transcript is asked for, which is safe, only dearer.
"""

from __future__ import annotations

import logging
from datetime import datetime

import dlt

from .timestamps import to_utc

logger = logging.getLogger(__name__)


class LoadedCalls:
    """Read-only queries against the dataset the running pipeline loads into."""

    def __init__(self, calls_table: str = "calls", sentences_table: str = "transcript_sentences") -> None:
        self.calls_table = calls_table
        self.sentences_table = sentences_table

    def in_window(
        self, start: datetime, end: datetime, workspace_id: str | None, primary_user_ids: list[str] | None
    ) -> set[str]:
        """Stored calls whose start and schedule both fall in `[start, end)`, in this scope.

        Gong lists web conferences by schedule and other calls by start, so a call is only
        certainly of a window when both instants are inside it; the scope filters mirror the
        listing's, so a call of another workspace is never evidence of a deletion here.
        """
        where = [
            f"{column} >= {_instant(start)} and {column} < {_instant(end)}"
            for column in ("started_at", "coalesce(scheduled_at, started_at)")
        ]
        if workspace_id:
            where.append(f"workspace_id = '{_digits(workspace_id)}'")
        if primary_user_ids:
            where.append(
                "primary_user_id in (" + ", ".join(f"'{_digits(u)}'" for u in primary_user_ids) + ")"
            )
        return self._ids(f"select call_id from {self.calls_table} where " + " and ".join(where))

    def with_sentences(self, start: datetime, end: datetime) -> set[str]:
        """Stored calls of `[start, end)` (by start) that already have transcript sentences."""
        return self._ids(
            f"select distinct s.call_id from {self.sentences_table} s join {self.calls_table} c "
            f"on c.call_id = s.call_id where c.started_at >= {_instant(start)} "
            f"and c.started_at < {_instant(end)}"
        )

    @staticmethod
    def _ids(sql: str) -> set[str]:
        try:
            pipeline = dlt.current.pipeline()
        except Exception:
            return set()
        try:
            return {str(row[0]) for row in pipeline.dataset()(sql).fetchall()}
        except Exception as error:  # a table not created yet, or a destination dataset() cannot read
            logger.debug("no stored calls to compare with: %s", type(error).__name__)
            return set()


def _instant(value: datetime) -> str:
    return f"cast('{to_utc(value).isoformat()}' as timestamp with time zone)"


def _digits(value: str) -> str:
    """Gong ids are digit strings; anything else never reaches SQL."""
    if not str(value).isdigit():
        raise ValueError(f"not a Gong id: {value!r}")
    return str(value)
