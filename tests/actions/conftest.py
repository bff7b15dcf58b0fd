"""Fixtures for the action tests: a read-only tenant shared by the module, fresh ones on demand.

Every client here has its own fast limiter and a sleep that only records, so retries and
Retry-After never slow the suite down. Tests that upload, move the clock or inject faults use
`make_emulator`, so the shared tenant stays identical for everyone else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from gong_emulator import Clock, Company, CompanySpec, GeneratedCall, GongEmulator
from gong_source.client import GongClient
from tests import support

START = datetime(2025, 3, 1, tzinfo=UTC)
END = datetime(2025, 5, 1, tzinfo=UTC)
AFTER = datetime(2025, 7, 1, tzinfo=UTC)  # later than every visibility lag: everything is visible
WINDOW = {"from_date_time": "2025-03-01T00:00:00Z", "to_date_time": "2025-05-01T00:00:00Z"}
SPEC = CompanySpec(seed=1, n_calls=250, sentences_per_call=10, start=START, end=END)
SMALL_SPEC = CompanySpec(seed=2, n_calls=30, sentences_per_call=5, start=START, end=END)


def client_for(emu: GongEmulator, **overrides: Any) -> GongClient:
    """The shared test client, with 3 attempts (the error tests count them)."""
    return support.client_for(emu, **{"max_attempts": 3, **overrides})


def truth(company: Company, start: datetime = START, end: datetime = END) -> list[GeneratedCall]:
    """Ground truth: the company's calls that started in [start, end), in Gong's listing order."""
    return [c for c in company.calls() if start <= c.started < end]


@pytest.fixture(scope="session")
def shared_company() -> Company:
    return Company(SPEC)


@pytest.fixture(scope="session")
def _shared_emulator(shared_company: Company) -> Iterator[GongEmulator]:
    with GongEmulator(shared_company, clock=Clock(AFTER)) as emu:
        yield emu


@pytest.fixture
def emu(_shared_emulator: GongEmulator) -> GongEmulator:
    """The shared read-only tenant (250 calls), with an empty request log."""
    _shared_emulator.clear_requests()
    return _shared_emulator


@pytest.fixture
def client(emu: GongEmulator) -> Iterator[GongClient]:
    with client_for(emu) as c:
        yield c


@pytest.fixture
def make_emulator() -> Iterator[Callable[..., GongEmulator]]:
    """`make_emulator(spec=None, **GongEmulator options)`: a fresh, running tenant of its own."""
    started: list[GongEmulator] = []

    def make(spec: CompanySpec | None = None, **options: Any) -> GongEmulator:
        options.setdefault("clock", Clock(AFTER))
        emu = GongEmulator(Company(spec or SMALL_SPEC), **options).start()
        started.append(emu)
        return emu

    yield make
    for emu in started:
        emu.stop()
