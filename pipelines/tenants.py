"""Many Gong tenants in one warehouse: each a config section, a pipeline and a dataset of its own.

Tenant `acme` reads `[sources.gong_acme]` / `SOURCES__GONG_ACME__*`, runs pipeline `gong_acme`
into dataset `gong_acme` (marts in `gong_acme_analytics`), and keeps its own request budget
(`gong_source.budget`, by section) and pacing (the limiter is per tenant key), so tenants never
touch each other's state. Without `--tenant`, the section, pipeline and dataset are `gong`.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import dlt

from gong_source.config import DEFAULT_SECTION
from gong_source.errors import GongConfigError

_NAME = re.compile(r"[a-z][a-z0-9_]{0,29}")
_ENV_KEY = re.compile(rf"SOURCES__{DEFAULT_SECTION.upper()}_([A-Z][A-Z0-9_]*?)__[A-Z0-9_]+")
SETTINGS_FILES = (Path(".dlt") / "config.toml", Path(".dlt") / "secrets.toml")


@dataclass(frozen=True)
class Tenant:
    """One Gong company: `None` is the default tenant (section, pipeline and dataset `gong`)."""

    name: str | None = None

    def __post_init__(self) -> None:
        if self.name is not None and not _NAME.fullmatch(self.name):
            raise GongConfigError(
                f"tenant {self.name!r} must be lower-case letters, digits and '_' (starting with a "
                "letter, at most 30), e.g. --tenant acme"
            )

    @property
    def section(self) -> str:
        return DEFAULT_SECTION if self.name is None else f"{DEFAULT_SECTION}_{self.name}"

    @property
    def pipeline_name(self) -> str:
        return self.section

    @property
    def dataset_name(self) -> str:
        return self.section


def configured_tenants(settings_files: tuple[Path, ...] = SETTINGS_FILES) -> list[Tenant]:
    """Every `[sources.gong_NAME]` in the settings files and every `SOURCES__GONG_NAME__*` variable."""
    names = {match.group(1).lower() for key in os.environ if (match := _ENV_KEY.fullmatch(key))}
    prefix = f"{DEFAULT_SECTION}_"
    for path in settings_files:
        if path.is_file():
            sources = tomllib.loads(path.read_text()).get("sources", {})
            names.update(key[len(prefix) :] for key in sources if key.startswith(prefix))
    return [Tenant(name) for name in sorted(names) if _NAME.fullmatch(name)]


def last_run(tenant: Tenant, pipelines_dir: str | None = None) -> str:
    """When the tenant's pipeline last finished a run, from its local trace, or "never"."""
    try:
        pipeline = dlt.attach(tenant.pipeline_name, pipelines_dir=pipelines_dir)  # type: ignore[arg-type]
        trace = pipeline.last_trace
    except Exception:
        return "never"
    if trace is None or trace.finished_at is None:
        return "never"
    failed = any(step.step_exception for step in trace.steps)
    return f"{trace.finished_at:%Y-%m-%d %H:%M:%S} UTC{' (failed)' if failed else ''}"
