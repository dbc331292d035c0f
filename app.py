"""The dashboard of a plan follow-up report (CEPLAN layout): Dash app, shell layout, server.

Run with ``make run`` (gunicorn, gunicorn.conf.py) or ``python app.py`` for a quick local look.
Everything about the report (names, years, source line) comes from ``data/report.yaml``.
"""

from __future__ import annotations

from enum import StrEnum

import dash
from dash import ALL, ClientsideFunction, Dash, Input, Output, State, clientside_callback, dcc, html

import web
from components.navigation import NAV_LINK, nav_label, nav_pages
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
    LOCATION = "navbar-url"


#: Bootstrap's collapsed menu; the toggler adds "show" (assets/pesem.js, navbar section).
COLLAPSE_CLASS = "collapse navbar-collapse"


def _brand() -> html.A:
    """Plan and sector always; the followed year from ``sm`` up (one line on a phone)."""
    return html.A(
        [
            f"{META.plan} · {META.sector_short}",
            html.Span(f" · Seguimiento {META.year}", className="d-none d-sm-inline"),
        ],
        href=dash.get_relative_path("/"),
        className="navbar-brand",
    )


def _toggler() -> html.Button:
    # A plain button with Bootstrap's navbar-toggler look, with aria-expanded / aria-controls
    # and a Spanish label (dbc.NavbarToggler has neither).
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


def _link(page: dict) -> html.Li:
    path = page["relative_path"]
    return html.Li(
        dcc.Link(
            nav_label(page),
            id={"type": NavIds.LINK, "index": path},
            href=path,
            className=NAV_LINK,
        ),
        className="nav-item",
    )


def navbar() -> html.Nav:
    """The brand and one link per page registered with ``nav=True``, behind a toggler below md.

    Plain html components with Bootstrap's classes, not dbc.Navbar/Collapse/NavLink: the same
    markup, but the shell renders on every first visit and those ~20 stateful components
    cost a phone's Lighthouse score (same-run A/B in bench/). The active link and the toggle are
    two clientside callbacks (assets/pesem.js).
    """
    links = html.Ul(
        [_link(page) for page in nav_pages()], className="navbar-nav ms-md-auto flex-md-wrap"
    )
    return html.Nav(
        html.Div(
            [
                dcc.Location(id=NavIds.LOCATION, refresh=False),
                _brand(),
                _toggler(),
                html.Div(links, id=NavIds.COLLAPSE, className=COLLAPSE_CLASS),
            ],
            className="container-fluid",
        ),
        className="navbar navbar-expand-md navbar-dark pesem-navbar",
        **{"aria-label": "Secciones"},
    )


# In the browser (assets/pesem.js, no server round trip): the toggler opens and closes the menu;
# a new address closes it and marks its page's link (Bootstrap's "active").
clientside_callback(
    ClientsideFunction(namespace="pesem_navbar", function_name="update"),
    Output(NavIds.COLLAPSE, "className"),
    Output(NavIds.TOGGLER, "aria-expanded"),
    Output({"type": NavIds.LINK, "index": ALL}, "className"),
    Input(NavIds.TOGGLER, "n_clicks"),
    Input(NavIds.LOCATION, "pathname"),
    State(NavIds.TOGGLER, "aria-expanded"),
    State({"type": NavIds.LINK, "index": ALL}, "href"),
    State(NavIds.COLLAPSE, "className"),
)


app.layout = html.Div(
    [
        html.A("Saltar al contenido principal", href="#main-content", className="skip-link"),
        html.Header(navbar()),
        html.Main(
            html.Div(dash.page_container, className="container-xl py-3"),
            id="main-content",
            tabIndex="-1",
        ),
        html.Footer(
            html.Div(html.P(META.source, className="mb-0 py-3"), className="container-xl"),
            className="pesem-footer mt-4",
        ),
    ]
)

server = app.server
slides.install(app, resolve_page=is_page_path)  # chart PNGs, the page's ZIP + its button
web.install(app)  # last: routes, errors, headers (the CSP hashes every inline script defined)

if __name__ == "__main__":
    app.run(debug=False)
