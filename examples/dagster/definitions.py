"""Dagster: the Gong source as dagster-dlt assets and the dbt package as dagster-dbt assets.

Each tenant is a static partition. Tenant NAME reads its settings from `[sources.gong_NAME]`
(or `SOURCES__GONG_NAME__*`), loads pipeline `gong_NAME` into dataset `gong_NAME`, and dbt
builds its marts in `gong_NAME_analytics`, so tenants never share state or tables.

    pip install 'gong-elt[dagster]'
    GONG_TENANTS=acme,globex dagster dev -f examples/dagster/definitions.py

Settings: GONG_TENANTS (comma list, default `default`), GONG_DUCKDB_PATH (the warehouse file,
default gong_warehouse.duckdb). The source is self-incremental: each materialization of a
partition continues from that tenant's last committed window.
"""

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import dagster as dg
import dlt
from dagster import AssetExecutionContext
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets
from dagster_dlt import DagsterDltResource, DagsterDltTranslator, dlt_assets
from dagster_dlt.translator import DltResourceTranslatorData
from dlt.extract.source import DltSource

from gong_source import gong_source
from pipelines import defaults
from pipelines.dbt_project import dbt_project_dir
from pipelines.dbt_runner import dataset_schema, run_dbt

TENANTS = dg.StaticPartitionsDefinition(
    [name.strip() for name in os.environ.get("GONG_TENANTS", "default").split(",") if name.strip()]
)
WAREHOUSE = Path(os.environ.get("GONG_DUCKDB_PATH", "gong_warehouse.duckdb")).resolve()


def tenant_name(tenant: str) -> str:
    """`gong_NAME`: the config section, pipeline and dataset of a tenant."""
    return f"gong_{tenant}"


def tenant_source(tenant: str) -> DltSource:
    return gong_source.clone(section=tenant_name(tenant))()


def tenant_pipeline(tenant: str) -> dlt.Pipeline:
    defaults.apply()
    return dlt.pipeline(
        pipeline_name=tenant_name(tenant),
        destination=dlt.destinations.duckdb(str(WAREHOUSE)),
        dataset_name=tenant_name(tenant),
    )


class _GongTables(DagsterDltTranslator):
    """Asset keys `gong/<resource>`, the keys dagster-dbt gives the dbt `gong` source's tables, so
    marts depend on the loads (the tables the call_details resource also writes, such as
    call_topics, show as source assets of their own)."""

    def get_asset_spec(self, data: DltResourceTranslatorData) -> dg.AssetSpec:
        spec = super().get_asset_spec(data)
        return spec.replace_attributes(key=dg.AssetKey(["gong", data.resource.name]), deps=[])


@dlt_assets(
    dlt_source=tenant_source(TENANTS.get_partition_keys()[0]),
    dlt_pipeline=tenant_pipeline(TENANTS.get_partition_keys()[0]),
    name="gong",
    group_name="gong_raw",
    partitions_def=TENANTS,
    dagster_dlt_translator=_GongTables(),
)
def gong_raw_tables(context: AssetExecutionContext, dlt: DagsterDltResource) -> Iterator[Any]:
    tenant = context.partition_key
    yield from dlt.run(
        context=context, dlt_source=tenant_source(tenant), dlt_pipeline=tenant_pipeline(tenant)
    )


# dbt-core installs its `dbt` command next to this interpreter, which need not be on the PATH.
DBT = str(Path(sys.executable).with_name("dbt"))
GONG_DBT = DbtProject(project_dir=dbt_project_dir(), target_path=dbt_project_dir() / "target" / "dagster")
# dbt parse writes the manifest the assets below are made from.
parsed = run_dbt(("parse",), target="duckdb", raw_schema="gong", target_path=GONG_DBT.target_path)
if not parsed.success:
    raise RuntimeError(f"dbt parse failed: {parsed.message}")


@dbt_assets(
    manifest=GONG_DBT.manifest_path,
    project=GONG_DBT,
    partitions_def=TENANTS,
)
def gong_marts(context: AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    tenant = context.partition_key
    # The dbt var gong_schema names the raw schema and, with a suffix, the marts' schema.
    raw = json.dumps({"gong_schema": dataset_schema(tenant_name(tenant))})
    with mock.patch.dict(os.environ, {"GONG_DUCKDB_PATH": str(WAREHOUSE)}):
        yield from dbt.cli(["build", "--vars", raw], context=context).stream()


defs = dg.Definitions(
    assets=[gong_raw_tables, gong_marts],
    resources={
        "dlt": DagsterDltResource(),
        "dbt": DbtCliResource(
            project_dir=GONG_DBT, profiles_dir=str(GONG_DBT.project_dir), dbt_executable=DBT
        ),
    },
)
