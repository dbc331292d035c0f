"""/covid and /calidad in Chromium: charts render cleanly, the toggles redraw, links resolve."""

from __future__ import annotations

from typing import Any

from pesem.findings import find_all
from pesem.loader import get_dataset

GRAPHS = ("covid-variacion", "covid-2019-2020", "covid-tendencias")

FIGURE_JS = """(id) => {
    const plot = document.querySelector('#' + CSS.escape(id) + ' .js-plotly-plot');
    if (!plot || !plot.data) return null;
    return {
        title: plot.layout.title && plot.layout.title.text,
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


def test_covid_renders_and_the_toggles_redraw(page):
    page.open("/covid")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Impacto de la COVID-19")
    for graph_id in GRAPHS:
        page.wait_for_function(
            "(id) => { const p = document.querySelector('#' + CSS.escape(id) + ' .js-plotly-plot');"
            " return p && p.data && p.data.length > 0; }",
            arg=graph_id,
        )
    before = figure(page, "covid-variacion")
    assert before["title"].endswith("(%)")
    assert "+15.4%" in before["text"] and "-45.7%" in before["text"]
    assert page.evaluate(ROWS_JS) == 7

    # "% de variación" → "Valores absolutos": the bars now carry absolute changes with units.
    page.get_by_text("Valores absolutos", exact=True).click()
    page.wait_for_function(
        "(old) => { const p = document.querySelector('#covid-variacion .js-plotly-plot');"
        " return p && p.layout.title.text !== old; }",
        arg=before["title"],
    )
    after = figure(page, "covid-variacion")
    assert "absoluta" in after["title"]
    assert "+11.13 p.p." in after["text"] and "+15.4%" not in after["text"]
    dumbbell = figure(page, "covid-2019-2020")
    assert "72.2% → 83.33%" in dumbbell["text"]

    # "Solo indicadores de OES" → "Todos los indicadores": 7 → 24 rows, in the table and charts.
    page.get_by_text("Todos los indicadores", exact=True).click()
    page.wait_for_function(f"() => ({ROWS_JS})() === 24")
    page.wait_for_function(
        "() => { const p = document.querySelector('#covid-2019-2020 .js-plotly-plot');"
        " return p && new Set(p.data.flatMap((t) => Array.from(t.y || []))"
        ".filter((y) => y != null)).size === 24; }"
    )
    assert figure(page, "covid-variacion")["rows"] > before["rows"]

    # The qualitative side is on the page: the AES.03.04 sentence, under its OES.
    page.get_by_role("button", name="OES.03").click()
    assert page.get_by_text("Las solicitudes de apoyo se vieron incrementadas").is_visible()
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
