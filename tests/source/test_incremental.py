"""The source is incremental by itself: what any orchestrator calling `pipeline.run(gong_source())` gets.

Request counts are read at the emulator, expectations from its generated company.
"""

from __future__ import annotations

import logging
import math
from datetime import timedelta
from itertools import pairwise

import dlt
import pytest

from gong_source import gong_source
from gong_source.sync import SyncState, WindowKind, plan_windows
from pipelines.runner import make_pipeline
from tests.support import NOW, config_for, emulator, small_spec
from tests.warehouse import warehouse

SPEC = small_spec(seed=21, n_calls=230, late_share=0.0, late_transcript_share=0.0, no_transcript_share=0.0)


def _configure(monkeypatch, emu, **settings):
    values = {
        "access_key": emu.access_key,
        "access_key_secret": emu.access_key_secret,
        "base_url": emu.base_url,
        "rate_limit_per_second": "1000",
        "start_date": SPEC.start.isoformat(),
        **settings,
    }
    for key, value in values.items():
        monkeypatch.setenv(f"SOURCES__GONG__{key.upper()}", str(value))


def _listing_requests(emu):
    return [
        r for r in emu.requests if r.path == "/v2/calls/extensive" and "fromDateTime" in r.json_body["filter"]
    ]


def test_pipeline_run_twice_equals_two_cli_runs(tmp_path, monkeypatch):
    with emulator(SPEC) as emu, warehouse("duckdb", tmp_path / "cli", monkeypatch) as cli:
        _configure(monkeypatch, emu)
        pipeline = dlt.pipeline(
            "gong_plain",
            destination=dlt.destinations.duckdb(str(tmp_path / "plain.duckdb")),
            dataset_name=cli.dataset,
            pipelines_dir=str(tmp_path / "plain_pipelines"),
        )
        costs = []
        for _ in range(2):
            emu.clear_requests()
            pipeline.run(gong_source(until=emu.clock.now())).raise_on_failed_jobs()
            costs.append(len(emu.requests))
        cli_costs = []
        for _ in range(2):
            emu.clear_requests()
            cli_costs.append(cli.load(emu, SPEC.start).requests)
            assert cli_costs[-1] == len(emu.requests)

        assert costs == cli_costs
        # The steady state: one listing page for the lookback, users, workspaces, nothing else.
        assert costs[1] == 3, [(r.method, r.path) for r in emu.requests]
        with pipeline.sql_client() as client:
            plain = {
                table: sorted(client.execute_sql(f'select count(*) from "{table}"')[0])
                for table in cli.snapshot()
            }
        assert plain == {table: [len(rows)] for table, rows in cli.snapshot().items()}


def test_a_first_load_costs_two_requests_per_100_calls_per_window(tmp_path, monkeypatch):
    with emulator(SPEC) as emu, warehouse("duckdb", tmp_path, monkeypatch) as target:
        summary = target.load(emu, SPEC.start, window_days=30)
        listed = [c for c in emu.company.calls() if c.visible_at <= emu.clock.now() and not c.is_private]
        pages = math.ceil(len(listed) / 100)
        assert len(listed) > 200  # three pages, so batching is visible
        users_and_workspaces = 2
        assert summary.requests <= 2 * pages + users_and_workspaces, emu.requests
        assert target.count("calls") == len(listed)


def test_a_subset_run_never_hides_data_from_a_later_full_run(tmp_path, monkeypatch):
    with emulator(SPEC) as emu, warehouse("duckdb", tmp_path, monkeypatch) as target:
        target.load(emu, SPEC.start, resources=("calls",))
        assert target.tables() == {"calls"}
        target.load(emu, SPEC.start)
        with warehouse("duckdb", tmp_path / "clean", monkeypatch) as clean:
            clean.load(emu, SPEC.start)
            assert target.snapshot() == clean.snapshot()


def test_a_deletion_older_than_the_deep_lookback_is_caught_by_the_reconcile(tmp_path, monkeypatch):
    settings = {"deep_lookback_days": 2, "reconcile_days": 30, "reconcile_every_days": 1}
    with emulator(SPEC) as emu, warehouse("duckdb", tmp_path, monkeypatch) as target:
        target.load(emu, SPEC.start, **settings)
        old = next(
            c for c in emu.company.calls() if c.started < NOW - timedelta(days=10) and not c.is_private
        )
        assert target.query(f"select count(*) from {{ds}}.parties where call_id = '{old.call_id}'")[0][0] > 0
        emu.company.delete_call(old.call_id)
        emu.clock.advance(3600)  # an hour later: a recent pass only, nothing that old is re-read
        target.load(emu, SPEC.start, **settings)
        assert target.query(f"select count(*) from {{ds}}.calls where call_id = '{old.call_id}'")[0][0] == 1
        emu.clock.advance(24 * 3600)  # a day later: the deep pass and its reconcile slice are due
        emu.clear_requests()
        target.load(emu, SPEC.start, **settings)
        for table in ("calls", "parties", "call_speakers", "transcript_sentences", "crm_fields"):
            count = target.query(f"select count(*) from {{ds}}.{table} where call_id = '{old.call_id}'")[0][0]
            assert count == 0, table
        # The reconcile lists metadata only: no content selector in its request.
        reconcile = [r for r in _listing_requests(emu) if "contentSelector" not in r.json_body]
        assert reconcile


