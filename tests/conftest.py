"""Suite-wide settings: no network beyond loopback, no dlt telemetry, no pandas import race."""

import os

os.environ["RUNTIME__DLTHUB_TELEMETRY"] = "false"
os.environ.setdefault("RUNTIME__LOG_LEVEL", "WARNING")

import pandas  # noqa: F401  (eager import: pyarrow in a dlt worker thread can half-import it)
import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked slow (whole-pipeline runs, dbt builds, installs) go first: pytest-xdist hands
    tests out in order, so a long test left to the end would keep one core busy alone."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
