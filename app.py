"""The dashboard of a plan follow-up report (CEPLAN layout): Dash app, shell layout, server.

Run with ``make run`` (gunicorn, gunicorn.conf.py) or ``python app.py`` for a quick local look.
Everything about the report (names, years, source line) comes from ``data/report.yaml``.
"""

from __future__ import annotations

from enum import StrEnum

import dash
import dash_bootstrap_components as dbc
from dash import ALL, ClientsideFunction, Dash, Input, Output, State, clientside_callback, html

import web
from components.navigation import nav_label, nav_pages
from components.page_bundles import page_bundles
from components.routing import is_page_path
from components.theme import apply_theme
from pesem.loader import get_dataset
from web import slides

# Fail at import (and so at gunicorn start-up, preload_app=True) when a data file is malformed.
DATASET = get_dataset()
META = DATASET.meta
apply_theme()

app = Dash(
    __name__,
    use_pages=True,
    title=META.title,
    update_title=None,
    description=f"Tablero del {META.title[:1].lower()}{META.title[1:]}.",
    # Bootstrap is served from assets/vendor/ (listed first, so app.css overrides it).
    external_stylesheets=[],
    assets_path_ignore=["vendor"],
    suppress_callback_exceptions=True,
    compress=False,  # web.static installs flask-compress (zstd/br/gzip, cached bundles)
    serve_locally=True,
)
app.config.external_stylesheets = [app.get_asset_url("vendor/bootstrap.min.css")]

app.index_string = """<!DOCTYPE html>
<html lang="es">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        {%config%}
        {%scripts%}
        {%renderer%}
    </body>
</html>"""


class NavIds(StrEnum):
    """Component ids of the shell's navbar."""

    TOGGLER = "navbar-toggler"
    COLLAPSE = "navbar-collapse"
    LINK = "navbar-link"


def _brand() -> dbc.NavbarBrand:
    """Plan and sector always; the followed year from ``sm`` up (one line on a phone)."""
    return dbc.NavbarBrand(
        [
            f"{META.plan} · {META.sector_short}",
            html.Span(f" · Seguimiento {META.year}", className="d-none d-sm-inline"),
        ],
        href=dash.get_relative_path("/"),
    )


def _toggler() -> html.Button:
    # A plain button with Bootstrap's navbar-toggler look: dbc.NavbarToggler cannot carry
    # aria-expanded / aria-controls and its label is fixed in English ("Toggle navigation").
    return html.Button(
        html.Span(className="navbar-toggler-icon"),
        id=NavIds.TOGGLER,
        type="button",
        className="navbar-toggler",
        n_clicks=0,
        **{
            "aria-controls": NavIds.COLLAPSE,
            "aria-expanded": "false",
            "aria-label": "Mostrar u ocultar el menú de secciones",
        },
    )


def navbar() -> dbc.Navbar:
    """The brand and one link per page registered with ``nav=True``, behind a toggler below md."""
    links = [
        dbc.NavItem(
            dbc.NavLink(
                nav_label(page),
                id={"type": NavIds.LINK, "index": page["relative_path"]},
                href=page["relative_path"],
                active="exact",
                # a page whose library the other pages leave out needs a new document
                external_link=bool(page_bundles(page)),
            )
        )
        for page in nav_pages()
    ]
    return dbc.Navbar(
        dbc.Container(
            [
                _brand(),
                _toggler(),
                dbc.Collapse(
                    dbc.Nav(links, navbar=True, className="ms-md-auto flex-md-wrap"),
                    id=NavIds.COLLAPSE,
                    is_open=False,
                    navbar=True,
                ),
            ],
            fluid=True,
        ),
        className="pesem-navbar",
        color="#0b3d63",
        dark=True,
        expand="md",
    )


# Toggle in the browser (assets/pesem.js, no server round trip): the toggler opens and closes
# the menu; following one of its links closes it.
clientside_callback(
    ClientsideFunction(namespace="pesem_navbar", function_name="toggle"),
    Output(NavIds.COLLAPSE, "is_open"),
    Output(NavIds.TOGGLER, "aria-expanded"),
    Input(NavIds.TOGGLER, "n_clicks"),
    Input({"type": NavIds.LINK, "index": ALL}, "n_clicks"),
    State(NavIds.COLLAPSE, "is_open"),
    prevent_initial_call=True,
)


app.layout = html.Div(
    [
        html.A("Saltar al contenido principal", href="#main-content", className="skip-link"),
        html.Header(navbar()),
        html.Main(
            dbc.Container(dash.page_container, fluid="xl", className="py-3"),
            id="main-content",
            tabIndex="-1",
        ),
        html.Footer(
            dbc.Container(html.P(META.source, className="mb-0 py-3"), fluid="xl"),
            className="pesem-footer mt-4",
        ),
    ]
)

server = app.server
slides.install(app, resolve_page=is_page_path)  # chart PNGs, the page's ZIP + its button
web.install(app)  # last: routes, errors, headers (the CSP hashes every inline script defined)

if __name__ == "__main__":
    app.run(debug=False)
