"""Links between pages: the navbar's pages, breadcrumbs, code links, tab titles, not-found view."""

from __future__ import annotations

from typing import Any

import dash
import pandas as pd
from dash import dcc, html

from pesem import vocabulary
from pesem.report import ReportMeta

NOT_FOUND_HEADING = "Página no encontrada"
#: Class of the navbar's links (app.py); the current page's also carries ``active``.
NAV_LINK = "nav-link"


def nav_pages() -> list[dict[str, Any]]:
    """Registered pages with the registry key ``nav=True``, ordered by their ``order``."""
    pages = [page for page in dash.page_registry.values() if page.get("nav")]
    return sorted(pages, key=lambda page: (page.get("order") is None, page.get("order") or 0))


def nav_label(page: dict[str, Any]) -> str:
    """The navbar text of a registered page (``nav_label``, else its ``name``)."""
    return page.get("nav_label") or page["name"]


def registered_path(path: str) -> str | None:
    """``path`` if a registered Dash page serves it (e.g. ``/calidad``), else None."""
    paths = {page.get("path") for page in dash.page_registry.values()}
    return path if path in paths else None


def breadcrumbs(items: list[tuple[str, str | None]]) -> html.Nav:
    """Breadcrumb trail; the last item (href None) is the current page."""
    crumbs = [
        html.Li(dcc.Link(label, href=href), className="breadcrumb-item")
        if href
        else html.Li(label, className="breadcrumb-item active", **{"aria-current": "page"})
        for label, href in items
    ]
    return html.Nav(html.Ol(crumbs, className="breadcrumb"), **{"aria-label": "Ruta de navegación"})


def code_href(code: Any) -> str | None:
    """The page of an OES/AES code (``/oes/OES.01``, ``/aes/AES.03.04``); None otherwise.

    Findings and comparisons also carry codes without a page (``UE``) or none at all (NaN).
    """
    if isinstance(code, str) and code.startswith(f"{vocabulary.ACTION}."):
        return f"/aes/{code}"
    if isinstance(code, str) and code.startswith(f"{vocabulary.OBJECTIVE}."):
        return f"/oes/{code}"
    return None


def site_name(meta: ReportMeta) -> str:
    """The report in a tab title: plan type, sector without dots, year (``PESEM RREE {year}``)."""
    return f"{meta.plan_type} {meta.sector_short.replace('.', '')} {meta.year}"


def tab_title(label: str, meta: ReportMeta) -> str:
    """A browser tab title: ``Resumen — {site_name}``."""
    return f"{label} — {site_name(meta)}"


def _section_links() -> list[html.Li]:
    links = [html.Li(dcc.Link(nav_label(page), href=page["relative_path"])) for page in nav_pages()]
    return links or [html.Li(dcc.Link("Resumen", href=dash.get_relative_path("/")))]


def _objective_links(oes: pd.DataFrame) -> list[html.Li]:
    return [
        html.Li(
            dcc.Link(
                f"{row.oes_code}: {row.name}",
                href=dash.get_relative_path(f"/oes/{row.oes_code}"),
            )
        )
        for row in oes.sort_values("oes_code").itertuples(index=False)
    ]


def not_found_view(message: str, oes: pd.DataFrame) -> html.Div:
    """The one "page not found" view: what was not found, then where to go from here.

    ``message`` says what is missing; the links are every navbar page (:func:`nav_pages`) and
    every strategic objective of ``oes`` (the dataset's OES table). Used by the 404 page and by
    the OES/AES pages for an unknown code.
    """
    return html.Div(
        [
            html.H1(NOT_FOUND_HEADING),
            html.P(message, className="lead"),
            html.H2("Secciones del tablero", className="h4 mt-4"),
            html.Ul(_section_links(), className="fs-5"),
            html.H2("Objetivos estratégicos sectoriales", className="h4 mt-4"),
            html.Ul(_objective_links(oes), className="fs-5"),
        ],
        className="not-found py-4",
    )
