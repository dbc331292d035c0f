"""Presenter export in a real browser: "Descargar PNG", the modebar camera and the page's ZIP.

For a chart of each page kind: "Descargar PNG" downloads the chart's slide from the server, a
3200×1800 PNG (1600×900 at scale 2, whatever the window size) named after the chart; the ZIP of
the page ("Descargar todos los gráficos") holds the same PNG, byte for byte. The camera saves
the chart as it is on screen at the same size and under the same name. The
Content-Security-Policy must let plotly's camera draw through data:/blob: images.
"""

from __future__ import annotations

import io
import re
import urllib.request
import zipfile
from urllib.parse import parse_qs, urlsplit

import pytest

from pesem.loader import get_dataset
from tests.browser.slide_download import (
    SLIDE_PIXELS,
    chart_card,
    download,
    download_png,
    png_size,
)

META = get_dataset().meta
PREFIX = META.file_prefix
CAMERA_TITLE = (
    "Descargar gráfica como PNG"  # plotly's es locale (assets/pesem.js, plotly-locale-es section)
)
NAME = re.compile(rf"^{re.escape(PREFIX)}_[A-Za-z0-9._-]+\.png$")

#: (page, file stem of the chart whose button and camera are clicked, charts on the page)
CASES = [
    ("/", f"{PREFIX}_resumen_oes", 1),
    ("/oes/OES.01", f"{PREFIX}_OES.01-1_serie", 2),
    ("/aes/AES.03.04", f"{PREFIX}_AES.03.04-1_avance", 2),
    ("/covid", f"{PREFIX}_covid_variacion", 3),
]


def _zip_members(page) -> dict[str, bytes]:
    link = page.get_by_role("link", name="Descargar todos los gráficos")
    assert link.count() == 1
    name, data = download(page, link.click, timeout_ms=120_000)
    assert re.fullmatch(rf"{re.escape(PREFIX)}_[A-Za-z0-9._-]+_graficos\.zip", name), name
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert META.source in archive.read("README.txt").decode("utf-8")
        return {n: archive.read(n) for n in archive.namelist() if n.endswith(".png")}


def test_csp_allows_image_export(live_server):
    with urllib.request.urlopen(live_server + "/", timeout=15) as response:
        csp = response.headers["Content-Security-Policy"]
    img_src = next(d for d in csp.split(";") if d.strip().startswith("img-src")).split()
    assert "data:" in img_src and "blob:" in img_src, csp


@pytest.mark.parametrize(("path", "stem", "charts"), CASES, ids=[c[0] for c in CASES])
def test_button_camera_and_zip(page, path, stem, charts):
    page.set_viewport_size({"width": 900, "height": 700})  # a small window: same PNG size
    page.open(path)
    assert page.locator(".chart-card").count() == charts
    card = chart_card(page, f'[data-filename="{stem}"]')
    plot = card.locator(".js-plotly-plot")
    plot.locator(".main-svg").first.wait_for()

    # "Descargar PNG": the slide, from the server, for this page
    name, button_png = download_png(page, card)
    assert name == f"{stem}.png" and NAME.match(name)
    assert png_size(button_png) == SLIDE_PIXELS
    link = card.get_by_role("button", name="Descargar PNG")
    query = parse_qs(urlsplit(link.get_attribute("href")).query)
    assert query["pagina"] == [path] and query["grafico"] == [stem]

    # Modebar camera: Spanish, no logo, no cloud; the chart as on screen, same size and name.
    plot.hover()
    camera = card.locator(f'.modebar-btn[data-title="{CAMERA_TITLE}"]')
    assert camera.count() == 1
    titles = " ".join(
        t or ""
        for t in card.locator(".modebar-btn").evaluate_all(
            "buttons => buttons.map(b => b.getAttribute('data-title'))"
        )
    )
    assert "Cloud" not in titles and "Chart Studio" not in titles
    assert card.locator(".modebar-btn--logo").count() == 0
    name, camera_png = download(page, camera.click)
    assert name == f"{stem}.png"
    assert png_size(camera_png) == SLIDE_PIXELS

    # "Descargar todos los gráficos": one slide per chart, the button's one among them
    members = _zip_members(page)
    assert len(members) == charts and all(NAME.match(n) for n in members)
    assert all(png_size(png) == SLIDE_PIXELS for png in members.values())
    assert members[f"{stem}.png"] == button_png, "the button and the ZIP differ"
    page.assert_clean()


def test_button_exports_the_filtered_view(page):
    """The explorer's filters live in the address bar: the PNG is the filtered chart."""
    page.open("/explorar?oes=OES.02")
    card = chart_card(page, "[data-png-chart]")
    stem = card.locator("[data-png-chart]").get_attribute("data-png-chart")
    assert stem == f"{PREFIX}_explorar_cumplimiento_OES.02"
    name, button_png = download_png(page, card)
    assert name == f"{stem}.png" and png_size(button_png) == SLIDE_PIXELS
    assert _zip_members(page) == {name: button_png}
    page.assert_clean()


def test_no_zip_button_without_charts(page):
    page.open("/calidad")
    assert page.get_by_role("link", name="Descargar todos los gráficos").count() == 0
    page.assert_clean()


def test_zip_button_follows_in_app_navigation(page):
    """The bar reads the URL from its own dcc.Location: it changes with the router's pages."""
    page.open("/")
    link = page.get_by_role("link", name="Descargar todos los gráficos")
    assert parse_qs(urlsplit(link.get_attribute("href")).query)["pagina"] == ["/"]
    navbar = page.locator(".pesem-navbar")
    navbar.get_by_role("link", name="Calidad de datos").click()
    page.wait_for_url("**/calidad")
    link.wait_for(state="detached")
    navbar.get_by_role("link", name="Por unidad").click()
    page.wait_for_url("**/unidades")
    link.wait_for()
    assert parse_qs(urlsplit(link.get_attribute("href")).query)["pagina"] == ["/unidades"]
    page.assert_clean()
