"""Serve plotly.js' basic partial bundle instead of the full one to dcc.Graph.

The full plotly.min.js (4.8 MB, about 1.4 MB compressed) is most of a first visit's bytes; the
dashboard only draws scatter and bar traces, which the basic bundle (1.2 MB, about 0.4 MB
compressed) has (``tests/test_plotly_bundle.py`` keeps every page's figures within it).
dcc.Graph loads plotly.js from the fixed component-suite URL of the
``plotly`` package, so the server answers that URL with the vendored bundle (same plotly.js
version as the Python package ships). Server-side rendering (kaleido) keeps the full bundle.
"""

from __future__ import annotations

import logging
import re
from importlib import resources

from flask import Flask, Response, request

import web.vendor as vendor

log = logging.getLogger(__name__)

BUNDLE = "plotly-basic.min.js"
#: Trace types the basic bundle draws (any other type would render as an empty chart).
BUNDLE_TRACE_TYPES = frozenset({"bar", "scatter", "pie"})
PLOTLY_URL = re.compile(r"^/_dash-component-suites/plotly/package_data/plotly(\.v[\w]+)?\.min\.js$")


def register(server: Flask) -> None:
    """Answer dcc.Graph's plotly.js request with the basic bundle (read once)."""
    source = resources.files(vendor).joinpath(BUNDLE)
    if not source.is_file():
        log.warning("%s missing: serving the full plotly.js bundle", BUNDLE)
        return
    body = source.read_bytes()

    @server.before_request
    def partial_plotly() -> Response | None:
        if not PLOTLY_URL.match(request.path):
            return None
        response = Response(body, mimetype="application/javascript")
        response.add_etag()
        return response.make_conditional(request)
