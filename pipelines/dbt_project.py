"""Where the dbt project is: the checkout's `dbt/`, or the copy shipped inside the wheel.

The wheel carries the project as package data of `gong_dbt` (pyproject maps it to `dbt/`). dbt
writes `target/` and `logs/` next to its project, and site-packages may be read-only or shared,
so the packaged project is copied once per content version into the user's cache directory.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

PACKAGE = "gong_dbt"
CHECKOUT_PROJECT = Path(__file__).resolve().parent.parent / "dbt"
# What dbt itself writes into a project directory: never part of the shipped project.
_GENERATED = {"target", "logs", "dbt_packages", "__pycache__"}


def dbt_project_dir() -> Path:
    """The directory to pass to `dbt --project-dir`."""
    if (CHECKOUT_PROJECT / "dbt_project.yml").is_file():
        return CHECKOUT_PROJECT
    packaged = resources.files(PACKAGE)
    files = dict(_project_files(packaged))
    digest = hashlib.sha256()
    for name, entry in sorted(files.items()):
        digest.update(name.encode() + b"\0" + entry.read_bytes())
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "gong-elt"
    project = cache / f"dbt-{digest.hexdigest()[:16]}"
    if not (project / "dbt_project.yml").is_file():
        _materialize(files, project)
    return project


def _project_files(folder: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    found: list[tuple[str, Traversable]] = []
    for entry in folder.iterdir():
        if entry.name in _GENERATED or entry.name.endswith(".pyc"):
            continue
        if entry.is_dir():
            found.extend(_project_files(entry, f"{prefix}{entry.name}/"))
        else:
            found.append((f"{prefix}{entry.name}", entry))
    return found


def _materialize(files: dict[str, Traversable], project: Path) -> None:
    """Copy into a temporary sibling, then rename: a concurrent first run never sees half a copy."""
    project.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=project.parent, prefix=".dbt-"))
    try:
        for name, entry in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(entry.read_bytes())
        staging.rename(project)
    except OSError:
        if not (project / "dbt_project.yml").is_file():
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
