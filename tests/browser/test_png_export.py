"""Presenter export in a real browser: modebar camera, "Descargar PNG" and the page's ZIP.

For a chart of each page kind the camera and the button are clicked and the downloads captured:
a 3200×1800 PNG (1600×900 at scale 2, whatever the window size) named after the chart, the same
picture from both (the slide: title, source line, big fonts). Then "Descargar todos los gráficos"
gives a ZIP with one such PNG per chart of the page. The Content-Security-Policy must let the
export draw through data:/blob: images (a missing source would only show as a missing download).
"""

from __future__ import annotations

import io
import re
import struct
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.browser.slide_js import SLIDE_JS

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SLIDE_PIXELS = (3200, 1800)
SOURCE_LINE = (
    "Fuente: Reporte de seguimiento del PESEM 2015-2021, Sector Relaciones Exteriores, 2020"
)
CAMERA_TITLE = "Descargar gráfica como PNG"  # plotly's es locale (assets/plotly-locale-es.js)
NAME = re.compile(r"^pesem-rree-2020_[A-Za-z0-9._-]+\.png$")

#: (page, file name of the chart whose camera and button are clicked, charts on the page)
CASES = [
    ("/", "pesem-rree-2020_resumen_oes", 1),
    ("/oes/OES.01", "pesem-rree-2020_OES.01-1_serie", 2),
    ("/aes/AES.03.04", "pesem-rree-2020_AES.03.04-1_avance", 2),
    ("/covid", "pesem-rree-2020_covid_variacion", 3),
]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def _download(page: Any, click: Any) -> tuple[str, bytes]:
    with page.expect_download(timeout=30_000) as info:
        click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def _card(page: Any, filename: str) -> Any:
    button = page.locator(f'button[data-filename="{filename}"]')
    assert button.count() == 1, f"no chart {filename} on {page.url}"
    return page.locator(".chart-card").filter(has=button)


def test_csp_allows_image_export(live_server):
    with urllib.request.urlopen(live_server + "/", timeout=15) as response:
        csp = response.headers["Content-Security-Policy"]
    img_src = next(d for d in csp.split(";") if d.strip().startswith("img-src")).split()
    assert "data:" in img_src and "blob:" in img_src, csp


@pytest.mark.parametrize(("path", "filename", "charts"), CASES, ids=[c[0] for c in CASES])
def test_camera_button_and_zip(page, path, filename, charts):
    page.set_viewport_size({"width": 900, "height": 700})  # a small window: same PNG size
    page.open(path)
    assert page.locator(".chart-card").count() == charts
    card = _card(page, filename)
    plot = card.locator(".js-plotly-plot")
    plot.locator(".main-svg").first.wait_for()

    # The slide that both exports draw: title, source inside, 1600×900, no font under 18 px.
    slide = plot.evaluate(SLIDE_JS)
    assert slide is not None, "the chart card carries no slide patch"
    assert (slide["width"], slide["height"]) == (1600, 900)
    assert slide["title"].strip()
    assert any(SOURCE_LINE in text for text in slide["annotations"])
    assert slide["minFont"] >= 18

    # "Descargar PNG"
    name, button_png = _download(
        page, lambda: card.get_by_role("button", name="Descargar PNG").click()
    )
    assert name == f"{filename}.png" and NAME.match(name)
    assert png_size(button_png) == SLIDE_PIXELS

    # Modebar camera: Spanish, no logo, no cloud; the same slide picture.
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
    name, camera_png = _download(page, camera.click)
    assert name == f"{filename}.png"
    assert png_size(camera_png) == SLIDE_PIXELS
    assert camera_png == button_png, "the camera does not export the slide"

    # "Descargar todos los gráficos"
    link = page.get_by_role("link", name="Descargar todos los gráficos")
    assert link.count() == 1
    name, data = _download(page, link.click)
    assert re.fullmatch(r"pesem-rree-2020_[A-Za-z0-9._-]+_graficos\.zip", name), name
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        pngs = [n for n in names if n.endswith(".png")]
        assert len(pngs) == charts and f"{filename}.png" in pngs
        assert all(NAME.match(n) for n in pngs)
        for member in pngs:
            assert png_size(archive.read(member)) == SLIDE_PIXELS
        assert SOURCE_LINE in archive.read("README.txt").decode("utf-8")
    page.assert_clean()


def test_no_zip_button_without_charts(page):
    page.open("/calidad")
    assert page.get_by_role("link", name="Descargar todos los gráficos").count() == 0
    page.assert_clean()
