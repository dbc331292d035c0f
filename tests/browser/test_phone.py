"""Issue 14 on a phone: every page at 390×844 and 360×740 (touch, mobile viewport).

Each page is loaded once per viewport and checked for: no sideways scroll of the page (wide
tables scroll inside their own box), a one-line collapsed navbar that opens and closes, touch
targets of at least 24×24 px (WCAG 2.2 AA, 2.5.8), and, in every interactive chart at 360 px,
the title, legend, axis titles and annotations (plotly's ``.gtitle``, ``.legend``,
``.xtitle``/``.ytitle``, ``.annotation``) inside the chart's SVG and clear of one another.
Charts first shown as a picture are made interactive with their "Interactuar" button, when they
have one. The keyboard (Enter, Space) opens and closes the menu of a Dash page and of the
server's /api page. Each page is loaded once per viewport (two loads per page in all).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import DASH_SETTLED_JS, _same_origin, mount_near

VIEWPORTS = {"390x844": (390, 844), "360x740": (360, 740)}
#: The navbar collapsed: brand and toggler on one line (Bootstrap's navbar is 56 px).
COLLAPSED_NAVBAR_PX = 64
MIN_TARGET_PX = 24
#: The charts' texts are checked at the narrowest width: the figures are laid out for it (a
#: 290 px chart, components.theme.PHONE_CHART_WIDTH); 390 px only gives them more room.
CHARTS_CHECKED_AT = 360
NOT_FOUND_CONSOLE = "status of 404"

#: Every page: all of /covid's views, every OES, AES pages with one, two or no indicator charts.
PAGES: tuple[str, ...] = (
    "/",
    "/oes/OES.01",
    "/oes/OES.02",
    "/oes/OES.03",
    "/oes/OES.04",
    "/aes/AES.01.10",
    "/aes/AES.02.05",
    "/aes/AES.04.01",
    "/covid",
    "/covid?vista=abs",
    "/covid?alcance=todos",
    "/covid?vista=abs&alcance=todos",
    "/perspectiva",
    "/explorar",
    "/unidades",
    "/calidad",
    "/api",
    "/pagina-que-no-existe",
)
#: Server-rendered pages (no Dash): their menu is a <details> whose summary is the toggler.
SERVER_PAGES = ("/api",)
#: Pages whose menu is also opened and closed with the keyboard: a Dash page and a server one.
KEYBOARD_PAGES = ("/", "/api")

LAYOUT_JS = """() => ({
    scrollWidth: document.scrollingElement.scrollWidth,
    innerWidth: window.innerWidth,
})"""

SMALL_TARGETS_JS = """(min) => {
    const selector = 'button, [role=button], input:not([type=hidden]):not(.btn-check), select, '
        + 'summary, .nav-link, .btn';
    const small = [];
    for (const el of document.querySelectorAll(selector)) {
        const r = el.getBoundingClientRect();
        if (!r.width || !r.height || getComputedStyle(el).visibility === 'hidden') continue;
        if (el.closest('.modebar')) continue;  // plotly's toolbar: shown on hover only
        if (r.width < min || r.height < min) {
            const name = (el.getAttribute('aria-label') || el.textContent || el.id || '').trim();
            const size = `${Math.round(r.width)}×${Math.round(r.height)}`;
            small.push(`${el.tagName} «${name.slice(0, 40)}» ${size}`);
        }
    }
    return small;
}"""

CHART_TEXTS_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map((plot) => {
    const svg = plot.querySelector('svg.main-svg').getBoundingClientRect();
    const boxes = [];
    const selector = '.legend, .annotation, .infolayer text[class$="title"]';
    for (const el of plot.querySelectorAll(selector)) {
        const r = el.getBoundingClientRect();
        if (r.width < 1 || r.height < 1) continue;
        boxes.push({name: `${el.getAttribute('class')} «${el.textContent.slice(0, 30)}»`, r});
    }
    const problems = [];
    for (const {name, r} of boxes) {
        if (r.left < svg.left - 1 || r.right > svg.right + 1 || r.top < svg.top - 1
            || r.bottom > svg.bottom + 1) problems.push(`outside the chart: ${name}`);
    }
    for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i].r, b = boxes[j].r;
            if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1
                && b.top < a.bottom - 1) problems.push(`${boxes[i].name} over ${boxes[j].name}`);
        }
    }
    return {id: plot.parentElement.id || plot.id, texts: boxes.length, problems};
})"""

INTERACT_LABEL = "Interactuar"
PRESS_INTERACT_JS = """(label) => {
    for (const button of document.querySelectorAll('button')) {
        if (button.textContent.trim() === label) button.click();
    }
}"""

ALL_CHARTS_DRAWN_JS = """() => {
    const cards = document.querySelectorAll('.chart-card');
    return Array.from(cards).every((card) => card.querySelector('.js-plotly-plot .main-svg'));
}"""


