"""PESEM 2015-2021 follow-up dashboard (Sector Relaciones Exteriores, report 2020).

Run with ``make run`` (gunicorn, gunicorn.conf.py) or ``python app.py`` for a quick local look.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Dash, html

from components import page_bundles, plotly_bundle
from components.routing import page_for
from components.theme import SOURCE_LINE, apply_theme
from pesem import server as pesem_server
from pesem.loader import get_dataset
from web import slides

# Fail at import (and so at gunicorn start-up, preload_app=True) when a data file is malformed.
DATASET = get_dataset()
apply_theme()

TITLE = "Seguimiento del PESEM 2015-2021 · Relaciones Exteriores · 2020"

app = Dash(
    __name__,
    use_pages=True,
    title=TITLE,
    update_title=None,
    description=(
        "Tablero del reporte de seguimiento 2020 del Plan Estratégico Sectorial Multianual "
        "(PESEM) 2015-2021 del Sector Relaciones Exteriores del Perú."
    ),
    # Bootstrap is served from assets/vendor/ (listed first, so app.css overrides it).
    external_stylesheets=[],
    assets_path_ignore=["vendor"],
    suppress_callback_exceptions=True,
    compress=False,  # pesem.server installs flask-compress (zstd/br/gzip, cached bundles)
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


def nav_pages() -> list[dict]:
    """Registered pages with ``nav=True``, ordered by their ``order``."""
    pages = [page for page in dash.page_registry.values() if page.get("nav")]
    return sorted(pages, key=lambda page: (page.get("order") is None, page.get("order") or 0))


def navbar() -> dbc.Navbar:
    links = [
        dbc.NavItem(
            dbc.NavLink(
                page.get("nav_label") or page["name"],
                href=page["relative_path"],
                active="exact",
                # a page whose library the other pages leave out needs a new document
                external_link=bool(page_bundles.page_bundles(page)),
            )
        )
        for page in nav_pages()
    ]
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand(
                    "PESEM 2015-2021 · RR.EE. · Seguimiento 2020",
                    href=dash.get_relative_path("/"),
                ),
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


def is_page_path(path: str) -> bool:
    """Whether ``path`` is a registered page (same matching as Dash's pages router).

    A page with a ``path_template`` may register ``path_exists=callable(**path_variables)`` so
    that, e.g., ``/oes/OES.09`` answers HTTP 404 too.
    """
    page, variables = page_for(path)
    if not page:
        return False
    path_exists = page.get("path_exists")
    return bool(path_exists(**variables)) if callable(path_exists) else True


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
            dbc.Container(html.P(SOURCE_LINE, className="mb-0 py-3"), fluid="xl"),
            className="pesem-footer mt-4",
        ),
    ]
)

server = app.server
plotly_bundle.register(server)
_dash_config = app._config
# The page config need not tell every visitor the server's exact Python build.
app._config = lambda: {k: v for k, v in _dash_config().items() if k != "python_version"}
pesem_server.register(server, page_matcher=is_page_path, script_hashes=app.csp_hashes)
slides.install(app, resolve_page=is_page_path)  # chart PNGs, the page's ZIP + its button
page_bundles.install(app)  # dash-ag-grid's script only with /explorar

if __name__ == "__main__":
    app.run(debug=False)
