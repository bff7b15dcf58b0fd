"""dlt's merge delete, without the join DuckDB cannot run in bounded memory.

A table with a primary key and a merge key deletes, in dlt 1.31, the stored rows that match a
staged row on `primary key OR merge key`. DuckDB can neither hash nor spill a join on an OR: at
its 64 MB limit the delete ran out of memory re-reading a window of 12,000 calls. Every
call-scoped table's merge key (`call_id`) is part of its primary key, so a primary-key match is a
merge-key match and the OR says no more than the merge key alone. `apply()` makes dlt write just
that where it holds, for any destination; the rows deleted are the same.
`tests/source/test_merge_sql.py` fails if a dlt upgrade moves the hook.
"""

from __future__ import annotations

from collections.abc import Sequence

from dlt.destinations.sql_jobs import SqlMergeFollowupJob

_dlt_key_clauses = SqlMergeFollowupJob._gen_key_table_clauses.__func__  # type: ignore[attr-defined]


def _key_clauses(cls: type, primary_keys: Sequence[str], merge_keys: Sequence[str]) -> list[str]:
    if merge_keys and set(merge_keys) <= set(primary_keys):
        primary_keys = []  # implied by the merge key
    return _dlt_key_clauses(cls, primary_keys, merge_keys)  # type: ignore[no-any-return]


def apply() -> None:
    """Install the simplification (idempotent)."""
    SqlMergeFollowupJob._gen_key_table_clauses = classmethod(_key_clauses)  # type: ignore[method-assign,assignment]
