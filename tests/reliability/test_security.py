"""The secret never appears in output, logs, exceptions, dlt traces or the pipeline's files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from gong_emulator import FaultPlan
from gong_source.errors import ExitCode
from tests.support import emulator, small_spec

SECRET = "Zq9-very-distinctive-secret-7Hk2"


def _files_containing(root: Path, needle: bytes) -> list[str]:
    return [str(path) for path in root.rglob("*") if path.is_file() and needle in path.read_bytes()]


def _run(emu, tmp_path: Path, secret: str, *extra: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "SOURCES__GONG__ACCESS_KEY": emu.access_key,
        "SOURCES__GONG__ACCESS_KEY_SECRET": secret,
        "SOURCES__GONG__BASE_URL": emu.base_url,
        "SOURCES__GONG__RATE_LIMIT_PER_SECOND": "1000",
        "SOURCES__GONG__BACKOFF_INITIAL_SECONDS": "0.01",
        "SOURCES__GONG__MAX_ATTEMPTS": "5",
        "RUNTIME__LOG_LEVEL": "DEBUG",
    }
    args = [
        sys.executable, "-m", "pipelines.cli", "run", "--skip-dbt", "--progress",
        "--duckdb", str(tmp_path / "w.duckdb"), "--pipelines-dir", str(tmp_path / "pipelines"), *extra,
    ]  # fmt: skip
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=300, check=False)


def test_secret_stays_out_of_everything_after_runs_with_faults(tmp_path):
    faults = FaultPlan(seed=4, p_5xx=0.1, p_drop=0.05, p_truncate=0.05, p_429=0.03)
    spec = small_spec(n_calls=60)
    with emulator(spec, faults=faults, page_size=20) as emu:
        emu.access_key_secret = SECRET
        outputs = []
        for _ in range(6):
            done = _run(emu, tmp_path, SECRET, "--start-date", spec.start.isoformat())
            outputs.append(done.stdout + done.stderr)
            if done.returncode == 0:
                break
        else:
            raise AssertionError("never succeeded:\n" + outputs[-1][-2000:])
        wrong = _run(emu, tmp_path / "wrong", SECRET + "-wrong", "--start-date", spec.start.isoformat())
        outputs.append(wrong.stdout + wrong.stderr)
    assert wrong.returncode == ExitCode.NOPERM and "HTTP 401" in wrong.stderr
    assert any("DEBUG" in output or "window" in output for output in outputs)
    for output in outputs:
        assert SECRET not in output
    assert _files_containing(tmp_path, SECRET.encode()) == []
