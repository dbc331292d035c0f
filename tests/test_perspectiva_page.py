"""pages/perspectiva.py, the outlook beside the semáforo (OES/AES pages), the explorer's
``progreso`` filter and /download/resumen.csv|xlsx, without a browser.

Expected categories come from tests/test_outlook.py's hand-worked cases of the report.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import struct
from typing import Any

import openpyxl
import pandas as pd
import pytest
from dash import html

import app  # noqa: F401  (the Dash app must exist before pages register themselves)
from components import outlook as view
from components.graph import CHART_PARAM, PNG_ROUTE
from pages import accion, explorar, objetivo, perspectiva
from pages.perspectiva import Ids
from pesem import explore, outlook
from pesem.loader import get_dataset
from tests.page_helpers import (
    by_class,
    by_id,
    graph_figure,
    links,
    mounted_grid,
    nav_entry,
    png_names,
    registration,
    run_callback,
    text_of,
    walk,
)
from web import slides

DS = get_dataset()
META = DS.meta
PREFIX = META.file_prefix
COUNTS = {
    "meta_alcanzada": 8,
    "sustancial": 1,
    "moderado": 0,
    "limitado": 4,
    "deterioro": 6,
    "no_calculable": 5,
}
DETERIORO = ["OES.01-1", "AES.01.04-1", "AES.01.08-1", "AES.02.01-1", "AES.02.01-2", "AES.04.01-1"]


@pytest.fixture(scope="module")
def page() -> Any:
    return perspectiva.layout()


@pytest.fixture(scope="module")
def client() -> Any:
    return app.server.test_client()


def _rows(tree: Any) -> list[html.Tr]:
    table = by_id(tree, Ids.TABLE.value)
    return [
        n
        for n in walk(table)
        if isinstance(n, html.Tr) and "data-indicator" in n.to_plotly_json()["props"]
    ]


def _attr(component: Any, name: str) -> Any:
    return component.to_plotly_json()["props"][name]


# --------------------------------------------------------------------------- registration


def test_registered_in_the_navbar_between_covid_and_explorer():
    path, order, nav, label, title = nav_entry("pages.perspectiva")
    assert (path, nav, label) == ("/perspectiva", True, "Perspectiva")
    assert title == f"Perspectiva al cierre del plan — {META.plan_type} RREE {META.year}"
    assert registration("pages.covid")["order"] < order < registration("pages.explorar")["order"]
    description = registration("pages.perspectiva")["description"]()
    assert str(META.plan_end) in description and META.plan in description


# --------------------------------------------------------------------------- layout


def test_counts_by_category_with_icon_text_and_explorer_link(page):
    items = by_class(by_id(page, Ids.COUNTS.value), "out-count")
    assert [_attr(li, "data-progress") for li in items] == list(outlook.PROGRESS_STATUSES)
    for li in items:
        code = _attr(li, "data-progress")
        look = outlook.label(code)
        text = text_of(li)
        assert f"{look['icon']} {look['label']}" in text  # icon and words, not colour alone
        n = COUNTS[code]
        assert f"{n} indicador{'' if n == 1 else 'es'}" in text
        hrefs = links(li)
        assert hrefs == ([f"/explorar?progreso={code}"] if n else [])


def test_one_row_per_indicator_with_its_category(page):
    rows = _rows(page)
    table = outlook.outlook(DS).set_index("indicator_id")
    assert [_attr(r, "data-indicator") for r in rows] == list(DS.summary["indicator_id"])
    for row in rows:
        iid = _attr(row, "data-indicator")
        assert _attr(row, "data-progress") == table.at[iid, "progress_status"]
        assert outlook.label(table.at[iid, "progress_status"])["label"] in text_of(row)


def test_worked_example_row(page):
    (row,) = [r for r in _rows(page) if _attr(r, "data-indicator") == "AES.02.05-1"]
    text = text_of(row)
    for part in ("42 (2015)", f"76 ({META.year})", f"80 ({META.plan_end})", "+12.6 %", "+11.3 %"):
        assert part in text
    assert "1.11" in text and "⇈ Progreso sustancial" in text
    assert "/aes/AES.02.05" in links(row)


def test_indicator_links_and_flagged_targets(page):
    rows = {_attr(r, "data-indicator"): r for r in _rows(page)}
    assert "/oes/OES.01" in links(rows["OES.01-1"])
    findings = DS.findings.set_index("indicator_id")
    for iid in ("OES.01-1", "AES.01.08-1", "OES.03-1", "OES.04-1"):
        assert f"/calidad#calidad-{findings.at[iid, 'finding_id']}" in links(rows[iid])
        assert "Meta final por debajo de la línea de base" in text_of(rows[iid])
    assert not [h for h in links(rows["AES.02.05-1"]) if h.startswith("/calidad")]
    assert "≤ 0" in text_of(rows["AES.03.01-1"])  # no_calculable says why


def test_growth_chart_observed_vs_required(page):
    figure = graph_figure(page, Ids.CHART.value)
    observed, required = figure.data
    calculable = outlook.outlook(DS).dropna(subset=["cagr_observed"])
    assert len(observed.y) == len(calculable) == 11
    assert observed.y[0] == "AES.02.05-1 · ⇈ Progreso sustancial"  # best ratio first
    assert observed.x[0] == pytest.approx(12.59, abs=0.01)
    assert required.x[0] == pytest.approx(11.34, abs=0.01)
    assert str(META.plan_end) in required.name
    assert png_names(page) == [f"{PREFIX}_perspectiva_ritmo"]


def test_growth_chart_empty_state():
    reached = outlook.with_outlook(DS)
    reached = reached[reached["progress_status"] == "meta_alcanzada"]
    figure = view.growth_figure(reached, META)
    assert not figure.data
    assert figure.layout.annotations[0].text == view.EMPTY_CHART_TEXT
    assert view.chart_summary(reached) == view.EMPTY_CHART_TEXT
    assert view.chart_table(reached).empty


def test_method_explained(page):
    text = text_of(by_id(page, Ids.METHOD.value))
    for part in (
        "Cálculo propio del tablero, no del reporte",
        "Open SDG",
        "UN ESCAP",
        "no un pronóstico",
        "razón ≥ 0.95",
        "0.6 ≤ razón < 0.95",
        "0 ≤ razón < 0.6",
        "razón < 0",
        "0.001",
        f"({META.plan_end} − año de la línea de base)",
    ):
        assert part in text, part


def test_labels_follow_the_report_meta():
    """No year literal: another report's final year shows up everywhere it is named."""
    later = dataclasses.replace(META, plan_end=META.plan_end + 3, file_prefix="otro-2030")
    assert str(later.plan_end) in text_of(view.method_section(later, "m"))
    assert perspectiva.chart_title(later).endswith(str(later.plan_end))
    assert perspectiva.chart_stem(later) == "otro-2030_perspectiva_ritmo"
    figure = view.growth_figure(outlook.with_outlook(DS), later)
    assert figure.data[1].name.endswith(f"meta {later.plan_end})")


