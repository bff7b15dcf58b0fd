"""examples/airflow imports as a DAG: per tenant, dlt's task group loads, then dbt builds.

Airflow is an optional extra of gong-elt (`gong-elt[airflow]`, part of the dev extras), not a
dependency of the connector: it pins much of its own stack.
"""

from __future__ import annotations

import runpy
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "airflow" / "gong_dag.py"
TENANTS = ["acme", "globex"]


def test_dag_chains_each_tenant_load_then_its_dbt_build(monkeypatch, tmp_path):
    monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path / "airflow"))
    monkeypatch.setenv("PROVIDERS__ENABLE_AIRFLOW_SECRETS", "false")  # no Airflow metadata DB in a test
    monkeypatch.setenv("GONG_TENANTS", ",".join(TENANTS))
    monkeypatch.setenv("SOURCES__GONG__ACCESS_KEY", "key")
    monkeypatch.setenv("SOURCES__GONG__ACCESS_KEY_SECRET", "secret-value")
    dag = runpy.run_path(str(EXAMPLE))["gong_elt_dag"]
    order = [dag.roots[0]]
    while order[-1].downstream_list:
        (following,) = order[-1].downstream_list
        order.append(following)
    groups = [task.task_id.split(".")[0] for task in order]
    assert [task.task_id for task in order if task.task_id.endswith("_dbt")] == [
        f"gong_{t}_dbt" for t in TENANTS
    ]
    assert groups == sorted(
        groups, key=lambda group: TENANTS.index(group.removeprefix("gong_").removesuffix("_dbt"))
    )
    assert {task.task_id.split(".")[-1] for task in order if "." in task.task_id} >= {
        "gong_users",
        "gong_workspaces",
    }
    assert len(dag.task_ids) == len(order)  # one chain: tenants never write DuckDB at once
