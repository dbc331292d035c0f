"""HTTP 404 for a page address that no registered page serves.

Dash answers every path with its index (200) and renders ``pages/not_found_404.py`` in the
browser. A GET of a path that no registered page serves (``components.routing.is_page_path``,
which also asks a page's ``path_exists``: ``/oes/OES.09``) keeps that body with status 404, so
crawlers, monitors and ``curl`` see the truth.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, request

#: Dash's index and catch-all routes: only these serve pages. Dash's own endpoints (``/_dash-*``),
#: ``/assets``, ``/download`` and ``/healthz`` have their own routes; a path under them that
#: reaches the catch-all (e.g. GET /_dash-update-component) is unknown too.
PAGE_RULES = frozenset({"/", "/<path:path>"})


def install(server: Flask, is_page_path: Callable[[str], bool]) -> None:
    """Set 404 on index answers for unknown paths (registered before compression: see web)."""

    @server.after_request
    def unknown_page_is_404(response: Response) -> Response:
        if response.status_code != 200 or request.method not in {"GET", "HEAD"}:
            return response
        rule = request.url_rule.rule if request.url_rule is not None else ""
        if rule in PAGE_RULES and not is_page_path(request.path):
            response.status_code = 404
        return response
