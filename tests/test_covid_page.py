"""pages/covid.py and pages/calidad.py without a browser: layouts, the callbacks, exports.

The callbacks are the functions returned by ``@callback``; ``ctx.triggered`` is set through Dash's
callback context variable, as the renderer would.
"""

from __future__ import annotations

import json
from typing import Any

import plotly.graph_objects as go
import pytest
from dash import dcc, html, no_update
from dash.exceptions import PreventUpdate

import app  # noqa: F401  (the Dash app must exist before pages register themselves)
from components.graph import table_from_spec
from pages import calidad
from pages import covid as page
from pesem import covid
from pesem.findings import find_all
from tests.page_helpers import (
    by_id,
    graph_figure,
    graphs,
    nav_entry,
    png_names,
    run_callback,
    text_of,
    walk,
)


def chart_tables(node: Any) -> list[html.Table]:
    """The charts' data tables, as the browser builds them from their boxes' text."""
    boxes = [n for n in walk(node) if isinstance(getattr(n, "data-table", None), str)]
    return [table_from_spec(json.loads(getattr(box, "data-table"))) for box in boxes]


def table_rows(tree: Any) -> list[Any]:
    table = by_id(tree, page.Ids.TABLE)
    body = next(n for n in walk(table) if isinstance(n, html.Tbody))
    return list(body.children)


URL = f"{page.Ids.LOCATION.value}.search"
MODE = f"{page.Ids.MODE.value}.value"
SCOPE = f"{page.Ids.SCOPE.value}.value"
#: Every view's PNG names, in page order.
STEMS_OES = {
    "pct": [
        "pesem-rree-2020_covid_variacion",
        "pesem-rree-2020_covid_2019-2020",
        "pesem-rree-2020_covid_tendencias",
    ],
    "abs": [
        "pesem-rree-2020_covid_variacion-absoluta",
        "pesem-rree-2020_covid_2019-2020-absoluta",
        "pesem-rree-2020_covid_tendencias",
    ],
}
OES_CODES = ["OES.01", "OES.02", "OES.03", "OES.04"]
STEMS_ALL_ABS = [
    f"pesem-rree-2020_covid_{chart}-{code}"
    for chart in ("variacion-absoluta", "2019-2020-absoluta", "tendencias")
    for code in OES_CODES
]


# --------------------------------------------------------------------------- registration


def test_pages_are_registered():
    assert nav_entry("pages.covid") == (
        "/covid",
        2,
        True,
        "Impacto COVID-19",
        "Impacto COVID-19 — PESEM RREE 2020",
    )
    assert nav_entry("pages.calidad") == (
        "/calidad",
        4,
        True,
        "Calidad de datos",
        "Calidad de datos — PESEM RREE 2020",
    )


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
    assert [o["value"] for o in scope.options] == ["oes", "todos"]  # the URL's words
    for graph_id in (page.Ids.DIVERGING, page.Ids.DUMBBELL, page.Ids.TRENDS):
        assert graph_figure(tree, graph_id).data
    assert len(table_rows(tree)) == 7
    # PNG file names follow pesem-rree-2020_<page>_<chart>.
    assert png_names(tree) == STEMS_OES["pct"]
    # The URL keeps the view: a Location that changes the address without reloading.
    location = by_id(tree, page.Ids.LOCATION)
    assert isinstance(location, dcc.Location) and location.refresh is False


def test_location_already_holds_the_address_of_the_view():
    # Set, the Location does not copy the browser's address when it mounts: no sync_view round
    # trip on a first visit. Its search is what sync_view compares a toggled view's query with.
    default = by_id(page.layout(), page.Ids.LOCATION)
    assert (default.pathname, default.search, default.refresh) == ("/covid", "", False)
    location = by_id(page.layout(vista="abs", alcance="todos"), page.Ids.LOCATION)
    assert (location.pathname, location.search) == ("/covid", "?vista=abs&alcance=todos")
    # a toggle back to percentages pushes the query of the new view
    pushed = _sync(MODE, search=location.search, mode="pct", scope="todos")
    assert pushed == ("?alcance=todos", no_update, no_update)