def test_a_mistyped_workspace_deletes_nothing_and_says_so(tmp_path, monkeypatch, caplog):
    with emulator(SPEC) as emu, warehouse("duckdb", tmp_path, monkeypatch) as target:
        target.load(emu, SPEC.start)
        before = target.snapshot()
        emu.clock.advance(25 * 3600)  # the deep pass re-lists four days under the wrong filter
        with caplog.at_level(logging.WARNING, logger="gong_source"):
            target.load(emu, SPEC.start, workspace_id="1234567890123456789")
        assert target.snapshot() == before
    noted = [
        r.getMessage() for r in caplog.records if "outside this run's workspace/user filter" in r.getMessage()
    ]
    assert noted and all(" stored calls are outside" in n and "kept" in n for n in noted), noted


@pytest.mark.parametrize("hours", [1, 30])
def test_the_plan_is_pure_and_resumes_a_deep_pass(hours):
    config = config_for_plan()
    state = SyncState({})
    first = plan_windows(state, config, NOW, ["calls"], full=True)
    for window in first:
        state.apply(window)
    later = plan_windows(state, config, NOW + timedelta(hours=hours), ["calls"], full=True)
    kinds = {w.kind for w in later}
    assert WindowKind.RECENT in kinds
    assert (WindowKind.DEEP in kinds) == (hours >= 24)
    if hours >= 24:
        state.apply(later.windows[0])
        state.apply(later.windows[1])  # the first deep window commits, then the run dies
        resumed = plan_windows(state, config, NOW + timedelta(hours=hours + 1), ["calls"], full=True)

        def spans(windows):
            return [(w.start, w.end, w.kind) for w in windows if w.kind is not WindowKind.RECENT]

        assert spans(resumed) == spans(later.windows[2:])


def test_a_lookback_longer_than_a_window_is_read_once_and_the_run_ends():
    """The runner re-plans after each window: the lookback's windows must each come once."""
    config = config_for_plan(lookback_days=10, window_days=3)
    state = SyncState({})
    for window in plan_windows(state, config, NOW, ["calls"], full=False):
        state.apply(window)
    later = NOW + timedelta(hours=1)
    read = []
    while plan := plan_windows(state, config, later, ["calls"], full=False):
        assert len(read) < 6, [w.describe() for w in read]  # 10 days + 1 hour in 3-day windows: 4
        read.append(plan.windows[0])
        state.apply(plan.windows[0])
    assert read[0].start == NOW - timedelta(days=10) and read[-1].end == later
    assert all(a.end == b.start for a, b in pairwise(read))


def config_for_plan(**settings):
    with emulator(small_spec(n_calls=1)) as emu:
        config = config_for(emu, start_date=(NOW - timedelta(days=40)).isoformat(), **settings)
        config.resolve()
        return config


def test_run_plan_prints_windows_and_sends_nothing(tmp_path, monkeypatch):
    from pipelines.runner import describe_plan

    with emulator(SPEC) as emu, warehouse("duckdb", tmp_path, monkeypatch) as target:
        target.load(emu, SPEC.start)
        emu.clear_requests()
        lines: list[str] = []
        planned = describe_plan(
            target.options(), config_for(emu, start_date=SPEC.start.isoformat()), lines.append
        )
        assert emu.requests == []
        assert len(planned) >= 1 and lines[-1].startswith("plan:")
        assert any(planned.windows[0].describe() in line for line in lines)


def test_backfill_leaves_the_marks_alone(tmp_path, monkeypatch):
    from pipelines.runner import backfill

    with emulator(SPEC) as emu, warehouse("duckdb", tmp_path, monkeypatch) as target:
        backfill(target.options(), config_for(emu), SPEC.start, NOW - timedelta(days=5), lambda m: None)
        assert "marks" not in make_pipeline(target.options()).state["sources"]["gong"]


def test_an_endpoint_added_through_the_registry_alone_loads(tmp_path, monkeypatch):
    """A snapshot endpoint declared once (here: workspace names into a table of its own)."""
    from gong_source import endpoints, records
    from gong_source.tables import TEXT, Table

    names = Table(
        "workspace_names", ("workspace_id",), (("workspace_id", TEXT), ("name", TEXT)), call_scoped=False
    )
    fake = endpoints.Endpoint(
        name="workspace_name_pages",
        method="GET",
        path="/v2/workspaces",
        items_key="workspaces",
        scope=endpoints.Scope.SNAPSHOT,
        tables=(names,),
        shape=lambda items, report: {
            names.name: names.to_arrow(
                {"workspace_id": records.text(w["id"]), "name": records.text(w.get("name"))} for w in items
            )
        },
    )
    with emulator(SPEC) as emu:
        _configure(monkeypatch, emu)
        pipeline = dlt.pipeline(
            "gong_fake",
            destination=dlt.destinations.duckdb(str(tmp_path / "f.duckdb")),
            dataset_name="fake",
            pipelines_dir=str(tmp_path / "p"),
        )
        source = gong_source(until=emu.clock.now(), endpoints=(*endpoints.ENDPOINTS, fake))
        pipeline.run(source.with_resources("workspace_names")).raise_on_failed_jobs()
        with pipeline.sql_client() as client:
            rows = client.execute_sql("select workspace_id, name from workspace_names order by 1")
        assert sorted(rows) == sorted((w["id"], w["name"]) for w in emu.company.workspaces)
        assert [r.path for r in emu.requests] == ["/v2/workspaces"]
