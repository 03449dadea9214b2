# ASF-portalen. `make run` serves the portal, `make test` runs every check.
# Both set everything up first and can be run again and again.

# The Python the virtualenv is made from: PYTHON if given, else the newest of python3.13,
# python3.12, python3.11 and python3 that is 3.11 or newer (tools/python.sh).
PYTHON ?=
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
FIND_PYTHON = PYTHON='$(PYTHON)' sh tools/python.sh
# Where `run`, `dev` and `serve` answer.
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install db migrate data reset-data static port-free run dev serve cluster cluster-stop test test-browser test-cluster browser lint check-migrations pytest loadtest bench lighthouse FORCE

# The Python that made the virtualenv ("3.13 /usr/bin/python3.13") is noted beside it. A
# virtualenv belongs to its Python, so when another is chosen (PYTHON=, a newer one installed)
# the virtualenv is made again from scratch.
$(VENV)/.python: FORCE
	@choice="$$($(FIND_PYTHON))" || exit 1; \
	if [ "$$choice" != "$$(cat $@ 2>/dev/null)" ]; then \
	  rm -rf $(VENV) && mkdir -p $(VENV) && echo "$$choice" > $@; \
	fi

$(VENV)/.installed: pyproject.toml $(VENV)/.python
	@python="$$(cut -d' ' -f2- $(VENV)/.python)"; \
	echo "Making the virtualenv in $(VENV) with $$python"; \
	"$$python" -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --upgrade pip
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# The database: DATABASE_URL if set, otherwise the project's own cluster in .postgres/.
db: install
	$(PY) -m tools.localdb start

migrate: db
	$(MANAGE) migrate --noinput

# The published texts (fixtures/portal.json), each with a first history entry, loaded only
# where the database never held the record: nothing an editor changed or deleted is ever
# put back, so `run`, `serve` and `loadtest` can run this again and again.
data: migrate
	$(MANAGE) load_published_data

# The published texts as they were: deletes every edit, the content's history and which
# regions the editors have (after saying so and asking; RESET_ARGS=--yes does not ask).
RESET_ARGS ?=
reset-data: migrate
	$(MANAGE) reset_published_data $(RESET_ARGS)

static: install
	$(MANAGE) collectstatic --noinput --verbosity 0

# Nothing may answer on HOST:PORT yet; asked first, so that a port in use is said in one
# sentence before any set-up, with the Python the virtualenv is made from.
port-free:
	@python="$$($(FIND_PYTHON))" && \
	"$${python#* }" -m tools.loadtest --check-port-free --base-url http://$(HOST):$(PORT)

# The portal as its readers see it: DEBUG off, so the portal's own Swedish error pages, and the
# collected static files with hashed names (whitenoise), under gunicorn as in production. Not
# production's settings: plain HTTP, and nothing to configure. The secret key is `serve`'s
# (below) rather than the development one, since HOST may let other machines in.
RUN_ENV = DJANGO_DEBUG=false \
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat $(SECRET_KEY_FILE))}" \
	DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost,$(HOST)}"
run: port-free data static
	@$(ENSURE_SECRET_KEY)
	@echo "ASF-portalen answers on http://$(HOST):$(PORT)/ (Ctrl+C stops it)."
	@$(RUN_ENV) BIND=$(HOST):$(PORT) $(GUNICORN) asf_portal.wsgi

# For developers: DEBUG on (Django's error pages, static files straight from static/) and
# Django's development server, which restarts when the code changes.
dev: port-free data static
	DJANGO_DEBUG=true $(MANAGE) runserver $(HOST):$(PORT)

# The portal as production runs it: gunicorn, DEBUG off, settings from the environment only.
# The secret key comes from DJANGO_SECRET_KEY, or a random one kept in .secret-key (ignored).
# TLS ends at the load balancer, so on loopback the redirect to https is off unless asked for.
# `serve`, `loadtest` and `bench` share the key, the environment and the server command.
SECRET_KEY_FILE := .secret-key
ENSURE_SECRET_KEY = test -n "$$DJANGO_SECRET_KEY" -o -s $(SECRET_KEY_FILE) || \
	$(PY) -c 'import secrets; print(secrets.token_urlsafe(64))' > $(SECRET_KEY_FILE)
# Without the PORTAL_* settings of who runs the portal, pages show a marked example.
PRODUCTION_ENV = DJANGO_ENV=production \
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat $(SECRET_KEY_FILE))}" \
	DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	DJANGO_SECURE_SSL_REDIRECT="$${DJANGO_SECURE_SSL_REDIRECT:-false}" \
	PORTAL_OPERATOR_EXAMPLE="$${PORTAL_OPERATOR_EXAMPLE:-true}"