def test_layout_restores_the_view_of_the_url():
    tree = page.layout(vista="abs", alcance="todos")
    assert (by_id(tree, page.Ids.MODE).value, by_id(tree, page.Ids.SCOPE).value) == (
        "abs",
        "todos",
    )
    assert len(table_rows(tree)) == 24
    # "todos": one chart of each kind per OES (see pages.covid.figures), all in absolute values.
    assert png_names(tree) == STEMS_ALL_ABS
    assert [g.id for g in graphs(tree)][:2] == ["covid-variacion-OES-01", "covid-variacion-OES-02"]
    first = graph_figure(tree, "covid-variacion-OES-01")
    # the title is the card's header; the figure keeps it (and the OES) for its slide
    assert "absoluta" in first.layout.meta["title"]
    assert first.layout.meta["subtitle"].startswith("OES.01 · Posicionar al Perú")
    # each OES's chart holds that OES's indicators only: 10 + 7 + 4 + 3 = 24 rows
    dumbbells = [graph_figure(tree, f"covid-2019-2020-OES-0{i}") for i in range(1, 5)]
    rows = [len(f.layout.yaxis.categoryarray) for f in dumbbells]
    assert rows == [10, 7, 4, 3]
    headers = [
        n.children for n in walk(tree) if isinstance(n, html.H3) and "· OES." in str(n.children)
    ]
    assert headers[0] == "Variación por indicador (valores absolutos, por unidad) · OES.01"
    assert "cada gráfico muestra un OES con sus AES" in text_of(by_id(tree, page.Ids.CHARTS))


@pytest.mark.parametrize(
    "query",
    [
        {"vista": "bogus", "alcance": "all"},
        {"vista": ["", "x"], "alcance": None},
        {"mode": "abs", "scope": "todos"},  # not the page's keys
        {"vista": True},
    ],
)
def test_layout_ignores_invalid_query_values(query):
    tree = page.layout(**query)
    assert (by_id(tree, page.Ids.MODE).value, by_id(tree, page.Ids.SCOPE).value) == ("pct", "oes")
    assert png_names(tree) == STEMS_OES["pct"]


def test_view_query_round_trip():
    assert covid.parse_view("?vista=abs&alcance=todos") == ("abs", "todos")
    assert covid.parse_view("vista=ABS") == ("abs", "oes")  # case and "?" do not matter
    assert covid.parse_view({"vista": ["nada", "abs"], "alcance": " Todos "}) == ("abs", "todos")
    assert covid.parse_view("") == covid.parse_view(None) == ("pct", "oes")
    assert covid.view_query("pct", "oes") == ""  # the default view is the bare /covid
    assert covid.view_query("abs", "oes") == "?vista=abs"
    assert covid.view_query("pct", "todos") == "?alcance=todos"
    assert covid.view_query("abs", "todos") == "?vista=abs&alcance=todos"
    assert covid.view_query(None, "bogus") == ""
    for mode in covid.MODES:
        for scope in covid.SCOPES:
            assert covid.parse_view(covid.view_query(mode, scope)) == (mode, scope)


def test_passages_grouped_by_oes_next_to_the_numbers(ds):
    section = by_id(page.layout(), page.Ids.PASSAGES)
    accordion = next(n for n in walk(section) if n.__class__.__name__ == "Accordion")
    items = accordion.children
    codes = list(ds.oes["oes_code"])
    assert [i.item_id for i in items] == codes
    # every item starts closed and empty; opening one fills it
    assert accordion.active_item == [] and accordion.start_collapsed is True
    assert all(not item.children.children for item in items)

    def opened(active: Any) -> list[Any]:
        outputs = [
            {"id": {"type": page.Ids.PASSAGES_BODY.value, "index": c}, "property": "children"}
            for c in codes
        ]
        trigger = [f"{page.Ids.PASSAGES_ACCORDION.value}.active_item"]
        return run_callback(page.open_passages, trigger, active, outputs_list=outputs)

    filled = opened(codes)
    assert len(filled) == len(codes) and all(filled)
    assert opened([codes[2]])[:2] == [no_update, no_update]
    # a malformed active_item opens nothing, never an error
    assert opened({}) == opened([None, 3]) == opened("OES.99") == [no_update] * len(codes)
    text = text_of([section, filled])
    # AES.03.04: the pandemic sentence and its indicator's numbers, side by side.
    assert "Las solicitudes de apoyo se vieron incrementadas por el cierre de fronteras" in text
    assert "21,219 → 37,368" in text
    # An AES with no pandemic words is listed as such, with its link.
    links = {n.href for n in walk([section, filled]) if isinstance(n, dcc.Link)}
    assert "/aes/AES.04.02" in links and "/aes/AES.03.04" in links
    # The UNESCO typo shows as printed, never as 0.
    assert "«s» → 0.60" in text


