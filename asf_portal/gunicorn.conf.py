"""gunicorn for `make serve`: the portal as production runs it. Every value can be set from
the environment."""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# gunicorn's sync workers, as the portal's requests are short and database-bound. Two cores:
# three workers keep both busy while one waits for PostgreSQL.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# A request that takes longer than this is stuck; the worker is replaced. Long enough for the
# export of every row, which a sync worker streams without checking in with gunicorn.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 10
keepalive = 5
# Recycle workers now and then, so a slow leak never becomes an outage.
max_requests = 5000
max_requests_jitter = 500
# No access log (gunicorn's default): the portal logs each request itself, as one JSON line.
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
