"""Cache headers and compression of static files and pages.

* Dash's fingerprinted component bundles (version + mtime in the URL): a year, immutable;
  other bundles (plotly.js, with an ETag) and ``/assets``: an hour; callback answers
  ``no-store``; everything else (the HTML index, downloads) ``no-cache`` unless it says otherwise.
* zstd/br/gzip through flask-compress. Component bundles are package files that never change
  while the process runs, so their compressed bytes are kept per worker and encoding (plotly.js
  is compressed once per worker, not on every first visit; see docs/architecture.md).
"""

from __future__ import annotations

import re
from typing import Any, Final

from flask import Flask, Response, request
from flask_compress import Compress

from web.errors import is_callback_request

YEAR_SECONDS: Final = 31_536_000
ASSETS_MAX_AGE: Final = 3600
BUNDLE_PREFIX: Final = "/_dash-component-suites/"
#: Component bundles, without query string: files of installed packages, fixed while we run.
_COMPONENT_BUNDLE: Final = re.compile(r"^/_dash-component-suites/[^?]+\?$")
_MAX_KEPT: Final = 256


def _cache_key(req: Any) -> str:
    return f"{req.path}?{req.query_string.decode('latin-1')}"


class CompressedBundles:
    """flask-compress cache backend that keeps only component bundles (fixed package files)."""

    def __init__(self) -> None:
        self._data: dict[str, bytes] = {}

    @staticmethod
    def _kept(key: str) -> bool:
        _, _, path = key.partition(";")  # flask-compress prefixes the encoding
        return _COMPONENT_BUNDLE.match(path) is not None

    def get(self, key: str) -> bytes | None:
        return self._data.get(key) if self._kept(key) else None

    def set(self, key: str, value: bytes) -> None:
        if self._kept(key) and len(self._data) < _MAX_KEPT:
            self._data[key] = value


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
            response.headers["Cache-Control"] = f"public, max-age={ASSETS_MAX_AGE}"
    elif is_callback_request():
        response.headers["Cache-Control"] = "no-store"
    elif "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-cache"
    return response


def install(server: Flask) -> None:
    """Cache headers, then compression (after_request hooks run last-registered first)."""
    server.after_request(cache_control)
    server.config.setdefault("COMPRESS_ALGORITHM", ["zstd", "br", "gzip"])
    server.config.setdefault("COMPRESS_CACHE_BACKEND", CompressedBundles)
    server.config.setdefault("COMPRESS_CACHE_KEY", _cache_key)
    Compress(server)
