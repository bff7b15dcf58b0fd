"""The job's tuned dlt settings, shipped in code so an installed wheel runs as well as a checkout.

`apply()` adds them as dlt's lowest-precedence config provider: environment variables,
`.dlt/secrets.toml` and `.dlt/config.toml` (in the working directory or ~/.dlt) still win, key by
key, and without any of those files a run gets exactly these values. `tune_process()` sets the
allocators and the cyclic GC `gong-pipeline` runs with; `MALLOC_ARENA_MAX` and
`ARROW_DEFAULT_MEMORY_POOL` in the environment still win.
"""

from __future__ import annotations

import ctypes
import gc
import os
import platform
from typing import Any

import pyarrow as pa
from dlt.common.configuration.container import Container
from dlt.common.configuration.providers import DictionaryProvider
from dlt.common.configuration.specs.pluggable_run_context import PluggableRunContext
from dlt.common.runtime.collector import NullCollector

DEFAULTS: dict[str, Any] = {
    "runtime": {"log_level": "WARNING", "dlthub_telemetry": False},
    # Gong allows 3 requests/s, which one worker fills (the source reads ahead on its own
    # thread); more batches in flight only hold more parsed JSON in memory (docs/BENCHMARKS.md).
    "extract": {"workers": 1, "max_parallel_items": 1},
    # Rows each table's writer holds before they go to its file: at 50,000 the ~25 tables held
    # 56 MB more at the peak of a 3M-sentence window (docs/BENCHMARKS.md).
    "data_writer": {"buffer_max_items": 10_000},
    # DuckDB otherwise takes up to 80% of RAM for the merge load; beyond the limit it spills to
    # disk. One thread and no insertion order keep what it holds small; 48 MB merges a re-read
    # 12,000-call window since the merge deletes on the call id alone (gong_source/merge_sql.py)
    # and skips dlt's dedup (gong_source/tables.py), and held a 3M-sentence load 15-20 MB lower
    # than 64 MB. Four load jobs at a time: with dlt's 20 (or 8) the copies into staging of a
    # 3M-sentence window ran out of 64 MB; one at a time made every load 1.6 times as slow, four
    # 1.25 times (docs/BENCHMARKS.md).
    "destination": {
        "duckdb": {
            "credentials": {
                "global_config": {"memory_limit": "48MB", "threads": 1, "preserve_insertion_order": False}
            }
        }
    },
    "normalize": {"parquet_normalizer": {"add_dlt_load_id": True}},
    "load": {"truncate_staging_dataset": True, "workers": 4},
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


# glibc's mallopt parameters, each with the environment variable that wins over it
_MALLOPT = {"MALLOC_ARENA_MAX": (-8, 2), "MALLOC_MMAP_THRESHOLD_": (-3, 1024 * 1024)}
_LIBC = ctypes.CDLL(None) if platform.libc_ver()[0] == "glibc" else None
# The cyclic GC's thresholds (Python's are 700, 10, 10). Each full collection walks every object
# the process holds (up to 318,000 in a 3M-sentence run, most made during it, e.g. parsed pages):
# 34 of them took 5.7 s of that run. Reference counting frees rows either way (docs/BENCHMARKS.md).
_GC_THRESHOLDS = (50_000, 20, 20)


def tune_process() -> None:
    """Set the allocators (unless the environment says otherwise) and the cyclic GC's thresholds
    `gong-pipeline` runs with.

    Per-thread malloc arenas and Arrow's jemalloc pool each kept about 90 MB they had grown on a
    1M-sentence run, so arenas are capped at 2 and Arrow allocates with malloc. A fixed 1 MB mmap
    threshold returns a freed response or column buffer to the system at once (glibc's moving
    threshold kept them in the heap). Call before any worker thread starts: glibc fixes the
    arena limit when a thread first needs an arena of its own. Measured in docs/BENCHMARKS.md.
    """
    if _LIBC is not None:
        for variable, (parameter, value) in _MALLOPT.items():
            if variable not in os.environ:
                _LIBC.mallopt(parameter, value)
    if "ARROW_DEFAULT_MEMORY_POOL" not in os.environ:
        pa.set_memory_pool(pa.system_memory_pool())
    gc.set_threshold(*_GC_THRESHOLDS)


class ReturnFreedMemory(NullCollector):
    """dlt's progress hook, used to hand the heap malloc holds free back to the system as the
    normalize and load steps start: extraction leaves 60-90 MB of it, and DuckDB, which
    allocates on its own, could not reuse it (docs/BENCHMARKS.md).
    """

    def _start(self, step: str) -> None:
        if _LIBC is not None and not step.startswith("Extract"):
            _LIBC.malloc_trim(0)
