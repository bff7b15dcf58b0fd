"""`dbt build` on DuckDB and Postgres, then every mart against its Python re-computation.

The expectations (tests/dbt/expected.py) are computed from the same raw rows the warehouse was
loaded with (tests/dbt/raw_fixture.py), so each test checks the SQL against an independent
implementation of the documented definitions; the scenario tests pin the rules themselves.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Hashable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

from pipelines.dbt_runner import run_dbt
from tests.dbt import expected as exp
from tests.dbt.conftest import Warehouse

# --------------------------------------------------------------------------------- comparison


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    if hasattr(a, "__float__") and isinstance(b, int | float):  # Decimal
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def assert_mart_equals(
    actual_rows: Iterable[Mapping[str, Any]],
    expected: Mapping[Any, Mapping[str, Any]],
    key: Callable[[Mapping[str, Any]], Hashable],
    columns: Iterable[str] | None = None,
) -> None:
    actual = {}
    for row in actual_rows:
        k = key(row)
        assert k not in actual, f"duplicate mart key {k!r}"
        actual[k] = row
    assert set(actual) == set(expected), (
        f"keys differ: only in mart {sorted(map(str, set(actual) - set(expected)))}, "
        f"only expected {sorted(map(str, set(expected) - set(actual)))}"
    )
    problems = []
    for k, want in expected.items():
        for col in columns or want.keys():
            if not _same(actual[k][col], want[col]):
                problems.append(f"{k!r}.{col}: mart={actual[k][col]!r} expected={want[col]!r}")
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------------------------------- build


@pytest.mark.parametrize("backend", ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_dbt_build_passes(backend: str, request: pytest.FixtureRequest) -> None:
    wh: Warehouse = request.getfixturevalue(f"{backend}_warehouse")
    result = wh.build
    assert result.success, f"{result.failure}\n{result.log_tail}"
    assert result.failure is None
    assert result.counts.get("pass", 0) >= 60, result.counts  # data tests
    assert result.counts.get("success", 0) >= 30, result.counts  # seed + models
    assert not {"error", "fail", "warn", "skipped"} & set(result.counts), result.counts


# ----------------------------------------------------------------------------- marts vs Python


def test_call_talk_time(warehouse: Warehouse, raw_rows) -> None:
    assert_mart_equals(
        warehouse.mart("gong__call_talk_time"), exp.call_talk_time(raw_rows), lambda r: r["call_id"]
    )


def test_call_speaker_talk_time(warehouse: Warehouse, raw_rows) -> None:
    assert_mart_equals(
        warehouse.mart("gong__call_speaker_talk_time"),
        exp.call_speaker_talk_time(raw_rows),
        lambda r: (r["call_id"], r["participant_key"]),
    )


def test_rep_weekly_talk_time(warehouse: Warehouse, raw_rows) -> None:
    assert_mart_equals(
        warehouse.mart("gong__rep_weekly_talk_time"),
        exp.rep_weekly_talk_time(raw_rows),
        lambda r: (r["user_id"], r["week_start"]),
    )


def test_call_opportunities(warehouse: Warehouse, raw_rows) -> None:
    expected = exp.call_opportunities(raw_rows)
    assert_mart_equals(
        warehouse.mart("gong__call_opportunities"), expected, lambda r: (r["call_id"], r["opportunity_id"])
    )
    # the fixture has a stage that moved, one known only at the call, and one only now
    assert {r["stage_changed"] for r in expected.values()} == {True, None}


def test_rep_scorecards(warehouse: Warehouse, raw_rows) -> None:
    expected = exp.rep_scorecards(raw_rows)
    assert_mart_equals(
        warehouse.mart("gong__rep_scorecards"),
        expected,
        lambda r: (r["user_id"], r["week_start"], r["scorecard_id"], r["question_id"]),
    )
    # Bob's manager changed on 2024-03-20: his review weeks report the manager of that week
    assert {(k[1], v["manager_id"]) for k, v in expected.items() if k[0] == "u-bob"} == {
        (dt.date(2024, 3, 11), "u-carol"),
        (dt.date(2024, 3, 25), "u-alice"),
    }


def test_tracker_weekly(warehouse: Warehouse, raw_rows) -> None:
    assert_mart_equals(
        warehouse.mart("gong__tracker_weekly"),
        exp.tracker_weekly(raw_rows),
        lambda r: (r["tracker_id"], r["account_id"], r["week_start"], r["side"]),
    )


def test_rep_weekly_gong_stats(warehouse: Warehouse, raw_rows) -> None:
    assert_mart_equals(
        warehouse.mart("gong__rep_weekly_gong_stats"),
        exp.rep_weekly_gong_stats(raw_rows),
        lambda r: (r["user_id"], r["week_start"]),
    )


def test_call_accounts(warehouse: Warehouse, raw_rows) -> None:
    assert_mart_equals(
        warehouse.mart("gong__call_accounts"), exp.call_accounts(raw_rows), lambda r: r["call_id"]
    )


def test_accounts(warehouse: Warehouse, raw_rows) -> None:
    rows = warehouse.mart("gong__accounts")
    want = exp.accounts(raw_rows)
    # days_since_last_call depends on the clock: compare it with a day of slack (midnight UTC).
    columns = [c for c in next(iter(want.values())) if c != "days_since_last_call"]
    assert_mart_equals(rows, want, lambda r: r["account_id"], columns)
    for row in rows:
        assert abs(row["days_since_last_call"] - want[row["account_id"]]["days_since_last_call"]) <= 1


def test_account_monthly(warehouse: Warehouse, raw_rows) -> None:
    assert_mart_equals(
        warehouse.mart("gong__account_monthly"),
        exp.account_monthly(raw_rows),
        lambda r: (r["account_id"], r["month_start"]),
    )


def test_call_tracker_occurrences(warehouse: Warehouse, raw_rows) -> None:
    assert_mart_equals(
        warehouse.mart("gong__call_tracker_occurrences"),
        exp.call_tracker_occurrences(raw_rows),
        lambda r: (r["call_id"], r["tracker_index"], r["occurrence_index"]),
    )


def test_call_transcripts(warehouse: Warehouse, raw_rows) -> None:
    assert_mart_equals(
        warehouse.mart("gong__call_transcripts"), exp.call_transcripts(raw_rows), lambda r: r["call_id"]
    )


# ------------------------------------------------------------------------- the rules, pinned


def _by(rows: Iterable[Mapping[str, Any]], *cols: str) -> dict[Any, Mapping[str, Any]]:
    return {(r[cols[0]] if len(cols) == 1 else tuple(r[c] for c in cols)): r for r in rows}


def test_account_resolution_scenarios(warehouse: Warehouse) -> None:
    calls = _by(warehouse.mart("gong__call_accounts"), "call_id")
    # The CRM Account overrides the e-mail domain (globex.com would give "Globex").
    assert (calls["c-globex-1"]["account_id"], calls["c-globex-1"]["account_name"]) == (
        "ACC-GLOBEX",
        "Globex Corporation",
    )
    assert calls["c-globex-1"]["account_source"] == "crm"
    assert calls["c-globex-1"]["top_external_domain"] == "globex.com"
    # No CRM context, but the e-mail domain is a CRM Account's Website: that account, not "Globex".
    assert (calls["c-globex-3"]["account_id"], calls["c-globex-3"]["account_source"]) == (
        "ACC-GLOBEX",
        "crm_website",
    )
    assert calls["c-globex-3"]["account_name"] == "Globex Corp"
    # CRM Account without a Name: named from its Website.
    assert calls["c-umbrella"]["account_name"] == "Umbrella Corp"
    # Most frequent domain; gmail and the company's other domain never count; hyphens -> spaces.
    assert (calls["c-bluesky"]["account_id"], calls["c-bluesky"]["account_name"]) == (
        "blue-sky-labs.io",
        "Blue Sky Labs",
    )
    # A tie is broken alphabetically; digits break words like str.title().
    assert (calls["c-tie"]["account_id"], calls["c-tie"]["account_name"]) == ("acme2go.com", "Acme2Go")
    assert calls["c-northwind"]["account_name"] == "Northwind Traders"  # '.co' stripped
    # Free-mail-only and internal-only calls (even with a CRM Account attached) have no account.
    for call_id in ("c-freemail", "c-internal"):
        assert calls[call_id]["account_id"] is None and calls[call_id]["account_source"] is None
    accounts = _by(warehouse.mart("gong__accounts"), "account_id")
    assert accounts["ACC-GLOBEX"]["calls"] == 3
    assert "globex.com" not in accounts  # one company, one account
    assert accounts["ACC-GLOBEX"]["account_name"] == "Globex Corp"  # the latest call's CRM name
    assert accounts["ACC-GLOBEX"]["distinct_external_contacts"] == 5  # Hank counted once across case
    assert accounts["ACC-GLOBEX"]["distinct_reps"] == 2


def test_talk_time_scenarios(warehouse: Warehouse) -> None:
    speakers = _by(warehouse.mart("gong__call_speaker_talk_time"), "call_id", "participant_key")
    # An external party that never spoke: zero transcript talk; Gong never reports external
    # participants, so its Gong talk is unknown (NULL), not 0.
    peter = speakers[("c-globex-1", "p1d")]
    assert (peter["transcript_talk_seconds"], peter["sentences"], peter["gong_talk_seconds"]) == (0, 0, None)
    assert speakers[("c-globex-1", "p1b")]["gong_talk_seconds"] is None  # spoke, Gong is silent
    # A company user Gong did not list spoke 0 seconds by Gong's account.
    carol = speakers[("c-tie", "p3d")]
    assert carol["transcript_talk_seconds"] == 0 and carol["gong_talk_seconds"] == 0
    # A transcript speaker id without a party: kept, Unknown, counted in the total only.
    ghost = speakers[("c-bluesky", "speaker:s-9")]
    assert ghost["affiliation"] == "Unknown" and ghost["participant_source"] == "transcript_speaker"
    assert ghost["transcript_talk_seconds"] == pytest.approx(3.0) and ghost["questions_asked"] == 1
    # A Gong speaker missing from parties.
    assert speakers[("c-globex-2", "p-ghost")]["gong_talk_seconds"] == pytest.approx(5.0)

    calls = _by(warehouse.mart("gong__call_talk_time"), "call_id")
    g1 = calls["c-globex-1"]
    assert g1["transcript_total_talk_seconds"] == pytest.approx(26.0)
    assert g1["talk_ratio"] == pytest.approx(19.5 / 26.0)
    assert g1["longest_monologue_seconds"] == pytest.approx(14.5)  # spans two segments
    assert g1["speaker_switches_per_minute"] == pytest.approx(4 / 30)
    assert (g1["internal_questions"], g1["external_questions"]) == (2, 2)
    bs = calls["c-bluesky"]
    assert bs["transcript_unknown_talk_seconds"] == pytest.approx(4.0)
    assert bs["transcript_total_talk_seconds"] == pytest.approx(20.0)
    assert bs["talk_ratio"] == pytest.approx(8.0 / 20.0)  # like Gong's: Unknown talk is not the company's
    assert calls["c-internal"]["talk_ratio"] == pytest.approx(1.0)
    assert calls["c-freemail"]["longest_monologue_participant_key"] == "p5b"  # first of two equal runs
    nt = calls["c-globex-2"]
    assert nt["has_transcript"] is False and nt["transcript_total_talk_seconds"] is None
    # Without a transcript, external talk and the transcript ratio are unknown, never 0 or 1.0;
    # Gong's own figures still come through.
    assert nt["transcript_external_talk_seconds"] is None and nt["talk_ratio"] is None
    assert nt["gong_internal_talk_seconds"] == pytest.approx(605.0)  # includes the user not in parties
    assert (nt["gong_talk_ratio"], nt["gong_interactivity"]) == (pytest.approx(0.57), pytest.approx(3.0))
    assert nt["gong_longest_monologue_seconds"] is None  # Gong sent no such stat
    # Gong's stats land in their own columns, next to the transcript's figures.
    assert (g1["gong_talk_ratio"], g1["gong_longest_monologue_seconds"]) == (0.61, 95)
    assert (g1["gong_interactivity"], g1["gong_patience_seconds"], g1["gong_question_rate"]) == (
        5.5,
        0.86,
        4.2,
    )
    assert g1["gong_internal_talk_seconds"] == pytest.approx(600.0)
    assert calls["c-freemail"]["has_gong_talk_time"] is False
    assert calls["c-freemail"]["gong_internal_talk_seconds"] is None
    assert calls["c-freemail"]["gong_talk_ratio"] is None
    # UTC, not local time: Sunday 22:30 -05:00 is Monday in UTC; 31 March 23:30 -05:00 is April.
    assert calls["c-tie"]["call_week_start"] == dt.date(2024, 3, 11)
    assert calls["c-umbrella"]["call_month_start"] == dt.date(2024, 4, 1)


def test_tracker_occurrences_match_speaker_or_user_ids(warehouse: Warehouse) -> None:
    rows = _by(warehouse.mart("gong__call_tracker_occurrences"), "call_id", "occurrence_index")
    by_speaker, by_user, unmatched = (rows[("c-globex-1", i)] for i in range(3))
    assert (by_speaker["speaker_match"], by_speaker["party_id"], by_speaker["affiliation"]) == (
        "speaker_id",
        "p1c",
        "External",
    )
    assert (by_user["speaker_match"], by_user["party_id"], by_user["user_id"], by_user["affiliation"]) == (
        "user_id",
        "p1a",
        "u-alice",
        "Internal",
    )
    assert (unmatched["speaker_match"], unmatched["party_id"], unmatched["affiliation"]) == (
        None,
        None,
        "Unknown",
    )
    assert rows[("c-tie", 0)]["party_id"] == "p3c"


def test_transcript_format(warehouse: Warehouse) -> None:
    text = _by(warehouse.mart("gong__call_transcripts"), "call_id")["c-northwind"]["transcript_text"]
    assert text.split("\n") == [
        "Speaker Bob Baker (Kickoff): Welcome to the kickoff. Ready?",
        "Speaker Ann Wind: Ready.",
        "Speaker Ben Wind: Where do we start?",
        "Speaker Bob Baker (Kickoff): Right here.",
    ]
    bluesky = _by(warehouse.mart("gong__call_transcripts"), "call_id")["c-bluesky"]["transcript_text"]
    assert "Speaker s-9: Sorry, I joined late - who is speaking?" in bluesky.split("\n")
    assert "Speaker s-7: Hello?" in bluesky.split("\n")  # party without a name


def test_missing_raw_table_reads_as_empty(warehouse: Warehouse) -> None:
    # raw_fixture omits call_highlights: its staging view exists, typed and empty.
    rows = warehouse.query(f"select * from {warehouse.staging_schema}.stg_gong__call_highlights")
    assert rows == []


def test_users_setting_columns_are_staged(warehouse: Warehouse) -> None:
    rows = warehouse.query(f"select * from {warehouse.staging_schema}.stg_gong__users")
    assert {"setting_web_conferences_recorded", "setting_telephony_calls_imported", "is_active"} <= set(
        rows[0]
    )


# ------------------------------------------------------------------------------------ runner


def test_runner_reports_a_wrong_raw_schema_in_one_line(tmp_path) -> None:
    db_path = str(tmp_path / "empty.duckdb")
    result = run_dbt(
        ("run", "--select", "stg_gong__calls"),
        target="duckdb",
        raw_schema="no_such_schema",
        env={"GONG_DUCKDB_PATH": db_path},
        target_path=tmp_path / "target",
        log_path=tmp_path / "logs",
        timeout=300,
    )
    assert not result.success
    assert result.failure is not None and "\n" not in result.failure
    assert "gong_schema" in result.failure and "no_such_schema" in result.failure


# ------------------------------------------------------------- the Python side, by hand numbers


def test_expectations_from_rows_read_back_from_the_warehouse(warehouse: Warehouse, raw_rows) -> None:
    """The reuse path for real loads: read raw tables back, recompute, same answers."""
    loaded = warehouse.read_raw()
    assert {t: len(v) for t, v in loaded.items()} == {t: len(v) for t, v in raw_rows.items()}
    for fn in (
        exp.call_talk_time,
        exp.call_accounts,
        exp.call_transcripts,
        exp.rep_weekly_talk_time,
        exp.call_tracker_occurrences,
    ):
        assert fn(loaded) == fn(raw_rows), fn.__name__
    want = exp.accounts(loaded)
    columns = [c for c in next(iter(want.values())) if c != "days_since_last_call"]
    assert_mart_equals(warehouse.mart("gong__accounts"), want, lambda r: r["account_id"], columns)


def test_expected_functions_match_hand_computed_numbers(raw_rows) -> None:
    calls = exp.call_talk_time(raw_rows)
    assert calls["c-tie"]["talk_ratio"] == pytest.approx(42 / 45)
    assert calls["c-umbrella"]["longest_monologue_seconds"] == pytest.approx(30.0)
    assert calls["c-northwind"]["speaker_switches"] == 3
    assert exp.account_name_from_domain("blue-sky-labs.io") == "Blue Sky Labs"
    assert exp.account_name_from_domain("acme2go.com") == "Acme2Go"
    assert exp.account_name_from_domain("northwind-traders.co") == "Northwind Traders"
    assert exp.domain_from_url("  HTTP://www.Umbrella-Corp.org/about?x=1") == "umbrella-corp.org"
    weekly = exp.rep_weekly_talk_time(raw_rows)
    assert weekly[("u-alice", dt.date(2024, 3, 4))]["calls_hosted"] == 1
    assert weekly[("u-alice", dt.date(2024, 3, 4))]["longest_monologue_seconds"] == pytest.approx(14.5)


# ------------------------------------------------------------------------------------ README


def _readme_queries() -> list[str]:
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    return re.findall(r"```sql\n(.*?)```", text, flags=re.S)


def test_readme_queries_run(warehouse: Warehouse) -> None:
    def here(sql: str) -> str:
        sql = sql.replace("gong_analytics_staging.", f"{warehouse.staging_schema}.")
        sql = sql.replace("gong_analytics.", f"{warehouse.analytics_schema}.")
        return re.sub(r"\bgong\.", f"{warehouse.raw_schema}.", sql).rstrip().rstrip(";")

    queries = _readme_queries()
    assert len(queries) == 8
    for sql in queries:
        warehouse.query(here(sql))
    competitor = warehouse.query(here(queries[2]))
    assert [r["call_id"] for r in competitor] == ["c-tie"]
    moved = warehouse.query(here(queries[3]))
    assert [(r["opportunity_id"], r["stage_at_call"], r["stage_now"]) for r in moved] == [
        ("OPP-2", "Discovery", "Negotiation")
    ]
    keywords = warehouse.query(here(queries[7]))
    assert [(r["tracker_name"], r["calls"]) for r in keywords] == [("Competitors", 2)]


def test_marts_documented_column_by_column(duckdb_warehouse: Warehouse) -> None:
    import yaml

    path = Path(__file__).resolve().parents[2] / "dbt" / "models" / "marts" / "_gong__marts.yml"
    models = {m["name"]: m for m in yaml.safe_load(path.read_text())["models"]}
    marts = {p.stem for p in path.parent.glob("*.sql")}
    assert set(models) == marts
    for name, model in models.items():
        assert model.get("description", "").strip(), name
        documented = [c["name"] for c in model["columns"]]
        assert all(c.get("description", "").strip() for c in model["columns"]), name
        actual = list(duckdb_warehouse.mart(name)[0])
        assert documented == actual, f"{name}: documented {documented} != built {actual}"
