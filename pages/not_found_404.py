"""The 404 page (Dash pages convention: module ``not_found_404``). Not in the navbar.

The server answers an unknown path with HTTP 404 (pesem/server.py) and Dash renders this layout:
what was not found, and links to every section (the navbar pages) and to the four OES pages.
"""

from __future__ import annotations

import dash
from dash import dcc, html

from components.layout import page_link
from pesem.loader import get_dataset

dash.register_page(
    __name__,
    path="/404",
    title="Página no encontrada · PESEM RR.EE. 2020",
    name="Página no encontrada",
    description="La dirección solicitada no existe en el tablero de seguimiento del PESEM.",
    nav=False,
    preload=(),  # no chart: the head preloads no dcc chunk (components/page_bundles.py)
)


def _nav_pages() -> list[dict]:
    pages = [page for page in dash.page_registry.values() if page.get("nav")]
    return sorted(pages, key=lambda page: (page.get("order") is None, page.get("order") or 0))


def _section_links() -> list[html.Li]:
    links = [
        html.Li(page_link(page.get("nav_label") or page["name"], href=page["relative_path"]))
        for page in _nav_pages()
    ]
    return links or [html.Li(dcc.Link("Resumen", href=dash.get_relative_path("/")))]


def _oes_links() -> list[html.Li]:
    oes = get_dataset().oes.sort_values("oes_code")
    return [
        html.Li(
            dcc.Link(
                f"{row.oes_code}: {row.name}",
                href=dash.get_relative_path(f"/oes/{row.oes_code}"),
            )
        )
        for row in oes.itertuples(index=False)
    ]


def layout(**_query: str) -> html.Div:
    return html.Div(
        [
            html.H1("Página no encontrada"),
            html.P(
                "No encontramos la página que buscaba: la dirección no existe en este tablero "
                "o se escribió de otra forma. Revise la dirección o continúe desde aquí.",
                className="lead",
            ),
            html.H2("Secciones del tablero", className="h4 mt-4"),
            html.Ul(_section_links(), className="fs-5"),
            html.H2("Objetivos estratégicos sectoriales", className="h4 mt-4"),
            html.Ul(_oes_links(), className="fs-5"),
        ],
        className="py-4",
    )
