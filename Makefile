# Kendali — two commands on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-sqlite test-postgres lint bench messages clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	KENDALI_DEBUG=1 $(BIN)/kendali demo

# The suite on SQLite, then on PostgreSQL when it is reachable (always in CI:
# KENDALI_REQUIRE_SERVICES=1 turns a missing service into a failure).
test: $(STAMP) lint
	$(BIN)/python scripts/check_services.py
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

test-sqlite: $(STAMP)
	KENDALI_DEBUG=1 $(BIN)/pytest

# Tests that drive Chromium or run on a database of their own (a server or worker on its
# own SQLite file, a race on a fresh database) are the same whatever database the suite
# uses: the SQLite pass runs them, the PostgreSQL pass leaves them out (docs/performance.md,
# "CI time").
test-postgres: $(STAMP)
	@if $(BIN)/python scripts/check_services.py postgres; then \
	  KENDALI_DEBUG=1 KENDALI_DATABASE_URL=$${KENDALI_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/kendali} $(BIN)/pytest -m "not browser and not db_independent"; \
	else echo "PostgreSQL not reachable: suite not run on PostgreSQL (required in CI)"; fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	KENDALI_DEBUG=1 $(BIN)/mypy
	KENDALI_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	KENDALI_DEBUG=0 KENDALI_SECRET_KEY=deploy-check-only-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH KENDALI_ALLOWED_HOSTS=kendali.example.go.id \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

bench: $(STAMP)
	KENDALI_DEBUG=1 $(BIN)/python bench/run_all.py

messages: $(STAMP)
	$(BIN)/python scripts/compile_messages.py

clean:
	rm -rf $(VENV) var