GUNICORN = $(VENV)/bin/gunicorn --config asf_portal/gunicorn.conf.py
# `loadtest` and `bench` measure what the portal can serve, every request from one address:
# the API's fair-use limit per address (API_THROTTLE_RATE) would answer most of them with 429.
UNLIMITED_API = API_THROTTLE_RATE=1000000/s
serve: port-free data static
	@$(ENSURE_SECRET_KEY)
	BIND=$(HOST):$(PORT) $(PRODUCTION_ENV) $(GUNICORN) asf_portal.wsgi

# Past one machine, on loopback (tools/cluster.py): a PostgreSQL primary with a streaming
# replica, a Redis of the project's own and two gunicorn servers of the portal, configured as
# `serve` is and through DATABASE_URL, DATABASE_REPLICA_URL and REDIS_URL. Prints the two
# servers' addresses and returns; everything lives in .cluster/. `cluster-stop` stops it all.
CLUSTER_PORTS ?= 8001 8002
cluster: static
	@$(ENSURE_SECRET_KEY)
	@$(PRODUCTION_ENV) $(PY) -m tools.cluster start --ports $(CLUSTER_PORTS)

cluster-stop: install
	@$(PY) -m tools.cluster stop

# A bounded load on loopback (tools/loadtest.py) against the portal as `serve` runs it,
# started here in the background with its output in $(LOADTEST_LOG) and stopped afterwards.
# Fails on any error, and on any line in that log but request lines (status < 500) and
# gunicorn's own. The table goes to docs/loadtest.md.
LOADTEST_BIND ?= 127.0.0.1:8000
LOADTEST_ARGS ?= --duration 20 --concurrency 8
LOADTEST_LOG := test-artifacts/loadtest.log
loadtest: data static
	@$(ENSURE_SECRET_KEY)
	@mkdir -p $(dir $(LOADTEST_LOG))
	@$(PY) -m tools.loadtest --base-url http://$(LOADTEST_BIND) --check-port-free
	@$(PRODUCTION_ENV) $(UNLIMITED_API) BIND=$(LOADTEST_BIND) $(GUNICORN) asf_portal.wsgi >$(LOADTEST_LOG) 2>&1 & \
	server=$$!; trap 'kill $$server 2>/dev/null' EXIT INT TERM; \
	$(PY) -m tools.loadtest --base-url http://$(LOADTEST_BIND) --wait-for-server 60 \
	  --markdown docs/loadtest.md $(LOADTEST_ARGS); \
	status=$$?; kill $$server 2>/dev/null; wait $$server; trap - EXIT INT TERM; \
	$(PY) -m tools.loadtest --check-log $(LOADTEST_LOG) && exit $$status

# Performance at scale (tools/bench.py): a database of its own, asf_portal_bench (or
# DATABASE_URL's with _bench added), with the real data and BENCH_PROJECTS synthetic projects
# (made again only when their number changed, or with BENCH_ARGS=--regenerate); server times
# in-process and requests per second under gunicorn. The table goes to docs/benchmark.md.
BENCH_PROJECTS ?= 100000
BENCH_ARGS ?=
bench: db static
	@$(ENSURE_SECRET_KEY)
	$(PRODUCTION_ENV) $(UNLIMITED_API) $(PY) -m tools.bench --projects $(BENCH_PROJECTS) \
	  --markdown docs/benchmark.md $(BENCH_ARGS)

# Lighthouse (the npm package, installed into tools/node_modules when missing) against Debian's
# Chromium, on one page of every type as `run` serves it, mobile at 360 px and desktop at
# 1280 px (tools/lighthouse.py), each three times, the median run counting. The scores and
# failing audits go to docs/lighthouse.md. Not in `test`: a performance score depends on how
# busy the machine is. LIGHTHOUSE_ARGS="--only Statistics --runs 1" measures one page type once.
LIGHTHOUSE_ARGS ?=
lighthouse: data static browser
	@$(ENSURE_SECRET_KEY)
	@$(RUN_ENV) $(PY) -m tools.lighthouse --gunicorn "$(GUNICORN)" --markdown docs/lighthouse.md $(LIGHTHOUSE_ARGS)

# pytest-django builds its own test database next to the portal's, so the
# data that `make run` serves is never touched.
test: db lint check-migrations pytest

# The browser tests alone (also part of `make test`).
test-browser: db static browser
	$(VENV)/bin/pytest tests/browser

# The cluster tests alone (also part of `make test`): `make cluster`'s servers made anew on free
# ports, each event under load; the load's figures go to docs/cluster.md.
test-cluster: static
	CLUSTER_FIGURES=docs/cluster.md $(VENV)/bin/pytest -m cluster

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
