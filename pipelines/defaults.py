"""The job's tuned dlt settings, shipped in code so an installed wheel runs as well as a checkout.

`apply()` adds them as dlt's lowest-precedence config provider: environment variables,
`.dlt/secrets.toml` and `.dlt/config.toml` (in the working directory or ~/.dlt) still win, key by
key, and without any of those files a run gets exactly these values.
"""

from __future__ import annotations

from typing import Any

from dlt.common.configuration.container import Container
from dlt.common.configuration.providers import DictionaryProvider
from dlt.common.configuration.specs.pluggable_run_context import PluggableRunContext

DEFAULTS: dict[str, Any] = {
    "runtime": {"log_level": "WARNING", "dlthub_telemetry": False},
    # Gong allows 3 requests/s: more batches in flight only hold more parsed JSON in memory.
    "extract": {"workers": 3, "max_parallel_items": 4},
    "data_writer": {"buffer_max_items": 50_000},
    # DuckDB otherwise takes up to 80% of RAM for the merge load; beyond this it spills to disk.
    # Measured at 1M sentences: peak RSS 912 MB -> 610 MB (docs/BENCHMARKS.md).
    "destination": {"duckdb": {"credentials": {"global_config": {"memory_limit": "256MB"}}}},
    "normalize": {"parquet_normalizer": {"add_dlt_load_id": True}},
    "load": {"truncate_staging_dataset": True},
}


class _Defaults(DictionaryProvider):
    NAME = "gong-elt defaults"

    def __init__(self) -> None:
        super().__init__()
        self._config_doc = DEFAULTS


def apply() -> None:
    """Make DEFAULTS the last place dlt looks for a setting (idempotent)."""
    providers = Container()[PluggableRunContext].providers
    if _Defaults.NAME not in providers:
        providers.add_provider(_Defaults())