# --------------------------------------------------------------------------- callbacks


def test_callback_redraws_charts_and_table():
    cards, table = page.update("abs", "todos")
    assert png_names(cards) == STEMS_ALL_ABS
    diverging = graph_figure(cards, "covid-variacion-OES-03")
    assert "absoluta" in diverging.layout.meta["title"]
    assert len(table_rows(table)) == 24

    cards, table = page.update("pct", "oes")
    assert len(graphs(cards)) == 3
    assert "(%)" in graph_figure(cards, page.Ids.DIVERGING).layout.meta["title"]
    assert len(table_rows(table)) == 7


def test_callback_toggle_changes_only_the_presentation():
    pct_cards, pct_table = page.update("pct", "todos")
    abs_cards, abs_table = page.update("abs", "todos")
    pct_dumbbell = graph_figure(pct_cards, "covid-2019-2020-OES-03")
    abs_dumbbell = graph_figure(abs_cards, "covid-2019-2020-OES-03")
    labels = {t.name: t for t in pct_dumbbell.data}["Etiquetas"].text
    assert "+76.1%" in labels
    assert "21,219 → 37,368" in {t.name: t for t in abs_dumbbell.data}["Etiquetas"].text
    # The table shows both changes whatever the presentation.
    assert text_of(pct_table) == text_of(abs_table)


def test_callback_tolerates_unknown_values():
    cards, table = page.update(None, "bogus")
    assert len(graphs(cards)) == 3 and len(table_rows(table)) == 7


def _sync(triggered: str, search: str = "", mode: Any = "pct", scope: Any = "oes", path="/covid"):
    return run_callback(page.sync_view, [triggered], search, mode, scope, path)


def test_sync_view_a_toggle_pushes_the_canonical_query():
    # clicked "Valores absolutos": the URL gets ?vista=abs, the toggles are left alone
    assert _sync(MODE, "", "abs", "oes") == ("?vista=abs", no_update, no_update)
    assert _sync(SCOPE, "?vista=abs", "abs", "todos") == (
        "?vista=abs&alcance=todos",
        no_update,
        no_update,
    )
    # back to the default view: the bare /covid (search "")
    assert _sync(MODE, "?vista=abs", "pct", "oes") == ("", no_update, no_update)
    # the URL already says so: no new history entry
    assert _sync(MODE, "?vista=abs", "abs", "oes") == (no_update, no_update, no_update)
    # a non-canonical URL is replaced by the canonical one when a toggle changes
    assert _sync(SCOPE, "?x=1&vista=abs", "abs", "todos")[0] == "?vista=abs&alcance=todos"


def test_sync_view_a_changed_url_sets_the_toggles_and_is_never_rewritten():
    # back/forward to ?vista=abs&alcance=todos: the toggles follow, the URL stays
    assert _sync(URL, "?vista=abs&alcance=todos", "pct", "oes") == (no_update, "abs", "todos")
    # only what differs is set
    assert _sync(URL, "?alcance=todos", "pct", "oes") == (no_update, no_update, "todos")
    # back to the bare /covid: the default view
    assert _sync(URL, "", "abs", "todos") == (no_update, "pct", "oes")
    # invalid values: the default, and the URL the user navigated to is left as it is
    assert _sync(URL, "?vista=log&alcance=todo", "abs", "oes") == (no_update, "pct", no_update)
    assert _sync(URL, None, "pct", "oes") == (no_update, no_update, no_update)


def test_sync_view_ignores_other_pages():
    with pytest.raises(PreventUpdate):
        _sync(URL, "?unidad=DGC", "pct", "oes", path="/explorar")


def test_every_chart_card_carries_its_data_table():
    """The text alternative of every chart, the trends too: values as printed and the target."""
    cards, _ = page.update("pct", "todos")
    tables = chart_tables(cards)
    assert len(tables) == len(graphs(cards)) == 12
    trends_oes02 = text_of(tables[9])  # tendencias: OES.01, OES.02, …
    assert "AES.02.06-1" in trends_oes02 and "«s»" in trends_oes02
    assert "0.75 (meta 2021 del plan)" in trends_oes02
    assert "AES.03.04-1" not in trends_oes02
    cards, _ = page.update("pct", "oes")
    trends = text_of(chart_tables(cards)[2])
    assert "OES.04-1" in trends and "83.33%" in trends and "54% (meta 2021 del plan)" in trends


