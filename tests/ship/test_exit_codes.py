"""Exit codes by cause, the --json summary, --version, and what --quiet / --log-level let through."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.metadata import version
from pathlib import Path

import duckdb
import pytest

from gong_emulator import FaultPlan
from gong_source.errors import ExitCode
from tests.ship.conftest import gong_env
from tests.support import NOW, emulator, small_spec

SPEC = small_spec(n_calls=30, sentences_per_call=3, start=NOW - timedelta(days=6))
RUN = [
    "run",
    "--skip-dbt",
    "--duckdb",
    "w.duckdb",
    "--pipelines-dir",
    "p",
    "--start-date",
    SPEC.start.isoformat(),
]


@pytest.mark.parametrize(
    ("faults", "settings", "expected", "says"),
    [
        (None, {"SOURCES__GONG__DAILY_REQUEST_BUDGET": "2"}, ExitCode.TEMPFAIL, "budget"),
        (FaultPlan(p_429=1.0, retry_after_seconds=3600), {}, ExitCode.TEMPFAIL, "quota is spent"),
        (FaultPlan(p_5xx=1.0), {"SOURCES__GONG__MAX_ATTEMPTS": "1"}, ExitCode.UNAVAILABLE, "HTTP 50"),
        (FaultPlan(p_drop=1.0), {"SOURCES__GONG__MAX_ATTEMPTS": "1"}, ExitCode.UNAVAILABLE, "dropped"),
        (None, {"SOURCES__GONG__ACCESS_KEY_SECRET": "wrong-secret-123"}, ExitCode.NOPERM, "HTTP 401"),
    ],
)
def test_exit_code_names_the_cause(cli, faults, settings, expected, says):
    with emulator(SPEC, faults=faults) as emu:
        code, out, err = cli(*RUN, "--json", **gong_env(emu, **settings))
    assert code == expected and err.count("\n") == 1 and says in err, err
    reported = json.loads(out)
    assert reported["status"] == "failed" and reported["exit_code"] == expected
    assert reported["error"] in err


class _WrongShape(BaseHTTPRequestHandler):
    """A Gong stand-in whose listing has `calls` as an object: malformed data, not an outage."""

    def do_GET(self) -> None:
        body = json.dumps({"records": {"totalRecords": 1}, "calls": {"id": "1"}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:  # the listing is POST /v2/calls/extensive
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.do_GET()

    def log_message(self, *args: object) -> None:
        pass


def test_malformed_response_exits_65(cli):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _WrongShape)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {
        "SOURCES__GONG__ACCESS_KEY": "key",
        "SOURCES__GONG__ACCESS_KEY_SECRET": "secret-value",
        "SOURCES__GONG__BASE_URL": f"http://127.0.0.1:{server.server_address[1]}",
    }
    try:
        code, _, err = cli(*RUN, "--resources", "calls", **env)
    finally:
        server.shutdown()
    assert code == ExitCode.DATA and "no 'calls' list" in err and err.count("\n") == 1, err


def test_missing_credentials_exit_78(cli):
    code, _, err = cli(*RUN)
    assert code == ExitCode.CONFIG and "SOURCES__GONG__ACCESS_KEY" in err and err.count("\n") == 1
    assert not Path("w.duckdb").exists()


def test_json_summary_is_one_object_matching_the_warehouse(cli):
    with emulator(SPEC) as emu:
        code, out, _ = cli(*RUN, "--json", **gong_env(emu))
        requests = len(emu.requests)
    assert code == ExitCode.OK and out.count("\n") == 1
    summary = json.loads(out)
    with duckdb.connect("w.duckdb", read_only=True) as con:
        counts = {
            table: con.execute(f'select count(*) from gong."{table}"').fetchone()[0]
            for (table,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'gong' "
                "and table_name not like '\\_dlt%' escape '\\'"
            ).fetchall()
        }
    assert summary["status"] == "ok" and summary["exit_code"] == 0 and summary["command"] == "run"
    assert counts["calls"] > 0 and summary["rows"] == counts
    assert summary["requests"] == requests and summary["windows_done"] == summary["windows_total"] >= 1


def test_version_is_the_installed_package_version(cli):
    code, out, _ = cli("--version")
    assert code == 0 and out.strip() == f"gong-pipeline {version('gong-elt')}"


def _run_process(emu, tmp_path: Path, *flags: str, **env: str) -> subprocess.CompletedProcess:
    """The CLI as cron runs it, so dlt's logger writes to this process's real stderr."""
    tmp_path.mkdir()
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *RUN, *flags],
        cwd=tmp_path,
        env={**os.environ, **gong_env(emu), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_log_level_reaches_dlt_and_quiet_silences_it(tmp_path):
    with emulator(SPEC) as emu:
        chatty = _run_process(emu, tmp_path / "chatty", "--log-level", "info")
        quiet = _run_process(emu, tmp_path / "quiet", "--quiet", RUNTIME__LOG_LEVEL="INFO")
    assert chatty.returncode == quiet.returncode == 0, chatty.stderr + quiet.stderr
    assert "|[INFO]|" in chatty.stderr  # dlt's own log format
    assert quiet.stderr == "" and quiet.stdout.startswith("gong-pipeline run ok")
