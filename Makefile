# Kendali — two commands on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-sqlite test-postgres test-clocks test-pages lint bench messages clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	KENDALI_DEBUG=1 $(BIN)/kendali demo

# The suite on SQLite and on PostgreSQL (when it is reachable; always in CI:
# KENDALI_REQUIRE_SERVICES=1 turns a missing service into a failure), and the clock passes.
# The three run side by side: the passes share nothing (own databases, own ports, unique
# broker client ids and key prefixes), and on two cores one pass's waits (Chromium, live
# servers, PostgreSQL) are the other's CPU time; each pass's output is printed whole when
# it ends (docs/performance.md, "CI time").
test: $(STAMP) lint
	$(BIN)/python scripts/check_services.py
	$(MAKE) -j3 --output-sync=target test-sqlite test-postgres test-clocks

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

# The date- and hour-dependent tests (marker `clock`) again at 03:00 WIB, 00:30 WIB, 23:30 WIB,
# the last minute of a month and the last minute of a year (times in UTC; WIB = UTC+7).
CLOCKS := 2026-12-01T20:00:00+00:00 2026-11-30T17:30:00+00:00 2026-12-01T16:30:00+00:00 \
  2026-11-30T16:59:30+00:00 2026-12-31T16:59:30+00:00
# Every page for every role's demo login in Chromium at 1366×768 and 1920×1080 (overflow,
# cut navigation, English or raw codes, AA contrast, console errors, missing files;
# screenshots and findings in var/screenshots/). Part of `make test` (the SQLite pass);
# this target runs it alone, e.g. after changing a template or a stylesheet.
test-pages: $(STAMP)
	KENDALI_DEBUG=1 $(BIN)/pytest tests/test_all_pages_browser.py

test-clocks: $(STAMP)
	@for clock in $(CLOCKS); do \
	  echo "clock $$clock"; \
	  KENDALI_DEBUG=1 KENDALI_TEST_CLOCK=$$clock $(BIN)/pytest -m clock || exit 1; \
	done

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