def test_table_explains_not_comparable_rows():
    _, table = page.update("pct", "todos")
    rows = {text_of(r.children[0]).split()[0]: r for r in table_rows(table)}
    unesco = text_of(rows["AES.02.06-1"])
    assert "«s»" in unesco and "No comparable" in unesco and "error tipográfico" in unesco
    triangular = text_of(rows["AES.04.01-2"])
    assert "valor inicial es 0" in triangular


def test_export_figures_matches_the_page():
    exported = page.export_figures()
    assert [stem for stem, _ in exported] == STEMS_OES["pct"]
    assert all(isinstance(f, go.Figure) and f.data for _, f in exported)
    assert [s for s, _ in page.export_figures(code="ignored")] == STEMS_OES["pct"]
    # the URL's keys, as the ZIP route passes the address bar's query
    assert [s for s, _ in page.export_figures(vista="abs")] == STEMS_OES["abs"]
    assert [s for s, _ in page.export_figures(vista="abs", alcance="todos")] == STEMS_ALL_ABS
    assert [s for s, _ in page.export_figures(vista="nada", alcance=["x", "y"])] == STEMS_OES["pct"]
    # the same figures as on the page, in the same order
    tree = page.layout(vista="abs", alcance="todos")
    on_page = [g.figure for g in graphs(tree)]
    exported = [f for _, f in page.export_figures(vista="abs", alcance="todos")]
    assert [f.layout.meta["subtitle"] for f in exported] == [
        go.Figure(f).layout.meta["subtitle"] for f in on_page
    ]


@pytest.mark.parametrize("query", [{}, {"vista": "abs"}, {"vista": "abs", "alcance": "todos"}])
def test_every_exported_chart_fits_a_slide_with_readable_text(query):
    """No chart is taller than the 1600×900 slide can hold without shrinking its text: every
    font of every slide (PNG button, camera, ZIP) is at least 16 px."""
    from components.slide import MIN_FONT_SIZE, SLIDE_HEIGHT, slide_figure
    from components.theme import ROW_LABEL_NAME

    for stem, figure in page.export_figures(**query):
        rows = [a for a in figure.layout.annotations if a.name == ROW_LABEL_NAME]
        if rows:
            # a row's label is written above it on the page (a phone's width) and is its y tick
            # label on the slide: every row keeps two lines of the slide's smallest text, with
            # the slide's title, axis and source band (300 px) around them
            assert (SLIDE_HEIGHT - 300) / len(rows) >= 2 * MIN_FONT_SIZE, stem
        else:
            assert figure.layout.height <= SLIDE_HEIGHT, stem
        slide = slide_figure(figure).to_plotly_json()
        assert min(font_sizes(slide)) >= 16, stem


def font_sizes(node: Any) -> list[float]:
    found: list[float] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if (
                key.endswith("font")
                and isinstance(value, dict)
                and isinstance(value.get("size"), int | float)
            ):
                found.append(value["size"])
            found += font_sizes(value)
    elif isinstance(node, list):
        for item in node:
            found += font_sizes(item)
    return found


# --------------------------------------------------------------------------- any report


@pytest.fixture(scope="module")
def next_year(ds):
    """The report one year later (tests/test_covid.py): 2021 is a later year."""
    from tests.test_covid import shifted

    return shifted(ds, 1)


@pytest.mark.parametrize(
    ("years", "nav"), [(0, True), (1, True), (4, True), (6, False), (-6, False)]
)
def test_the_navbar_entry_follows_the_report_years(ds, years, nav):
    """A report whose years (plan start to assessed year) leave out 2020 has no /covid entry."""
    from tests.test_covid import shifted

    meta = shifted(ds, years).meta
    options = page.registration(meta)
    assert options["nav"] is nav
    assert options["path"] == "/covid"
    assert options["title"].startswith("Impacto COVID-19 — ")
    assert str(meta.year) in options["title"] and meta.plan in options["description"]


