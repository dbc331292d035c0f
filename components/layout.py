"""Small layout helpers shared by pages: 404 content, breadcrumbs, status badges, markdown, tables,
and the scaffolding the OES and AES pages share (header, indicator blocks, findings, narrative)."""

from __future__ import annotations

import functools
import logging
import math
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from components.format import fmt_pct, fmt_value
from components.graph import chart_card
from components.page_bundles import needs_full_load
from pesem.formulas import agrees
from pesem.loader import get_dataset

# TEMPORARY (issue 13 migration): owners replace these with ds.meta.
_META = get_dataset().meta
ASSESSED_YEAR, PREVIOUS_YEAR = _META.year, _META.previous_year
EXPECTED_YEARS, ACHIEVED_YEARS = _META.expected_years, _META.achieved_years


log = logging.getLogger(__name__)


def page_link(children: Any, href: str, **kwargs: Any) -> dcc.Link:
    """A link to a page of the app: client-side, or a full load when the page needs it.

    A page that renders a library left out of other pages' HTML (see
    :mod:`components.page_bundles`) must be reached with a new document.
    """
    return dcc.Link(children, href=href, refresh=needs_full_load(href), **kwargs)


def not_found(message: str) -> html.Div:
    """The 'not found' content for an unknown code, with links back to useful places."""
    return html.Div(
        [
            html.H1("Página no encontrada", className="h2"),
            html.P(message, className="lead"),
            html.P("Puede continuar desde:"),
            html.Ul(
                [
                    html.Li(dcc.Link("Resumen del sector", href="/")),
                    *[
                        html.Li(dcc.Link(f"Objetivo OES.0{i}", href=f"/oes/OES.0{i}"))
                        for i in range(1, 5)
                    ],
                    html.Li(dcc.Link("Impacto COVID-19 (2019 vs. 2020)", href="/covid")),
                    html.Li(page_link("Explorar indicadores", href="/explorar")),
                ]
            ),
        ],
        className="not-found py-4",
        role="alert",
    )


def breadcrumbs(items: list[tuple[str, str | None]]) -> html.Nav:
    """Breadcrumb trail; the last item (href None) is the current page."""
    crumbs = []
    for label, href in items:
        if href:
            crumbs.append(html.Li(dcc.Link(label, href=href), className="breadcrumb-item"))
        else:
            crumbs.append(
                html.Li(
                    label,
                    className="breadcrumb-item active",
                    **{"aria-current": "page"},
                )
            )
    return html.Nav(html.Ol(crumbs, className="breadcrumb"), **{"aria-label": "Ruta de navegación"})


def status_badge(label: str, icon: str, color: str, title: str = "") -> html.Span:
    """Semáforo badge: icon + text, so colour never carries the status alone."""
    return html.Span(
        [html.Span(icon, **{"aria-hidden": "true"}), " ", label],
        className="status-badge",
        # Black text reaches >= 4.5:1 on every status colour (white fails on #D55E00).
        style={"backgroundColor": color, "color": "#000"},
        title=title,
    )


def markdown(text: str) -> dcc.Markdown:
    """The report's own wording, rendered as markdown (no raw HTML)."""
    return dcc.Markdown(text, className="report-text", dangerously_allow_html=False)


def kpi(value: str, label: str, note: str = "") -> dbc.Card:
    """A headline figure card."""
    return dbc.Card(
        dbc.CardBody(
            [
                html.P(value, className="kpi-value"),
                html.P(label, className="kpi-label"),
                html.P(note, className="kpi-note text-body-secondary") if note else None,
            ]
        ),
        className="kpi h-100",
    )


_OES_CODE_RE = re.compile(r"^(?:oes)?[\s._-]*(\d{1,2})$", re.IGNORECASE)
_AES_CODE_RE = re.compile(
    r"^(?:aes)?[\s._-]*(?:(\d{1,2})[\s._-]+(\d{1,2})|(\d{2})(\d{2}))$", re.IGNORECASE
)


def canonical_oes(text: str | None) -> str | None:
    """``OES.01``, ``oes-01``, ``OES01``, ``1`` → ``"OES.01"``; anything else → None."""
    match = _OES_CODE_RE.match(str(text or "").strip())
    return f"OES.{int(match.group(1)):02d}" if match else None


def canonical_aes(text: str | None) -> str | None:
    """``AES.01.03``, ``aes-01-03``, ``AES0103``, ``01.03`` → ``"AES.01.03"``; else None."""
    match = _AES_CODE_RE.match(str(text or "").strip())
    if not match:
        return None
    oes, aes = (match.group(1), match.group(2)) if match.group(1) else match.group(3, 4)
    return f"AES.{int(oes):02d}.{int(aes):02d}"


SITE = "PESEM RREE 2020"


