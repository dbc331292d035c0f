"""The first paint (web/first_paint.py) in Chromium at 390×844: before any script the page is
already there, and the renderer's page replaces it without a visible change.

With JavaScript off the index alone must show the page (heading, text, figures, navbar); with it
on, once the renderer has drawn its page, the server's copy must be gone from the document and
the first screen must be pixel-identical to the script-less one. Charts are masked in both
shots: the live server draws them with plotly (static pictures off), the copy leaves their box.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops

from components.explorer import GRID_NO_SCRIPT
from tests.conftest import DASH_SETTLED_JS

PHONE = {"width": 390, "height": 844}
PAGES = ("/", "/oes/OES.01", "/aes/AES.01.01", "/covid", "/calidad", "/explorar?unidad=DGC")
MASK = ".chart-figure, .ag-root-wrapper, .exp-grid"
SHADE = 16  # grey levels of difference that count as a changed pixel
MAX_CHANGED = 0.0005  # of the screen's pixels


def _shot(browser: Any, url: str, *, scripts: bool) -> tuple[Image.Image, dict[str, Any]]:
    context = browser.new_context(viewport=PHONE, java_script_enabled=scripts, locale="es-PE")
    context.set_default_timeout(30_000)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url)
        page.wait_for_load_state("networkidle")
        if scripts:
            page.wait_for_function(DASH_SETTLED_JS)
            page.wait_for_timeout(300)
        facts = page.evaluate(
            """() => ({
                copies: document.querySelectorAll('.first-paint').length,
                h1: [...document.querySelectorAll('h1')]
                    .filter(h => h.offsetParent !== null).map(h => h.textContent.trim()),
                pages: document.querySelectorAll('.pesem-page').length,
            })"""
        )
        facts["errors"] = errors
        png = page.screenshot(mask=[page.locator(MASK)], animations="disabled")
        return Image.open(io.BytesIO(png)).convert("RGB"), facts
    finally:
        context.close()


@pytest.mark.parametrize("path", PAGES)
def test_page_shows_before_scripts_and_is_swapped_in_place(browser, live_server, path):
    before, without = _shot(browser, live_server + path, scripts=False)
    after, with_scripts = _shot(browser, live_server + path, scripts=True)
    # without scripts: the server's copy is the page (one visible h1, the page's root)
    assert without["copies"] == 1 and without["pages"] == 1 and len(without["h1"]) == 1
    # with scripts: the copy left the document; the renderer's page is the only one
    assert with_scripts["copies"] == 0 and with_scripts["pages"] == 1
    assert with_scripts["h1"] == without["h1"] and not with_scripts["errors"]
    # Identical but for anti-aliasing: React may split a text into several nodes, which can
    # move a glyph's edge by a shade; a shifted line or box changes thousands of pixels.
    diff = ImageChops.difference(before, after).convert("L")
    changed = sum(diff.histogram()[SHADE + 1 :])
    assert changed <= MAX_CHANGED * PHONE["width"] * PHONE["height"], (
        f"{path}: the first screen changed when the renderer took over "
        f"({changed} pixels in {diff.getbbox()})"
    )


def test_explorer_without_scripts_says_so_and_still_downloads(browser, live_server):
    """Without JavaScript the grid cannot mount: its box says so in a <noscript>, and the
    download form (plain HTML, filled by the server with the URL's filters) still gives the
    filtered rows. (Playwright turns scripts off after the parser has decided how to read a
    <noscript>, so the test reads the element instead of its rendering.)"""
    context = browser.new_context(
        viewport=PHONE, java_script_enabled=False, accept_downloads=True, locale="es-PE"
    )
    try:
        page = context.new_page()
        page.goto(live_server + "/explorar?unidad=DGC")
        assert (
            GRID_NO_SCRIPT
            in page.locator("#exp-tabla noscript, .exp-grid-slot noscript").first.text_content()
        )
        with page.expect_download() as info:
            page.get_by_role("button", name="Descargar CSV").click()
        download = info.value
        assert download.suggested_filename == "pesem-rree-2020_indicadores_DGC.csv"
        rows = csv.DictReader(io.StringIO(Path(download.path()).read_text("utf-8-sig")))
        units = {row["indicator_id"]: row["responsible_unit"] for row in rows}
        assert units and all("DGC" in value.split(", ") for value in units.values()), units
    finally:
        context.close()
