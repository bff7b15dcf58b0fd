"""Run the real pipeline into DuckDB or Postgres and read back what landed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import psycopg2

from gong_emulator import GongEmulator
from gong_source import GongConfig
from pipelines.runner import RunOptions, RunSummary, run
from tests.support import POSTGRES_URL, config_for, require_postgres, unique_name

CALL_TABLES = (
    "calls",
    "call_details",
    "parties",
    "call_speakers",
    "transcript_sentences",
    "call_topics",
    "call_trackers",
    "call_tracker_occurrences",
    "call_key_points",
    "call_outline_sections",
    "call_outline_items",
    "call_highlights",
    "call_interaction_stats",
    "call_comments",
    "crm_objects",
    "crm_fields",
    "call_action_items",
)


@dataclass
class Warehouse:
    """One destination and dataset, plus the dlt working dir that holds the pipeline's state."""

    kind: str
    root: Path
    dataset: str = field(default_factory=lambda: unique_name("gong"))

    @property
    def duckdb_path(self) -> Path:
        return self.root / "warehouse.duckdb"

    def options(self, **overrides: Any) -> RunOptions:
        values: dict[str, Any] = {
            "destination": self.kind,
            "duckdb_path": str(self.duckdb_path),
            "dataset_name": self.dataset,
            "pipeline_name": f"gong_{self.dataset}",
            "pipelines_dir": str(self.root / "pipelines"),
            "run_dbt": False,
        }
        values.update(overrides)
        return RunOptions(**values)

    def load(self, emu: GongEmulator, start: datetime, **overrides: Any) -> RunSummary:
        """Run the job; keyword arguments that are `GongConfig` fields go to the config."""
        settings = {k: overrides.pop(k) for k in list(overrides) if k in GongConfig.get_resolvable_fields()}
        settings.update(overrides.pop("client", {}))
        config = config_for(emu, start_date=start.isoformat(), **settings)
        return run(self.options(**overrides), config, progress=lambda message: None, until=emu.clock.now())

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        sql = sql.replace("{ds}", self.dataset)
        if self.kind == "duckdb":
            with duckdb.connect(str(self.duckdb_path), read_only=True) as con:
                return con.execute(sql).fetchall()
        with psycopg2.connect(POSTGRES_URL) as con, con.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()

    def tables(self) -> set[str]:
        rows = self.query(
            "select table_name from information_schema.tables where table_schema = '{ds}' "
            "and table_name not like '\\_dlt%' escape '\\'"
        )
        return {name for (name,) in rows}

    def count(self, table: str) -> int:
        return self.query(f"select count(*) from {{ds}}.{table}")[0][0]

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every data column of every call table, sorted: equal snapshots mean equal tables."""
        result = {}
        for table in sorted(self.tables() & set(CALL_TABLES)):
            columns = [
                name
                for (name,) in self.query(
                    "select column_name from information_schema.columns where table_schema = '{ds}' "
                    f"and table_name = '{table}' order by ordinal_position"
                )
                if not name.startswith("_dlt")
            ]
            listed = ", ".join(f'"{c}"' for c in columns)
            result[table] = sorted(self.query(f"select {listed} from {{ds}}.{table}"), key=repr)
        return result

    def drop(self) -> None:
        if self.kind == "postgres":
            with psycopg2.connect(POSTGRES_URL) as con, con.cursor() as cur:
                for schema in (self.dataset, f"{self.dataset}_staging"):
                    cur.execute(f"drop schema if exists {schema} cascade")


@contextmanager
def warehouse(kind: str, root: Path, monkeypatch: Any) -> Iterator[Warehouse]:
    if kind == "postgres":
        require_postgres()
        monkeypatch.setenv("DESTINATION__POSTGRES__CREDENTIALS", POSTGRES_URL)
    target = Warehouse(kind, root)
    try:
        yield target
    finally:
        target.drop()
