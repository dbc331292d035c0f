"""The API's routes: spectree validates each query with :mod:`web.api.models` and writes
``/api/openapi.json`` from the same models; each view picks JSON or CSV and sets its ETag."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import pandas as pd
from flask import Flask, Response, abort, g, jsonify, request
from spectree import Response as SpecResponse
from spectree import SpecTree

from pesem import explore, export
from pesem.loader import Dataset
from web.api import caching, datapackage, frames, models

API_PREFIX: Final = "/api/"
SPEC_URL: Final = "/api/openapi.json"
CSV_TYPE: Final = "text/csv"
JSON_TYPE: Final = "application/json"
TAG: Final = "datos"


class ApiResponse(SpecResponse):
    """spectree's response declaration, skipped at run time for a CSV answer: the document
    describes the JSON shape, which the CSV rows follow column by column."""

    def find_model(self, code: int) -> Any:
        """The model of ``code``, or None when the view answered CSV."""
        return None if g.get("api_csv") else super().find_model(code)


def api_error(status: int, message: str, **extra: Any) -> Response:
    """The JSON error of ``/api/`` (:class:`web.api.models.Error`)."""
    response = jsonify({"error": message, "status": status, **extra})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def reject_invalid_query(_req: Any, _resp: Any, error: Any, _instance: Any, _adapter: Any) -> None:
    """spectree's ``before`` hook: an invalid query becomes the Spanish 400 of the first error."""
    if error is None:
        return
    first = error.errors()[0]
    ctx = first.get("ctx") or {}
    if first.get("type") == models.QUERY_ERROR:
        abort(
            api_error(
                400,
                ctx["message"],
                parameter=ctx["parameter"],
                received=ctx["received"],
                valid=ctx["valid"],
            )
        )
    where = ".".join(str(part) for part in first.get("loc", ())) or "consulta"
    abort(
        api_error(
            400,
            f"Parámetro «{where}» inválido: {first.get('msg', '')}.",
            parameter=where,
            received=str(first.get("input", "")),
        )
    )


def wants_csv(query: Any) -> bool:
    """``format`` when given, else the ``Accept`` header (JSON when both are acceptable)."""
    if query is not None and models.KEY_FORMAT in query.model_fields_set:
        return query.format == "csv"
    best = request.accept_mimetypes.best_match([JSON_TYPE, CSV_TYPE], default=JSON_TYPE)
    return best == CSV_TYPE


def answer(
    version: str, payload: Callable[[], Any], frame: Callable[[], pd.DataFrame], name: str
) -> Response:
    """The answer as JSON or CSV, with ETag, ``Vary: Accept`` and 304 on ``If-None-Match``."""
    csv = wants_csv(getattr(request, "context", None) and request.context.query)
    g.api_csv = csv
    etag = caching.etag_for(version, "csv" if csv else "json")
    cached = caching.not_modified(etag)
    if cached is not None:
        response = cached
    elif csv:
        response = Response(export.to_csv_bytes(frame()), mimetype=CSV_TYPE)
        response.headers["Content-Type"] = f"{CSV_TYPE}; charset=utf-8"
        response.headers["Content-Disposition"] = f'inline; filename="{name}.csv"'
    else:
        response = jsonify(payload())
    response.vary.add("Accept")
    return caching.cacheable(response, etag)


