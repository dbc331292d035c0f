"""WCAG 2.1 AA checks in a real browser: axe-core on every page, chart text alternatives, CSP.

axe-core is the pinned devDependency of the root ``package.json`` (``make test`` runs ``npm ci``).
It is injected in a dedicated browser context with ``bypass_csp=True``, so the app's own
Content-Security-Policy stays strict (no hash or 'unsafe-inline' for a test tool). A second,
ordinary context loads the same pages under the real CSP and records violations, console errors
and requests to other origins.

Every page is loaded once per context (one module-scoped fixture); the parametrized tests report
per page, so one failing page does not hide the others.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import DASH_SETTLED_JS, ROOT, _same_origin, mount_near

AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"

#: Every page of the dashboard, with a sample of AES pages (without indicator, with two, ...).
PAGES: dict[str, str] = {
    "resumen": "/",
    "oes-01": "/oes/OES.01",
    "oes-02": "/oes/OES.02",
    "oes-03": "/oes/OES.03",
    "oes-04": "/oes/OES.04",
    "aes-01-01-sin-indicador": "/aes/AES.01.01",
    "aes-01-10-dos-indicadores": "/aes/AES.01.10",
    "aes-03-04": "/aes/AES.03.04",
    "aes-02-06": "/aes/AES.02.06",
    "covid": "/covid",
    "perspectiva": "/perspectiva",
    "explorar": "/explorar",
    "explorar-progreso": "/explorar?progreso=deterioro",
    "unidades": "/unidades",
    "calidad": "/calidad",
    "404": "/esta-pagina-no-existe",
}

#: WCAG 2.0/2.1 A and AA rules plus axe's best practices (reported; only serious/critical fail).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING_IMPACTS = {"serious", "critical"}

CHARTS_DRAWN_JS = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .every(plot => plot.querySelector('.main-svg'))"""

RUN_AXE_JS = """async tags => {
    // <details> (chart data tables, report text) are opened so that their content is checked too.
    document.querySelectorAll('details').forEach(d => { d.open = true; });
    const result = await axe.run(document, {
        runOnly: {type: 'tag', values: tags},
        resultTypes: ['violations'],
    });
    return result.violations.map(v => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map(n => ({
            target: n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : String(t)),
            html: n.html,
            summary: n.failureSummary || '',
        })),
    }));
}"""

