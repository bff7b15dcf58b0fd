"""examples/airflow imports as a DAG: per tenant, dlt's task group loads, then dbt builds.

Airflow is the optional extra `gong-elt[airflow]`, not part of the dev venv: with Airflow
importable, every dlt process probes Airflow's secrets (about 2 s each, and it writes ~/airflow).
So the test installs the extra's requirement with uv into a venv of its own, which sees the dev
venv's packages (gong-elt and its dependencies) through a .pth file, and imports the DAG there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "airflow" / "gong_dag.py"
TENANTS = ["acme", "globex"]

# Run inside the Airflow venv: import the DAG file, walk its single chain, print it as JSON.
CHAIN = """
import json, runpy, sys
dag = runpy.run_path(sys.argv[1])["gong_elt_dag"]
order = [dag.roots[0]]
while order[-1].downstream_list:
    (following,) = order[-1].downstream_list
    order.append(following)
print(json.dumps({"chain": [task.task_id for task in order], "tasks": sorted(dag.task_ids)}))
"""


@pytest.fixture(scope="module")
def airflow_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv with the `[airflow]` extra's requirement that also sees this venv's packages."""
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    venv = tmp_path_factory.mktemp("airflow") / "venv"
    uv = str(Path(sys.executable).with_name("uv"))
    subprocess.run([uv, "venv", "-q", "-p", sys.executable, str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run(
        [uv, "pip", "install", "-q", "--python", str(python), *extra["airflow"]],
        check=True,
        capture_output=True,
        timeout=600,
    )
    own = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(own, "gong_dev_venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n" + str(ROOT) + "\n")
    return python


def test_dag_chains_each_tenant_load_then_its_dbt_build(airflow_python: Path, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(tmp_path / "airflow"),
        "PROVIDERS__ENABLE_AIRFLOW_SECRETS": "false",  # no Airflow metadata DB in a test
        "GONG_TENANTS": ",".join(TENANTS),
        "SOURCES__GONG__ACCESS_KEY": "key",
        "SOURCES__GONG__ACCESS_KEY_SECRET": "secret-value",
        "GONG_DUCKDB_PATH": str(tmp_path / "warehouse.duckdb"),
    }
    done = subprocess.run(
        [str(airflow_python), "-c", CHAIN, str(EXAMPLE)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    dag = json.loads(done.stdout.strip().splitlines()[-1])
    chain = dag["chain"]
    groups = [task_id.split(".")[0] for task_id in chain]
    assert [task_id for task_id in chain if task_id.endswith("_dbt")] == [f"gong_{t}_dbt" for t in TENANTS]
    assert groups == sorted(
        groups, key=lambda group: TENANTS.index(group.removeprefix("gong_").removesuffix("_dbt"))
    )
    assert {task_id.split(".")[-1] for task_id in chain if "." in task_id} >= {
        "gong_users",
        "gong_workspaces",
    }
    assert len(dag["tasks"]) == len(chain)  # one chain: tenants never write DuckDB at once
