# Two commands on a fresh machine: `make run` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | sha1sum | cut -c1-12)
DEMO_HOUSEHOLDS ?= 3000
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: install run serve migrate demo test lint typecheck openapi openapi-check alembic-check \
        pytest pytest-postgres bench-import bench-assign bench-field bench-postgres bench-wrk bench-issues \
        mutation lock clean bench-compare contract
.PHONY: frontend test-frontend browser-deps bench-frontend
NPM_STAMP := frontend/node_modules/.installed-$(shell cat frontend/package-lock.json 2>/dev/null | sha1sum | cut -c1-12)
HAVE_NPM := $(shell command -v npm >/dev/null 2>&1 && echo yes)
WQY_FONT := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc

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

## make run: venv, dependencies, migrations, a demo county when empty, the frontend, serve on :8000
run: demo frontend
	$(BIN)/lianhu serve

serve: install
	$(BIN)/lianhu serve

## make test: lint, types, openapi drift, alembic check, the frontend's checks, the whole pytest
## suite (SQLite) with the browser tests
test: lint typecheck openapi-check alembic-check test-frontend browser-deps pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

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

## on every core (pytest-xdist; a module's tests stay on one worker, which builds its shared
## county once); each worker has its own database
PYTEST_WORKERS ?= auto
pytest: install
	$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist loadscope

## the database tests again, on PostgreSQL (CI runs this after `make test`)
pytest-postgres: install
	LIANHU_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m pytest -q -m db -n $(PYTEST_WORKERS) \
	  --dist loadscope

## schemathesis over the served openapi.json (tests/contract/run.py): a small demo county on a
## temporary SQLite file, `lianhu serve` with two workers on a free loopback port, once with an
## admin's and once with a member's token; every check, a fixed seed, bounded examples and time
## (about 3 minutes); any finding fails
contract: install
	$(BIN)/python -m tests.contract.run

## The benchmarks install what they need on a fresh machine: Debian packages (apt-get update
## first, sudo when not root) and a local PostgreSQL cluster started (bench/common.py's
## LIANHU_BENCH_PG_ADMIN, postgres@127.0.0.1:5432 by default).
SUDO = $$( [ "$$(id -u)" = 0 ] || echo sudo )
APT_INSTALL = $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y --no-install-recommends

bench-postgres:
	@command -v pg_ctlcluster >/dev/null && command -v pg_isready >/dev/null || \
	  { $(APT_INSTALL) postgresql postgresql-client; }
	@pg_isready -h 127.0.0.1 -p 5432 -q || { \
	  $(SUDO) pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql | head -n1)" main start; \
	  for _ in $$(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done; }

bench-wrk:
	@command -v wrk >/dev/null || { $(APT_INSTALL) wrk; }

## mutation testing of the domain's rule modules (masking, visit, access): one mutation at a
## time, the module's tests rerun; prints the score per module (not run in CI: minutes)
mutation: install
	$(BIN)/python -m bench.mutation

bench-import: install bench-postgres
	$(BIN)/python -m bench.bench_import

bench-assign: install bench-postgres
	$(BIN)/python -m bench.bench_assign

bench-field: install bench-postgres bench-wrk
	$(BIN)/python -m bench.bench_field

$(NPM_STAMP): frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	rm -f frontend/node_modules/.installed-* && touch $@

## the frontend into frontend/dist (npm ci + vite build); without node the API runs and /app/ says 503
frontend: $(if $(HAVE_NPM),$(NPM_STAMP))
	@if [ -n "$(HAVE_NPM)" ]; then cd frontend && npm run -s build; \
	else echo "npm not found: frontend not built; the API runs, /app/ and /admin/ answer 503"; fi

## typed client regenerated from openapi.json (vue-tsc fails on drift), ESLint, Prettier, vitest, build, size budget
test-frontend: $(NPM_STAMP)
	cd frontend && npm run -s gen:api && npm run -s typecheck && npm run -s lint && npm run -s format:check \
	  && npm test && npm run -s build && npm run -s size

## Debian's chromium and a CJK font for the browser tests (never `playwright install`)
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || [ ! -f $(WQY_FONT) ]; then \
	  $(APT_INSTALL) chromium fonts-wqy-zenhei || echo "could not install chromium: browser tests will skip"; fi

## issue 15's figures on PostgreSQL: 100,000 issues; the inbox p99, one escalation's steps,
## the deadline sweep over 20,000 open issues
bench-issues: install bench-postgres
	$(BIN)/python -m bench.bench_issues

bench-frontend: install frontend browser-deps
	$(BIN)/python -m bench.bench_frontend

lock:
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache

## the benchmarks of an earlier commit and of this tree side by side, in one run:
## make bench-compare REF=a2fe928 [BENCHES="bench-import bench-assign bench-field"]
bench-compare: install
	$(BIN)/python -m bench.compare $(REF) $(or $(BENCHES),bench-import bench-assign bench-field)
