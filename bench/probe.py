"""Run `gong-pipeline` and, as it exits, write what it cost to a JSON file ($BENCH_PROBE_FILE).

Written: peak RSS (the process's own VmHWM: `wait4`'s `ru_maxrss` cannot be used, Linux carries a
forking parent's high-water mark over fork and exec), user and system CPU seconds of all its
threads and of any child it waited for, wall seconds, and the CPU and wall seconds spent inside
each dlt step (`Pipeline.extract`, `.normalize`, `.load`), whatever engine calls them and however
many windows it runs.

    BENCH_PROBE_FILE=out.json python -m bench.probe run --skip-dbt
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import resource
import runpy
import sys
import time
from collections.abc import Callable
from typing import Any

STEPS = ("extract", "normalize", "load")


def _timed(spent: dict[str, float], step: str, method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def timed(self: Any, *args: Any, **kwargs: Any) -> Any:
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            return method(self, *args, **kwargs)
        finally:
            spent[f"{step}_cpu"] += time.process_time() - cpu
            spent[f"{step}_wall"] += time.perf_counter() - wall

    return timed


def _write(path: str, spent: dict[str, float], started: float) -> None:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    with open("/proc/self/status") as status:
        peak_kib = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    facts = {
        "peak_rss_mb": peak_kib / 1024,
        "cpu_seconds": sum(u.ru_utime + u.ru_stime for u in (own, children)),
        "wall_seconds": time.perf_counter() - started,
        "steps": spent,
    }
    with open(path, "w") as out:
        json.dump(facts, out)


if __name__ == "__main__":
    started = time.perf_counter()
    import dlt

    spent = {f"{step}_{kind}": 0.0 for step in STEPS for kind in ("cpu", "wall")}
    for step in STEPS:
        setattr(dlt.Pipeline, step, _timed(spent, step, getattr(dlt.Pipeline, step)))
    atexit.register(_write, os.environ["BENCH_PROBE_FILE"], spent, started)
    sys.argv = ["gong-pipeline", *sys.argv[1:]]
    runpy.run_module("pipelines.cli", run_name="__main__", alter_sys=True)