@dataclass(frozen=True)
class CodePage:
    """URL-code handling of a page addressed by a code (``/oes/<code>``, ``/aes/<code>``).

    ``canonical`` maps any accepted spelling to the canonical code (or None); ``known_codes``
    lists the codes of the dataset; ``missing`` is the tab title's text for an unknown code.
    """

    canonical: Callable[[str | None], str | None]
    known_codes: Callable[[], Iterable[str]]
    missing: str

    def resolve(self, code: str | None) -> str | None:
        """The canonical code of an existing item, or None."""
        canonical = self.canonical(code)
        if canonical is None:
            return None
        return canonical if canonical in set(self.known_codes()) else None

    def title(self, code: str | None = None, **_: Any) -> str:
        """Browser tab title: the canonical code, or ``missing`` for an unknown code."""
        canonical = self.resolve(code)
        return f"{canonical or self.missing} — {SITE}"

    def exists(self, code: str | None = None, **_: Any) -> bool:
        """Whether the URL names an existing item (``path_exists`` of the page: HTTP 404)."""
        return self.resolve(code) is not None

    def cache_key(self, code: str | None = None, **_: Any) -> dict[str, Any]:
        """:func:`cached_layout` key: every spelling of a code shares one entry."""
        return {"code": self.resolve(code) or code}

    def warm_params(self) -> list[dict[str, Any]]:
        """URL parameters of every existing page (built at start-up, see :func:`warm_layouts`)."""
        return [{"code": code} for code in self.known_codes()]

    def register_options(self) -> dict[str, Any]:
        """The ``dash.register_page`` keywords every code page passes alike.

        Tab title per code, out of the navbar, ``path_exists`` so that the server answers HTTP 404
        for an unknown code (``app.is_page_path``) and ``warm`` so that every code's layout is
        built at start-up (:func:`warm_layouts`).
        """
        return {
            "title": self.title,
            "nav": False,
            "path_exists": self.exists,
            "warm": self.warm_params,
            # charts and the report's narrative (dcc.Markdown): components/page_bundles.py
            "preload": ("graph", "markdown"),
        }


def warm_layouts(
    registry: Mapping[str, Mapping[str, Any]], budget_seconds: float = 20.0
) -> tuple[int, float]:
    """Build page layouts once, e.g. in gunicorn's master before it forks the workers.

    Layouts are memoized per process (:func:`cached_layout`); building them before the fork
    means no visitor pays the first build and the workers share the result. A page lists the URL
    parameters to build with the registry key ``warm`` (a callable returning a list of dicts);
    pages without it are built once without parameters, first. Building stops once
    ``budget_seconds`` are spent (a very large dataset must not hold the start-up back); what is
    left is built on first visit. Returns (layouts built, seconds spent).
    """
    started = time.perf_counter()
    pages = sorted(registry.values(), key=lambda page: callable(page.get("warm")))
    built = 0
    for page in pages:
        layout = page.get("layout")
        if not callable(layout):
            continue
        warm = page.get("warm")
        for params in warm() if callable(warm) else [{}]:
            if time.perf_counter() - started > budget_seconds:
                log.warning("layout warm-up stopped after %.0f s (%d built)", budget_seconds, built)
                return built, time.perf_counter() - started
            layout(**params)
            built += 1
    seconds = time.perf_counter() - started
    log.info("built %d page layouts in %.2f s", built, seconds)
    return built, seconds


# --- indicator views shared by the OES and AES pages -------------------------------------------

#: Raw report markers of a cell without a value (shown as printed, styled as missing).
MISSING_MARKERS = ("ND", "---", "--", "s", "(vacía)")


def cell_text(value: float | None, raw: str, unit: str) -> str:
    """A report cell for a table: the formatted value, else the report's raw marker (ND, ---, s)."""
    if value is not None and not (isinstance(value, float) and math.isnan(value)):
        return fmt_value(float(value), unit)
    return str(raw) if raw else "(vacía)"


def values_table(cells: pd.DataFrame, unit: str, baseline_year: int | None) -> pd.DataFrame:
    """Baseline, logros esperados and valores obtenidos by year, as the report prints them.

    ``cells`` is :func:`pesem.metrics.series_table`; one row per series, one column per year.
    """
    lookup = {
        (c.series, int(c.year)): cell_text(c.value, c.raw, unit)
        for c in cells.itertuples(index=False)
    }
    base = next((text for (series, _), text in lookup.items() if series == "baseline"), "—")
    columns: dict[str, list[str]] = {
        "Serie": ["Logro esperado", "Valor obtenido"],
        f"Línea de base ({baseline_year or '—'})": [base, ""],
    }
    for year in EXPECTED_YEARS:
        columns[str(year)] = [
            lookup.get(("expected", year), ""),
            lookup.get(("achieved", year), "") if year in ACHIEVED_YEARS else "",
        ]
    return pd.DataFrame(columns)