def install(server: Flask, ds: Dataset, version: str) -> SpecTree:
    """Register the API routes and ``/api/openapi.json`` (the dataset is served whole)."""
    meta = ds.meta
    spec = SpecTree(
        "flask",
        title=f"Datos del {meta.plan} · {meta.sector}",
        version="1",
        description="API de solo lectura de los datos del tablero. Guía: /api",
        mode="strict",
        annotations=False,
        page_templates={},
        before=reject_invalid_query,
        validation_error_status=400,
    )
    vocab = explore.vocabulary(ds)
    queries = models.query_models(vocab)
    prefix = meta.file_prefix
    errors = {"HTTP_400": models.Error, "HTTP_304": None}

    @spec.validate(
        query=queries["plain"], resp=ApiResponse(HTTP_200=models.Report, **errors), tags=[TAG]
    )
    def report() -> Response:
        """Metadatos del reporte y versión de los datos."""
        body = frames.report(ds, version)
        return answer(version, lambda: body, lambda: pd.DataFrame([body]), f"{prefix}_reporte")

    @spec.validate(
        query=queries["indicators"],
        resp=ApiResponse(HTTP_200=models.IndicatorList, **errors),
        tags=[TAG],
    )
    def indicators() -> Response:
        """Un registro por indicador (columnas de /download/resumen.csv), con filtros."""
        query = request.context.query
        filters = explore.Filters(
            units=query.unidad or (),
            oes=query.oes or (),
            levels=query.nivel or (),
            statuses=query.estado or (),
            progress=query.progreso or (),
        )
        rows = frames.indicators(ds, filters)
        name = explore.download_name(filters, "", meta, kind="api_indicadores").rstrip(".")
        return answer(version, lambda: frames.records(rows), lambda: rows, name)

    @spec.validate(
        query=queries["plain"],
        resp=ApiResponse(HTTP_200=models.IndicatorDetail, HTTP_404=models.Error, **errors),
        tags=[TAG],
    )
    def indicator(indicator_id: str) -> Response:
        """Un indicador completo: identidad, series, avances, estado, hallazgos, procedencia."""
        iid = frames.find_indicator(ds, indicator_id)
        if iid is None:
            known = list(ds.indicators["indicator_id"])
            return api_error(
                404,
                f"El indicador «{indicator_id[:40]}» no existe; indicadores válidos: "
                f"{', '.join(known)}.",
                parameter="indicator_id",
                received=indicator_id[:40],
                valid=known,
            )
        detail = frames.indicator_detail(ds, iid)
        return answer(
            version,
            lambda: detail,
            lambda: frames.indicator_detail_frame(detail),
            f"{prefix}_{iid}",
        )

    @spec.validate(
        query=queries["plain"], resp=ApiResponse(HTTP_200=models.FindingList, **errors), tags=[TAG]
    )
    def findings() -> Response:
        """Las inconsistencias del reporte (página Calidad de datos)."""
        return answer(
            version, lambda: frames.records(ds.findings), lambda: ds.findings, f"{prefix}_hallazgos"
        )

    @spec.validate(
        query=queries["plain"], resp=ApiResponse(HTTP_200=models.UnitList, **errors), tags=[TAG]
    )
    def units() -> Response:
        """Resumen por unidad responsable (página Unidades)."""
        table = frames.units(ds)
        return answer(
            version,
            lambda: frames.records(table),
            lambda: frames.csv_ready(table),
            f"{prefix}_unidades",
        )

    def openapi() -> Response:
        return caching.cacheable(jsonify(spec.spec), caching.etag_for(version, "openapi"))

    def package() -> Response:
        etag = caching.etag_for(version, "datapackage")
        cached = caching.not_modified(etag)
        if cached is not None:
            return cached
        return caching.cacheable(jsonify(datapackage.descriptor(ds, version)), etag)

    def unknown(rest: str) -> Response:
        return api_error(
            404, f"La dirección «{API_PREFIX}{rest[:60]}» no existe; vea {SPEC_URL} o la guía /api."
        )

    for rule, view in (
        ("/api/v1/report", report),
        ("/api/v1/indicators", indicators),
        ("/api/v1/indicators/<indicator_id>", indicator),
        ("/api/v1/findings", findings),
        ("/api/v1/units", units),
        (SPEC_URL, openapi),
        ("/download/datapackage.json", package),
        ("/api/<path:rest>", unknown),
    ):
        server.add_url_rule(rule, endpoint=f"api_{view.__name__}", view_func=view, methods=["GET"])
    server.add_url_rule(
        API_PREFIX, endpoint="api_unknown_root", view_func=unknown, defaults={"rest": ""}
    )
    server.extensions["pesem_api_spec"] = spec
    return spec
