"""Shared emulator fixtures: one read-only populated tenant per session, fresh ones on demand.

Tests that mutate (uploads, deletions, clock moves, faults, limits) must use ``make_emulator``
so the session tenant stays identical for every other test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from gong_emulator import Clock, Company, CompanySpec, GongEmulator

AUTH = ("emulator-key", "emulator-secret")
START = datetime(2025, 3, 1, tzinfo=UTC)  # the window spans the 2025-03-09 DST switch (-08:00 -> -07:00)
END = datetime(2025, 5, 1, tzinfo=UTC)
AFTER = datetime(2025, 7, 1, tzinfo=UTC)  # later than every visibility lag: everything is visible
SPEC = CompanySpec(seed=3, n_calls=250, sentences_per_call=30, start=START, end=END)


@pytest.fixture(scope="session")
def company() -> Company:
    """Read-only populated tenant (do not upload to it or delete from it)."""
    return Company(SPEC)


@pytest.fixture(scope="session")
def emulator(company: Company) -> Iterator[GongEmulator]:
    with GongEmulator(company, clock=Clock(AFTER)) as emu:
        yield emu


@pytest.fixture
def client(emulator: GongEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.base_url, auth=AUTH, timeout=30) as c:
        yield c


@pytest.fixture
def make_emulator() -> Iterator[Callable[..., tuple[GongEmulator, httpx.Client]]]:
    """Factory: ``emu, client = make_emulator(spec=..., clock_at=..., **GongEmulator kwargs)``."""
    started: list[tuple[GongEmulator, httpx.Client]] = []

    def factory(
        spec: CompanySpec | None = None, clock_at: datetime = AFTER, timeout: float = 30, **kwargs: Any
    ) -> tuple[GongEmulator, httpx.Client]:
        kwargs.setdefault("clock", Clock(clock_at))
        emu = GongEmulator(Company(spec or SPEC), **kwargs).start()
        http = httpx.Client(base_url=emu.base_url, auth=AUTH, timeout=timeout)
        started.append((emu, http))
        return emu, http

    yield factory
    for emu, http in started:
        http.close()
        emu.stop()
