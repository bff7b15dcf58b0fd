"""Where run options come from: flags, then env vars / .dlt/config.toml, then built-in defaults."""

import pytest

from gong_source.errors import GongConfigError
from gong_source.settings import DEFAULT_LOOKBACK_DAYS
from pipelines.cli import _options, _parser


def _parsed(*argv: str):
    return _options(_parser().parse_args(["run", *argv]))


def test_env_values_are_typed_and_flags_win(monkeypatch):
    monkeypatch.setenv("SOURCES__GONG__INCLUDE_PRIVATE_CALLS", "false")
    monkeypatch.setenv("SOURCES__GONG__LOOKBACK_DAYS", "3")
    monkeypatch.setenv("PIPELINE__DATASET_NAME", "gong_env")
    options = _parsed()
    assert options.include_private_calls is False  # the string "false" is not truthy here
    assert options.lookback_days == 3.0 and options.dataset_name == "gong_env"
    flagged = _parsed("--include-private", "--lookback-days", "9", "--dataset", "gong_flag")
    assert flagged.include_private_calls is True
    assert flagged.lookback_days == 9.0 and flagged.dataset_name == "gong_flag"


def test_defaults_and_a_mistyped_env_value(monkeypatch):
    monkeypatch.delenv("SOURCES__GONG__LOOKBACK_DAYS", raising=False)
    assert _parsed().lookback_days == DEFAULT_LOOKBACK_DAYS
    monkeypatch.setenv("SOURCES__GONG__WINDOW_DAYS", "a week")
    with pytest.raises(GongConfigError, match="SOURCES__GONG__WINDOW_DAYS must be a float"):
        _parsed()
