"""The call-scoped merges delete on the call id alone (gong_source/merge_sql.py) and skip dlt's
dedup of the staged rows (the source yields each row once per package; a resumed package gets the
dedup back: tests/reliability/test_kill.py)."""

from __future__ import annotations

from dlt.destinations.sql_jobs import SqlMergeFollowupJob

from gong_source import merge_sql
from gong_source.endpoints import ENDPOINTS, call_scoped_tables


def test_every_call_scoped_merge_key_is_part_of_its_primary_key():
    """What makes dropping the primary-key clause of the delete say the same."""
    for table in call_scoped_tables(ENDPOINTS):
        hints = table.resource_hints()
        assert hints["merge_key"] == "call_id" and "call_id" in hints["primary_key"], table.name
        assert hints["write_disposition"]["deduplicated"] is True, table.name


def test_the_delete_joins_on_the_merge_key_alone_where_it_implies_the_primary_key():
    merge_sql.apply()
    clauses = SqlMergeFollowupJob.gen_key_table_clauses(
        '"gong"."parties"', '"gong_staging"."parties"', ['"call_id"', '"party_id"'], ['"call_id"'], True
    )
    assert clauses == [
        'FROM "gong"."parties" as d WHERE EXISTS (SELECT 1 FROM "gong_staging"."parties" as s'
        ' WHERE d."call_id" = s."call_id")'
    ]
    # keys that do not imply each other keep dlt's OR
    other = SqlMergeFollowupJob.gen_key_table_clauses('"t"', '"s"', ['"id"'], ['"day"'], True)
    assert " OR " in other[0]
