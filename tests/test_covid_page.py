"""pages/covid.py and pages/calidad.py without a browser: layouts, the callback, exports."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dash
import plotly.graph_objects as go
import pytest
from dash import dcc, html

import app  # noqa: F401  (the Dash app must exist before pages register themselves)
from pages import calidad
from pages import covid as page
from pesem import covid
from pesem.findings import find_all
from pesem.loader import get_dataset


@pytest.fixture(scope="module")
def ds():
    return get_dataset()


def walk(component: Any) -> Iterator[Any]:
    """Every component of a tree (depth first), including the root."""
    if component is None or isinstance(component, str | int | float):
        return
    if isinstance(component, list | tuple):
        for child in component:
            yield from walk(child)
        return
    yield component
    yield from walk(getattr(component, "children", None))
    for prop in ("title",):  # AccordionItem titles are components or text
        value = getattr(component, prop, None)
        if not isinstance(value, str):
            yield from walk(value)


def text_of(component: Any) -> str:
    parts = []
    for node in walk(component):
        children = getattr(node, "children", None)
        if isinstance(children, str | int | float):
            parts.append(str(children))
        elif isinstance(children, list):
            parts += [str(c) for c in children if isinstance(c, str | int | float)]
        title = getattr(node, "title", None)
        if isinstance(title, str):
            parts.append(title)
    return " ".join(parts)


def by_id(tree: Any, component_id: str) -> Any:
    return next(n for n in walk(tree) if getattr(n, "id", None) == component_id)


def graph_figure(tree: Any, graph_id: str) -> go.Figure:
    graph = next(
        n for n in walk(tree) if isinstance(n, dcc.Graph) and getattr(n, "id", None) == graph_id
    )
    return go.Figure(graph.figure)


def table_rows(tree: Any) -> list[Any]:
    table = by_id(tree, page.Ids.TABLE)
    body = next(n for n in walk(table) if isinstance(n, html.Tbody))
    return list(body.children)


# --------------------------------------------------------------------------- registration


def test_pages_are_registered():
    registry = {p["module"]: p for p in dash.page_registry.values()}
    cov = registry["pages.covid"]
    assert (cov["path"], cov["order"], cov["nav"], cov["nav_label"]) == (
        "/covid",
        2,
        True,
        "Impacto COVID-19",
    )
    assert cov["title"] == "Impacto COVID-19 — PESEM RREE 2020"
    cal = registry["pages.calidad"]
    assert (cal["path"], cal["order"], cal["nav"], cal["nav_label"]) == (
        "/calidad",
        4,
        True,
        "Calidad de datos",
    )
    assert cal["title"] == "Calidad de datos — PESEM RREE 2020"


def test_ids_are_prefixed():
    assert all(i.value.startswith("covid-") for i in page.Ids)
    assert all(i.value.startswith("calidad-") for i in calidad.Ids)


# --------------------------------------------------------------------------- /covid layout


def test_layout_kpis_say_what_the_report_says(ds):
    tree = page.layout()
    kpis = text_of(by_id(tree, page.Ids.KPIS))
    assert "5 de 7" in kpis  # OES indicators that fell
    assert "1 subió, 1 sin variación" in kpis
    head = covid.headline(covid.comparison(ds))
    assert f"{head['fell']} de 24" in kpis
    assert "-45.7%" in kpis and "+15.4%" in kpis  # largest fall / rise among OES
    assert "AES.03.04-1" in kpis  # largest rise among all (+76.1%)
    n = covid.postponed_or_online_count(covid.pandemic_passages(ds))
    assert f"{n} de {len(ds.aes)}" in kpis


def test_layout_quotes_the_executive_summary():
    summary = text_of(by_id(page.layout(), page.Ids.SUMMARY))
    assert "La coyuntura nacional y global en el 2020 estuvo marcada por la pandemia" in summary
    assert "cancelación de un porcentaje alto de intervenciones" in summary


def test_layout_has_controls_charts_and_table():
    tree = page.layout()
    mode, scope = by_id(tree, page.Ids.MODE), by_id(tree, page.Ids.SCOPE)
    assert [o["label"] for o in mode.options] == ["% de variación", "Valores absolutos"]
    assert [o["label"] for o in scope.options] == [
        "Solo indicadores de OES",
        "Todos los indicadores",
    ]
    assert (mode.value, scope.value) == ("pct", "oes")
    for graph_id in (page.Ids.DIVERGING, page.Ids.DUMBBELL, page.Ids.TRENDS):
        assert graph_figure(tree, graph_id).data
    assert len(table_rows(tree)) == 7
    # PNG file names follow pesem-rree-2020_<page>_<chart>.
    names = [
        n.config["toImageButtonOptions"]["filename"] for n in walk(tree) if isinstance(n, dcc.Graph)
    ]
    assert names == [
        "pesem-rree-2020_covid_variacion",
        "pesem-rree-2020_covid_2019-2020",
        "pesem-rree-2020_covid_tendencias",
    ]


def test_passages_grouped_by_oes_next_to_the_numbers(ds):
    section = by_id(page.layout(), page.Ids.PASSAGES)
    accordion = next(n for n in walk(section) if n.__class__.__name__ == "Accordion")
    items = accordion.children
    assert [i.item_id for i in items] == list(ds.oes["oes_code"])
    text = text_of(section)
    # AES.03.04: the pandemic sentence and its indicator's numbers, side by side.
    assert "Las solicitudes de apoyo se vieron incrementadas por el cierre de fronteras" in text
    assert "21,219 → 37,368" in text
    # An AES with no pandemic words is listed as such, with its link.
    links = {n.href for n in walk(section) if isinstance(n, dcc.Link)}
    assert "/aes/AES.04.02" in links and "/aes/AES.03.04" in links
    # The UNESCO typo shows as printed, never as 0.
    assert "«s» → 0.60" in text


# --------------------------------------------------------------------------- callback


def test_callback_redraws_charts_and_table():
    cards, table = page.update("abs", "all")
    assert len(cards) == 3
    diverging = graph_figure(cards, page.Ids.DIVERGING)
    assert "absoluta" in diverging.layout.title.text
    assert len(table_rows(table)) == 24
    names = [
        n.config["toImageButtonOptions"]["filename"]
        for n in walk(cards)
        if isinstance(n, dcc.Graph)
    ]
    assert names[0] == "pesem-rree-2020_covid_variacion-absoluta-todos"

    cards, table = page.update("pct", "oes")
    assert "(%)" in graph_figure(cards, page.Ids.DIVERGING).layout.title.text
    assert len(table_rows(table)) == 7


def test_callback_toggle_changes_only_the_presentation():
    pct_cards, pct_table = page.update("pct", "all")
    abs_cards, abs_table = page.update("abs", "all")
    pct_dumbbell = graph_figure(pct_cards, page.Ids.DUMBBELL)
    abs_dumbbell = graph_figure(abs_cards, page.Ids.DUMBBELL)
    labels = {t.name: t for t in pct_dumbbell.data}["Etiquetas"].text
    assert "+76.1%" in labels
    assert "21,219 → 37,368" in {t.name: t for t in abs_dumbbell.data}["Etiquetas"].text
    # The table shows both changes whatever the presentation.
    assert text_of(pct_table) == text_of(abs_table)


def test_callback_tolerates_unknown_values():
    cards, table = page.update(None, "bogus")
    assert len(cards) == 3 and len(table_rows(table)) == 7


def test_table_explains_not_comparable_rows():
    _, table = page.update("pct", "all")
    rows = {text_of(r.children[0]).split()[0]: r for r in table_rows(table)}
    unesco = text_of(rows["AES.02.06-1"])
    assert "«s»" in unesco and "No comparable" in unesco and "error tipográfico" in unesco
    triangular = text_of(rows["AES.04.01-2"])
    assert "valor inicial es 0" in triangular


def test_export_figures_matches_the_page():
    exported = page.export_figures()
    assert [stem for stem, _ in exported] == [
        "pesem-rree-2020_covid_variacion",
        "pesem-rree-2020_covid_2019-2020",
        "pesem-rree-2020_covid_tendencias",
    ]
    assert all(isinstance(f, go.Figure) and f.data for _, f in exported)
    stems = [s for s, _ in page.export_figures(mode="abs", scope="all")]
    assert stems[0] == "pesem-rree-2020_covid_variacion-absoluta-todos"
    assert [s for s, _ in page.export_figures(code="ignored")] == [s for s, _ in exported]


# --------------------------------------------------------------------------- /calidad


def test_calidad_lists_every_finding_grouped_by_kind(ds):
    findings = find_all(ds)
    tree = calidad.layout()
    rows = [n for n in walk(tree) if getattr(n, "className", "") == "calidad-finding"]
    assert [r.id for r in rows] == [f"calidad-{f}" for f in findings["finding_id"]]
    text = text_of(tree)
    for label in findings["kind_label"].unique():
        assert label in text
    for message in findings["message"]:
        assert message in text


def test_calidad_links_go_to_the_code_pages(ds):
    findings = find_all(ds)
    links = [n.href for n in walk(calidad.layout()) if isinstance(n, dcc.Link) and n.href != "/"]
    expected = [calidad.code_href(c) for c in findings["code"] if calidad.code_href(c)]
    assert links == expected
    assert all(h.startswith(("/aes/AES.", "/oes/OES.")) for h in links)
    assert calidad.code_href("UE") is None


def test_calidad_explains_itself_and_quotes_the_recommendation():
    tree = calidad.layout()
    intro = text_of(by_id(tree, calidad.Ids.INTRO))
    assert "tal como fueron publicadas" in intro
    quote = text_of(by_id(tree, calidad.Ids.RECOMMENDATION))
    assert "dentro de los plazos previstos" in quote


def test_calidad_marks_the_words_that_differ():
    _, _, pairs = calidad.word_diff(
        "Consolidar la labor de la Mesa (MITGM) como espacio",
        "Consolidar la labor de la Mesa (MTIGM) como espacio",
    )
    assert pairs == [("(MITGM)", "(MTIGM)")]
    tree = calidad.layout()
    marks = [n.children for n in walk(tree) if isinstance(n, html.Mark)]
    assert "funcionamiento" in marks and "fundamentación" in marks
