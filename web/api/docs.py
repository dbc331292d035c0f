"""Server-rendered Spanish pages in the site's look: ``GET /api`` (the guide for programs) and
the error page of every non-API 4xx/5xx (:func:`error_page`, used by :mod:`web.errors`).

Plain HTML from Jinja templates (autoescaped), the site's stylesheets, no script: the CSP holds.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

import dash
from flask import Flask, Response, request
from jinja2 import Environment, FileSystemLoader, select_autoescape

from components.navigation import nav_label, nav_pages
from pesem import explore
from pesem.loader import get_dataset
from web.api import caching

ENV: Final = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    autoescape=select_autoescape(default=True),
)
API_PAGE: Final = "/api"
TITLES: Final = {
    400: "Solicitud incorrecta",
    404: "Página no encontrada",
    405: "Método no permitido",
    413: "Solicitud demasiado grande",
    500: "Error interno",
}


def _common(title: str) -> dict[str, Any]:
    nav = [(nav_label(page), page["relative_path"]) for page in nav_pages()]
    return {
        "title": title,
        "meta": get_dataset().meta,
        "asset": dash.get_asset_url,
        "home": dash.get_relative_path("/"),
        "api_page": dash.get_relative_path(API_PAGE),
        "nav": [*nav, ("Datos para programas", dash.get_relative_path(API_PAGE))],
    }


def error_page(status: int, message: str) -> Response:
    """The site's Spanish error page with ``status``."""
    title = TITLES.get(status, "Error")
    html = ENV.get_template("error.html").render(status=status, message=message, **_common(title))
    response = Response(html, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def _api_context() -> dict[str, Any]:
    ds = get_dataset()
    vocab = explore.vocabulary(ds)
    first_unit = explore.unit_summary(ds.summary)["unit"].iloc[0]
    first_id = ds.indicators["indicator_id"].iloc[0]
    rel = dash.get_relative_path
    bad = rel("/api/v1/indicators?unidad=XYZ")
    try:
        explore.parse_query_strict({"unidad": "XYZ"}, vocab)
        bad_answer = ""
    except explore.QueryError as error:
        bad_answer = json.dumps(
            {
                "error": error.message,
                "status": 400,
                "parameter": error.key,
                "received": error.received,
                "valid": list(error.valid),
            },
            ensure_ascii=False,
            indent=2,
        )
    return {
        "version": caching.data_version(ds.data_dir),
        "spec_url": rel("/api/openapi.json"),
        "datapackage_url": rel("/download/datapackage.json"),
        "endpoints": [
            (
                "/api/v1/report",
                "Metadatos del reporte y versión de los datos.",
                rel("/api/v1/report"),
            ),
            (
                "/api/v1/indicators",
                "Un registro por indicador: identidad, semáforo, avances y "
                "perspectiva (las columnas de /download/resumen.csv). Filtros abajo.",
                rel(f"/api/v1/indicators?unidad={first_unit}"),
            ),
            (
                "/api/v1/indicators/{id}",
                "Un indicador completo: series (línea de base, logro "
                "esperado, valor obtenido, con el texto de la celda y el motivo de cada faltante), "
                "avances, estado, perspectiva, hallazgos y procedencia.",
                rel(f"/api/v1/indicators/{first_id}"),
            ),
            ("/api/v1/findings", "Las inconsistencias del reporte.", rel("/api/v1/findings")),
            ("/api/v1/units", "Resumen por unidad responsable.", rel("/api/v1/units")),
            (
                "/download/indicators.csv",
                "Valores en formato largo (también .xlsx), con los mismos filtros y desde/hasta.",
                rel("/download/indicators.csv"),
            ),
            (
                "/download/resumen.csv",
                "Una fila por indicador (también .xlsx), con los mismos filtros.",
                rel("/download/resumen.csv"),
            ),
        ],
        "filters": [
            (explore.KEY_UNITS, vocab.units),
            (explore.KEY_OES, vocab.oes),
            (explore.KEY_LEVELS, vocab.levels),
            (explore.KEY_STATUSES, vocab.statuses),
            (explore.KEY_PROGRESS, vocab.progress),
        ],
        "base": request.host_url.rstrip("/"),
        "example_path": rel(f"/api/v1/indicators?unidad={first_unit}"),
        "bad_example": bad,
        "bad_answer": bad_answer,
    }


def api_page() -> Response:
    """``GET /api``: the endpoints, the filters and copy-paste examples."""
    html = ENV.get_template("api.html").render(**_api_context(), **_common("Datos para programas"))
    return Response(html, mimetype="text/html")


def install(server: Flask) -> None:
    """Register ``/api``."""
    server.add_url_rule(API_PAGE, endpoint="api_page", view_func=api_page, methods=["GET"])
