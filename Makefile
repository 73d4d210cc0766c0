# Two commands on a fresh machine: `make run` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | sha1sum | cut -c1-12)
DEMO_HOUSEHOLDS ?= 3000
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: install run serve migrate demo test lint typecheck openapi openapi-check alembic-check \
        pytest pytest-postgres bench-import bench-assign lock clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

migrate: install
	$(BIN)/lianhu migrate

demo: migrate
	$(BIN)/lianhu demo --only-if-empty --households $(DEMO_HOUSEHOLDS)

## make run: venv, dependencies, migrations, a demo county when empty, serve on :8000
run: demo
	$(BIN)/lianhu serve

serve: install
	$(BIN)/lianhu serve

## make test: lint, types, openapi drift, alembic check, the whole pytest suite (SQLite)
test: lint typecheck openapi-check alembic-check pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy .

openapi: install
	$(BIN)/lianhu openapi

openapi-check: install
	$(BIN)/lianhu openapi --check

alembic-check: install
	@tmp=$$(mktemp -d) && \
	LIANHU_DATABASE_URL=sqlite:///$$tmp/check.db $(BIN)/alembic upgrade head && \
	LIANHU_DATABASE_URL=sqlite:///$$tmp/check.db $(BIN)/alembic check; rc=$$?; rm -rf $$tmp; exit $$rc

pytest: install
	$(BIN)/python -m pytest -q

## the database tests again, on PostgreSQL (CI runs this after `make test`)
pytest-postgres: install
	LIANHU_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m pytest -q -m db

bench-import: install
	$(BIN)/python -m bench.bench_import

bench-assign: install
	$(BIN)/python -m bench.bench_assign

lock:
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
