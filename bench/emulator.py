"""Emulated tenants for the benchmark: the companies it loads, and an in-process emulator for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from gong_emulator import Company, CompanySpec, GongEmulator

ACCESS_KEY = "emulator-key"
ACCESS_KEY_SECRET = "emulator-secret"
ROOT = (
    Path(__file__).resolve().parent.parent
)  # the checkout: its .dlt/config.toml is part of what is measured


@dataclass(frozen=True)
class Tenant:
    """A company whose calls are all public, visible and transcribed, so every count is exact."""

    n_calls: int
    sentences_per_call: int
    days: float = 6.0  # calls spread over this many days, ending two days ago
    seed: int = 11

    @property
    def end(self) -> datetime:
        # Two days in the past: every call and transcript is visible, nothing is "late".
        today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        return today - timedelta(days=2)

    @property
    def start(self) -> datetime:
        return self.end - timedelta(days=self.days)

    @property
    def sentences(self) -> int:
        return self.n_calls * self.sentences_per_call

    def spec(self) -> CompanySpec:
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


def in_process(
    tenant: Tenant | CompanySpec, rate_limit_per_second: float | None = None, **options: object
) -> GongEmulator:
    """An emulator in this process (use as a context manager); its request log is readable."""
    spec = tenant.spec() if isinstance(tenant, Tenant) else tenant
    return GongEmulator(
        Company(spec),
        access_key=ACCESS_KEY,
        access_key_secret=ACCESS_KEY_SECRET,
        rate_limit_per_second=rate_limit_per_second,
        burst=3,
        **options,  # type: ignore[arg-type]
    )
