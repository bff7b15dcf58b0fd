"""`python -m bench --profile`: a py-spy profile of one replay-backed run, summarised as top functions.

py-spy samples the pipeline process from outside 100 times a second (threads that are on a CPU
only), so a function's share of the samples is its share of the run's CPU. "Self" counts the
samples a function was the innermost Python frame (time in C code it called, such as orjson or
DuckDB, counts as its own); "total" counts the samples it was anywhere on the stack.
"""

from __future__ import annotations

import re
import shutil
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

_FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")
STEPS = {"extract": "Pipeline.extract", "normalize": "Pipeline.normalize", "load": "Pipeline.load"}


def py_spy() -> str:
    """The py-spy next to this Python (the project's venv), else the one on PATH."""
    beside = Path(sys.executable).with_name("py-spy")
    found = str(beside) if beside.exists() else shutil.which("py-spy")
    if not found:
        raise RuntimeError("--profile needs py-spy: pip install py-spy")
    return found


def record(raw_file: Path, run: Callable[[Sequence[str]], Any], top: int) -> dict[str, Any]:
    """Run `run(wrapper)` under py-spy and summarise what it sampled."""
    wrapper = [py_spy(), "record", "--format", "raw", "--rate", "100", "--nonblocking"]
    run([*wrapper, "--output", str(raw_file), "--"])
    return summarize(raw_file.read_text(), top)


def _function(frame: str) -> str:
    match = _FRAME.match(frame.strip())
    return f"{match['function']} ({match['file']})" if match else frame.strip()


def summarize(raw: str, top: int) -> dict[str, Any]:
    """Top functions by self and total share of the samples, and each dlt step's total share."""
    own: Counter[str] = Counter()
    anywhere: Counter[str] = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        functions = [_function(frame) for frame in stack.split(";")]
        total += samples
        own[functions[-1]] += samples
        for function in set(functions):
            anywhere[function] += samples
    if not total:
        raise RuntimeError("py-spy recorded no samples (is ptrace allowed here?)")
    steps = {
        step: sum(n for function, n in anywhere.items() if function.startswith(f"{name} (")) / total
        for step, name in STEPS.items()
    }
    return {
        "samples": total,
        "top": [
            {"function": function, "self": samples / total, "total": anywhere[function] / total}
            for function, samples in own.most_common(top)
        ],
        "steps": steps,
    }


def render(summary: dict[str, Any], sentences: int) -> list[str]:
    """The report's profile section: markdown lines."""
    steps = ", ".join(f"{step} {share:.0%}" for step, share in summary["steps"].items())
    lines = [
        "",
        f"## Profile: py-spy, {summary['samples']:,} samples of the {sentences:,}-sentence run",
        "",
        f"Share of samples inside each dlt step: {steps}.",
        "",
        "| function (file) | self | total |",
        "|---|---|---|",
    ]
    for entry in summary["top"]:
        lines.append(f"| `{entry['function']}` | {entry['self']:.1%} | {entry['total']:.1%} |")
    return lines