def test_summary_download_buttons(page):
    hrefs = links(by_id(page, Ids.DOWNLOADS.value))
    assert hrefs == ["/download/resumen.csv", "/download/resumen.xlsx"]


# --------------------------------------------------------------------------- chart export


def test_export_figures_is_the_page_chart(page):
    ((stem, figure),) = perspectiva.export_figures()
    assert stem == f"{PREFIX}_perspectiva_ritmo"
    assert list(figure.data[0].y) == list(graph_figure(page, Ids.CHART.value).data[0].y)
    assert perspectiva.chart_title(META) in figure.layout.title.text


def test_png_slide_of_the_chart(client):
    if slides.chromium_path() is None:
        pytest.fail("Chromium is required to render the slide", pytrace=False)
    response = client.get(
        PNG_ROUTE,
        query_string={"pagina": "/perspectiva", CHART_PARAM: f"{PREFIX}_perspectiva_ritmo"},
    )
    assert response.status_code == 200
    data = response.get_data()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (3200, 1800)


# --------------------------------------------------------------------------- OES / AES pages


def _note(tree: Any) -> list[Any]:
    return by_class(tree, "outlook-note")


def test_outlook_beside_the_semaforo_on_oes_and_aes_pages():
    oes_notes = _note(objetivo.layout(code="OES.01"))
    assert len(oes_notes) == 2  # OES.01-1 and OES.01-2
    assert "↘ Deterioro" in text_of(oes_notes[0]) and "★ Meta alcanzada" in text_of(oes_notes[1])
    assert all(f"Perspectiva al cierre {META.plan_end}" in text_of(n) for n in oes_notes)
    (aes_note,) = _note(accion.layout(code="AES.02.05"))
    assert "⇈ Progreso sustancial" in text_of(aes_note)
    assert links(aes_note) == ["/perspectiva"]
    heading = by_class(accion.layout(code="AES.02.05"), "indicator-status")[0]
    assert "status-badge" in str(heading.to_plotly_json())  # semáforo and outlook on one line
    assert _note(accion.layout(code="AES.01.01")) == []  # an AES without indicator


# --------------------------------------------------------------------------- explorer filter


def _grid_ids(tree: Any) -> list[str]:
    grid = mounted_grid(tree, explorar.GRID_IDS)
    return [r["indicator_id"] for r in grid.rowData]


