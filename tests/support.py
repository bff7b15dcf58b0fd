"""Shared test helpers: a generated company behind the emulator, a client for it, warehouses."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from gong_emulator import Company, CompanySpec, GongEmulator
from gong_source import GongClient, GongConfig, RateLimiter

NOW = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
POSTGRES_URL = os.environ.get("GONG_TEST_POSTGRES", "postgresql://postgres:trust@127.0.0.1:5432/test")


def small_spec(**overrides: Any) -> CompanySpec:
    """A company small enough for a test, big enough for several pages and every edge case."""
    values: dict[str, Any] = {
        "seed": 11,
        "n_calls": 240,
        "sentences_per_call": 12,
        "start": NOW - timedelta(days=20),
        "end": NOW - timedelta(hours=12),
    }
    values.update(overrides)
    return CompanySpec(**values)


@contextmanager
def emulator(spec: CompanySpec | None = None, **options: Any) -> Iterator[GongEmulator]:
    with GongEmulator(Company(spec or small_spec()), **options) as emu:
        yield emu


def config_for(emu: GongEmulator, **overrides: Any) -> GongConfig:
    values: dict[str, Any] = {
        "access_key": emu.access_key,
        "access_key_secret": emu.access_key_secret,
        "base_url": emu.base_url,
        "rate_limit_per_second": 1000.0,
        "max_attempts": 4,
    }
    values.update(overrides)
    return GongConfig(**values)


class RecordedSleep:
    """Stands in for time.sleep: records each wait instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def client_for(emu: GongEmulator, sleep: Any = None, **overrides: Any) -> GongClient:
    """A client with its own limiter, so tests never share pacing with each other."""
    config = config_for(emu, **overrides)
    return GongClient(
        config,
        limiter=RateLimiter(config.rate_limit_per_second),
        sleep=sleep or RecordedSleep(),
    )


def postgres_available() -> bool:
    import psycopg2

    try:
        psycopg2.connect(POSTGRES_URL, connect_timeout=3).close()
    except psycopg2.Error:
        return False
    return True


def require_postgres() -> None:
    """Postgres tests run whenever a server answers, and must run when CI=true."""
    if postgres_available():
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but PostgreSQL at {POSTGRES_URL} is unreachable; start it and re-run")
    pytest.skip(f"PostgreSQL at {POSTGRES_URL} is unreachable (set GONG_TEST_POSTGRES or start the server)")


def unique_name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"
