"""Suite-wide settings: no network beyond loopback, no dlt telemetry, no pandas import race."""

import os

os.environ["RUNTIME__DLTHUB_TELEMETRY"] = "false"
os.environ.setdefault("RUNTIME__LOG_LEVEL", "WARNING")

import pandas  # noqa: F401  (eager import: pyarrow in a dlt worker thread can half-import it)
