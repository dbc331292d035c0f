"""Cache headers and compression of static files and pages.

* Dash's fingerprinted component bundles (version + mtime in the URL) and the ``/assets`` files
  Dash links with their mtime (``?m=…``): a year, immutable (the URL changes when the file does);
  other bundles (plotly.js, with an ETag) and plain ``/assets`` URLs: an hour; callback answers
  ``no-store``; everything else (the HTML index) ``no-cache`` unless it says otherwise (the
  downloads and the API say ``public, no-cache`` with an ETag, :mod:`web.api.caching`). Every
  value is one a shared cache (nginx, an institution's proxy) honours: no ``private``, no
  per-user answer, and nginx caches the public, immutable or hour-long static files
  (deploy/nginx/pesem.conf.template).
* zstd/br/gzip through flask-compress, on every answer. Keeping the compressed component
  bundles per worker was measured and dropped: it saved about 12 ms of server CPU per first
  visit (19 → 7 ms for the 11 bundles of ``/``), within the noise of a 0.7-1 s first visit.
"""

from __future__ import annotations

from typing import Final

from flask import Flask, Response, request
from flask_compress import Compress

from web.errors import is_callback_request

YEAR_SECONDS: Final = 31_536_000
ASSETS_MAX_AGE: Final = 3600
BUNDLE_PREFIX: Final = "/_dash-component-suites/"


def cache_control(response: Response) -> Response:
    """Set ``Cache-Control`` by what the response is (see the module docstring)."""
    path, status = request.path, response.status_code
    if path.startswith(BUNDLE_PREFIX):
        if status == 200 and response.cache_control.max_age == YEAR_SECONDS:
            # fingerprinted name: the URL changes when the file does
            response.headers["Cache-Control"] = f"public, max-age={YEAR_SECONDS}, immutable"
        elif status in {200, 304}:  # plain name (plotly.min.js): ETag + 1 h
            response.headers["Cache-Control"] = f"public, max-age={ASSETS_MAX_AGE}"
    elif path.startswith("/assets/"):
        if status in {200, 304}:
            # Dash's ?m=<mtime> fingerprints the file like a bundle's name does
            max_age = YEAR_SECONDS if request.args.get("m") else ASSETS_MAX_AGE
            immutable = ", immutable" if max_age == YEAR_SECONDS else ""
            response.headers["Cache-Control"] = f"public, max-age={max_age}{immutable}"
    elif is_callback_request():
        response.headers["Cache-Control"] = "no-store"
    elif "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-cache"
    return response


def install(server: Flask) -> None:
    """Cache headers, then compression (after_request hooks run last-registered first)."""
    server.after_request(cache_control)
    server.config.setdefault("COMPRESS_ALGORITHM", ["zstd", "br", "gzip"])
    Compress(server)