def test_explorer_filtered_by_progress_from_the_url():
    tree = explorar.layout(progreso="DETERIORO")  # case-insensitive like the other filters
    assert _grid_ids(tree) == DETERIORO
    checklist = by_id(tree, explorar.Ids.PROGRESS.value)
    assert checklist.value == ["deterioro"]
    labels = {o["value"]: o["label"] for o in checklist.options}
    assert labels["deterioro"] == "↘ Deterioro (6)"
    grid = mounted_grid(tree, explorar.GRID_IDS)
    assert {r["progress_text"] for r in grid.rowData} == {"↘ Deterioro"}
    both = explorar.layout(progreso="deterioro,limitado", nivel="OES")
    assert _grid_ids(both) == ["OES.01-1", "OES.02-3"]


def test_explorer_progress_widget_writes_the_url():
    out = run_callback(
        explorar.sync_filters,
        [f"{explorar.Ids.PROGRESS.value}.value"],
        "",
        [],
        [],
        [],
        [],
        ["sustancial"],
        list(explore.year_bounds(META)),
        0,
        "/explorar",
        explore.to_store(explore.Filters()),
    )
    assert out[0] == "?progreso=sustancial"
    assert out[-1]["progress"] == ["sustancial"]


def test_explorer_form_posts_to_the_summary_downloads():
    tree = explorar.layout(progreso="deterioro")
    csv_button = by_id(tree, explorar.Ids.SUMMARY_CSV.value)
    assert csv_button.formAction == "/download/resumen.csv"
    assert by_id(tree, explorar.Ids.QUERY_FIELD.value).value == "progreso=deterioro"


# --------------------------------------------------------------------------- downloads


def _csv(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def test_resumen_csv_whole(client):
    response = client.get("/download/resumen.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="{PREFIX}_resumen.csv"'
    assert response.get_data().startswith(b"\xef\xbb\xbf")
    rows = _csv(response)
    assert [r["indicator_id"] for r in rows] == list(DS.summary["indicator_id"])
    assert list(rows[0]) == outlook.SUMMARY_COLUMNS
    row = next(r for r in rows if r["indicator_id"] == "AES.02.05-1")
    assert (row["level"], row["aes_code"], row["oes_code"]) == ("AES", "AES.02.05", "OES.02")
    assert row["progress_status"] == "sustancial"
    assert round(float(row["cagr_observed"]), 3) == 0.126
    assert round(float(row["cagr_required"]), 3) == 0.113
    assert round(float(row["progress_ratio"]), 2) == 1.11
    assert (row["base_value"], row["base_year"]) == ("42", "2015")
    assert (row["current_value"], row["current_year"]) == ("76", str(META.year))
    assert (row["target_value"], row["target_year"]) == ("80", str(META.plan_end))
    assert row["status"] == DS.summary.set_index("indicator_id").at["AES.02.05-1", "status"]
    counts = pd.Series([r["progress_status"] for r in rows]).value_counts().to_dict()
    assert {k: v for k, v in COUNTS.items() if v} == counts


def test_resumen_csv_with_the_explorer_filters(client):
    response = client.get("/download/resumen.csv?progreso=Deterioro&nivel=aes")
    assert response.headers["Content-Disposition"].endswith(f'"{PREFIX}_resumen_AES_deterioro.csv"')
    assert [r["indicator_id"] for r in _csv(response)] == [
        i for i in DETERIORO if i.startswith("AES")
    ]
    # the explorer's download form: the page query in "q", the grid's visible rows in "ids"
    form = client.post(
        "/download/resumen.csv", data={"q": "progreso=deterioro", "ids": "AES.01.04-1,OES.02-1"}
    )
    assert [r["indicator_id"] for r in _csv(form)] == ["AES.01.04-1"]


def test_indicators_download_follows_the_progress_filter(client):
    response = client.get("/download/indicators.csv?progreso=sustancial")
    assert {r["indicator_id"] for r in _csv(response)} == {"AES.02.05-1"}
    assert response.headers["Content-Disposition"].endswith(
        f'"{PREFIX}_indicadores_sustancial.csv"'
    )


def test_resumen_xlsx(client):
    response = client.get("/download/resumen.xlsx?progreso=limitado")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(f'"{PREFIX}_resumen_limitado.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    sheet = book["resumen"]
    header = [c.value for c in sheet[1]]
    assert header == outlook.SUMMARY_COLUMNS
    records = [
        dict(zip(header, [c.value for c in r], strict=True)) for r in sheet.iter_rows(min_row=2)
    ]
    assert {r["indicator_id"] for r in records} == {
        "AES.01.03-1",
        "AES.01.07-1",
        "OES.02-3",
        "AES.02.06-1",
    }
    assert all(isinstance(r["progress_ratio"], float) for r in records)
    described = {r[0].value: r[1].value for r in book["diccionario"].iter_rows(min_row=2)}
    assert all(described[c] for c in outlook.SUMMARY_COLUMNS)


def test_resumen_unknown_format_is_404(client):
    assert client.get("/download/resumen.pdf").status_code == 404
