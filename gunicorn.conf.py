"""Gunicorn settings shared by `make run`, the Dockerfile and the test suite's live server.

Environment: PORT (default 8050), WEB_CONCURRENCY (workers, default 2), BIND_ALL=1 to listen on
0.0.0.0 (set in the Docker image) instead of 127.0.0.1, LOG_LEVEL (default info).
gunicorn's own FORWARDED_ALLOW_IPS says whose X-Forwarded-Proto to trust (default 127.0.0.1, the
nginx of `make cluster`; deploy/compose.yaml and deploy/k8s set "*", where only the proxy
reaches a replica).
"""

import os

_host = "0.0.0.0" if os.environ.get("BIND_ALL") == "1" else "127.0.0.1"
bind = [f"{_host}:{int(os.environ.get('PORT', '8050'))}"]
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))

# Import the app (and load + validate data/) once in the master: a malformed data file stops the
# start-up with a non-zero exit code instead of leaving workers that crash in a loop.
preload_app = True

timeout = 30
graceful_timeout = 20
keepalive = 5

# Request limits (the app itself caps bodies at 1 MiB, see web/__init__.py).
limit_request_line = 8190
limit_request_fields = 100

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

# No control socket: it lives at a fixed per-user path, and two servers (e.g. `make run` and the
# test suite) would fight over it.
control_socket_disable = True


# Static charts (web/chart_images.py): render every page's charts that are not cached yet, in a
# background process, once per server start (never during a request); stopped with the server.
def when_ready(server):
    from web.chart_images import start_prerender

    server.chart_prerender = start_prerender()


def on_exit(server):
    from web.chart_images import stop_prerender

    stop_prerender(getattr(server, "chart_prerender", None))
