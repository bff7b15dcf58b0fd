"""gong_source/tables.py is the only schema: the dbt files generated from it are checked in as
`python -m pipelines.dbt_schema` writes them, and follow its rules."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyarrow as pa
import pytest
import yaml

from gong_source import endpoints, tables
from gong_source.tables import Table
from pipelines import dbt_schema, readme_tables
from pipelines.dbt_project import CHECKOUT_PROJECT as PROJECT_DIR


def _copy_project(project: Path) -> None:
    for folder in ("models", "macros"):
        shutil.copytree(PROJECT_DIR / folder, project / folder)
    shutil.copy(PROJECT_DIR / "dbt_project.yml", project / "dbt_project.yml")


def test_checked_in_files_are_what_the_generator_writes() -> None:
    assert dbt_schema.drift() == [], "run `python -m pipelines.dbt_schema` and commit the result"


def test_check_mode_names_a_drifted_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "dbt"
    _copy_project(project)
    calls = project / "models" / "staging" / "stg_gong__calls.sql"
    calls.write_text(
        calls.read_text().replace("('duration_seconds', 'bigint')", "('duration_seconds', 'double')")
    )
    (project / "models" / "staging" / "stg_gong__retired.sql").write_text("select 1\n")
    assert dbt_schema.drift(project) == [
        "models/staging/stg_gong__calls.sql is out of date",
        "models/staging/stg_gong__retired.sql has no table in gong_source/tables.py",
    ]
    dbt_schema.write(project)
    assert dbt_schema.drift(project) == []
    assert not (project / "models" / "staging" / "stg_gong__retired.sql").exists()


def test_a_table_added_to_tables_py_needs_only_the_command(tmp_path: Path, monkeypatch) -> None:
    project = tmp_path / "dbt"
    _copy_project(project)
    widgets = Table("call_widgets", ("call_id", "widget_index"), (
        ("call_id", pa.string()), ("widget_index", pa.int64()), ("owner_email_address", pa.string()),
    ))  # fmt: skip
    monkeypatch.setattr(tables, "CALL_WIDGETS", widgets, raising=False)
    dbt_schema.write(project)
    sql = (project / "models" / "staging" / "stg_gong__call_widgets.sql").read_text()
    assert "gong_staging_select('call_widgets'" in sql and "('widget_index', 'bigint')" in sql
    staging = yaml.safe_load((project / "models" / "staging" / "_gong__staging.yml").read_text())
    model = next(m for m in staging["models"] if m["name"] == "stg_gong__call_widgets")
    assert model["data_tests"][0]["unique_combination"]["arguments"]["combination_of_columns"] == [
        "call_id",
        "widget_index",
    ]
    owner = next(c for c in model["columns"] if c["name"] == "owner_email_address")
    assert owner["config"]["meta"]["contains_pii"] is True
    assert owner["description"]  # a placeholder until a docs block is written


def _source_columns() -> dict[str, dict[str, dict]]:
    text = (PROJECT_DIR / "models" / "staging" / "_gong__sources.yml").read_text()
    source = yaml.safe_load(text)["sources"][0]
    return {t["name"]: {c["name"]: c for c in t["columns"]} for t in source["tables"]}


def test_sources_list_every_column_of_tables_py_with_its_type() -> None:
    columns = _source_columns()
    assert list(columns) == [t.name for t in dbt_schema.raw_tables()]
    for table in dbt_schema.raw_tables():
        stored = [name for name, _ in table.warehouse_columns]  # users adds its validity range
        assert list(columns[table.name]) == [*stored, "_dlt_load_id"], table.name
    assert list(columns["users"])[-3:-1] == ["valid_from", "valid_to"]
    assert columns["calls"]["duration_seconds"]["data_type"] == "bigint"  # as tables.py says
    assert dict(tables.CALLS.columns)["duration_seconds"] == pa.int64()


def test_pii_is_tagged_on_names_emails_phones_and_transcript_text() -> None:
    tagged = {
        (t, c)
        for t, cols in _source_columns().items()
        for c, col in cols.items()
        if col.get("config", {}).get("meta", {}).get("contains_pii")
    }
    assert {
        ("users", "full_name"),
        ("users", "email_address"),
        ("users", "phone_number"),
        ("parties", "name"),
        ("parties", "email_address"),
        ("parties", "phone_number"),
        ("transcript_sentences", "text"),
    } <= tagged
    assert ("parties", "email_domain") not in tagged and ("calls", "title") not in tagged


def test_every_model_column_with_personal_data_is_tagged_and_only_those() -> None:
    checked = 0
    for path in sorted((PROJECT_DIR / "models").rglob("*.yml")):
        for model in yaml.safe_load(path.read_text()).get("models", []):
            for column in model.get("columns", []):
                tagged = bool(column.get("config", {}).get("meta", {}).get("contains_pii"))
                assert tagged == dbt_schema.is_pii(column["name"]), (path.name, model["name"], column["name"])
                checked += tagged
    assert checked >= 10  # names, e-mail addresses, phone numbers, transcript text across the layers


def test_readme_table_list_is_what_the_registry_and_tables_py_say(tmp_path: Path) -> None:
    assert dbt_schema.readme_drift() == [], "run `python -m pipelines.dbt_schema` and commit the result"
    readme = tmp_path / "README.md"
    shutil.copy(readme_tables.README, readme)
    readme.write_text(readme.read_text().replace("| `call_topics` |", "| `call_topic` |"))
    assert dbt_schema.readme_drift(readme=readme) == ["README.md's table list is out of date"]
    dbt_schema.write_readme(readme=readme)
    listed = readme_tables_rows(readme.read_text())
    assert listed == [table.name for endpoint in endpoints.ENDPOINTS for table in endpoint.tables]


def readme_tables_rows(text: str) -> list[str]:
    block = text[text.index(readme_tables.START) : text.index(readme_tables.END)]
    return re.findall(r"^\| `(\w+)` \|", block, re.M)


SOURCE_DIRS = (
    "gong_source",
    "gong_emulator",
    "gong_actions",
    "pipelines",
    "dbt",
    "tests",
    "bench",
    "docs",
    "examples",
)


def test_no_merge_conflict_markers_in_the_project_files() -> None:
    root = readme_tables.README.parent
    files = [root / "README.md", root / "pyproject.toml", root / "Makefile"]
    for folder in SOURCE_DIRS:
        files += [
            p for p in (root / folder).rglob("*") if p.suffix in {".py", ".md", ".sql", ".yml", ".toml"}
        ]
    marked = [
        str(path.relative_to(root))
        for path in files
        if not {"target", "logs", "dbt_packages"} & set(path.parts)
        and re.search(r"^(<{7} |>{7} |={7}$)", path.read_text(errors="replace"), re.M)
    ]
    assert len(files) > 100
    assert marked == []
