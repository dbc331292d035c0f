"""The server package: Flask routes, headers, downloads and export rendering.

``web.install(app)`` (app.py, once every page and callback is defined) adds to the Dash app's
Flask server, in this order:

* a body limit (:data:`MAX_CONTENT_LENGTH`, 413 beyond it) and no development endpoints;
* :mod:`web.layouts`: page layouts memoized per process (measured: see there);
* :mod:`web.errors`: callback bodies checked against the app's callbacks (400), JSON errors for
  callback requests, never a trace;
* :mod:`web.routes`: ``/healthz`` and the indicator downloads;
* :mod:`web.summary_downloads`: the one-row-per-indicator summary downloads;
* :mod:`web.api`: ``/api/v1/``, ``/api/openapi.json``, the ``/api`` page and the data package;
* :mod:`web.plotly_bundle`: plotly.js' basic bundle for dcc.Graph;
* :mod:`web.page_bundles`: per page scripts and preloads in the index HTML;
* :mod:`web.pages`: HTTP 404 for unknown page addresses;
* :mod:`web.static`: cache headers and compression;
* :mod:`web.security`: flask-talisman's headers and the CSP with Dash's script hashes.

The slide/PNG export is :mod:`web.slides` (installed by app.py itself).
"""

from __future__ import annotations

from typing import Final

import dash
from dash import Dash, dcc
from flask import request
from werkzeug.exceptions import NotFound

from components import graph
from components.routing import is_page_path
from web import (
    api,
    chart_images,
    deck,
    errors,
    first_paint,
    layouts,
    page_bundles,
    pages,
    plotly_bundle,
    routes,
    security,
    static,
    summary_downloads,
)

MAX_CONTENT_LENGTH: Final = 1024 * 1024  # 1 MiB: a callback body of this app is a few KiB


def router_location_id() -> str | None:
    """The id of the pages router's dcc.Location inside ``dash.page_container``."""
    stack = [dash.page_container]
    while stack:
        component = stack.pop()
        if isinstance(component, dcc.Location):
            return str(component.id)
        children = getattr(component, "children", None)
        stack.extend(children if isinstance(children, list) else [children] if children else [])
    return None


def install(app: Dash) -> None:
    """Install the server side of the dashboard on ``app.server`` (call once, last)."""
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = MAX_CONTENT_LENGTH

    @server.before_request
    def hide_dev_endpoints() -> None:
        # Dash's hot-reload poll lists installed packages; production never hot-reloads.
        if request.path.endswith("/_reload-hash"):
            raise NotFound()

    first_paint.install(app)  # the page as HTML in the index (before layouts: memoized too)
    layouts.install(dash.page_registry, version=graph.pictures_version)
    errors.install(server, lambda: app.callback_map, router_location_id())
    routes.install(server)
    deck.install(server, is_page_path)  # the presenter deck (slides + charts, web/deck/)
    summary_downloads.install(server)
    api.install(server)
    plotly_bundle.register(server)
    chart_images.install(app)  # static chart pictures + "Interactuar" (web/chart_images.py)
    page_bundles.install(app)
    pages.install(server, is_page_path)
    static.install(server)
    security.install(server, app.csp_hashes)
