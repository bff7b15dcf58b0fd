"""Airflow: one task group per tenant with dlt's PipelineTasksGroup, then dbt for that tenant.

Tenant NAME reads `[sources.gong_NAME]` (or `SOURCES__GONG_NAME__*`), loads pipeline and dataset
`gong_NAME`, and dbt builds its marts in `gong_NAME_analytics`. Copy this file into the DAGs
folder of an Airflow that has `gong-elt` installed; secrets go in the workers' environment (or
an Airflow secrets backend that dlt reads, see dlt's Airflow guide).

Settings: GONG_TENANTS (comma list, default `default`), GONG_DUCKDB_PATH (the warehouse file).
DuckDB allows one writer: tenants run one after the other, and `max_active_runs=1`.
"""

from __future__ import annotations

import os
from pathlib import Path

import dlt
import pendulum
from airflow.sdk import dag, task
from dlt.helpers.airflow_helper import PipelineTasksGroup

from gong_source import gong_source
from pipelines import defaults
from pipelines.dbt_runner import run_dbt

TENANTS = [name.strip() for name in os.environ.get("GONG_TENANTS", "default").split(",") if name.strip()]
WAREHOUSE = Path(os.environ.get("GONG_DUCKDB_PATH", "gong_warehouse.duckdb")).resolve()


@task
def build_marts(tenant: str) -> str:
    """dbt build on the tenant's raw dataset; a failed test fails the task."""
    name = f"gong_{tenant}"
    env = {"GONG_DUCKDB_PATH": str(WAREHOUSE)}
    result = run_dbt(("build",), target="duckdb", raw_schema=name, env=env)
    if not result.success:
        raise RuntimeError(result.message)
    return result.message


@dag(
    schedule="@hourly",
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["gong"],
)
def gong_elt() -> None:
    defaults.apply()
    previous = None
    for tenant in TENANTS:
        name = f"gong_{tenant}"
        # wipe_local_data=False keeps the pipeline's working dir: the day's request count lives there.
        load = PipelineTasksGroup(name, use_data_folder=False, wipe_local_data=False)
        pipeline = dlt.pipeline(
            pipeline_name=name, destination=dlt.destinations.duckdb(str(WAREHOUSE)), dataset_name=name
        )
        # "serialize" keeps each transformer with its parent, so no endpoint is read twice.
        tasks = load.add_run(pipeline, gong_source.clone(section=name)(), decompose="serialize", retries=0)
        marts = build_marts.override(task_id=f"{name}_dbt")(tenant)
        tasks[-1] >> marts
        if previous is not None:
            previous >> tasks[0]
        previous = marts


gong_elt_dag = gong_elt()
