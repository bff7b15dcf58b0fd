"""Run `gong-pipeline` and write its own peak RSS (VmHWM) to a file as it exits.

`ru_maxrss` from `wait4` cannot be used: Linux carries the forking parent's high-water mark
over fork and exec, so a child of a large bench process reports the parent's size.
VmHWM belongs to the child's own address space, which exec creates fresh.
"""

from __future__ import annotations

import atexit
import os
import runpy
import sys


def _write_peak(path: str) -> None:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                with open(path, "w") as out:
                    out.write(line.split()[1])  # KiB


if __name__ == "__main__":
    atexit.register(_write_peak, os.environ["BENCH_PEAK_RSS_FILE"])
    sys.argv = ["gong-pipeline", *sys.argv[1:]]
    runpy.run_module("pipelines.cli", run_name="__main__", alter_sys=True)
