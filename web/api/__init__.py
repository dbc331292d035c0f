"""``/api/v1/``: the report's data for programs, read-only, described by OpenAPI 3.1.

* ``GET /api/v1/report`` — metadata (``report.yaml``) and the data version;
* ``GET /api/v1/indicators`` — one row per indicator, the columns of ``/download/resumen.csv``,
  filtered by ``unidad``, ``oes``, ``nivel``, ``estado``, ``progreso`` (strict: an unknown key or
  value is a Spanish 400 naming it and the valid values);
* ``GET /api/v1/indicators/<id>`` — one indicator whole (404 in Spanish for an unknown id);
* ``GET /api/v1/findings`` and ``GET /api/v1/units``;
* ``GET /api/openapi.json`` — the OpenAPI document spectree writes from the same pydantic models
  that validate the queries (:mod:`web.api.models`); ``GET /api`` — the human page;
* ``GET /download/datapackage.json`` — the Frictionless descriptor of the CSV downloads.

JSON by default; CSV with ``?format=csv`` or ``Accept: text/csv``. Every answer carries an ETag
from the data version (:mod:`web.api.caching`) and answers ``If-None-Match`` with 304.
"""

from __future__ import annotations

from flask import Flask

from pesem.loader import get_dataset
from web.api import docs, views
from web.api.caching import data_version


def install(server: Flask) -> None:
    """Register the API, its document, its page and the data package on ``server``."""
    ds = get_dataset()
    views.install(server, ds, data_version(ds.data_dir))
    docs.install(server)
