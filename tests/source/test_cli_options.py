"""Where settings come from: flags, then env vars / .dlt/config.toml, then GongConfig's defaults."""

import dlt
import pytest

from gong_source import RESOURCE_NAMES, GongConfig, gong_source
from gong_source.errors import GongConfigError
from pipelines.cli import _gong_config, _options, _parser

CREDENTIALS = {"SOURCES__GONG__ACCESS_KEY": "key", "SOURCES__GONG__ACCESS_KEY_SECRET": "secret-value"}


def _args(*argv: str):
    return _parser().parse_args(["run", *argv])


@pytest.fixture(autouse=True)
def _credentials(monkeypatch):
    """Settings are read only for a tenant with credentials (the CLI checks them first)."""
    for key, value in CREDENTIALS.items():
        monkeypatch.setenv(key, value)


def test_env_values_are_typed_and_flags_win(monkeypatch):
    monkeypatch.setenv("SOURCES__GONG__INCLUDE_PRIVATE_CALLS", "false")
    monkeypatch.setenv("SOURCES__GONG__LOOKBACK_DAYS", "3")
    monkeypatch.setenv("PIPELINE__DATASET_NAME", "gong_env")
    config = _gong_config(_args())
    assert config.include_private_calls is False  # the string "false" is not truthy here
    assert config.lookback_days == 3.0 and _options(_args()).dataset_name == "gong_env"
    flagged = _args("--include-private", "--lookback-days", "9", "--dataset", "gong_flag")
    assert _gong_config(flagged).include_private_calls is True
    assert _gong_config(flagged).lookback_days == 9.0 and _options(flagged).dataset_name == "gong_flag"


def test_a_zero_flag_means_zero(monkeypatch):
    monkeypatch.setenv("SOURCES__GONG__LOOKBACK_DAYS", "3")
    assert _gong_config(_args("--lookback-days", "0")).lookback_days == 0.0


def test_defaults_and_a_mistyped_env_value(monkeypatch):
    monkeypatch.delenv("SOURCES__GONG__LOOKBACK_DAYS", raising=False)
    assert _gong_config(_args()).lookback_days == GongConfig().lookback_days
    monkeypatch.setenv("SOURCES__GONG__WINDOW_DAYS", "a week")
    with pytest.raises(GongConfigError, match="SOURCES__GONG__WINDOW_DAYS must be a float"):
        _gong_config(_args())


def test_the_source_reads_its_own_section(monkeypatch):
    monkeypatch.setenv("SOURCES__GONG__START_DATE", "2025-01-01")
    monkeypatch.setenv("SOURCES__ACME__START_DATE", "2025-06-01")
    monkeypatch.setenv("SOURCES__ACME__LOOKBACK_DAYS", "0")
    captured = {}

    def capture(config: GongConfig = None):  # type: ignore[assignment]
        captured["config"] = config
        return []

    default = dlt.source(name="gong", spec=GongConfig)(capture)
    default()
    assert captured["config"].start_date == "2025-01-01"
    default.clone(section="acme")()
    assert (captured["config"].start_date, captured["config"].lookback_days) == ("2025-06-01", 0.0)
    # The real source accepts the section too, and a named argument beats the configuration.
    source = gong_source.clone(section="acme")(start_date="2025-07-01")
    assert "calls" in source.resources


def test_optional_tables_load_only_when_asked():
    default = set(_options(_args()).resources)
    assert "calls" in default and "call_action_items" in default
    assert not default & {"trackers", "scorecards", "scorecard_answers", "user_day_activity"}
    assert set(_options(_args("--resources", "all")).resources) == set(RESOURCE_NAMES)
    assert _options(_args("--resources", "calls,scorecard_answers")).resources == [
        "calls",
        "scorecard_answers",
    ]
    source = gong_source(config=GongConfig(start_date="2025-01-01T00:00:00Z"))
    assert "trackers" not in source.selected_resources and "users" in source.selected_resources
