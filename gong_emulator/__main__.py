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

from gong_emulator.company import Company, CompanySpec
from gong_emulator.faults import FaultPlan
from gong_emulator.server import GongEmulator


def _instant(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gong-emulator", description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port (default)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--calls", type=int, default=500, help="number of calls (default 500)")
    p.add_argument("--sentences", type=int, default=40, help="sentences per call (default 40)")
    p.add_argument("--users", type=int, default=12)
    p.add_argument("--workspaces", type=int, default=2)
    p.add_argument("--accounts", type=int, default=15)
    p.add_argument("--days", type=float, default=30, help="calls span this many days before --end")
    p.add_argument("--start", type=_instant, help="ISO start of the call window (overrides --days)")
    p.add_argument("--end", type=_instant, help="ISO end of the call window (default: now)")
    p.add_argument("--time-zone", default="America/Los_Angeles")
    p.add_argument("--page-size", type=int, default=100)
    p.add_argument("--rate-limit", type=float, default=None, help="requests per second (default: off)")
    p.add_argument("--burst", type=int, default=3)
    p.add_argument("--daily-quota", type=int, default=None)
    p.add_argument("--cursor-ttl", type=float, default=3600)
    p.add_argument("--upload-lag", type=float, default=0, help="seconds before an upload is visible")
    p.add_argument("--access-key", default="emulator-key")
    p.add_argument("--access-key-secret", default="emulator-secret")
    p.add_argument("--token", action="append", help="accepted Bearer token (repeatable)")
    p.add_argument("--fault-seed", type=int, default=0)
    for name in ("5xx", "429", "slow", "drop", "truncate", "expire-cursor", "delete-between-pages"):
        p.add_argument(f"--p-{name}", type=float, default=0.0, help=f"probability of a {name} fault")
    p.add_argument("--slow-seconds", type=float, default=2.0)
    p.add_argument("--retry-after", type=int, default=1, help="Retry-After of injected 429s")
    p.add_argument("--verbose", action="store_true", help="log every request to stderr")
    return p


def main(argv: list[str] | None = None) -> int:
    """Console entry point: print the base URL and credentials, then serve until interrupted."""
    args = build_parser().parse_args(argv)
    end = args.end or datetime.now(UTC).replace(microsecond=0)
    start = args.start or end - timedelta(days=args.days)
    spec = CompanySpec(
        seed=args.seed,
        n_calls=args.calls,
        sentences_per_call=args.sentences,
        start=start,
        end=end,
        time_zone=args.time_zone,
        n_users=args.users,
        n_workspaces=args.workspaces,
        n_accounts=args.accounts,
    )
    faults = FaultPlan(
        seed=args.fault_seed,
        p_5xx=args.p_5xx,
        p_429=args.p_429,
        retry_after_seconds=args.retry_after,
        p_slow=args.p_slow,
        slow_seconds=args.slow_seconds,
        p_drop=args.p_drop,
        p_truncate=args.p_truncate,
        p_expire_cursor=args.p_expire_cursor,
        p_delete_between_pages=args.p_delete_between_pages,
    )
    tokens = tuple(args.token or ("emulator-token",))
    emulator = GongEmulator(
        Company(spec),
        access_key=args.access_key,
        access_key_secret=args.access_key_secret,
        bearer_tokens=tokens,
        rate_limit_per_second=args.rate_limit,
        burst=args.burst,
        daily_quota=args.daily_quota,
        page_size=args.page_size,
        cursor_ttl_seconds=args.cursor_ttl,
        faults=faults,
        upload_visibility_lag_seconds=args.upload_lag,
        host=args.host,
        port=args.port,
        log_requests=args.verbose,
    ).start()
    print(f"Gong emulator listening on {emulator.base_url}", flush=True)
    print(f"  base URL:          {emulator.base_url}")
    print(f"  access key:        {args.access_key}")
    print(f"  access key secret: {args.access_key_secret}")
    print(f"  bearer token(s):   {', '.join(tokens)}")
    print(f"  calls: {spec.n_calls} x {spec.sentences_per_call} sentences")
    print(f"  started within:    {start.isoformat()} .. {end.isoformat()}")
    print("Press Ctrl-C to stop.", flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        while not stopped.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
