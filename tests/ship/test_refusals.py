"""Issue 13's crashes and misleading messages: each bad input is one line and an exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from gong_actions.cli import main as actions_main
from gong_source.errors import ExitCode
from pipelines import demo

CREDENTIALS = {
    "SOURCES__GONG__ACCESS_KEY": "key",
    "SOURCES__GONG__ACCESS_KEY_SECRET": "secret-not-shown",
    "SOURCES__GONG__BASE_URL": "http://127.0.0.1:9",  # nothing listens: no refusal may get this far
}
LOAD = ["--duckdb", "w.duckdb", "--pipelines-dir", "p"]


def _assert_refused(code: int, err: str, *names: str) -> None:
    assert code == ExitCode.CONFIG and err.count("\n") == 1, err
    assert "Traceback" not in err and all(name in err for name in names), err
    assert "secret-not-shown" not in err
    assert not Path("w.duckdb").exists() and not Path("p").exists()


def test_demo_refuses_a_file_it_did_not_create(cli):
    warehouse = Path("warehouse.duckdb")
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create table revenue as select 42 as amount")
    before = warehouse.read_bytes()
    code, _, err = cli("demo", "--duckdb", str(warehouse))
    assert code == ExitCode.CONFIG and err.count("\n") == 1 and "not created by the demo" in err
    assert warehouse.read_bytes() == before
    Path("notes.txt").write_text("not a database")
    code, _, err = cli("demo", "--duckdb", "notes.txt")
    assert code == ExitCode.CONFIG and Path("notes.txt").read_text() == "not a database"


def test_demo_replaces_only_a_file_it_marked(tmp_path):
    own = tmp_path / "demo.duckdb"
    demo._claim(own)  # the first demo creates and marks the file
    with duckdb.connect(str(own)) as con:
        con.execute("create table leftover_of_last_demo as select 1 as x")
    demo._claim(own)  # the next one may start it afresh
    with duckdb.connect(str(own), read_only=True) as con:
        tables = {t for (t,) in con.execute("select table_name from information_schema.tables").fetchall()}
    assert tables == {demo.DEMO_MARK}


@pytest.mark.parametrize("file_name", ["config.toml", "secrets.toml"])
def test_a_broken_settings_file_is_one_line_naming_file_and_line(tmp_path, file_name):
    settings = tmp_path / ".dlt"
    settings.mkdir()
    (settings / file_name).write_text(
        '[sources.gong]\naccess_key = "fine"\nbase_url = "https://api.gong.io\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOURCES__GONG__")}
    commands = {
        "gong-pipeline": [sys.executable, "-m", "pipelines.cli", "run", *LOAD],
        "gong-actions": [sys.executable, "-m", "gong_actions.cli", "list-workspace-id-options"],
    }
    for name, argv in commands.items():
        done = subprocess.run(
            argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False
        )
        assert done.returncode == ExitCode.CONFIG, (name, done.stderr)
        message = done.stderr if name == "gong-pipeline" else json.loads(done.stdout)["error"]
        assert f".dlt/{file_name} is not valid TOML" in message and "line 3" in message, message
        assert "Traceback" not in done.stderr and done.stderr.count("\n") == (name == "gong-pipeline")
    assert not (tmp_path / "w.duckdb").exists()


@pytest.mark.parametrize("depth", [100_000, 3_000])
def test_actions_on_deeply_nested_json_answer_with_a_json_error(cli, capsys, depth):
    code = actions_main(["add-new-call", "--parties", "[" * depth + "]" * depth])
    out = json.loads(capsys.readouterr().out)
    assert code == ExitCode.DATA and out["success"] is False and out["error"].startswith("parties: ")


@pytest.mark.parametrize(
    ("argv", "names"),
    [
        (["run", "--start-date", "2024"], ["start date", "'2024' is a number"]),
        (["run", "--start-date", "1709294400"], ["start date", "is a number"]),
        (["backfill", "--start", "2024", "--end", "2025-01-01"], ["--start", "is a number"]),
        (["backfill", "--start", "2024-01-01", "--end", "1e9"], ["--end", "is a number"]),
        (["run", "--lookback-days", "nan"], ["--lookback-days", "nan"]),
        (["run", "--window-days", "inf"], ["--window-days", "inf"]),
        (["run", "--lookback-days", "1e400"], ["--lookback-days"]),
        (["run", "--window-days", "1e-9"], ["--window-days"]),
        (["run", "--lookback-days", "-1"], ["--lookback-days"]),
        (["demo", "--calls", "1e12"], ["--calls"]),
    ],
)
def test_bare_numbers_and_absurd_numbers_in_flags_are_refused(cli, argv, names):
    code, _, err = cli(*argv, *(LOAD if argv[0] != "demo" else ()), **CREDENTIALS)
    _assert_refused(code, err, *names)


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("SOURCES__GONG__START_DATE", "2024"),
        ("SOURCES__GONG__LOOKBACK_DAYS", "nan"),
        ("SOURCES__GONG__WINDOW_DAYS", "1e308"),
        ("SOURCES__GONG__RATE_LIMIT_PER_SECOND", "nan"),
        ("SOURCES__GONG__RATE_LIMIT_PER_SECOND", "inf"),
        ("SOURCES__GONG__TIMEOUT_SECONDS", "-inf"),
        ("SOURCES__GONG__MAX_RETRY_AFTER_SECONDS", "1e400"),
        ("SOURCES__GONG__DAILY_REQUEST_BUDGET", "1" + "0" * 40),
    ],
)
def test_bare_numbers_and_absurd_numbers_in_settings_are_refused(cli, setting, value):
    code, _, err = cli("run", *LOAD, **CREDENTIALS, **{setting: value})
    _assert_refused(code, err, setting)
