"""``GET|POST /download/resumen.csv`` and ``.xlsx``: one row per indicator, the whole picture.

Identity, semáforo, reported and recomputed avances and the plan outlook
(:func:`pesem.outlook.summary_export`), for analysts who want neither the long values nor the
page. The explorer's filters apply exactly as to ``/download/indicators.csv`` (same query keys
or download form fields, :func:`pesem.explore.download_selection`); the file is named
``{meta.file_prefix}_resumen[_filters].csv`` and written by :mod:`pesem.export`'s writers.
Filters are strict (a Spanish 400 names an unknown key or value); ``ETag`` and ``Last-Modified``
from the data version, 304 on a matching conditional GET (:mod:`web.api.caching`).
"""

from __future__ import annotations

from typing import Final

import pandas as pd
from flask import Flask, Response, request

from pesem import explore, export, outlook
from pesem.loader import get_dataset
from web.api import caching
from web.api.docs import error_page
from web.errors import site_error

ROUTE: Final = "/download/resumen.<fmt>"
MIMETYPES: Final = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def summary_bytes(frame: pd.DataFrame, fmt: str) -> bytes:
    """The summary frame written as ``fmt`` (CSV with a BOM for Excel, or XLSX)."""
    if fmt == "csv":
        return export.to_csv_bytes(frame)
    return export.to_xlsx_bytes(frame, sheet="resumen", dictionary=outlook.SUMMARY_DICTIONARY)


def download_summary(fmt: str) -> Response:
    """The one-row-per-indicator summary, whole or as an explorer view filters it."""
    if fmt not in MIMETYPES:
        return site_error(404)
    ds = get_dataset()
    query = [*request.args.items(multi=True), *request.form.items(multi=True)]
    try:
        filters, ids = explore.download_selection(ds, outlook.with_outlook(ds), query, strict=True)
    except explore.QueryError as error:
        return error_page(400, error.message)
    etag = caching.etag_for(caching.data_version(ds.data_dir), f"resumen-{fmt}")
    modified = caching.data_last_modified(ds.data_dir)
    cached = caching.not_modified(etag, modified) if request.method == "GET" else None
    if cached is not None:
        return cached
    frame = outlook.summary_export(ds, ids)
    filename = explore.download_name(filters, fmt, ds.meta, kind="resumen")
    response = Response(summary_bytes(frame, fmt), mimetype=MIMETYPES[fmt].split(";")[0])
    response.headers["Content-Type"] = MIMETYPES[fmt]
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return caching.cacheable(response, etag, modified)


def install(server: Flask) -> None:
    """Register the summary download routes on ``server``."""
    server.add_url_rule(ROUTE, view_func=download_summary, methods=["GET", "POST"])
