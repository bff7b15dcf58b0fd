"""What a destination must offer before a run may spend a single Gong request on it.

Call-scoped tables merge with `merge_key = call_id` (dlt's delete-insert): a re-read call
replaces all its rows, and a deleted call loses them. A destination without delete-insert
would silently keep stale rows (dlt falls back to append on plain files and to upsert by
primary key on Delta tables), and a run that builds dbt needs a dbt target for the warehouse.
"""

from __future__ import annotations

from dlt.common.destination.reference import Destination

from gong_source.errors import GongConfigError

from .dbt_runner import TARGETS

MERGE_STRATEGY = "delete-insert"


def check_destination(destination: str, *, run_dbt: bool) -> None:
    """One-line GongConfigError naming the setting, when `destination` cannot hold this data."""
    try:
        factory = Destination.from_reference(destination)
        capabilities = factory.capabilities() if factory else None
    except Exception:
        capabilities = None
    if capabilities is None:
        raise GongConfigError(
            f"unknown destination {destination!r}: set --destination / PIPELINE__DESTINATION to a dlt "
            "destination such as duckdb or postgres"
        )
    if MERGE_STRATEGY not in capabilities.supported_merge_strategies:
        raise GongConfigError(
            f"destination {destination!r} cannot replace a call's rows (dlt offers it "
            f"{', '.join(capabilities.supported_merge_strategies) or 'no merge'}, not {MERGE_STRATEGY}), "
            "so re-read and deleted calls would leave stale rows: set --destination / "
            "PIPELINE__DESTINATION to a SQL destination such as duckdb, postgres, motherduck or snowflake"
        )
    if run_dbt and destination not in TARGETS:
        raise no_dbt_target(destination)


def no_dbt_target(destination: str) -> GongConfigError:
    return GongConfigError(
        f"no dbt target for destination {destination!r}: add one to dbt/profiles.yml and run dbt "
        "yourself, or pass --skip-dbt"
    )
