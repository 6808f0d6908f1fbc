# The two commands that matter: `make run` and `make test`. Both work on a bare machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := run.py
TRANSLATIONS := eic/translations

.PHONY: run test test-sqlite test-postgres install translations extract-messages lint format bench bench-tools migration chromium tools requirements clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $@

install: $(VENV)/.installed translations

translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile -f -d $(TRANSLATIONS)

# Refresh the catalogues after changing strings; then translate the new entries in kk and ru.
extract-messages: $(VENV)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k N_ -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel -q update -N --ignore-obsolete -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)

run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load --if-empty
	@echo "Serving on http://127.0.0.1:$(PORT); the scheduler (flask scheduler run) runs beside it."
	@# Text messages (the families' log-in codes) are printed here by the scheduler's delivery job.
	EIC_SMS_SENDER=$${EIC_SMS_SENDER:-console} $(BIN)/flask scheduler run & SCHEDULER=$$!; \
	  trap 'kill $$SCHEDULER 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# Debian's Chromium drives the browser tests (a browser download is not possible here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# pg_dump and pg_restore for `flask ops backup/restore`, and nginx for the proxy test, from Debian's packages.
tools:
	@command -v pg_dump >/dev/null 2>&1 || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client >/dev/null; }
	@test -x /usr/sbin/nginx || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; }

test: install chromium tools lint test-sqlite test-postgres

test-sqlite: install
	$(BIN)/pytest -q

# In CI (CI=true) an unreachable PostgreSQL fails the run instead of skipping it.
test-postgres: install
	EIC_TEST_DB=postgresql $(BIN)/pytest -q -m "not browser"

# flake8 (style, max-complexity 10 from setup.cfg) and isort in check mode; `make format` sorts the imports.
lint: install
	$(BIN)/flake8 eic tests config run.py wsgi.py gunicorn.conf.py bench
	$(BIN)/isort --check-only --diff eic tests config run.py wsgi.py gunicorn.conf.py bench

format: install
	$(BIN)/isort eic tests config run.py bench

migration: install
	$(BIN)/flask db revision --autogenerate -m "$(m)"

# The locked, hashed list of production dependencies for hospitals that install offline (docs/OPERATIONS.md).
requirements: install
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links \
	  --extra redis --output-file requirements/production.txt setup.cfg

# wrk, the load generator the bench drives the referral POST and its floor with, from Debian's packages.
bench-tools:
	@command -v wrk >/dev/null 2>&1 || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

bench: install bench-tools
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) instance .pytest_cache
