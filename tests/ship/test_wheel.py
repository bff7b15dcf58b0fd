"""The wheel is the product: built from the source, installed into a fresh venv, the demo runs.

The wheel is installed into a fresh venv on Python 3.11, 3.12 and 3.13 (required when CI=true;
elsewhere a Python that is missing is skipped, saying so), with uv (a dev dependency: seconds).
On 3.11, the Python `make` sets up with, the whole demo runs (load, full dbt build, report). On
3.12 and 3.13 the installed commands load the emulator's company (`gong-pipeline run
--skip-dbt`) and dbt builds one staging model over the rows that landed: the wheel installs,
loads and runs dbt on every supported Python, without repeating per Python the demo's full dbt
build (the same SQL everywhere, and about a minute of the suite's time each).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import signal
import subprocess
import sys
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[2]
DBT_PROJECT = REPO / "dbt"
GENERATED = {"target", "logs", "dbt_packages", "__pycache__", ".venv", "build", "dist", ".git"}
PYTHONS = ("3.11", "3.12", "3.13")


def _source_files(root: Path) -> list[Path]:
    """Files under `root` that are the project's own (nothing a run or a build wrote)."""
    return [
        path
        for path in root.rglob("*")
        if path.is_file()
        and not GENERATED & set(path.relative_to(root).parts)
        and not path.name.endswith((".pyc", ".duckdb", ".duckdb.wal"))
        and ".egg-info" not in str(path)
    ]


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    """Built from a copy of the source, so stale build/ output in the checkout cannot leak in."""
    source = tmp_path_factory.mktemp("source")
    for path in _source_files(REPO):
        copy = source / path.relative_to(REPO)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, copy)
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), "."],
        cwd=source,
        check=True,
        capture_output=True,
    )
    (built,) = dist.glob("gong_elt-*.whl")
    return built


def test_wheel_ships_the_whole_dbt_project_and_no_run_output(wheel):
    with zipfile.ZipFile(wheel) as archive:
        shipped = {
            name.removeprefix("gong_dbt/") for name in archive.namelist() if name.startswith("gong_dbt/")
        }
    expected = {path.relative_to(DBT_PROJECT).as_posix() for path in _source_files(DBT_PROJECT)}
    assert "dbt_project.yml" in expected and shipped == expected


def _interpreter(version: str) -> str | None:
    """A working Python `version`: pyenv's build, else one on the PATH (a pyenv shim may not run)."""
    pyenv = sorted((Path.home() / ".pyenv" / "versions").glob(f"{version}.*/bin/python"), reverse=True)
    for candidate in [*map(str, pyenv), shutil.which(f"python{version}")]:
        if (
            candidate
            and subprocess.run([candidate, "-c", ""], capture_output=True, check=False).returncode == 0
        ):
            return candidate
    return None


def _installer() -> list[str] | None:
    """uv from this venv or the PATH (fast, cached); None means plain pip."""
    beside = Path(sys.executable).parent / "uv"
    uv = str(beside) if beside.exists() else shutil.which("uv")
    return [uv, "pip", "install", "-q"] if uv else None


def _installed_wheel(wheel: Path, tmp_path: Path, python: str) -> Path:
    """A fresh venv on Python `python` with the wheel installed; returns its bin directory."""
    interpreter = _interpreter(python)
    if interpreter is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but no Python {python} (python{python} on PATH or pyenv)")
        pytest.skip(f"no Python {python} here")
    venv = tmp_path / "venv"
    subprocess.run([interpreter, "-m", "venv", str(venv)], check=True)
    installer = _installer()
    install = [*installer, "--python", str(venv / "bin" / "python")] if installer else [
        str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
    ]  # fmt: skip
    subprocess.run([*install, str(wheel)], check=True, capture_output=True, timeout=900)
    return venv / "bin"


def _clean_env(tmp_path: Path) -> dict[str, str]:
    """This environment without the caller's venv and Gong / dlt settings.

    Bytecode may be written (PYTHONDONTWRITEBYTECODE dropped): uv installs without compiling, so
    otherwise each process in the fresh venv compiles dlt and pandas from source again (seconds).
    """
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE")
        and not name.startswith(("SOURCES__", "DESTINATION__", "PIPELINE__", "GONG_"))
    }
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")  # the packaged dbt project is copied afresh
    return env


