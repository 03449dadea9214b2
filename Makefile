# ASF-portalen. `make run` serves the portal, `make test` runs every check.
# Both set everything up first and can be run again and again.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py

.PHONY: install db migrate data static run test lint check-migrations pytest

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

data: migrate
	$(MANAGE) loaddata portal

static: install
	$(MANAGE) collectstatic --noinput --verbosity 0

run: data static
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(MANAGE) runserver 127.0.0.1:8000

# pytest-django builds its own test database next to the portal's, so the
# data that `make run` serves is never touched.
test: db lint check-migrations pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check-migrations: db
	$(MANAGE) makemigrations --check --dry-run

pytest: db static
	$(VENV)/bin/pytest
