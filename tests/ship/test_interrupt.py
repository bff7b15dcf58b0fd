"""Ctrl-C (SIGINT) in extract, normalize, load or dbt of a real run exits 130 with one line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import psutil
import pytest

from gong_source.errors import ExitCode
from tests.ship.conftest import gong_env
from tests.support import NOW, emulator, small_spec

SPEC = small_spec(seed=5, n_calls=90, sentences_per_call=6, start=NOW - timedelta(days=12))


def _start(emu, tmp_path: Path, *flags: str) -> subprocess.Popen:
    argv = [
        sys.executable, "-m", "pipelines.cli", "run", "--duckdb", str(tmp_path / "w.duckdb"),
        "--pipelines-dir", str(tmp_path / "p"), "--start-date", SPEC.start.isoformat(), "--window-days", "3",
        *flags,
    ]  # fmt: skip
    env = {**os.environ, **gong_env(emu)}
    return subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _running_dbt(process: subprocess.Popen) -> bool:
    try:
        return any("dbt" in " ".join(child.cmdline()) for child in psutil.Process(process.pid).children())
    except psutil.Error:
        return False


def _files_in(folder: Path) -> bool:
    return folder.exists() and any(folder.iterdir())


PHASES = {
    "extract": lambda emu, work, process: len(emu.requests) >= 5,
    "normalize": lambda emu, work, process: _files_in(work / "p" / "gong" / "normalize" / "extracted"),
    "load": lambda emu, work, process: _files_in(work / "p" / "gong" / "load" / "normalized"),
    "dbt": lambda emu, work, process: _running_dbt(process),
}


@pytest.mark.parametrize("phase", PHASES)
def test_ctrl_c_exits_130_in_one_line(tmp_path, phase):
    flags = () if phase == "dbt" else ("--skip-dbt",)
    with emulator(SPEC) as emu:
        victim = _start(emu, tmp_path, *flags)
        deadline = time.monotonic() + 120
        while victim.poll() is None and not PHASES[phase](emu, tmp_path, victim):
            assert time.monotonic() < deadline, "the run never reached the phase"
            time.sleep(0.002)
        victim.send_signal(signal.SIGINT)
        out, err = victim.communicate(timeout=120)
        assert victim.returncode == ExitCode.INTERRUPTED, (victim.returncode, err[-3000:])
        assert err == "gong-pipeline run failed: interrupted; committed windows are kept, re-run to resume\n"
        assert out == ""
