"""/covid and /calidad in Chromium: charts render cleanly, the toggles redraw, links resolve."""

from __future__ import annotations

import contextlib
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pesem.findings import find_all
from pesem.loader import get_dataset
from tests.browser.slide_download import SLIDE_PIXELS, chart_card, download_png, png_size
from tests.conftest import DASH_SETTLED_JS, gunicorn_server
from tests.report_variants import import_variant

GRAPHS = ("covid-variacion", "covid-2019-2020", "covid-tendencias")

FIGURE_JS = """(id) => {
    const plot = document.querySelector('#' + CSS.escape(id) + ' .js-plotly-plot');
    if (!plot || !plot.data) return null;
    return {
        // the card's header on the page; the figure keeps its title for the slide
        title: plot.layout.meta && plot.layout.meta.title,
        traces: plot.data.length,
        text: plot.data.flatMap((t) => Array.from(t.text || [])).filter((x) => x),
        rows: new Set(
            plot.data.flatMap((t) => Array.from(t.y || [])).filter((y) => y != null)
        ).size,
    };
}"""
ROWS_JS = "() => document.querySelectorAll('#covid-tabla tbody tr').length"


def figure(page: Any, graph_id: str) -> dict | None:
    return page.evaluate(FIGURE_JS, graph_id)


def _wait_url(page: Any, wanted: str) -> None:
    page.wait_for_function(
        "s => window.location.pathname + window.location.search === s", arg=wanted
    )


def _wait_graphs(page: Any, ids: list[str]) -> None:
    """Until exactly these charts are drawn (in this order)."""
    page.wait_for_function(
        """ids => {
            const found = [...document.querySelectorAll('.chart-graph')].map((g) => g.id);
            return JSON.stringify(found) === JSON.stringify(ids) && ids.every((id) => {
                const p = document.querySelector('#' + CSS.escape(id) + ' .js-plotly-plot');
                return p && p.data && p.data.length > 0;
            });
        }""",
        arg=ids,
    )


def _checked(page: Any) -> list[str]:
    """The labels of the two toggles' checked options."""
    return page.eval_on_selector_all(
        "#covid-mode input:checked, #covid-scope input:checked",
        "inputs => inputs.map((i) => document.querySelector(`label[for='${i.id}']`).innerText)",
    )


OES = ("OES-01", "OES-02", "OES-03", "OES-04")
PER_OES = [
    f"covid-{chart}-{code}" for chart in ("variacion", "2019-2020", "tendencias") for code in OES
]


def test_covid_renders_and_the_toggles_redraw(page):
    page.open("/covid")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Impacto de la COVID-19")
    _wait_graphs(page, list(GRAPHS))
    before = figure(page, "covid-variacion")
    assert before["title"].endswith("(%)")
    assert "+15.4%" in before["text"] and "-45.7%" in before["text"]
    assert page.evaluate(ROWS_JS) == 7

    # "% de variación" → "Valores absolutos": the bars now carry absolute changes with units,
    # and the address says so (a shared link restores this view).
    page.get_by_text("Valores absolutos", exact=True).click()
    _wait_url(page, "/covid?vista=abs")
    page.wait_for_function(
        "(old) => { const p = document.querySelector('#covid-variacion .js-plotly-plot');"
        " return p && p.layout.meta.title !== old; }",
        arg=before["title"],
    )
    after = figure(page, "covid-variacion")
    assert "absoluta" in after["title"]
    assert "+11.13 p.p." in after["text"] and "+15.4%" not in after["text"]
    dumbbell = figure(page, "covid-2019-2020")
    assert "72.2% → 83.33%" in dumbbell["text"]

    # "Solo indicadores de OES" → "Todos los indicadores": 7 → 24 rows in the table; the charts
    # become one per OES (10 + 7 + 4 + 3 indicators), each readable as a slide.
    page.get_by_text("Todos los indicadores", exact=True).click()
    _wait_url(page, "/covid?vista=abs&alcance=todos")
    page.wait_for_function(f"() => ({ROWS_JS})() === 24")
    _wait_graphs(page, PER_OES)
    rows = [figure(page, f"covid-2019-2020-{code}")["rows"] for code in OES]
    assert rows == [10, 7, 4, 3]
    assert "72.2% → 83.33%" in figure(page, "covid-2019-2020-OES-04")["text"]

    # The qualitative side is on the page: the AES.03.04 sentence, under its OES (an item's
    # passages are fetched when it is opened).
    sentence = page.get_by_text("Las solicitudes de apoyo se vieron incrementadas")
    assert sentence.count() == 0
    page.get_by_role("button", name="OES.03").click()
    sentence.wait_for(state="visible")
    page.assert_clean()


