"""Settings are checked before any request: each mistake gets one line naming the setting."""

import pytest

from gong_source.config import GongConfig, normalize_base_url
from gong_source.errors import GongConfigError

SECRET = "s3cr3t-value-never-printed"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://api.gong.io", "https://api.gong.io"),
        ("https://us-12345.api.gong.io/", "https://us-12345.api.gong.io"),
        ("https://us02-16381.api.gong.io/v2", "https://us02-16381.api.gong.io"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://localhost:9000", "http://localhost:9000"),
        ("http://[::1]:9000", "http://[::1]:9000"),
    ],
)
def test_gong_hosts_and_loopback_are_accepted(given, expected):
    assert normalize_base_url(given) == expected


@pytest.mark.parametrize(
    ("given", "complaint"),
    [
        ("http://api.gong.io", "plain http"),
        ("http://10.1.2.3:8080", "plain http"),
        ("https://app.gong.io", "not a Gong API host"),
        ("https://example.com", "not a Gong API host"),
        ("https://api.gong.io.evil.com", "not a Gong API host"),
        ("api.gong.io", "not a URL"),
        ("", "not a URL"),
        ("https://api.gong.io/v2/calls", "just the host"),
    ],
)
def test_bad_base_urls_name_the_setting(given, complaint):
    with pytest.raises(GongConfigError) as raised:
        normalize_base_url(given)
    message = str(raised.value)
    assert "SOURCES__GONG__BASE_URL" in message and complaint in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("kwargs", "missing"),
    [
        ({}, "SOURCES__GONG__ACCESS_KEY"),
        ({"access_key": "k"}, "SOURCES__GONG__ACCESS_KEY_SECRET"),
        ({"access_key_secret": SECRET}, "SOURCES__GONG__ACCESS_KEY "),
    ],
)
def test_missing_credentials_name_the_variable(kwargs, missing):
    with pytest.raises(GongConfigError, match="credentials missing") as raised:
        GongConfig(**kwargs).check_credentials()
    assert missing in str(raised.value) + " "


def test_secrets_stay_out_of_repr():
    config = GongConfig(access_key="k", access_key_secret=SECRET)
    assert SECRET not in repr(config)
    assert GongConfig(bearer_token=SECRET).secrets == (SECRET,)


def test_config_is_read_the_dlt_way(monkeypatch):
    monkeypatch.setenv("SOURCES__GONG__ACCESS_KEY", "key-from-env")
    monkeypatch.setenv("SOURCES__GONG__ACCESS_KEY_SECRET", SECRET)
    monkeypatch.setenv("SOURCES__GONG__BASE_URL", "https://us-12345.api.gong.io")
    monkeypatch.setenv("SOURCES__GONG__RATE_LIMIT_PER_SECOND", "2.5")
    config = GongConfig.from_dlt()
    assert (config.access_key, config.access_key_secret) == ("key-from-env", SECRET)
    assert config.base_url == "https://us-12345.api.gong.io"
    assert config.rate_limit_per_second == 2.5
    assert GongConfig.from_dlt(base_url="http://127.0.0.1:1").base_url == "http://127.0.0.1:1"


@pytest.mark.parametrize(
    "given",
    [
        f"https://key:{SECRET}@us-12345.api.gong.io",
        f"https://{SECRET}@api.gong.io",
        f"http://key:{SECRET}@127.0.0.1:8080",
        f"key:{SECRET}@api.gong.io",
        f"https://key:{SECRET}@example.com/v2?x=1",
        f"  https://key:{SECRET}@api.gong.io/v2/  ",
    ],
)
def test_credentials_in_the_base_url_are_refused_without_echoing_them(given):
    for attempt in (lambda: normalize_base_url(given), lambda: GongConfig(access_key="k", base_url=given)):
        with pytest.raises(GongConfigError) as raised:
            attempt()
        message = str(raised.value)
        assert SECRET not in message and "key:" not in message and "\n" not in message
        assert "SOURCES__GONG__BASE_URL must not contain credentials" in message
        assert "SOURCES__GONG__ACCESS_KEY" in message and "SOURCES__GONG__ACCESS_KEY_SECRET" in message
