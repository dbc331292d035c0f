"""The shell in a real browser: navbar pages, 404, language, skip link, PNG export, data table.

Headers and compression are checked over HTTP in tests/test_security.py and tests/test_server.py.
"""

from __future__ import annotations

import struct
import urllib.error
import urllib.request
from pathlib import Path

from playwright.sync_api import expect

NOT_FOUND_CONSOLE = "status of 404"


def _nav_pages() -> list[dict]:
    import app  # noqa: F401  (registers the pages)
    from components.navigation import nav_pages

    return nav_pages()


def _fetch(url: str, headers: dict[str, str] | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def _expected_title(page_entry: dict) -> str | None:
    title = page_entry.get("title")
    return title if isinstance(title, str) else None


def test_every_nav_page_loads_clean(page, ds):
    source = ds.meta.source
    pages = _nav_pages()
    assert pages, "no page registered with nav=True"
    for entry in pages:
        response = page.open(entry["relative_path"])
        assert response.status == 200, entry["relative_path"]
        assert page.locator("html").get_attribute("lang") == "es"
        assert page.locator("main#main-content").count() == 1
        expected = _expected_title(entry)
        if expected:
            page.wait_for_function("t => document.title === t", arg=expected)
        assert page.title(), entry["relative_path"]
        assert page.get_by_role("heading", level=1).count() >= 1, entry["relative_path"]
        assert source in page.locator("footer.pesem-footer").inner_text()
    page.assert_clean()


def test_navbar_links_navigate(page):
    pages = _nav_pages()
    page.open(pages[0]["relative_path"])
    navbar = page.locator("nav.navbar")
    labels = [entry.get("nav_label") or entry["name"] for entry in pages]
    assert navbar.locator(".nav-link").all_inner_texts() == labels
    assert navbar.get_by_text("Página no encontrada").count() == 0
    for entry, label in reversed(list(zip(pages, labels, strict=True))):
        navbar.get_by_role("link", name=label, exact=True).click()
        page.wait_for_url(page.base_url + entry["relative_path"])
        page.wait_for_dash()
        expected = _expected_title(entry)
        if expected:
            page.wait_for_function("t => document.title === t", arg=expected)
        # the navbar's clientside callback marks the link: wait for it, it may follow the title
        expect(navbar.locator(".nav-link.active")).to_have_text(label)
    page.assert_clean()


def test_skip_link_is_first_and_moves_focus(page):
    page.open(_nav_pages()[0]["relative_path"])
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent")
    assert focused == "Saltar al contenido principal"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'main-content'")
    page.assert_clean()


def test_unknown_path_is_404_and_shows_the_404_page(page):
    response = page.open("/esta-pagina-no-existe")
    assert response.status == 404
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Página no encontrada"
    page.wait_for_function("() => document.title.startsWith('Página no encontrada')")
    links = page.locator("main a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    for entry in _nav_pages():
        assert entry["relative_path"] in hrefs
    assert len([href for href in hrefs if href.startswith("/oes/OES.")]) == 4
    # the page can still be left through its links (the router answers after the URL changes:
    # wait for the new page, not just for a quiet network)
    links.first.click()
    page.wait_for_function(
        "() => { const h = document.querySelector('main h1');"
        " return h && h.innerText !== 'Página no encontrada'; }"
    )
    page.wait_for_dash()
    page.assert_clean(allow_console=(NOT_FOUND_CONSOLE,))


def _open_first_page_with_chart(page) -> None:
    for entry in _nav_pages():
        page.open(entry["relative_path"])
        if page.get_by_role("button", name="Descargar PNG").count():
            return
    raise AssertionError("no navbar page shows a chart card")


def test_chart_card_png_export_and_modebar(page):
    _open_first_page_with_chart(page)
    card = page.locator(".chart-card").first
    plot = card.locator(".js-plotly-plot")
    plot.hover()
    titles = [
        title
        for title in card.locator(".modebar-btn").evaluate_all(
            "buttons => buttons.map(b => b.getAttribute('data-title'))"
        )
        if title
    ]
    assert "Descargar gráfica como PNG" in titles  # Spanish locale from assets/
    assert not [t for t in titles if "Cloud" in t or "Share" in t or "Chart Studio" in t]
    assert card.locator(".modebar-btn--logo").count() == 0
    expected_name = card.get_by_role("button", name="Descargar PNG").get_attribute("data-filename")
    with page.expect_download() as info:
        card.get_by_role("button", name="Descargar PNG").click()
    download = info.value
    assert download.suggested_filename == f"{expected_name}.png"
    data = Path(download.path()).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (3200, 1800)  # 1600x900 at scale 2
    page.assert_clean()


def test_chart_card_data_table(page):
    _open_first_page_with_chart(page)
    details = page.locator("details.chart-data").first
    assert details.count() == 1, "the chart card has no data table"
    details.locator("summary").click()
    table = details.locator("table")
    expect(table).to_be_visible()  # built on "toggle" through set_props: wait for it
    assert table.locator("caption").count() == 1
    assert table.locator("thead th[scope=col]").count() >= 1
    page.assert_clean()