def table_header(labels: Iterable[Any]) -> html.Thead:
    """A table's header row: one ``<th scope="col">`` per label (text or components)."""
    return html.Thead(html.Tr([html.Th(label, scope="col") for label in labels]))


def responsive_table(
    caption: Any, header: html.Thead, rows: list[Any], class_name: str
) -> html.Div:
    """A captioned ``<table>`` (``header``, then ``rows`` as its body) that scrolls sideways on a
    narrow screen instead of widening the page (Bootstrap's ``table-responsive``)."""
    return html.Div(
        html.Table(
            [html.Caption(caption), header, html.Tbody(rows)],
            className=class_name,
        ),
        className="table-responsive",
    )


def html_table(frame: pd.DataFrame, caption: str) -> html.Div:
    """A small accessible HTML table (first column as row header; missing markers styled)."""
    return responsive_table(
        caption,
        table_header(frame.columns),
        [
            html.Tr(
                [
                    html.Th(value, scope="row")
                    if i == 0
                    else html.Td(
                        value,
                        className="cell-missing" if value in MISSING_MARKERS else None,
                    )
                    for i, value in enumerate(row)
                ]
            )
            for row in frame.itertuples(index=False, name=None)
        ],
        "table table-sm values-table mb-0",
    )


def avance_pair(reported: float | None, computed: float | None, reason: str) -> list:
    """``26% / 28.0% ⚠ difiere``: reported vs recomputed Avance, the difference flagged in text."""
    rep_missing, comp_missing = pd.isna(reported), pd.isna(computed)
    rep = "—" if rep_missing else fmt_pct(reported, 0 if float(reported).is_integer() else 2)
    out: list = [html.Span(rep, title="Reportado en el Anexo 6.1"), " / "]
    if comp_missing:
        out.append(html.Span("no calculable", title=reason, className="not-computable"))
    else:
        out.append(html.Span(fmt_pct(computed, 1), title="Recalculado con los datos del anexo"))
    if not rep_missing and not comp_missing and not agrees(reported, computed, 0):
        out.append(
            html.Span(
                " ⚠ difiere",
                className="flag-differs",
                title="El avance reportado no coincide con el recalculado",
            )
        )
    elif not rep_missing and comp_missing:
        out.append(html.Span(" ⚠ reportado sin base de cálculo", className="flag-differs"))
    return out


def summary_badge(row: pd.Series) -> html.Span:
    """The semáforo badge of an :func:`pesem.metrics.indicator_summary` row (reason as tooltip)."""
    return status_badge(
        row["status_label"], row["status_icon"], row["status_color"], title=row["status_reason"]
    )


def registered_path(path: str) -> str | None:
    """``path`` if a registered Dash page serves it (e.g. ``/calidad``), else None."""
    paths = {page.get("path") for page in dash.page_registry.values()}
    return path if path in paths else None


def findings_box(
    findings: pd.DataFrame, element_id: str, empty_text: str, more_href: str | None = None
) -> html.Section:
    """The visible "Inconsistencias del reporte" box (rows of :func:`pesem.findings.find_all`).

    ``more_href``: the page that explains every finding (``/calidad``), linked at the end.
    """
    if findings.empty:
        content: list = [html.P(empty_text, className="mb-0")]
    else:
        content = [
            html.Ul(
                [
                    html.Li(
                        [
                            html.Span(f"{f.kind_label}. ", className="fw-bold"),
                            f.message,
                            html.Span(
                                f" ({f.where}; hallazgo {f.finding_id})",
                                className="finding-where",
                            ),
                        ]
                    )
                    for f in findings.itertuples(index=False)
                ],
                className="mb-0",
            )
        ]
    if more_href:
        content.append(
            html.P(
                dcc.Link(
                    "Ver todas las inconsistencias del reporte en «Calidad de datos» →",
                    href=more_href,
                ),
                className="mt-2 mb-0",
            )
        )
    return html.Section(
        [
            html.H2(
                [html.Span("⚠", **{"aria-hidden": "true"}), " Inconsistencias del reporte"],
                className="h4",
            ),
            *content,
        ],
        id=element_id,
        className="findings-box mb-4" + (" findings-empty" if findings.empty else ""),
    )