#: For each chart: its card, title, summary (figcaption) and data table (rows).
CHART_ALTERNATIVES_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(plot => {
    const graph = plot.closest('.dash-graph') || plot;
    const card = plot.closest('.chart-card');
    const figure = plot.closest('figure');
    const caption = figure ? figure.querySelector('figcaption') : null;
    const table = card ? card.querySelector('details.chart-data table') : null;
    const title = card ? card.querySelector('.card-header') : null;
    return {
        id: graph.id || plot.id || '(sin id)',
        in_card: Boolean(card),
        title: title ? title.textContent.trim() : '',
        figure_label: figure ? (figure.getAttribute('aria-label') || '') : '',
        summary: caption ? caption.textContent.trim() : '',
        table_rows: table ? table.querySelectorAll('tbody tr').length : -1,
        table_caption: table && table.caption ? table.caption.textContent.trim() : '',
        table_headers: table ? table.querySelectorAll('th[scope=col]').length : 0,
    };
})"""

#: Open every chart's data table (built in the browser when its <details> opens), and wait.
OPEN_DATA_TABLES_JS = """() => document.querySelectorAll('details.chart-data')
    .forEach(details => { details.open = true; })"""
DATA_TABLES_BUILT_JS = """() => [...document.querySelectorAll('details.chart-data')]
    .every(details => details.querySelector('table tbody tr'))"""

#: Status badges (semáforo): each one must carry text, not colour alone.
STATUS_BADGES_JS = """() => [...document.querySelectorAll('.status-badge')].map(badge => ({
    text: badge.textContent.replace(/\\s+/g, ' ').trim(),
    html: badge.outerHTML.slice(0, 200),
}))"""

MIN_SUMMARY_CHARS = 20


def _settle(page: Any) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_function(DASH_SETTLED_JS)
    page.wait_for_function(CHARTS_DRAWN_JS)


def _new_context(browser: Any, **options: Any) -> Any:
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="es-PE", **options
    )
    context.set_default_timeout(30_000)
    return context


def _recording_page(context: Any, base_url: str) -> tuple[Any, dict[str, list[str]]]:
    """A page that records CSP violations, console/page errors and requests to other origins."""
    page = context.new_page()
    current: dict[str, list[str]] = {}

    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            current["csp_violations"].append(message.text)
        elif message.type == "error" and "status of 404" not in message.text:
            current["console_errors"].append(message.text)

    def on_request(request: Any) -> None:
        if not _same_origin(request.url, base_url):
            current["external_requests"].append(request.url)

    page.on("console", on_console)
    page.on("pageerror", lambda error: current["page_errors"].append(str(error)))
    page.on("request", on_request)
    # The browser's own report of blocked resources (also for violations that log nothing).
    page.add_init_script(
        """document.addEventListener('securitypolicyviolation', e => {
            console.error('Content Security Policy violation (event): '
                + e.violatedDirective + ' ' + e.blockedURI);
        });"""
    )
    return page, current


@pytest.fixture(scope="module")
def audit(browser: Any, live_server: str) -> Iterator[dict[str, dict[str, Any]]]:
    """Per page: axe violations, chart text alternatives, status badges (in a context with the
    CSP bypassed, for axe) and browser problems under the real CSP (in an ordinary context).
    Both contexts load the same page at the same time (the server has two workers)."""
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} is missing: run `npm ci` (make test does it)", pytrace=False)
    axe_context = _new_context(browser, bypass_csp=True)
    strict_context = _new_context(browser)
    axe_page = axe_context.new_page()
    strict_page, problems = _recording_page(strict_context, live_server)
    results: dict[str, dict[str, Any]] = {}
    try:
        for name, path in PAGES.items():
            for kind in ("csp_violations", "console_errors", "page_errors", "external_requests"):
                problems[kind] = []
            strict_page.goto(live_server + path, wait_until="commit")
            response = axe_page.goto(live_server + path, wait_until="commit")
            _settle(axe_page)
            mount_near(axe_page)  # the explorer's grid, audited too
            axe_page.evaluate(OPEN_DATA_TABLES_JS)  # so axe and the checks below see the tables
            axe_page.wait_for_function(DATA_TABLES_BUILT_JS)
            charts = axe_page.evaluate(CHART_ALTERNATIVES_JS)
            badges = axe_page.evaluate(STATUS_BADGES_JS)
            axe_page.add_script_tag(path=str(AXE_JS))
            violations = axe_page.evaluate(RUN_AXE_JS, AXE_TAGS)
            _settle(strict_page)
            mount_near(strict_page)
            results[name] = {
                "status": response.status if response is not None else 0,
                "violations": violations,
                "charts": charts,
                "badges": badges,
                "browser": {kind: list(items) for kind, items in problems.items()},
            }
        yield results
    finally:
        axe_context.close()
        strict_context.close()


def _format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- [{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({len(violation['nodes'])} element(s)) {violation['helpUrl']}"
        )
        for node in violation["nodes"][:8]:
            lines.append(f"    at {' '.join(node['target'])}")
            lines.append(f"       {node['html'][:220]}")
            summary = " ".join(node["summary"].split())
            if summary:
                lines.append(f"       {summary[:300]}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    … and {len(violation['nodes']) - 8} more")
    return "\n".join(lines)


@pytest.mark.parametrize("name", PAGES)
def test_axe_no_serious_or_critical_violations(audit, name):
    result = audit[name]
    expected_status = 404 if name == "404" else 200
    assert result["status"] == expected_status, PAGES[name]
    violations = result["violations"]
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    others = [v for v in violations if v["impact"] not in FAILING_IMPACTS]
    if others:  # shown with -rA / on failure; they do not fail the test
        print(f"axe, minor/moderate on {PAGES[name]}:\n{_format_violations(others)}")
    assert not failing, (
        f"axe-core found {len(failing)} serious/critical WCAG 2.1 AA violation(s) on "
        f"{PAGES[name]}:\n{_format_violations(failing)}"
    )


@pytest.mark.parametrize("name", PAGES)
def test_every_chart_has_a_text_alternative(audit, name):
    """Each chart sits in a chart_card with a title, a summary sentence and its data table."""
    problems = []
    for chart in audit[name]["charts"]:
        where = f"chart {chart['id']!r} ({chart['title'] or 'sin título'})"
        if not chart["in_card"]:
            problems.append(f"{where}: not built with components.graph.chart_card")
            continue
        if not chart["figure_label"]:
            problems.append(f"{where}: <figure> without aria-label (chart title)")
        if len(chart["summary"]) < MIN_SUMMARY_CHARS:
            problems.append(
                f"{where}: no meaningful summary (figcaption {chart['summary']!r}); "
                "pass chart_card(summary=...)"
            )
        if chart["table_rows"] < 0:
            problems.append(f"{where}: no data table; pass chart_card(table=<plotted data>)")
        elif chart["table_rows"] == 0 or chart["table_headers"] == 0:
            problems.append(f"{where}: empty data table ({chart['table_rows']} rows)")
    assert not problems, f"charts without a text alternative on {PAGES[name]}:\n" + "\n".join(
        f"- {problem}" for problem in problems
    )


@pytest.mark.parametrize("name", PAGES)
def test_semaforo_is_never_colour_only(audit, name):
    """Every status badge carries an icon and a word ("✔ Cumplido", "✖ Rezagado"), not colour."""
    for badge in audit[name]["badges"]:
        words = [word for word in badge["text"].split() if any(ch.isalpha() for ch in word)]
        icons = [ch for ch in badge["text"] if not ch.isalnum() and not ch.isspace()]
        assert words and icons, f"status badge without icon + text on {PAGES[name]}: {badge}"


@pytest.mark.parametrize("name", PAGES)
def test_no_csp_violation_or_browser_error(audit, name):
    found = {kind: items for kind, items in audit[name]["browser"].items() if items}
    assert not found, f"browser problems on {PAGES[name]}:\n{json.dumps(found, indent=2)}"