def test_back_button_returns_to_the_previous_view(page):
    page.open("/covid")
    _wait_graphs(page, list(GRAPHS))
    page.get_by_text("Valores absolutos", exact=True).click()
    _wait_url(page, "/covid?vista=abs")
    page.get_by_text("Todos los indicadores", exact=True).click()
    _wait_url(page, "/covid?vista=abs&alcance=todos")
    _wait_graphs(page, PER_OES)

    page.go_back()
    _wait_url(page, "/covid?vista=abs")
    _wait_graphs(page, list(GRAPHS))
    page.wait_for_function(f"() => ({ROWS_JS})() === 7")
    assert _checked(page) == ["Valores absolutos", "Solo indicadores de OES"]
    assert "absoluta" in figure(page, "covid-variacion")["title"]

    page.go_back()
    _wait_url(page, "/covid")
    page.wait_for_function(
        "() => document.querySelector('#covid-variacion .js-plotly-plot')"
        ".layout.meta.title.endsWith('(%)')"
    )
    assert _checked(page) == ["% de variación", "Solo indicadores de OES"]

    page.go_forward()
    _wait_url(page, "/covid?vista=abs")
    page.wait_for_function(
        "() => document.querySelector('#covid-variacion .js-plotly-plot')"
        ".layout.meta.title.includes('absoluta')"
    )
    assert _checked(page) == ["Valores absolutos", "Solo indicadores de OES"]
    # going back and forth never added history entries of its own
    assert page.evaluate("() => window.history.length") == 4  # about:blank + 3 views
    page.assert_clean()


def test_shared_link_restores_the_view_and_the_zip_exports_it(page):
    page.open("/covid?vista=abs&alcance=todos")
    _wait_graphs(page, PER_OES)
    assert _checked(page) == ["Valores absolutos", "Todos los indicadores"]
    assert page.evaluate(ROWS_JS) == 24
    assert "absoluta" in figure(page, "covid-variacion-OES-01")["title"]
    _wait_url(page, "/covid?vista=abs&alcance=todos")  # opening it does not rewrite it

    # A card's "Descargar PNG" is this view's slide (fonts: tests/test_covid_page.py).
    name, card_png = download_png(page, chart_card(page, f"#{PER_OES[0]}"))
    assert png_size(card_png) == SLIDE_PIXELS

    # "Descargar todos los gráficos" exports this view: one slide per OES and chart.
    link = page.get_by_role("link", name="Descargar todos los gráficos")
    with page.expect_download(timeout=120_000) as info:
        link.click()
    data = Path(info.value.path()).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        pngs = [n for n in archive.namelist() if n.endswith(".png")]
        assert archive.read(name) == card_png  # the button and the ZIP: the same slide
    assert pngs == [
        f"pesem-rree-2020_covid_{chart}-{code}.png"
        for chart in ("variacion-absoluta", "2019-2020-absoluta", "tendencias")
        for code in ("OES.01", "OES.02", "OES.03", "OES.04")
    ]
    page.assert_clean()


def test_invalid_query_values_show_the_default_view(page):
    response = page.open("/covid?vista=log&alcance=%%%")
    assert response.status == 200
    _wait_graphs(page, list(GRAPHS))
    assert _checked(page) == ["% de variación", "Solo indicadores de OES"]
    assert page.evaluate(ROWS_JS) == 7
    # a toggle then writes a clean address
    page.get_by_text("Todos los indicadores", exact=True).click()
    _wait_url(page, "/covid?alcance=todos")
    page.assert_clean()