def test_the_2020_report_says_it_has_no_later_years():
    tree = page.layout()
    line = text_of(by_id(tree, page.Ids.RECOVERY))
    assert line == (
        "Este reporte llega hasta 2020, el año de la pandemia: aún no tiene años posteriores "
        "para ver si los indicadores recuperaron su nivel de 2019."
    )
    assert not any(str(g.id).startswith(page.Ids.RECOVERY_CHART.value) for g in graphs(tree))


def test_the_next_report_compares_2019_with_2020_and_shows_the_recovery(next_year):
    tree = page.content(next_year, "pct", "oes")
    text = text_of(tree)
    assert "Impacto de la COVID-19: 2019 frente a 2020" in text
    assert "Reporte de seguimiento 2021, sección 1 (Resumen ejecutivo)" in text
    prefix = next_year.meta.file_prefix
    assert png_names(tree) == [
        f"{prefix}_covid_{chart}" for chart in ("variacion", "2019-2020", "tendencias")
    ] + [f"{prefix}_covid_recuperacion"]
    assert graph_figure(tree, page.Ids.RECOVERY_CHART).layout.meta["title"].endswith("→ 2021")
    recovery = by_id(tree, page.Ids.RECOVERY)
    summary = text_of(recovery)
    assert (
        "1 de 12 indicadores que empeoraron en 2020 recuperaron su nivel de 2019 en 2021" in summary
    )
    assert "11 aún no lo recuperan" in summary
    rows = [r for r in walk(recovery) if isinstance(r, html.Tr)]
    assert len(rows) == 1 + 24  # header + every indicator
    header = text_of(rows[0])
    assert header == "Indicador 2019 2020 2021 Recuperación"
    back = next(text_of(r) for r in rows if text_of(r).startswith("AES.03.01-2"))
    assert back.endswith("7.8% 7.7% 9.48% ▲ Recuperó su nivel de 2019")
    # every chart card carries its data, the recovery chart's too (values as printed, state)
    cards = by_id(tree, page.Ids.CHARTS)
    tables = chart_tables(cards)
    assert len(tables) == len(graphs(cards)) == 4
    assert "AES.03.01-2" not in text_of(tables[3])  # "Solo OES": the OES indicators only
    assert "OES.02-1" in text_of(tables[3]) and "Aún no recupera su nivel de 2019" in text_of(
        tables[3]
    )
    # the "todos" view: one recovery chart per OES, exported under the report's own prefix
    stems = [chart.stem for chart in page.figures("abs", "todos", next_year)]
    assert stems[-4:] == [f"{prefix}_covid_recuperacion-OES.0{i}" for i in range(1, 5)]
    assert stems[0] == f"{prefix}_covid_variacion-absoluta-OES.01"


def test_a_report_with_several_later_years_shows_each_of_them(ds):
    """The 2023 report (plan 2018-2024): 2021, 2022 and 2023 after the pandemic."""
    from tests.test_covid import shifted

    tree = page.content(shifted(ds, 3), "pct", "oes")
    title = graph_figure(tree, page.Ids.RECOVERY_CHART).layout.meta["title"]
    assert title == "¿Recuperaron su nivel de 2019? 2019 → 2020 → 2021–2023"
    recovery = by_id(tree, page.Ids.RECOVERY)
    header = next(n for n in walk(recovery) if isinstance(n, html.Thead))
    assert text_of(header) == "Indicador 2019 2020 2021 2022 2023 Recuperación"
    assert "recuperaron su nivel de 2019 en 2023" in text_of(recovery)


@pytest.mark.parametrize(
    ("years", "says"),
    [
        (6, "abarca los años 2021–2026, que no incluyen 2020"),
        (-6, "abarca los años 2009–2014, que no incluyen 2020"),
        (4, "no tiene valores obtenidos de 2019"),
        (5, "no tiene valores obtenidos de 2019 ni de 2020"),
    ],
)
def test_a_report_without_the_two_years_gets_a_page_that_says_so(ds, years, says):
    from tests.test_covid import shifted

    other = shifted(ds, years)
    tree = page.content(other, "abs", "todos")
    text = text_of(tree)
    assert says in text
    assert text.startswith("Resumen Impacto COVID-19 Impacto de la COVID-19 Este reporte")
    assert not graphs(tree)
    links = [n.href for n in walk(tree) if isinstance(n, dcc.Link)]
    assert "/" in links and "/explorar" in links and "/covid" not in links
    assert page.figures("pct", "oes", other) == []


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
