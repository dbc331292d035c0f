"""Presenter deck in a real browser: "Descargar presentación" says it is working, then the
.pptx arrives as a file download (assets/pesem.js: fetch + blob, aria-busy, a live region).

The deck request is held (Playwright routing) until the button has been seen busy, so the
check does not depend on how long the server takes.
"""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect
from pptx import Presentation

from pesem.loader import get_dataset
from tests.browser.slide_download import download

PREFIX = get_dataset().meta.file_prefix
SUMMARY = get_dataset().summary
DECK_LINK = "a[data-deck][data-zip-page]"


def test_deck_button_prepares_then_downloads_the_filtered_page_deck(page):
    page.open("/explorar?oes=OES.02")
    link = page.locator(DECK_LINK)
    expect(link).to_have_text("Descargar presentación")
    zip_link = page.get_by_role("link", name="Descargar todos los gráficos")
    assert zip_link.count() == 1  # side by side in the same bar
    status = page.locator(".png-zip [role=status]")
    held = []
    page.route("**/download/presentacion.pptx*", lambda route: held.append(route))

    link.click()
    expect(link).to_have_text("Preparando…")
    expect(link).to_have_attribute("aria-busy", "true")
    expect(status).to_have_text("Preparando la presentación…")
    assert len(held) == 1
    query = parse_qs(urlsplit(held[0].request.url).query)
    assert query["pagina"] == ["/explorar"] and query["oes"] == ["OES.02"]

    name, data = download(page, held[0].continue_, timeout_ms=120_000)
    assert name == f"{PREFIX}_explorar_presentacion.pptx"
    deck = Presentation(io.BytesIO(data))
    assert len(deck.slides) == 2  # the cover and the explorer's chart
    # the filtered view: its key message counts the OES.02 indicators only
    texts = [s.text_frame.text for s in deck.slides[1].shapes if s.has_text_frame]
    filtered = int((SUMMARY["oes_code"] == "OES.02").sum())
    assert any(f"de {filtered} indicadores" in text for text in texts), texts
    expect(link).to_have_text("Descargar presentación")
    expect(link).to_have_attribute("aria-busy", "false")
    expect(status).to_have_text("Presentación descargada.")
    page.assert_clean()


def test_deck_error_is_shown_in_the_live_region(page):
    page.open("/oes/OES.01")
    link = page.locator(DECK_LINK)
    page.route(
        "**/download/presentacion.pptx*",
        lambda route: route.fulfill(
            status=503, body="Servidor ocupado.", content_type="text/plain"
        ),
    )
    link.click()
    expect(page.locator(".png-zip [role=status]")).to_have_text("Servidor ocupado.")
    expect(link).to_have_text("Descargar presentación")
    page.assert_clean(allow_console=("503",))


def test_whole_report_link_on_the_summary_only(page):
    page.open("/")
    whole = page.get_by_role("link", name="Presentación del reporte completo")
    expect(whole).to_have_attribute("href", "/download/presentacion.pptx")
    expect(whole).to_have_attribute("download", f"{PREFIX}_reporte_presentacion.pptx")
    page.open("/oes/OES.01")
    expect(page.locator(DECK_LINK)).to_have_count(1)
    assert page.get_by_role("link", name="Presentación del reporte completo").count() == 0
    page.assert_clean()
