"""Gong's daily quota spans runs and processes, so each tenant's request count lives on disk.

One file per tenant (config section) in the pipelines directory: a second tenant sharing the
directory keeps its own count, and every pipeline of one tenant shares the tenant's.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from .client import RequestBudget
from .config import GongConfig


class DailyBudget:
    """Today's requests of one tenant, loaded from and saved to `path`."""

    def __init__(self, path: Path, limit: int) -> None:
        self.path = path
        self.today = date.today().isoformat()
        used = 0
        if path.exists():
            try:
                used = int(json.loads(path.read_text()).get(self.today, 0))
            except (ValueError, AttributeError):
                used = 0
        self.budget = RequestBudget(limit, used=used)

    @classmethod
    def for_pipeline(cls, pipeline: Any, config: GongConfig) -> DailyBudget:
        path = Path(pipeline.pipelines_dir) / f"gong_request_usage.{config.section}.json"
        return cls(path, config.daily_request_budget)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps({self.today: self.budget.used}))
