"""Static charts in Chromium: the server's picture first, the plotly chart on "Interactuar".

One server (gunicorn.conf.py, static charts on) over a cache folder holding the pictures of
/perspectiva and /explorar only (``python -m web.prerender --page …``) and no Chromium of
its own to render the rest (``BROWSER_PATH`` points nowhere): /perspectiva shows pictures, /unidades
(no picture available) shows its interactive chart at once.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_a11y import AXE_JS, AXE_TAGS, FAILING_IMPACTS, RUN_AXE_JS
from tests.conftest import DASH_SETTLED_JS, ROOT, _same_origin, gunicorn_server

PLOTLY_SCRIPTS = ("plotly.min.js", "async-graph.js")
PICTURES_LOADED_JS = """() => {
    const images = [...document.querySelectorAll('img.chart-image')];
    return images.length > 0 && images.every(img => img.complete && img.naturalWidth > 0);
}"""
CHART_DRAWN_JS = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .some(plot => plot.querySelector('.main-svg .cartesianlayer, .main-svg .pielayer'))"""


@pytest.fixture(scope="module")
def static_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("static_charts")
    cache = folder / "charts"
    env = {**os.environ, "PESEM_CHART_CACHE": str(cache), "PESEM_STATIC_CHARTS": "1"}
    subprocess.run(
        [sys.executable, "-m", "web.prerender", "--page", "/perspectiva", "--page", "/explorar"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert any(cache.glob("*-340x*.svg")), "the pre-render wrote no picture"
    server_env = {
        "PESEM_CHART_CACHE": str(cache),
        "PESEM_STATIC_CHARTS": "1",
        "BROWSER_PATH": str(folder / "no-chromium"),  # renders nothing more: /unidades stays
    }
    with gunicorn_server(server_env, log_path=folder / "gunicorn.log") as base_url:
        yield base_url


def _open(browser: Any, base_url: str, path: str, width: int, height: int) -> tuple[Any, dict]:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="es-PE")
    context.set_default_timeout(30_000)
    page = context.new_page()
    seen: dict[str, list[str]] = {"requests": [], "errors": [], "external": []}

    def on_console(message: Any) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            seen["errors"].append(message.text)

    def on_request(request: Any) -> None:
        seen["requests"].append(request.url)
        if not _same_origin(request.url, base_url):
            seen["external"].append(request.url)

    page.on("console", on_console)
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    page.on("request", on_request)
    page.goto(base_url + path)
    page.wait_for_load_state("networkidle")
    page.wait_for_function(DASH_SETTLED_JS)
    return page, seen


def _plotly_requests(seen: dict[str, list[str]]) -> list[str]:
    return [url for url in seen["requests"] if url.split("?")[0].endswith(PLOTLY_SCRIPTS)]


def test_a_phone_gets_the_narrow_picture_and_the_chart_on_request(browser, static_server):
    page, seen = _open(browser, static_server, "/perspectiva", 390, 844)
    try:
        page.wait_for_function(PICTURES_LOADED_JS)
        image = page.locator("img.chart-image").first
        assert "-340x" in image.evaluate("img => img.currentSrc")
        assert image.get_attribute("alt", timeout=1000).startswith("Gráfico: ")
        assert page.locator(".js-plotly-plot").count() == 0
        assert not _plotly_requests(seen), "plotly.js loaded before the reader asked"
        # the picture fits the card, so the page does not scroll sideways
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

        button = page.get_by_role("button", name="Interactuar con el gráfico", exact=False)
        assert button.count() == 1
        button.click()
        page.wait_for_function(CHART_DRAWN_JS)
        assert _plotly_requests(seen)
        assert page.locator("img.chart-image").count() == 0
        assert not button.is_visible()
        card = page.locator(".chart-card").first
        assert card.locator(".modebar-container").count() == 1
        assert card.get_by_role("button", name="Descargar PNG").is_visible()
        assert card.locator("details.chart-data [data-table]").count() == 1
        assert not seen["errors"] and not seen["external"], seen
    finally:
        page.context.close()


def test_a_large_screen_loads_the_chart_when_it_scrolls_into_view(browser, static_server):
    page, seen = _open(browser, static_server, "/perspectiva", 1366, 900)
    try:
        page.wait_for_function(PICTURES_LOADED_JS)
        assert page.locator(".js-plotly-plot").count() == 0  # not before the reader scrolls
        page.mouse.wheel(0, 400)
        page.wait_for_function(CHART_DRAWN_JS)
        assert "/graficos/" in " ".join(seen["requests"])
        assert not seen["errors"] and not seen["external"], seen
    finally:
        page.context.close()


def test_the_explorer_starts_with_a_picture_and_a_filter_draws_the_chart(browser, static_server):
    """Its default chart is a picture (plotly.js was most of its phone's first visit); a
    filtered state has no picture, so the chart that follows a filter is interactive."""
    page, seen = _open(browser, static_server, "/explorar", 390, 844)
    try:
        page.wait_for_function(PICTURES_LOADED_JS)
        assert page.locator("#exp-grafico-caja img.chart-image").count() == 1
        assert not _plotly_requests(seen), "plotly.js loaded before the reader asked"
        page.locator("#exp-unidad input[type=checkbox][value='DGC']").check()
        page.wait_for_function(CHART_DRAWN_JS)
        assert page.locator("#exp-grafico-caja img.chart-image").count() == 0
        drawn = page.locator("#exp-grafico-caja .js-plotly-plot").inner_text()
        assert "OES.03-1" in drawn and "OES.01" not in drawn  # DGC's indicators only
        assert not seen["errors"] and not seen["external"], seen
    finally:
        page.context.close()


def test_without_a_picture_the_chart_is_interactive_at_once(browser, static_server):
    page, seen = _open(browser, static_server, "/unidades", 390, 844)
    try:
        page.wait_for_function(CHART_DRAWN_JS)
        assert page.locator("img.chart-image").count() == 0
        assert page.get_by_role("button", name="Interactuar", exact=False).count() == 0
        assert not seen["errors"], seen
    finally:
        page.context.close()


def test_a_page_of_pictures_has_no_serious_axe_violation(browser, static_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(static_server + "/perspectiva")
        page.wait_for_load_state("networkidle")
        page.wait_for_function(DASH_SETTLED_JS)
        page.wait_for_function(PICTURES_LOADED_JS)
        page.add_script_tag(path=str(Path(AXE_JS)))
        violations = page.evaluate(RUN_AXE_JS, AXE_TAGS)
        failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
        assert not failing, [(v["id"], [n["html"][:200] for n in v["nodes"]]) for v in failing]
    finally:
        context.close()
