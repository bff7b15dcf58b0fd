"""Emulated tenants for the benchmark, in-process or in a child process.

A child process keeps the emulator's JSON generation off the measured pipeline's GIL, so the
throughput and memory measures see only the connector's own cost.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from gong_emulator import Company, CompanySpec, GongEmulator

ACCESS_KEY = "emulator-key"
ACCESS_KEY_SECRET = "emulator-secret"
READY = "bench emulator ready "


@dataclass(frozen=True)
class Tenant:
    """What a measure needs to know about the company it loads."""

    n_calls: int
    sentences_per_call: int
    days: float = 20.0
    seed: int = 11

    @property
    def end(self) -> datetime:
        # Two days in the past: every call and transcript is visible, nothing is "late".
        today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        return today - timedelta(days=2)

    @property
    def start(self) -> datetime:
        return self.end - timedelta(days=self.days)

    def spec(self) -> CompanySpec:
        """Every call public, visible and transcribed, so the request minimum is exact."""
        return CompanySpec(
            seed=self.seed,
            n_calls=self.n_calls,
            sentences_per_call=self.sentences_per_call,
            start=self.start,
            end=self.end,
            private_share=0.0,
            late_share=0.0,
            late_transcript_share=0.0,
            no_transcript_share=0.0,
        )


def in_process(tenant: Tenant, rate_limit_per_second: float | None = None) -> GongEmulator:
    """An emulator in this process (use as a context manager); its request log is readable."""
    return GongEmulator(
        Company(tenant.spec()),
        access_key=ACCESS_KEY,
        access_key_secret=ACCESS_KEY_SECRET,
        rate_limit_per_second=rate_limit_per_second,
        burst=3,
    )


@contextmanager
def child_process(tenant: Tenant) -> Iterator[str]:
    """An emulator (limit off) in a child process; yields its base URL."""
    args = [
        sys.executable,
        "-m",
        "bench.emulator",
        "--calls",
        str(tenant.n_calls),
        "--sentences",
        str(tenant.sentences_per_call),
        "--days",
        str(tenant.days),
        "--seed",
        str(tenant.seed),
    ]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, cwd=_root())
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith(READY):
            raise RuntimeError(f"bench emulator did not start: {line!r}")
        yield line[len(READY) :].strip()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _root() -> str:
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(argv: list[str] | None = None) -> int:
    """Child-process entry: serve the tenant until SIGTERM."""
    p = argparse.ArgumentParser(prog="python -m bench.emulator")
    p.add_argument("--calls", type=int, required=True)
    p.add_argument("--sentences", type=int, required=True)
    p.add_argument("--days", type=float, default=20.0)
    p.add_argument("--seed", type=int, default=11)
    args = p.parse_args(argv)
    tenant = Tenant(args.calls, args.sentences, args.days, args.seed)
    emulator = in_process(tenant).start()
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    print(f"{READY}{emulator.base_url}", flush=True)
    try:
        stopped.wait()
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
