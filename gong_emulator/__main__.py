"""``python -m gong_emulator`` / ``gong-emulator``: serve a synthetic tenant until Ctrl-C.

By default the calls span the last ``--days`` days up to now, so a demo pipeline with a recent
start date finds data, and the newest calls become visible while the emulator runs.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from gong_emulator.company import Company
from gong_emulator.faults import FaultPlan
from gong_emulator.model import CompanySpec
from gong_emulator.server import GongEmulator

_FAULTS = ("5xx", "429", "slow", "drop", "truncate", "expire-cursor", "delete-between-pages")


def _instant(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def build_parser() -> argparse.ArgumentParser:
    """Options whose ``dest`` is ``<target>.<keyword>`` feed that keyword of CompanySpec
    (``spec``), FaultPlan (``faults``) or GongEmulator (``emulator``)."""
    p = argparse.ArgumentParser(prog="gong-emulator", description=__doc__.splitlines()[0])

    def option(flag: str, dest: str, **kwargs: Any) -> None:
        p.add_argument(flag, dest=dest, metavar=flag.lstrip("-").upper().replace("-", "_"), **kwargs)

    option("--host", "emulator.host", default="127.0.0.1")
    option("--port", "emulator.port", type=int, default=0, help="0 picks a free port (default)")
    option("--seed", "spec.seed", type=int, default=1)
    option("--calls", "spec.n_calls", type=int, default=500, help="number of calls (default 500)")
    option("--sentences", "spec.sentences_per_call", type=int, default=40, help="sentences per call")
    option("--users", "spec.n_users", type=int, default=12)
    option("--workspaces", "spec.n_workspaces", type=int, default=2)
    option("--accounts", "spec.n_accounts", type=int, default=15)
    option("--days", "days", type=float, default=30, help="calls span this many days before --end")
    option("--start", "start", type=_instant, help="ISO start of the call window (overrides --days)")
    option("--end", "end", type=_instant, help="ISO end of the call window (default: now)")
    option("--time-zone", "spec.time_zone", default="America/Los_Angeles")
    option("--page-size", "emulator.page_size", type=int, default=100)
    option(
        "--rate-limit",
        "emulator.rate_limit_per_second",
        type=float,
        help="requests per second (default: off)",
    )
    option("--burst", "emulator.burst", type=int, default=3)
    option("--daily-quota", "emulator.daily_quota", type=int)
    option("--cursor-ttl", "emulator.cursor_ttl_seconds", type=float, default=3600)
    option("--upload-lag", "emulator.upload_visibility_lag_seconds", type=float, default=0, help="seconds")
    option("--access-key", "emulator.access_key", default="emulator-key")
    option("--access-key-secret", "emulator.access_key_secret", default="emulator-secret")
    option("--token", "token", action="append", help="accepted Bearer token (repeatable)")
    option("--fault-seed", "faults.seed", type=int, default=0)
    for name in _FAULTS:
        dest = f"faults.p_{name.replace('-', '_')}"
        option(f"--p-{name}", dest, type=float, default=0.0, help=f"probability of a {name} fault")
    option("--slow-seconds", "faults.slow_seconds", type=float, default=2.0)
    option("--retry-after", "faults.retry_after_seconds", type=int, default=1, help="of injected 429s")
    p.add_argument("--verbose", dest="emulator.log_requests", action="store_true", help="log every request")
    return p


def _keywords(args: argparse.Namespace, target: str) -> dict[str, Any]:
    prefix = f"{target}."
    return {k.removeprefix(prefix): v for k, v in vars(args).items() if k.startswith(prefix)}


def main(argv: list[str] | None = None) -> int:
    """Console entry point: print the base URL and credentials, then serve until interrupted."""
    args = build_parser().parse_args(argv)
    end = args.end or datetime.now(UTC).replace(microsecond=0)
    start = args.start or end - timedelta(days=args.days)
    spec = CompanySpec(start=start, end=end, **_keywords(args, "spec"))
    faults = FaultPlan(**_keywords(args, "faults"))
    tokens = tuple(args.token or ("emulator-token",))
    options = _keywords(args, "emulator")
    emulator = GongEmulator(Company(spec), faults=faults, bearer_tokens=tokens, **options).start()
    print(f"Gong emulator listening on {emulator.base_url}", flush=True)
    print(f"  base URL:          {emulator.base_url}")
    print(f"  access key:        {emulator.access_key}")
    print(f"  access key secret: {emulator.access_key_secret}")
    print(f"  bearer token(s):   {', '.join(tokens)}")
    print(f"  calls: {spec.n_calls} x {spec.sentences_per_call} sentences")
    print(f"  started within:    {start.isoformat()} .. {end.isoformat()}")
    print("Press Ctrl-C to stop.", flush=True)
    stopped = threading.Event()
    # SIGINT too, not left to Python: a process started by one that ignores SIGINT (a background
    # job, a test runner's worker) inherits the ignoring, and Ctrl-C would never stop it.
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, lambda *_: stopped.set())
    try:
        while not stopped.wait(0.5):
            pass
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
