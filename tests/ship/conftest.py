"""Helpers for the ship-it tests: the CLI in-process with a clean Gong environment."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from gong_emulator import GongEmulator
from pipelines.cli import main

CliResult = tuple[int, str, str]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Callable:
    """`cli(*argv, **env)` -> (exit code, stdout, stderr), run from an empty directory."""
    monkeypatch.chdir(tmp_path)
    for name in ("ACCESS_KEY", "ACCESS_KEY_SECRET", "BEARER_TOKEN", "BASE_URL", "START_DATE"):
        monkeypatch.delenv(f"SOURCES__GONG__{name}", raising=False)

    def invoke(*argv: str, **env: str) -> CliResult:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


def gong_env(emu: GongEmulator, **overrides: str) -> dict[str, str]:
    """The emulator's credentials the dlt way, unthrottled."""
    return {
        "SOURCES__GONG__ACCESS_KEY": emu.access_key,
        "SOURCES__GONG__ACCESS_KEY_SECRET": emu.access_key_secret,
        "SOURCES__GONG__BASE_URL": emu.base_url,
        "SOURCES__GONG__RATE_LIMIT_PER_SECOND": "1000",
        **overrides,
    }
