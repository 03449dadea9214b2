# ASF-portalen. `make run` serves the portal, `make test` runs every check.
# Both set everything up first and can be run again and again.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py

.PHONY: install db migrate data static run test test-browser browser lint check-migrations pytest

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "ASF-portalen needs Python 3.11"'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --upgrade pip
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# The database: DATABASE_URL if set, otherwise the project's own cluster in .postgres/.
db: install
	$(PY) -m asf_portal.localdb start

migrate: db
	$(MANAGE) migrate --noinput

# The fixtures, and a first history entry for records that have none (so the admin can
# show what changed from the published texts).
data: migrate
	$(MANAGE) loaddata portal
	$(MANAGE) record_initial_history

static: install
	$(MANAGE) collectstatic --noinput --verbosity 0

run: data static
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(MANAGE) runserver 127.0.0.1:8000

# pytest-django builds its own test database next to the portal's, so the
# data that `make run` serves is never touched.
test: db lint check-migrations pytest

# The browser tests alone (also part of `make test`).
test-browser: db static browser
	$(VENV)/bin/pytest tests/browser

# Debian's Chromium for the browser tests, installed when missing and the machine allows it.
# Elsewhere the tests themselves stop and name what to install.
browser:
	@if ! command -v chromium >/dev/null && [ -z "$$CHROMIUM_PATH" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Chromium is missing: install Debian's chromium package (or set CHROMIUM_PATH)."; \
	  fi; \
	fi

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check-migrations: db
	$(MANAGE) makemigrations --check --dry-run

pytest: db static browser
	$(VENV)/bin/pytest
