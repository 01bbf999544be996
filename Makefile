# Two commands matter: `make run` and `make test` (see README).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: run test setup lint bench clean

$(BIN)/iop: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $(BIN)/iop

setup: $(BIN)/iop
	@bash scripts/setup_frontend.sh

run: setup
	$(BIN)/iop db upgrade
	$(BIN)/iop demo
	$(BIN)/iop serve

test: setup
	@bash scripts/run_tests.sh

lint: setup
	$(BIN)/ruff check app handlers tests bench scripts
	$(BIN)/mypy

bench: setup
	$(BIN)/python bench/falun_bench.py

clean:
	rm -rf $(VENV) instance node_modules
