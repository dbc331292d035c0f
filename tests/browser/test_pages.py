"""Resumen, every OES page and every AES page in a real browser (Chromium, live gunicorn).

Each page must render all its charts, log no console error and request nothing from another
origin; the path Resumen → OES → AES → back works through the links a minister would click.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from pesem.loader import get_dataset
from pesem.metrics import indicator_summary

CHARTS_RENDERED_JS = """n => {
    const plots = document.querySelectorAll('.js-plotly-plot');
    return plots.length === n && [...plots].every(p => p.querySelector('.main-svg'));
}"""


@pytest.fixture(scope="module")
def expected_charts() -> dict[str, int]:
    """Number of charts each page must show: OES pages one per OES indicator, AES pages two
    (timeline + avance) per indicator, Resumen one overview."""
    ds = get_dataset()
    summary = indicator_summary(ds)
    counts = {"/": 1}
    for code in ds.oes["oes_code"]:
        counts[f"/oes/{code}"] = int(
            ((summary["oes_code"] == code) & (summary["level"] == "OES")).sum()
        )
    for code in ds.aes["aes_code"]:
        counts[f"/aes/{code}"] = 2 * int((summary["aes_code"] == code).sum())
    return counts


def _wait_for_charts(page, n: int) -> None:
    page.wait_for_function(CHARTS_RENDERED_JS, arg=n)
    assert page.locator(".js-plotly-plot").count() == n


def _h1(page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def _expect_h1(page, text: str) -> None:
    """Wait until the page's heading shows ``text`` (the URL changes before the content)."""
    expect(page.get_by_role("heading", level=1)).to_contain_text(text)


def test_resumen_renders(page, expected_charts):
    page.open("/")
    _wait_for_charts(page, expected_charts["/"])
    page.wait_for_function("t => document.title === t", arg="Resumen — PESEM RREE 2020")
    assert "Resumen" in _h1(page)
    assert page.locator(".oes-card").count() == 4
    assert page.locator(".kpi-status").count() == 5
    assert page.locator(".status-badge").count() >= 5 + 7
    summary = page.locator("#res-resumen-ejecutivo")
    assert summary.get_attribute("open") is None  # collapsed
    summary.locator("summary").click()
    assert summary.locator(".report-text").is_visible()
    # the findings figure links to the explanation on the same page
    page.locator("a.kpi-findings").click()
    page.wait_for_function("() => location.hash === '#res-inconsistencias'")
    assert page.locator("#res-inconsistencias").is_visible()
    page.assert_clean()


def _navigate(page, path: str) -> None:
    """Client-side navigation, exactly as a ``dcc.Link`` click does it (no full reload)."""
    page.evaluate(
        """path => {
            window.history.pushState({}, '', path);
            window.dispatchEvent(new CustomEvent('_dashprivate_pushstate'));
        }""",
        path,
    )


def test_every_oes_and_aes_page_renders_its_charts(page, expected_charts):
    """The 4 OES pages and the 30 AES pages in one browser page, navigating as the links do
    (full loads are covered by the other tests; this keeps the file well under a minute)."""
    paths = [p for p in expected_charts if p != "/"]
    assert len(paths) == 4 + 30
    page.open("/")
    for path in paths:
        code = path.rsplit("/", 1)[1]
        _navigate(page, path)
        _expect_h1(page, code)
        _wait_for_charts(page, expected_charts[path])
        page.wait_for_function("c => document.title.startsWith(c)", arg=code)
        assert page.locator(".breadcrumb").count() == 1, path
        if path.startswith("/aes/"):
            if expected_charts[path] == 0:
                expect(
                    page.get_by_text("Esta acción estratégica no tiene indicador en el PESEM")
                ).to_be_visible()
            expect(page.locator("#aes-findings")).to_be_visible()
            assert page.locator("#aes-narrative .report-text").inner_text().strip(), path
        assert not page.console_errors, (path, page.console_errors)
    page.assert_clean()