@pytest.fixture(scope="module", params=list(VIEWPORTS), ids=list(VIEWPORTS))
def phone(request: pytest.FixtureRequest, browser: Any, live_server: str) -> Iterator[Any]:
    """One touch page per viewport (mobile viewport, like a phone's browser), reused by every
    page of the module; it records console errors, CSP violations and other origins' requests."""
    width, height = VIEWPORTS[request.param]
    context = browser.new_context(
        viewport={"width": width, "height": height},
        is_mobile=True,
        has_touch=True,
        locale="es-PE",
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.base_url, page.width = live_server, width
    page.problems = []

    def on_console(message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text or (
            message.type == "error" and NOT_FOUND_CONSOLE not in text
        ):
            page.problems.append(text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on(
        "request",
        lambda req: (
            None
            if _same_origin(req.url, live_server)
            else page.problems.append(f"external request {req.url}")
        ),
    )
    try:
        yield page
    finally:
        context.close()


def _open(page: Any, path: str) -> None:
    page.problems.clear()
    page.goto(page.base_url + path)
    page.wait_for_load_state("networkidle")
    if path not in SERVER_PAGES:
        page.wait_for_function(DASH_SETTLED_JS)
        mount_near(page)


def make_interactive(page: Any) -> None:
    """Press every chart's "Interactuar" button (a chart first shown as a picture) and wait
    until every chart card holds a drawn plotly chart. A no-op for charts drawn at once."""
    # clicked in the page in one go: on a large screen the page presses some itself as the
    # charts scroll into view, and a button gone in between is no error
    page.evaluate(PRESS_INTERACT_JS, INTERACT_LABEL)
    page.wait_for_function(ALL_CHARTS_DRAWN_JS)


def _menu(page: Any, path: str) -> tuple[Any, Any]:
    """The toggler and the first link of the navbar's menu."""
    if path in SERVER_PAGES:
        return page.locator("nav summary.navbar-toggler"), page.locator("nav .nav-link").first
    return page.locator("#navbar-toggler"), page.locator("#navbar-collapse .nav-link").first


def _expanded(page: Any, path: str, toggler: Any) -> str | None:
    if path in SERVER_PAGES:
        return "true" if page.locator("nav details").get_attribute("open") is not None else "false"
    return toggler.get_attribute("aria-expanded")


@pytest.mark.parametrize("path", PAGES)
def test_page_reads_on_a_phone(phone: Any, path: str) -> None:
    _open(phone, path)
    # no sideways scroll (a mobile browser would zoom out to the page's width: innerWidth grows)
    layout = phone.evaluate(LAYOUT_JS)
    assert layout["innerWidth"] == phone.width, layout
    assert layout["scrollWidth"] <= layout["innerWidth"], layout

    # the navbar: one line, its links behind the toggler, which opens and closes it
    navbar = phone.locator("nav.navbar").bounding_box()
    assert navbar["height"] <= COLLAPSED_NAVBAR_PX, navbar
    brand = phone.locator("nav.navbar .navbar-brand").first
    assert brand.evaluate("e => e.scrollWidth <= e.clientWidth"), "the brand is cut short"
    toggler, link = _menu(phone, path)
    assert toggler.is_visible() and not link.is_visible()
    assert _expanded(phone, path, toggler) == "false"
    toggler.click()
    link.wait_for(state="visible")
    assert _expanded(phone, path, toggler) == "true"
    toggler.click()
    link.wait_for(state="hidden")
    assert _expanded(phone, path, toggler) == "false"
    if path in KEYBOARD_PAGES:
        _menu_with_the_keyboard(phone, path, toggler, link)

    small = phone.evaluate(SMALL_TARGETS_JS, MIN_TARGET_PX)
    assert not small, f"touch targets under {MIN_TARGET_PX} px on {path}: {small}"

    if phone.width == CHARTS_CHECKED_AT:
        make_interactive(phone)
        charts = phone.evaluate(CHART_TEXTS_JS)
        assert all(chart["texts"] for chart in charts), charts  # the check found the texts
        overlaps = {chart["id"]: chart["problems"] for chart in charts if chart["problems"]}
        assert not overlaps, f"chart texts on {path}: {overlaps}"
    assert not phone.problems, f"browser problems on {path}: {phone.problems}"


def _menu_with_the_keyboard(phone: Any, path: str, toggler: Any, link: Any) -> None:
    """Enter opens the menu, its links come next in the tab order, Space closes it."""
    toggler.focus()
    phone.keyboard.press("Enter")
    link.wait_for(state="visible")
    assert _expanded(phone, path, toggler) == "true"
    phone.keyboard.press("Tab")
    assert phone.evaluate("() => document.activeElement.classList.contains('nav-link')")
    toggler.focus()
    phone.keyboard.press("Space")
    link.wait_for(state="hidden")
    assert _expanded(phone, path, toggler) == "false"
