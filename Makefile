# Two commands on a fresh machine with Python 3.11:
#   make demo   set up, then run the whole job on the embedded default (emulated Gong -> DuckDB -> dbt)
#   make test   set up, then lint and run the whole test suite (what CI runs)
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test bench bench-small clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

demo: $(VENV)/.installed
	$(BIN)/gong-pipeline demo

test: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -n 2

bench: $(VENV)/.installed
	$(BIN)/python -m bench

bench-small: $(VENV)/.installed
	$(BIN)/python -m bench --small

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build dist *.egg-info dbt/target dbt/logs gong_demo.duckdb* gong_warehouse.duckdb*