def test_calidad_lists_every_finding_and_its_links_resolve(page):
    findings = find_all(get_dataset())
    page.open("/calidad")
    assert page.get_by_role("heading", level=1).inner_text() == "Calidad de datos del reporte"
    assert page.locator("tr.calidad-finding").count() == len(findings)
    for label in findings["kind_label"].unique():
        assert page.get_by_role("heading", name=label).count() == 1
    hrefs = page.eval_on_selector_all(
        "a.calidad-link", "(links) => links.map((a) => a.getAttribute('href'))"
    )
    assert len(hrefs) == sum(1 for c in findings["code"] if c.startswith(("AES.", "OES.")))
    for href in sorted(set(hrefs)):
        response = page.request.get(page.base_url + href)
        assert response.status == 200, href
    # Following one link renders that page (client-side navigation, no 404 content).
    first = page.locator("a.calidad-link").first
    target = first.get_attribute("href")
    first.click()
    page.wait_for_url(f"**{target}")
    page.wait_for_dash()
    assert "Página no encontrada" not in page.get_by_role("heading", level=1).first.inner_text()
    page.assert_clean()


# --------------------------------------------------------------------------- other reports


@contextlib.contextmanager
def _serve_variant(browser: Any, tmp_path: Path, years: int) -> Iterator[tuple[Any, str]]:
    """A page on a gunicorn serving the seed report with every year moved by ``years``."""
    folder = import_variant(tmp_path, years=years)
    env = {"PESEM_DATA_DIR": str(folder)}
    with gunicorn_server(env, log_path=tmp_path / "gunicorn.log") as base_url:
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="es-PE")
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        try:
            yield page, base_url
        finally:
            context.close()


def _open(page: Any, url: str) -> Any:
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    page.wait_for_function(DASH_SETTLED_JS)
    return response


def _nav_labels(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        ".pesem-navbar .nav-link", "links => links.map((a) => a.innerText.trim())"
    )


def test_next_report_compares_2019_with_2020_and_shows_the_recovery(browser, tmp_path):
    """The report of 2021: /covid still compares 2019 with 2020, and adds 2021's recovery."""
    with _serve_variant(browser, tmp_path, 1) as (page, base_url):
        _open(page, base_url + "/covid")
        assert "Impacto COVID-19" in _nav_labels(page)
        heading = page.get_by_role("heading", level=1).inner_text()
        assert heading == "Impacto de la COVID-19: 2019 frente a 2020"
        _wait_graphs(page, [*GRAPHS, "covid-recuperacion"])
        recovery = figure(page, "covid-recuperacion")
        assert recovery["title"] == "¿Recuperaron su nivel de 2019? 2019 → 2020 → 2021"
        section = page.locator("#covid-recuperacion-seccion").inner_text()
        assert "recuperaron su nivel de 2019 en 2021" in section
        # "Todos los indicadores": one recovery chart per OES too
        page.get_by_text("Todos los indicadores", exact=True).click()
        _wait_url(page, "/covid?alcance=todos")
        _wait_graphs(page, [*PER_OES, *(f"covid-recuperacion-{code}" for code in OES)])
        assert page.errors == []


def test_report_without_2020_has_no_covid_entry_and_explains_why(browser, tmp_path):
    """The report of 2026 (plan 2021-2027): no navbar entry; the address still answers, with
    a page that says why and links to the others."""
    with _serve_variant(browser, tmp_path, 6) as (page, base_url):
        _open(page, base_url + "/")
        labels = _nav_labels(page)
        assert "Resumen" in labels and "Impacto COVID-19" not in labels
        response = _open(page, base_url + "/covid")
        assert response.status == 200
        assert page.get_by_role("heading", level=1).inner_text() == "Impacto de la COVID-19"
        lead = page.locator(".covid-unavailable").inner_text()
        assert "que no incluyen 2020" in lead
        assert page.locator(".chart-graph").count() == 0
        page.locator("main").get_by_role("link", name="Explorar", exact=True).click()
        page.wait_for_url("**/explorar")
        assert page.errors == []
