# Two commands matter: `make run` and `make test` (see README).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: run test check check-all setup lint bench bench-staff clean lock texts

# Installs exactly what requirements.lock pins (with hashes), then the project itself without dependencies.
$(BIN)/iop: pyproject.toml requirements.lock
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $(BIN)/iop

# The text catalogues: app/i18n/<lang>/LC_MESSAGES/messages.po, compiled to the messages.mo beside it (both
# committed; tests/i18n checks they agree). Edit a .po, then `make texts` (setup does it when a .po is newer).
CATALOGUES := $(wildcard app/i18n/*/LC_MESSAGES/messages.po)

app/i18n/%/LC_MESSAGES/messages.mo: app/i18n/%/LC_MESSAGES/messages.po $(BIN)/iop
	$(BIN)/pybabel -q compile --domain messages --input-file $< --output-file $@ --locale $*

texts: $(BIN)/iop
	$(BIN)/pybabel compile --domain messages --directory app/i18n --statistics

setup: $(BIN)/iop $(CATALOGUES:.po=.mo)
	@bash scripts/setup_frontend.sh
	@bash scripts/setup_fonts.sh

run: setup
	$(BIN)/iop db upgrade
	$(BIN)/iop demo
	$(BIN)/iop serve

test: setup
	@bash scripts/run_tests.sh

# The day-to-day loop: `make lint`, then pytest on SQLite over every CPU (pytest-xdist), without the tests that
# need PostgreSQL or a browser and without those marked `slow` (README, "Two commands"). `make check-all` adds the
# slow ones; `make test` (CI) runs everything on both databases.
# Bytecode is cached even where the environment says not to (PYTHONDONTWRITEBYTECODE): every worker and every
# subprocess a test starts would compile the whole app again.
CHECK_PYTEST := PYTHONDONTWRITEBYTECODE= IOP_TEST_DATABASE_URL= $(BIN)/python -m pytest tests -n auto

check: lint
	$(CHECK_PYTEST) -m "not browser and not postgres and not slow"

check-all: lint
	$(CHECK_PYTEST) -m "not browser and not postgres"

lint: setup
	$(BIN)/ruff check app handlers tests bench scripts
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

bench: setup
	$(BIN)/python bench/falun_bench.py

# Staff pages and API over 100,000 cases (docs/benchmarks.md); DB=postgresql for PostgreSQL (database iop_bench).
bench-staff: setup
	$(BIN)/python -m bench.staff_bench --db $(or $(DB),sqlite)

# Re-pin after changing dependencies in pyproject.toml; commit requirements.lock with it.
lock: $(BIN)/iop
	$(BIN)/pip-compile --quiet --generate-hashes --extra dev --strip-extras --no-emit-index-url \
		--no-emit-find-links --allow-unsafe -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) instance node_modules
