"""The dashboard of a plan follow-up report (CEPLAN layout): Dash app, shell layout, server.

Run with ``make run`` (gunicorn, gunicorn.conf.py) or ``python app.py`` for a quick local look.
Everything about the report (names, years, source line) comes from ``data/report.yaml``.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Dash, html

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


def navbar() -> dbc.Navbar:
    """The brand and one link per page registered with ``nav=True``."""
    links = [
        dbc.NavItem(
            dbc.NavLink(
                nav_label(page),
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
                dbc.NavbarBrand(META.brand, href=dash.get_relative_path("/")),
                dbc.Nav(links, navbar=True, className="flex-wrap"),
            ],
            fluid=True,
            className="flex-wrap",
        ),
        className="pesem-navbar",
        color="#0b3d63",
        dark=True,
        expand="lg",
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
