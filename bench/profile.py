"""`python -m bench --profile`: a py-spy profile of one replay-backed run, summarised as top functions.

py-spy samples the pipeline process from outside 100 times a second (threads that are on a CPU
only), so a function's share of the samples is its share of the run's CPU. "Self" counts the
samples a function was the innermost Python frame (time in C code it called, such as orjson or
DuckDB, counts as its own); "total" counts the samples it was anywhere on the stack. Each package's
share sums the self samples of its files. (Steps are not read from the stacks: dlt runs them in
worker threads whose stacks do not show `Pipeline.extract`; `bench.probe` times them instead.)
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


def _function(frame: str) -> tuple[str, str]:
    """`name (file)` and the package it belongs to (a file's first folder; plain modules: python)."""
    match = _FRAME.match(frame.strip())
    if not match:
        return frame.strip(), "python"
    folder, _, rest = match["file"].partition("/")
    return f"{match['function']} ({match['file']})", folder if rest and not folder.startswith(
        "<"
    ) else "python"


def summarize(raw: str, top: int) -> dict[str, Any]:
    """Top functions by self and total share of the samples, and each package's self share."""
    own: Counter[str] = Counter()
    anywhere: Counter[str] = Counter()
    packages: Counter[str] = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        frames = [_function(frame) for frame in stack.split(";")]
        total += samples
        own[frames[-1][0]] += samples
        packages[frames[-1][1]] += samples
        for function in {name for name, _ in frames}:
            anywhere[function] += samples
    if not total:
        raise RuntimeError("py-spy recorded no samples (is ptrace allowed here?)")
    return {
        "samples": total,
        "top": [
            {"function": function, "self": samples / total, "total": anywhere[function] / total}
            for function, samples in own.most_common(top)
        ],
        "packages": {package: samples / total for package, samples in packages.most_common()},
    }


def render(summary: dict[str, Any], sentences: int) -> list[str]:
    """The report's profile section: markdown lines."""
    packages = ", ".join(
        f"{package} {share:.0%}" for package, share in summary["packages"].items() if share >= 0.01
    )
    lines = [
        "",
        f"## Profile: py-spy, {summary['samples']:,} samples of the {sentences:,}-sentence run",
        "",
        f"Self samples by package (1% and more): {packages}.",
        "",
        "| function (file) | self | total |",
        "|---|---|---|",
    ]
    for entry in summary["top"]:
        lines.append(f"| `{entry['function']}` | {entry['self']:.1%} | {entry['total']:.1%} |")
    return lines