@pytest.mark.slow
def test_installed_wheel_runs_the_demo_from_an_empty_directory(wheel, tmp_path):
    bin_dir = _installed_wheel(wheel, tmp_path, PYTHONS[0])
    empty = tmp_path / "empty"
    empty.mkdir()
    demo = subprocess.run(
        [str(bin_dir / "gong-pipeline"), "demo", "--calls", "40", "--sentences", "4"],
        cwd=empty,
        env=_clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert demo.returncode == 0, demo.stdout[-2000:] + demo.stderr[-3000:]
    passed = re.search(r"PASS=(\d+)", demo.stdout)
    assert passed and int(passed.group(1)) > 0, demo.stdout[-2000:]
    marts = {path.stem for path in (DBT_PROJECT / "models" / "marts").glob("*.sql")}
    with duckdb.connect(str(empty / "gong_demo.duckdb"), read_only=True) as con:
        built = {
            name: con.execute(f"select count(*) from gong_analytics.{name}").fetchone()[0]
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'gong_analytics'"
            ).fetchall()
            if name in marts
        }
    assert set(built) == marts and built["gong__call_talk_time"] > 0
    # the warehouse and its report, nothing else left behind
    assert sorted(p.name for p in empty.iterdir()) == ["gong_demo.duckdb", "gong_demo_report.html"]


@pytest.mark.slow
@pytest.mark.parametrize("python", PYTHONS[1:])
def test_installed_wheel_loads_and_runs_dbt_on_every_python(wheel, tmp_path, python):
    bin_dir = _installed_wheel(wheel, tmp_path, python)
    work = tmp_path / "work"
    work.mkdir()
    env = _clean_env(tmp_path)
    run = functools.partial(
        subprocess.run, cwd=work, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    now = datetime.now(UTC).replace(microsecond=0)
    start, end = (now - timedelta(days=30)).isoformat(), (now - timedelta(hours=6)).isoformat()
    emulator = subprocess.Popen(
        [str(bin_dir / "gong-emulator"), "--calls", "40", "--sentences", "4", "--start", start, "--end", end],
        cwd=work,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert emulator.stdout is not None
        listening = re.search(r"listening on (\S+)", emulator.stdout.readline())
        assert listening, emulator.stderr.read() if emulator.stderr else "the emulator printed nothing"
        load = run(
            [str(bin_dir / "gong-pipeline"), "run", "--skip-dbt", "--duckdb", "warehouse.duckdb",
             "--pipelines-dir", str(tmp_path / "pipelines"), "--start-date", start],
            env={
                **env,
                "SOURCES__GONG__ACCESS_KEY": "emulator-key",
                "SOURCES__GONG__ACCESS_KEY_SECRET": "emulator-secret",
                "SOURCES__GONG__BASE_URL": listening.group(1),
                "SOURCES__GONG__RATE_LIMIT_PER_SECOND": "1000",
            },
        )  # fmt: skip
    finally:
        emulator.send_signal(signal.SIGTERM)
        emulator.communicate(timeout=30)
    assert load.returncode == 0, load.stdout[-2000:] + load.stderr[-3000:]
    # the staging model of the calls and its own data tests, not the tests that need other models
    one_model = ("build", "--select", "stg_gong__calls", "--indirect-selection", "cautious")
    build = run(
        [str(bin_dir / "python"), "-m", "pipelines.dbt_runner", *one_model],
        env={**env, "GONG_DUCKDB_PATH": str(work / "warehouse.duckdb")},
    )
    assert build.returncode == 0 and "ok" in build.stdout, build.stdout[-2000:] + build.stderr[-3000:]
    with duckdb.connect(str(work / "warehouse.duckdb"), read_only=True) as con:
        (calls,) = con.execute("select count(*) from gong.calls").fetchone()
        (modeled,) = con.execute("select count(*) from gong_analytics_staging.stg_gong__calls").fetchone()
    assert calls > 0 and modeled == calls
