"""The API (web/api) through Flask's test client: every answer against /api/openapi.json
(openapi-core), the same rows as the explorer for every filter value, Spanish 4xx naming the
problem, CSV by format or Accept, ETag/304, and datapackage.json validated by frictionless
against the real CSV downloads."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse

from pesem import explore, outlook

LIST_ENDPOINTS = ["/api/v1/report", "/api/v1/indicators", "/api/v1/findings", "/api/v1/units"]


@pytest.fixture(scope="module")
def openapi(dash_app):
    spec = dash_app.server.test_client().get("/api/openapi.json").get_json()
    return OpenAPI.from_dict(spec)


def _checked(client, openapi, url: str, **kwargs):
    """GET ``url`` and validate request and response against the OpenAPI document."""
    response = client.get(url, **kwargs)
    request = response.request
    openapi.validate_response(WerkzeugOpenAPIRequest(request), WerkzeugOpenAPIResponse(response))
    return response


def test_openapi_document_is_3_1_and_lists_every_endpoint(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    assert set(spec["paths"]) == {
        "/api/v1/report",
        "/api/v1/indicators",
        "/api/v1/indicators/{indicator_id}",
        "/api/v1/findings",
        "/api/v1/units",
    }


@pytest.mark.parametrize("url", LIST_ENDPOINTS)
def test_every_list_endpoint_validates_against_the_document(client, openapi, url):
    response = _checked(client, openapi, url)
    assert response.status_code == 200
    assert response.get_json()


def test_every_indicator_detail_validates_against_the_document(client, openapi, ds):
    for iid in ds.indicators["indicator_id"]:
        response = _checked(client, openapi, f"/api/v1/indicators/{iid}")
        body = response.get_json()
        assert body["indicator_id"] == iid
        assert body["series"]["baseline"]["raw"] is not None
        assert len(body["series"]["expected"]) == len(ds.meta.expected_years)


@pytest.mark.parametrize(
    ("url", "status", "named"),
    [
        ("/api/v1/indicators?unidad=DGX", 400, ["unidad=DGX", "unidades válidas", "DGC"]),
        ("/api/v1/indicators?oes=OES.09", 400, ["oes=OES.09", "objetivos válidos", "OES.01"]),
        ("/api/v1/indicators?nivel=XYZ", 400, ["nivel=XYZ", "AES"]),
        ("/api/v1/indicators?estado=verde", 400, ["estado=verde", "cumplido"]),
        ("/api/v1/indicators?progreso=rapido", 400, ["progreso=rapido", "deterioro"]),
        ("/api/v1/indicators?unidades=DGC", 400, ["«unidades»", "unidad, oes"]),
        ("/api/v1/findings?unidad=DGC", 400, ["«unidad»", "format"]),
        ("/api/v1/units?format=pdf", 400, ["format=pdf", "json, csv"]),
        ("/api/v1/indicators/OES.99-1", 404, ["OES.99-1", "no existe", "OES.01-1"]),
        ("/api/v1/nada", 404, ["/api/v1/nada", "no existe"]),
    ],
)
def test_bad_requests_get_a_spanish_4xx_naming_the_problem(client, openapi, url, status, named):
    response = client.get(url)
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["status"] == status
    for text in named:
        assert text in body["error"], body["error"]
    if not url.startswith("/api/v1/nada"):
        _checked(client, openapi, url)


def test_every_filter_value_gives_the_explorers_rows(client, ds):
    """For every value of every filter in the data: the API's ids are the explorer's."""
    summary = outlook.with_outlook(ds)
    vocab = explore.vocabulary(ds)
    checked = 0
    for key, attr in (
        (explore.KEY_UNITS, "units"),
        (explore.KEY_OES, "oes"),
        (explore.KEY_LEVELS, "levels"),
        (explore.KEY_STATUSES, "statuses"),
        (explore.KEY_PROGRESS, "progress"),
    ):
        for value in getattr(vocab, attr):
            shown = explore.apply(summary, explore.parse_query({key: value}, ds)[0])
            for spelled in (value, value.lower()):
                body = client.get(f"/api/v1/indicators?{key}={spelled}").get_json()
                assert [row["indicator_id"] for row in body] == list(shown["indicator_id"])
            checked += 1
    assert checked == sum(
        len(getattr(vocab, a)) for a in ("units", "oes", "levels", "statuses", "progress")
    )


def test_combined_and_repeated_filters(client, ds):
    summary = outlook.with_outlook(ds)
    filters = explore.Filters(units=("DGC", "DAC"), levels=("AES",))
    expected = list(explore.apply(summary, filters)["indicator_id"])
    for query in ("unidad=DGC,DAC&nivel=AES", "unidad=DGC&unidad=dac&NIVEL=aes"):
        body = client.get(f"/api/v1/indicators?{query}").get_json()
        assert [row["indicator_id"] for row in body] == expected


def test_indicators_have_the_columns_of_the_summary_download(client):
    csv_api = client.get("/api/v1/indicators?format=csv")
    csv_download = client.get("/download/resumen.csv")
    assert csv_api.mimetype == "text/csv"
    assert csv_api.get_data() == csv_download.get_data()
    api = pd.read_csv(io.BytesIO(csv_api.get_data()), encoding="utf-8-sig")
    assert list(api.columns) == outlook.SUMMARY_COLUMNS


@pytest.mark.parametrize("url", [*LIST_ENDPOINTS, "/api/v1/indicators/OES.01-1"])
def test_csv_by_accept_header_or_format(client, url):
    by_accept = client.get(url, headers={"Accept": "text/csv"})
    sep = "&" if "?" in url else "?"
    by_format = client.get(f"{url}{sep}format=csv", headers={"Accept": "application/json"})
    assert by_accept.mimetype == by_format.mimetype == "text/csv"
    assert by_accept.get_data() == by_format.get_data()
    assert len(pd.read_csv(io.BytesIO(by_accept.get_data()), encoding="utf-8-sig")) >= 1
    assert client.get(url).mimetype == "application/json"
    assert "Accept" in by_accept.headers["Vary"]


@pytest.mark.parametrize(
    "url",
    [
        *LIST_ENDPOINTS,
        "/download/indicators.csv",
        "/download/resumen.xlsx",
        "/download/datapackage.json",
    ],
)
def test_etag_from_the_data_version_and_304(client, url):
    first = client.get(url)
    version = client.get("/api/v1/report").get_json()["data_version"]
    assert first.status_code == 200
    assert first.headers["ETag"].strip('"').startswith(version)
    assert "no-cache" in first.headers["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert not again.get_data()
    other = client.get(url, headers={"If-None-Match": '"otra-version"'})
    assert other.status_code == 200


def test_json_and_csv_have_different_etags(client):
    json_tag = client.get("/api/v1/units").headers["ETag"]
    csv_tag = client.get("/api/v1/units?format=csv").headers["ETag"]
    assert json_tag != csv_tag


def test_report_comes_from_report_yaml(client, ds):
    body = client.get("/api/v1/report").get_json()
    assert body["year"] == ds.meta.year
    assert body["file_prefix"] == ds.meta.file_prefix
    assert body["indicators"] == len(ds.indicators)


def test_findings_and_units_are_the_pages_tables(client, ds):
    findings = client.get("/api/v1/findings").get_json()
    assert [f["finding_id"] for f in findings] == list(ds.findings["finding_id"])
    units = client.get("/api/v1/units").get_json()
    assert [u["unit"] for u in units] == list(explore.unit_summary(ds.summary)["unit"])


def test_api_page_lists_endpoints_and_examples_in_spanish(client):
    response = client.get("/api")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="es">' in html
    for text in (
        "Datos para programas",
        "/api/v1/indicators",
        "/api/v1/report",
        "curl ",
        "pd.read_csv(",
        "read.csv(",
        "/api/openapi.json",
        "/download/datapackage.json",
        "http://localhost/api/v1/indicators?unidad=",
    ):
        assert text in html, text
    assert "<script" not in html  # the CSP allows no inline script


def test_datapackage_validates_against_the_real_csv_downloads(client, tmp_path: Path):
    from frictionless import Package, validate

    descriptor = client.get("/download/datapackage.json").get_json()
    for resource in descriptor["resources"]:
        data = client.get(f"/download/{resource['path']}").get_data()
        (tmp_path / resource["path"]).write_bytes(data)
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = Package(str(tmp_path / "datapackage.json"))
    names = {r.name for r in package.resources}
    assert names == {"indicadores", "resumen"}
    for resource in package.resources:
        assert resource.read_rows(), resource.name


# --------------------------------------------------------------------------- strict downloads


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("/download/indicators.csv?unidad=DGX", ["unidad=DGX", "unidades válidas", "DGC"]),
        ("/download/indicators.csv?oes=OES.09", ["oes=OES.09", "OES.01"]),
        ("/download/resumen.xlsx?estado=verde", ["estado=verde", "cumplido"]),
        ("/download/resumen.csv?desde=1990", ["desde=1990", "años válidos"]),
        ("/download/indicators.csv?desde=2020&hasta=2018", ["desde=2020", "hasta=2018"]),
        ("/download/indicators.xlsx?ids=OES.01-1,NADA", ["ids=NADA"]),
        ("/download/indicators.csv?unidades=DGC", ["«unidades» no existe", "unidad, oes"]),
    ],
)
def test_bad_download_filters_are_a_spanish_400_page(client, url, named):
    response = client.get(url)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert '<html lang="es">' in html and "Solicitud incorrecta" in html
    for text in named:
        assert text in html, text
    assert "Content-Disposition" not in response.headers


def test_download_form_of_the_explorer_stays_accepted(client):
    """The explorer's form sends its canonical query and the grid's ids ("-": none visible)."""
    ok = client.post("/download/resumen.csv", data={"q": "unidad=DGC&nivel=AES", "ids": ""})
    assert ok.status_code == 200
    none = client.post("/download/resumen.csv", data={"q": "unidad=DGC", "ids": "-"})
    assert none.status_code == 200
    assert len(pd.read_csv(io.BytesIO(none.get_data()), encoding="utf-8-sig")) == 0


@pytest.mark.parametrize(
    ("method", "url", "status", "text"),
    [
        ("GET", "/download/indicators.pdf", 404, "Página no encontrada"),
        ("GET", "/download/resumen.ods", 404, "Página no encontrada"),
        ("DELETE", "/download/indicators.csv", 405, "Método no permitido"),
    ],
)
def test_site_errors_are_the_spanish_page_never_flasks(client, method, url, status, text):
    response = client.open(url, method=method)
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert text in html and '<html lang="es">' in html
    assert "The requested URL" not in html and "Not Found" not in html


def test_api_errors_are_json_for_any_status(client):
    response = client.delete("/api/v1/units")
    assert response.status_code == 405
    assert response.mimetype == "application/json"
    assert "método" in response.get_json()["error"]
    root = client.get("/api/")
    assert root.status_code == 404
    assert "no existe" in root.get_json()["error"]


# --------------------------------------------------------------------------- strict parser


def test_strict_parser_refuses_what_the_lenient_one_ignores(ds):
    query = "unidad=DGX&nivel=aes"
    filters, notices = explore.parse_query(query, ds)
    assert filters.levels == ("AES",) and notices  # the page still ignores and explains
    with pytest.raises(explore.QueryError) as caught:
        explore.parse_query_strict(query, ds)
    assert (caught.value.key, caught.value.received) == ("unidad", "DGX")
    assert "DGC" in caught.value.valid


def test_strict_parser_matches_the_lenient_one_on_valid_queries(ds):
    for query in (
        "unidad=dgc,DAC&oes=oes.03",
        "nivel=AES&estado=CUMPLIDO&desde=2016&hasta=2019",
        "progreso=deterioro",
        "",
    ):
        assert explore.parse_query_strict(query, ds) == explore.parse_query(query, ds)[0]
