"""The app's own routes: ``GET /healthz`` and the indicator downloads.

* ``GET /healthz`` → ``{"status": "ok", "indicators": N, "data_version": "…"}`` (503 when the
  data cannot load). The version (:func:`web.api.caching.data_version`) lets a load balancer or
  an operator see that every replica serves the same data.
* ``GET|POST /download/indicators.csv`` and ``.xlsx``: the tidy long export of
  :mod:`pesem.export`; with the explorer's filter keys in the query (or the fields of its
  download form) exactly that filtered view (:func:`pesem.explore.filtered_download`). The
  format is a fixed whitelist (another one is the site's Spanish 404) and the file name comes
  from the report (``meta.file_prefix``), never from the request. Filters are strict: an
  unknown key or value is a Spanish 400 naming it and the valid values
  (:func:`pesem.explore.parse_query_strict`). ``ETag`` and ``Last-Modified`` from the data
  version, 304 on ``If-None-Match`` / ``If-Modified-Since`` (:mod:`web.api.caching`).
"""

from __future__ import annotations

import logging
from typing import Final

from flask import Flask, Response, jsonify, request

from pesem import explore, export
from pesem.loader import get_dataset
from pesem.metrics import indicator_summary
from web.api import caching
from web.api.docs import error_page
from web.errors import json_error, site_error

log = logging.getLogger(__name__)

UTF8_BOM: Final = b"\xef\xbb\xbf"

#: Download formats: export function and Content-Type.
DOWNLOAD_FORMATS: Final = {
    "csv": (export.to_csv_bytes, "text/csv; charset=utf-8"),
    "xlsx": (
        export.to_xlsx_bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def healthz() -> Response:
    """The health check: the number of indicators loaded and the version of the data."""
    try:
        dataset = get_dataset()
        version = caching.data_version(dataset.data_dir)
    except Exception:  # the data could not be loaded: report it, do not crash
        log.exception("health check failed")
        return _no_store(json_error(503, "data not loaded"))
    return _no_store(
        jsonify({"status": "ok", "indicators": len(dataset.indicators), "data_version": version})
    )


def download_indicators(fmt: str) -> Response:
    """The indicators as CSV (UTF-8 with BOM, for Excel) or XLSX, whole or filtered."""
    if fmt not in DOWNLOAD_FORMATS:
        return site_error(404)
    to_bytes, mimetype = DOWNLOAD_FORMATS[fmt]
    dataset = get_dataset()
    query = [*request.args.items(multi=True), *request.form.items(multi=True)]
    try:
        if query:
            frame, filename = explore.filtered_download(
                dataset, indicator_summary(dataset), query, fmt, strict=True
            )
        else:
            frame = export.tidy_long(dataset)
            filename = f"{dataset.meta.file_prefix}_indicadores.{fmt}"
    except explore.QueryError as error:
        return error_page(400, error.message)
    etag = caching.etag_for(caching.data_version(dataset.data_dir), fmt)
    modified = caching.data_last_modified(dataset.data_dir)
    cached = caching.not_modified(etag, modified) if request.method == "GET" else None
    if cached is not None:
        return cached
    data = to_bytes(frame)
    if fmt == "csv" and not data.startswith(UTF8_BOM):
        data = UTF8_BOM + data  # Excel reads UTF-8 (tildes, ñ) only with the BOM
    response = Response(data, mimetype=mimetype.split(";")[0])
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return caching.cacheable(response, etag, modified)


def install(server: Flask) -> None:
    """Register the routes on ``server``."""
    server.add_url_rule("/healthz", view_func=healthz, methods=["GET"])
    server.add_url_rule(
        "/download/indicators.<fmt>", view_func=download_indicators, methods=["GET", "POST"]
    )
