"""SIGKILL the pipeline in extract, normalize or load; the re-run ends with exactly the clean rows."""

from __future__ import annotations

import fcntl
import os
import pickle
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from tests.support import NOW, POSTGRES_URL, emulator, small_spec
from tests.warehouse import CALL_TABLES, warehouse

pytestmark = pytest.mark.slow  # scheduled first, so the two workers finish together

SPEC = small_spec(seed=5, n_calls=120, sentences_per_call=8, start=NOW - timedelta(days=12))
WINDOW_DAYS = "3"  # several windows, so every phase happens several times


# Run in the child before the CLI: exit like a SIGKILL right after the first copy of a table into
# staging committed, before dlt marks the job done (the narrowest kill the polling cannot hit).
DIE_AFTER_COPY = """
import os, runpy
from dlt.destinations.impl.duckdb.duck import DuckDbCopyJob
copy = DuckDbCopyJob.run
def run(self):
    copy(self)
    if self.load_table_name == os.environ["DIE_AFTER_COPY_OF"]:
        os._exit(137)
DuckDbCopyJob.run = run
runpy.run_module("pipelines.cli", run_name="__main__", alter_sys=True)
"""


def _cli(emu, target, pipelines_dir: Path, die_after_copy_of: str = "") -> subprocess.Popen:
    env = {
        **os.environ,
        "SOURCES__GONG__ACCESS_KEY": emu.access_key,
        "SOURCES__GONG__ACCESS_KEY_SECRET": emu.access_key_secret,
        "SOURCES__GONG__BASE_URL": emu.base_url,
        "SOURCES__GONG__RATE_LIMIT_PER_SECOND": "1000",
        "DESTINATION__POSTGRES__CREDENTIALS": POSTGRES_URL,
        "DIE_AFTER_COPY_OF": die_after_copy_of,
    }
    entry = ["-c", DIE_AFTER_COPY] if die_after_copy_of else ["-m", "pipelines.cli"]
    args = [
        sys.executable, *entry, "run", "--skip-dbt", "--quiet",
        "--destination", target.kind, "--duckdb", str(target.duckdb_path), "--dataset", target.dataset,
        "--pipelines-dir", str(pipelines_dir), "--start-date", SPEC.start.isoformat(),
        "--window-days", WINDOW_DAYS,
    ]  # fmt: skip
    return subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _phase_reached(phase: str, emu, pipelines_dir: Path, after_requests: int) -> bool:
    working = pipelines_dir / "gong"
    if phase == "extract":
        return len(emu.requests) >= after_requests
    if phase == "load":  # a later window's load with some tables merged and others still to go
        loaded = working / "load" / "loaded"
        return _files_in(loaded) and any(
            any(job.suffix == ".sql" for job in _jobs(package, "completed_jobs"))
            and (_jobs(package, "new_jobs") or _jobs(package, "started_jobs"))
            for package in _jobs(working / "load", "normalized")
        )
    return _files_in(working / "normalize" / "extracted")


def _jobs(folder: Path, name: str) -> list[Path]:
    try:
        return list((folder / name).iterdir())
    except OSError:  # not there yet, or a file
        return []


def _files_in(folder: Path) -> bool:
    return bool(_jobs(folder.parent, folder.name))


PHASES = [("extract", 4), ("extract", 11), ("normalize", 0), ("load", 0)]


def _partly_loaded(target) -> set[str]:
    """Load ids a query sees in the call tables that `_dlt_loads` does not list as loaded."""
    present = {name for (name,) in target.query(
        "select table_name from information_schema.tables where table_schema = '{ds}'"
    )}  # fmt: skip
    if "_dlt_loads" not in present:
        return set()
    committed = "select load_id from {ds}._dlt_loads where status = 0"
    return {
        load_id
        for table in sorted(present & set(CALL_TABLES))
        for (load_id,) in target.query(
            f"select distinct _dlt_load_id from {{ds}}.{table} where _dlt_load_id not in ({committed})"
        )
    }


@pytest.fixture(scope="session")
def clean_tables(tmp_path_factory, worker_id):
    """Each destination's tables after an uninterrupted run: the company is deterministic.

    One run per destination for the whole test run: under pytest-xdist the first worker to ask
    loads it and pickles the tables into the run's shared temporary directory, under a lock."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if worker_id != "master" else base  # one per test run, seen by every worker

    def snapshot(kind: str, monkeypatch) -> dict:
        saved = shared / f"kill-clean-{kind}.pickle"
        with (shared / f"kill-clean-{kind}.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not saved.exists():
                root = tmp_path_factory.mktemp(f"clean-{kind}")
                with emulator(SPEC) as emu, warehouse(kind, root, monkeypatch) as clean:
                    run = _cli(emu, clean, root / "pipelines")
                    assert run.wait(timeout=240) == 0, run.stderr.read()
                    saved.write_bytes(pickle.dumps(clean.snapshot()))
        return pickle.loads(saved.read_bytes())

    return snapshot


@pytest.mark.parametrize("kind", ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
@pytest.mark.parametrize(("phase", "after_requests"), PHASES)
def test_killed_run_then_rerun_equals_an_uninterrupted_run(
    kind, phase, after_requests, tmp_path, monkeypatch, clean_tables
):
    reference = clean_tables(kind, monkeypatch)
    with emulator(SPEC) as emu, warehouse(kind, tmp_path, monkeypatch) as target:
        pipelines_dir = tmp_path / "pipelines"
        victim = _cli(emu, target, pipelines_dir)
        deadline = time.monotonic() + 120
        while victim.poll() is None and not _phase_reached(phase, emu, pipelines_dir, after_requests):
            assert time.monotonic() < deadline, "the run never reached the phase"
            time.sleep(0.002)
        victim.send_signal(signal.SIGKILL)
        assert victim.wait(timeout=30) == -signal.SIGKILL, "the run finished before it could be killed"
        # What the README says a query sees: whole windows, plus at most part of the one package
        # being loaded, its rows marked by a load id `_dlt_loads` does not list yet.
        partly = _partly_loaded(target)
        assert len(partly) <= (phase == "load"), partly

        rerun = _cli(emu, target, pipelines_dir)
        assert rerun.wait(timeout=240) == 0, rerun.stderr.read()
        assert target.snapshot() == reference
        committed = {i for (i,) in target.query("select load_id from {ds}._dlt_loads where status = 0")}
        assert partly <= committed and _partly_loaded(target) == set()  # the same package, completed


def test_a_copy_killed_after_it_committed_is_not_loaded_twice(tmp_path, monkeypatch, clean_tables):
    """The copy into staging committed, dlt had not marked it done: the resumed package copies
    those rows again, and the tables skip dlt's dedup unless the runner switches it back on."""
    reference = clean_tables("duckdb", monkeypatch)
    with emulator(SPEC) as emu, warehouse("duckdb", tmp_path, monkeypatch) as target:
        pipelines_dir = tmp_path / "pipelines"
        victim = _cli(emu, target, pipelines_dir, die_after_copy_of="transcript_sentences")
        assert victim.wait(timeout=240) == 137, victim.stderr.read()
        assert target.query("select count(*) from {ds}_staging.transcript_sentences")[0][0] > 0

        rerun = _cli(emu, target, pipelines_dir)
        assert rerun.wait(timeout=240) == 0, rerun.stderr.read()
        assert target.snapshot() == reference