def test_click_path_resumen_oes_aes_and_back(page):
    page.open("/")
    page.locator(".oes-card").first.locator("a.oes-card-link").click()
    page.wait_for_url(re.compile(r"/oes/OES\.01$"))
    _expect_h1(page, "OES.01")
    page.wait_for_function(CHARTS_RENDERED_JS, arg=2)
    # each indicator's timeline is titled with its code first (the card's header on the page,
    # the figure's title kept for its slide)
    titles = page.eval_on_selector_all(
        ".js-plotly-plot", "plots => plots.map(p => (p.layout.meta || {}).title || '')"
    )
    assert [t.split(" · ")[0] for t in titles] == ["OES.01-1", "OES.01-2"], titles

    page.locator(".aes-table a.aes-link", has_text="AES.01.03").click()
    page.wait_for_url(re.compile(r"/aes/AES\.01\.03$"))
    _expect_h1(page, "AES.01.03")
    page.wait_for_function(CHARTS_RENDERED_JS, arg=2)
    page.wait_for_function("() => document.title.startsWith('AES.01.03')")

    breadcrumb = page.get_by_role("navigation", name="Ruta de navegación")
    breadcrumb.get_by_role("link", name="OES.01").click()
    page.wait_for_url(re.compile(r"/oes/OES\.01$"))
    _expect_h1(page, "OES.01")
    page.wait_for_function(CHARTS_RENDERED_JS, arg=2)

    page.get_by_role("navigation", name="Ruta de navegación").get_by_role(
        "link", name="Resumen"
    ).click()
    page.wait_for_url(re.compile(r"/$"))
    _expect_h1(page, "Resumen")
    page.wait_for_function(CHARTS_RENDERED_JS, arg=1)
    assert page.locator(".oes-card").count() == 4

    # next / previous AES
    page.open("/aes/AES.01.14")
    page.get_by_role("link", name=re.compile("Siguiente: AES.02.01")).click()
    page.wait_for_url(re.compile(r"/aes/AES\.02\.01$"))
    _expect_h1(page, "AES.02.01")
    page.assert_clean()


@pytest.mark.parametrize("path", ["/oes/OES.09", "/aes/AES.09.09"])
def test_unknown_codes_show_not_found(page, path):
    response = page.goto(page.base_url + path)
    assert response.status == 404  # the server says so too, not only the page
    page.wait_for_dash()
    assert page.locator(".not-found").is_visible()
    assert "Página no encontrada" in _h1(page)
    page.wait_for_function("() => document.title.toLowerCase().includes('no encontrad')")
    assert page.locator(".js-plotly-plot").count() == 0
    # Chromium logs the document's own 404 status as a console error.
    page.assert_clean(allow_console=("status of 404",))


@pytest.mark.parametrize(
    ("path", "code", "charts"), [("/oes/oes-01", "OES.01", 2), ("/aes/aes-03-04", "AES.03.04", 2)]
)
def test_code_variants(page, path, code, charts):
    page.open(path)
    _wait_for_charts(page, charts)
    assert code in _h1(page)
    page.wait_for_function("c => document.title.startsWith(c)", arg=code)
    page.assert_clean()


@pytest.mark.parametrize("path", ["/covid?vista=abs", "/explorar?unidad=DGC&nivel=AES", "/"])
def test_a_first_visit_asks_the_server_once(page, path):
    """The router's request is the only callback request: a page's own dcc.Location already
    holds the address (components.routing.page_location), so no URL-sync callback runs to
    draw a view the layout has drawn already."""
    posts: list[str] = []
    page.on(
        "request",
        lambda r: posts.append(r.post_data or "") if "_dash-update-component" in r.url else None,
    )
    page.open(path)
    page.wait_for_timeout(500)  # a late Location update would have been sent by now
    assert len(posts) == 1 and "_pages_content" in posts[0], posts
    page.assert_clean()
