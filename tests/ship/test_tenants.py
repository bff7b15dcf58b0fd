"""Many tenants: each reads its own section and keeps its own pipeline, dataset, budget and pacing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import psycopg2
import pytest

from pipelines import cli
from tests.support import POSTGRES_URL, emulator, require_postgres, small_spec, unique_name

ROOT = Path(__file__).resolve().parents[2]
COMMAND = (sys.executable, "-m", "pipelines.cli", "run", "--destination", "postgres", "--skip-dbt", "--quiet")
SPECS = {"acme": small_spec(seed=31, n_calls=40), "globex": small_spec(seed=32, n_calls=25)}


def _tenant_env(name: str, emu) -> dict[str, str]:
    prefix = f"SOURCES__GONG_{name.upper()}__"
    return {
        prefix + "ACCESS_KEY": emu.access_key,
        prefix + "ACCESS_KEY_SECRET": emu.access_key_secret,
        prefix + "BASE_URL": emu.base_url,
        prefix + "RATE_LIMIT_PER_SECOND": "1000",
        prefix + "START_DATE": SPECS[name].start.isoformat(),
    }


def _listed(emu) -> int:
    return len([c for c in emu.company.calls() if c.visible_at <= emu.clock.now() and not c.is_private])


def test_two_tenants_one_after_the_other_on_one_duckdb_file(tmp_path, monkeypatch, capsys):
    for key in ("ACCESS_KEY", "ACCESS_KEY_SECRET", "BEARER_TOKEN", "BASE_URL"):
        monkeypatch.delenv(f"SOURCES__GONG__{key}", raising=False)
    warehouse = tmp_path / "shared.duckdb"
    pipelines = tmp_path / "pipelines"
    with emulator(SPECS["acme"]) as acme, emulator(SPECS["globex"]) as globex:
        for name, emu in (("acme", acme), ("globex", globex)):
            for key, value in _tenant_env(name, emu).items():
                monkeypatch.setenv(key, value)
        for name in ("acme", "globex"):
            argv = ["run", "--tenant", name, "--duckdb", str(warehouse), "--pipelines-dir", str(pipelines)]
            assert cli.main([*argv, "--skip-dbt", "--quiet"]) == 0
        with duckdb.connect(str(warehouse), read_only=True) as con:
            counts = {n: con.execute(f"select count(*) from gong_{n}.calls").fetchone()[0] for n in SPECS}
        assert counts == {"acme": _listed(acme), "globex": _listed(globex)}
        # Each tenant's day budget counts only its own requests.
        for name, emu in (("acme", acme), ("globex", globex)):
            usage = json.loads((pipelines / f"gong_request_usage.gong_{name}.json").read_text())
            assert list(usage.values()) == [len(emu.requests)]
    capsys.readouterr()
    assert cli.main(["tenants", "--pipelines-dir", str(pipelines)]) == 0
    listing = capsys.readouterr().out
    assert "acme: [sources.gong_acme], pipeline gong_acme, dataset gong_acme, last run 20" in listing
    assert "globex: [sources.gong_globex]" in listing and "(default): [sources.gong]" in listing


def test_an_unknown_tenant_name_is_one_line_and_exit_78(capsys):
    assert cli.main(["run", "--tenant", "Bad-Name", "--skip-dbt"]) == 78
    error = capsys.readouterr().err.strip()
    assert "tenant 'Bad-Name'" in error and "\n" not in error


@pytest.mark.postgres
def test_two_tenants_side_by_side_on_postgres(tmp_path):
    require_postgres()
    suffix = unique_name("t")[-6:]
    names = {"acme": f"acme{suffix}", "globex": f"globex{suffix}"}
    with emulator(SPECS["acme"]) as acme, emulator(SPECS["globex"]) as globex:
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("SOURCES__GONG", "DESTINATION__"))
        } | {"DESTINATION__POSTGRES__CREDENTIALS": POSTGRES_URL, "PYTHONPATH": str(ROOT)}
        for spec_name, emu in (("acme", acme), ("globex", globex)):
            env |= {
                key.replace(f"GONG_{spec_name.upper()}", f"GONG_{names[spec_name].upper()}"): value
                for key, value in _tenant_env(spec_name, emu).items()
            }
        runs = [
            subprocess.Popen(
                [*COMMAND, "--tenant", tenant, "--pipelines-dir", str(tmp_path / "pipelines")],
                env=env,
                cwd=tmp_path,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for tenant in names.values()
        ]
        results = [run.communicate(timeout=240) for run in runs]
        assert [run.returncode for run in runs] == [0, 0], results
        try:
            with psycopg2.connect(POSTGRES_URL) as con, con.cursor() as cur:
                counts = {}
                for spec_name, tenant in names.items():
                    cur.execute(f"select count(*) from gong_{tenant}.calls")
                    counts[spec_name] = cur.fetchone()[0]
            assert counts == {"acme": _listed(acme), "globex": _listed(globex)}
        finally:
            with psycopg2.connect(POSTGRES_URL) as con, con.cursor() as cur:
                for tenant in names.values():
                    cur.execute(f"drop schema if exists gong_{tenant} cascade")
                    cur.execute(f"drop schema if exists gong_{tenant}_staging cascade")
