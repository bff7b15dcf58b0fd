"""The job's tuned dlt settings, shipped in code so an installed wheel runs as well as a checkout.

`apply()` adds them as dlt's lowest-precedence config provider: environment variables,
`.dlt/secrets.toml` and `.dlt/config.toml` (in the working directory or ~/.dlt) still win, key by
key, and without any of those files a run gets exactly these values. `tune_process()` sets the
allocators `gong-pipeline` runs with; `MALLOC_ARENA_MAX` and `ARROW_DEFAULT_MEMORY_POOL` in the
environment still win.
"""

from __future__ import annotations

import ctypes
import os
import platform
from typing import Any

import pyarrow as pa
from dlt.common.configuration.container import Container
from dlt.common.configuration.providers import DictionaryProvider
from dlt.common.configuration.specs.pluggable_run_context import PluggableRunContext

DEFAULTS: dict[str, Any] = {
    "runtime": {"log_level": "WARNING", "dlthub_telemetry": False},
    # Gong allows 3 requests/s, which one worker fills (the source reads ahead on its own
    # thread); more batches in flight only hold more parsed JSON in memory (docs/BENCHMARKS.md).
    "extract": {"workers": 1, "max_parallel_items": 1},
    "data_writer": {"buffer_max_items": 50_000},
    # DuckDB otherwise takes up to 80% of RAM for the merge load; beyond the limit it spills to
    # disk. One thread and no insertion order keep what it holds small. 64 MB loaded a 3M-sentence
    # first load (an append) but ran out of memory merging a re-read 12,000-call window, so the
    # limit stays at 256 MB (docs/BENCHMARKS.md).
    "destination": {
        "duckdb": {
            "credentials": {
                "global_config": {"memory_limit": "256MB", "threads": 1, "preserve_insertion_order": False}
            }
        }
    },
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


M_ARENA_MAX = -8  # glibc's mallopt parameter behind MALLOC_ARENA_MAX


def tune_process() -> None:
    """Cap glibc's malloc arenas at 2 and let Arrow allocate with malloc, unless the environment
    says otherwise: per-thread arenas and Arrow's jemalloc pool each kept about 90 MB they had
    grown on a 1M-sentence run (docs/BENCHMARKS.md). Call before any worker thread starts: glibc
    fixes the arena limit when a thread first needs an arena of its own.
    """
    if "MALLOC_ARENA_MAX" not in os.environ and platform.libc_ver()[0] == "glibc":
        ctypes.CDLL(None).mallopt(M_ARENA_MAX, 2)
    if "ARROW_DEFAULT_MEMORY_POOL" not in os.environ:
        pa.set_memory_pool(pa.system_memory_pool())
