"""What the report must show, recomputed in Python from whole mart rows (`select *`), not the report's SQL."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import mean
from typing import Any

from pipelines.report import relation_schema
from pipelines.report_queries import MEASURES, RELATIONS

Row = dict[str, Any]


def read_models(connection: Any, schema: str) -> dict[str, list[Row]]:
    """Every row of every model the report reads, by the report's relation key."""
    models = {}
    for key, table in RELATIONS.items():
        cursor = connection.cursor()
        cursor.execute(f"select * from {relation_schema(table, schema)}.{table}")
        columns = [column[0] for column in cursor.description]
        models[key] = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        cursor.close()
    return models


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


@dataclass
class Expected:
    """The report's figures over the last `weeks` weeks with calls."""

    models: dict[str, list[Row]]
    weeks: int

    @property
    def week_starts(self) -> list[date]:
        weeks = sorted({_day(c["call_week_start"]) for c in self.models["calls"] if c["call_week_start"]})
        if not weeks:
            return []
        first = max(weeks[0], weeks[-1] - timedelta(weeks=self.weeks - 1))
        return [first + timedelta(weeks=i) for i in range((weeks[-1] - first).days // 7 + 1)]

    @property
    def calls(self) -> list[Row]:
        first = self.week_starts[0] if self.week_starts else date.max
        return [
            c for c in self.models["calls"] if c["call_week_start"] and _day(c["call_week_start"]) >= first
        ]

    @property
    def call_ids(self) -> set[str]:
        return {c["call_id"] for c in self.calls}

    def kpis(self) -> dict[str, Any]:
        calls = self.calls

        def values(measure: str) -> list[float]:
            return [c[MEASURES[measure]] for c in calls if c[MEASURES[measure]] is not None]

        durations = [c["duration_seconds"] for c in calls if c["duration_seconds"] is not None]
        accounts = {
            a["account_id"]
            for a in self.models["call_accounts"]
            if a["account_id"] is not None and a["call_id"] in self.call_ids
        }
        return {
            "calls": len(calls),
            "hours_recorded": sum(durations) / 3600 if durations else None,
            "reps": len({c["primary_user_id"] for c in calls if c["primary_user_id"]}),
            "accounts": len(accounts),
            "avg_talk_ratio": mean(values("call_talk_ratio")) if values("call_talk_ratio") else None,
            "external_talk_minutes": sum(values("call_external_talk_seconds")) / 60
            if values("call_external_talk_seconds")
            else None,
            "longest_monologue_seconds": max(values("call_longest_monologue_seconds"), default=None),
            "transcribed_share": mean(bool(c["has_transcript"]) for c in calls) if calls else None,
        }

    def top_accounts(self) -> list[tuple[str, float]]:
        """(account name, external talk minutes), the ten largest first."""
        external = {c["call_id"]: c[MEASURES["call_external_talk_seconds"]] for c in self.calls}
        minutes: dict[str, float] = defaultdict(float)
        names: dict[str, str] = {}
        for a in self.models["call_accounts"]:
            if a["account_id"] is not None and a["call_id"] in external:
                minutes[a["account_id"]] += (external[a["call_id"]] or 0) / 60
                names[a["account_id"]] = max(names.get(a["account_id"], ""), a["account_name"] or "")
        ranked = sorted(((names[k], v) for k, v in minutes.items() if v > 0), key=lambda nv: (-nv[1], nv[0]))
        return ranked[:10]

    def tracker_mentions(self) -> dict[str, int]:
        mentions: Counter[str] = Counter()
        for t in self.models["trackers"]:
            if t["call_id"] in self.call_ids:
                mentions[t["tracker_name"]] += t["occurrence_count"] or 0
        return {name: count for name, count in mentions.items() if count > 0}

    def outcomes(self) -> Counter[str]:
        return Counter(
            d["call_outcome_name"] or "No outcome set"
            for d in self.models["call_details"]
            if d["call_id"] in self.call_ids
        )

    def rep_weeks(self) -> list[Row]:
        first = self.week_starts[0] if self.week_starts else date.max
        return [r for r in self.models["rep_weeks"] if _day(r["week_start"]) >= first]

    def reps_with_monologue(self) -> int:
        column = MEASURES["rep_longest_monologue_seconds"]
        return min(15, len({r["user_id"] for r in self.rep_weeks() if r[column] is not None}))

    def scopes(self) -> set[str]:
        return {c["scope"] or "Unknown" for c in self.calls}