def cached_layout(
    canonical: Callable[..., dict[str, Any]] = lambda **_: {}, maxsize: int = 128
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Memoize a page's ``layout``: the data is static for the life of the process.

    ``canonical(**url_params)`` maps the URL parameters to the ones that change the page (e.g. an
    OES code in any accepted spelling to its canonical form), so equivalent URLs share one
    entry. The component tree is built once per key and per worker; Dash serializes it per
    request without changing it. The cache is bounded (LRU), so odd URLs cannot grow it.
    """

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.lru_cache(maxsize=maxsize)
        def build(items: tuple[tuple[str, Any], ...]) -> Any:
            return func(**dict(items))

        @functools.wraps(func)
        def layout(**url_params: Any) -> Any:
            key = canonical(**url_params)
            try:
                return build(tuple(sorted(key.items())))
            except TypeError:  # an unhashable parameter: build without the cache
                return func(**key)

        layout.cache_clear = build.cache_clear  # type: ignore[attr-defined]
        return layout

    return decorate


# --- scaffolding of the OES and AES pages (and links to them) ----------------------------------

#: Title of an indicator's timeline chart, after its id (OES and AES pages alike).
TIMELINE_TITLE = "Línea de base, logros esperados y valores obtenidos"


def code_href(code: str) -> str | None:
    """The page of an OES/AES code (``/oes/OES.01``, ``/aes/AES.03.04``); None otherwise.

    Findings and comparisons also carry codes without a page (``UE``) or none at all (NaN).
    """
    if isinstance(code, str) and code.startswith("AES."):
        return f"/aes/{code}"
    if isinstance(code, str) and code.startswith("OES."):
        return f"/oes/{code}"
    return None


def code_layout(
    page: CodePage, unknown_text: str
) -> Callable[[Callable[[str], Any]], Callable[..., Any]]:
    """Make ``build(canonical_code)`` the ``layout`` of a code page (``/oes/<code>``).

    The result is called as Dash calls it, ``layout(code=..., **query)``; it is memoized per
    canonical code (:func:`cached_layout`) and answers an unknown code with :func:`not_found`,
    ``unknown_text`` with ``{code}`` standing for the code as the URL spells it.
    """

    def decorate(build: Callable[[str], Any]) -> Callable[..., Any]:
        def layout(code: str | None = None, **_query: Any) -> Any:
            canonical = page.resolve(code)
            if canonical is None:
                return not_found(unknown_text.format(code=code or ""))
            return build(canonical)

        # Name and docstring of the page's function, but not functools.wraps' __wrapped__: the
        # signature callers see must stay (code, **query), not build's (canonical).
        for attribute in ("__module__", "__name__", "__qualname__", "__doc__"):
            setattr(layout, attribute, getattr(build, attribute))
        return cached_layout(page.cache_key)(layout)

    return decorate


def code_page_header(
    crumbs: list[tuple[str, str | None]], code: str, *title: Any
) -> list[html.Nav | html.H1]:
    """Breadcrumbs and the ``<h1>`` of an OES/AES page: the code, then the ``title`` parts."""
    return [
        breadcrumbs(crumbs),
        html.H1([html.Span(code, className="oes-code"), *title], className="h2 page-title"),
    ]


def indicator_heading(row: pd.Series, class_name: str, detail: Any) -> list[html.H3 | html.P]:
    """The heading (id and name) and status line of an indicator block of the OES/AES pages.

    ``row`` is an :func:`pesem.metrics.indicator_summary` row; the status line is its semáforo
    badge, the status reason, then ``detail``; ``class_name`` sizes the heading.
    """
    return [
        html.H3(
            [html.Span(row["indicator_id"], className="indicator-code"), " ", row["name"]],
            className=class_name,
        ),
        html.P(
            [
                summary_badge(row),
                " ",
                html.Span(row["status_reason"], className="status-reason"),
                detail,
            ],
            className="indicator-status",
        ),
    ]


def timeline_card(
    component_type: str,
    indicator_id: str,
    figure: go.Figure,
    *,
    filename: str,
    summary: str,
    table: pd.DataFrame,
) -> dbc.Card:
    """The chart card of an indicator's timeline (:func:`components.charts.indicator_timeline`),
    with the id ``{"type": component_type, "index": indicator_id}`` and the shared title."""
    return chart_card(
        {"type": component_type, "index": indicator_id},
        figure,
        title=f"{indicator_id} · {TIMELINE_TITLE}",
        filename=filename,
        summary=summary,
        table=table,
    )


def code_findings_box(
    findings: pd.DataFrame, code: str, element_id: str, empty_text: str | None
) -> html.Section | None:
    """:func:`findings_box` of one OES/AES code's findings, linked to «Calidad de datos».

    ``findings`` is all of :func:`pesem.findings.find_all`; ``empty_text`` None leaves the box
    out (None) when the code has no findings.
    """
    own = findings[findings["code"] == code]
    if empty_text is None and own.empty:
        return None
    return findings_box(own, element_id, empty_text or "", more_href=registered_path("/calidad"))


def narrative_section(heading: str, text: str, element_id: str) -> html.Section:
    """The report's own analysis of a code under ``heading``, verbatim (:func:`markdown`)."""
    return html.Section(
        [html.H2(heading, className="h3"), markdown(text)],
        id=element_id,
        className="report-narrative mb-4",
    )
