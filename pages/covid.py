"""Impacto COVID-19: every indicator in the pandemic year against the year before, with the
report's own explanations, and, for a report with later years, whether they recovered.

The pandemic year is a fact of the world (:data:`pesem.covid.PANDEMIC_YEAR`), not of the report;
everything else comes from ``ds.meta``. A report whose years do not include the pandemic year
has no navbar entry (``nav`` is set from its data at registration); /covid then answers, as for
any report without values of the two years, with a page that says why.

Numbers: :mod:`pesem.covid`; figures: :mod:`components.covid_charts`; charts of a view:
:mod:`components.covid_views`; sections: :mod:`components.covid_sections` and
:mod:`components.covid_passages`.

The two toggles live in the URL query string (``/covid?vista=abs&alcance=todos``, parsed by
:func:`pesem.covid.parse_view`), so a shared link restores the view and the shell's "Descargar
todos los gráficos" ZIP (which re-reads the address bar) exports it: :func:`export_figures`
takes the same keys. As on /explorar (see its module docstring for how Dash 4's
``dcc.Location(refresh=False)`` behaves):

* ``layout(**query)`` draws the view the URL asks for (invalid values: the defaults, silently);
* :func:`sync_view` ties the ``dcc.Location`` to the toggles in both directions: a clicked toggle
  pushes the canonical query (one browser history entry per change); a changed URL (back/forward)
  sets the toggles, and never writes the URL back (no extra entry, no back-button trap);
* :func:`update` redraws the charts and the table when a toggle's value changes (clicked, or set
  by :func:`sync_view`).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Final

import dash
import plotly.graph_objects as go
from dash import ALL, Input, Output, State, callback, ctx, html, no_update
from dash.exceptions import PreventUpdate

from components import covid_passages, covid_sections, covid_views, graph
from components.navigation import breadcrumbs, tab_title
from components.routing import page_location
from pesem import covid
from pesem.loader import Dataset, get_dataset
from pesem.report import ReportMeta

PATH: Final = "/covid"
NAME: Final = "Impacto COVID-19"


def registration(meta: ReportMeta) -> dict[str, Any]:
    """What the page registers for the report of ``meta``: in the navbar only when the
    report's years include the pandemic year."""
    return {
        "path": PATH,
        "order": 2,
        "nav": covid.covers_pandemic(meta),
        "nav_label": NAME,
        "name": NAME,
        "title": tab_title(NAME, meta),
        "description": (
            f"Variación {covid.BEFORE_YEAR}-{covid.PANDEMIC_YEAR} de todos los indicadores del "
            f"{meta.plan} de {meta.sector} y lo que el reporte dice sobre el efecto de la "
            "pandemia en cada acción."
        ),
    }


dash.register_page(__name__, **registration(get_dataset().meta))


class Ids(StrEnum):
    """Component ids of this page (prefix ``covid-``)."""

    LOCATION = "covid-url"
    KPIS = "covid-kpis"
    SUMMARY = "covid-resumen-ejecutivo"
    MODE = "covid-mode"
    SCOPE = "covid-scope"
    CHARTS = "covid-charts"
    DIVERGING = covid_views.graph_base(covid_views.DIVERGING)
    DUMBBELL = covid_views.graph_base(covid_views.DUMBBELL)
    TRENDS = covid_views.graph_base(covid_views.TRENDS)
    RECOVERY_CHART = covid_views.graph_base(covid_views.RECOVERY)
    TABLE_WRAP = "covid-tabla-contenedor"
    TABLE = "covid-tabla"
    RECOVERY = "covid-recuperacion-seccion"
    PASSAGES = "covid-pasajes"
    PASSAGES_ACCORDION = "covid-pasajes-oes"
    #: dict id of an OES's passages: ``{"type": PASSAGES_BODY, "index": "OES.01"}``
    PASSAGES_BODY = "covid-pasajes-cuerpo"


DEFAULT_MODE: Final = covid.DEFAULT_MODE
DEFAULT_SCOPE: Final = covid.DEFAULT_SCOPE


def _mode(value: Any) -> str:
    return value if value in covid.MODES else DEFAULT_MODE


def _scope(value: Any) -> str:
    return value if value in covid.SCOPES else DEFAULT_SCOPE


def figures(mode: str, scope: str, ds: Dataset | None = None) -> list[covid_views.Chart]:
    """The page's charts of a view, in page order (see :func:`components.covid_views.figures`)."""
    return covid_views.figures(ds or get_dataset(), mode, scope)


def export_figures(**params: Any) -> list[tuple[str, go.Figure]]:
    """The page's charts as (file stem, figure), in page order, for the view of the URL query
    (``vista``, ``alcance``: the keys of the address bar; invalid or missing values: defaults).
    Empty for a report that cannot compare the two years. The same charts as on the page,
    the trend panels in a slide's grid (the page's two columns would stack them too high)."""
    mode, scope = covid.parse_view(params)
    charts = covid_views.figures(get_dataset(), mode, scope, slide=True)
    return [(chart.stem, chart.figure) for chart in charts]


def content(
    ds: Dataset, mode: str, scope: str, query: Mapping[str, Any] | None = None
) -> list[Any]:
    """The page's body for ``ds`` in a view (``query``: the URL's, which chose it): the
    comparison, or why there is none."""
    crumbs = breadcrumbs([("Resumen", "/"), (NAME, None)])
    if covid.missing_years(ds):
        return [crumbs, *covid_sections.unavailable(ds, PATH)]
    # the same objects the toggles' callback answers
    charts, table = _view(ds, mode, scope, graph.pictures_version())
    return [
        page_location(Ids.LOCATION.value, PATH, query or {}),
        crumbs,
        *covid_sections.heading(ds),
        covid_sections.kpis(ds, covid.comparison(ds), f"#{Ids.PASSAGES}", Ids.KPIS),
        covid_sections.executive_summary(ds, Ids.SUMMARY),
        covid_sections.controls(mode, scope, Ids.MODE, Ids.SCOPE),
        html.Div(charts, id=Ids.CHARTS),
        covid_sections.table_section(table, Ids.TABLE_WRAP),
        covid_sections.recovery_section(ds, Ids.RECOVERY),
        covid_passages.passages_section(
            ds,
            Ids.PASSAGES,
            Ids.PASSAGES_ACCORDION.value,
            Ids.PASSAGES_BODY.value,
        ),
    ]


def layout(**query: Any) -> html.Div:
    """The COVID-19 page in the view of the URL query (``vista``, ``alcance``; see the module
    docstring); invalid values show the default view."""
    mode, scope = covid.parse_view(query)
    return html.Div(content(get_dataset(), mode, scope, query), className="covid-page")


# --------------------------------------------------------------------------- callbacks


@callback(
    Output(Ids.LOCATION, "search"),
    Output(Ids.MODE, "value"),
    Output(Ids.SCOPE, "value"),
    Input(Ids.LOCATION, "search"),
    Input(Ids.MODE, "value"),
    Input(Ids.SCOPE, "value"),
    State(Ids.LOCATION, "pathname"),
    prevent_initial_call=True,
)
def sync_view(search: Any, mode: Any, scope: Any, pathname: Any) -> tuple[Any, Any, Any]:
    """URL ⇄ toggles. The URL wins when it changed (back/forward): the toggles are set to the
    view it asks for and the URL is left as it is; otherwise a toggle was clicked and its
    canonical query (``?vista=abs&alcance=todos``, ``""`` for the default view) is pushed."""
    if pathname is not None and dash.strip_relative_path(pathname) != PATH.strip("/"):
        raise PreventUpdate  # the location moved to another page: not ours to handle
    if f"{Ids.LOCATION.value}.search" in set(ctx.triggered_prop_ids):
        wanted_mode, wanted_scope = covid.parse_view(search if isinstance(search, str) else "")
        return (
            no_update,  # never rewrite the URL the user navigated to
            no_update if mode == wanted_mode else wanted_mode,
            no_update if scope == wanted_scope else wanted_scope,
        )
    query = covid.view_query(_mode(mode), _scope(scope))
    current = search if isinstance(search, str) else ""
    return (no_update if current == query else query, no_update, no_update)


@callback(
    Output(Ids.CHARTS, "children"),
    Output(Ids.TABLE_WRAP, "children"),
    Input(Ids.MODE, "value"),
    Input(Ids.SCOPE, "value"),
    prevent_initial_call=True,
)
def update(mode: str | None, scope: str | None) -> tuple[list[Any], html.Div]:
    """Presentation or scope changed (clicked, or set from the URL): redraw charts and table."""
    return _view(get_dataset(), _mode(mode), _scope(scope), graph.pictures_version())


# Static data, four possible views: building one takes 0.4 s ("Solo OES") to 1.4 s ("Todos",
# 12 charts) of figure work (measured on this machine), so each is built once per worker (and
# again once its pictures exist: ``_pictures``, see components.graph.pictures_version) and the
# page and the toggles' callback answer with the same chart and table objects.
@functools.lru_cache(maxsize=8)
def _view(ds: Dataset, mode: str, scope: str, _pictures: Any) -> tuple[list[Any], html.Div]:
    comp = covid.filter_scope(covid.comparison(ds), scope)
    return covid_views.chart_cards(ds, mode, scope), covid_sections.comparison_table(
        comp, Ids.TABLE
    )


@callback(
    Output({"type": Ids.PASSAGES_BODY.value, "index": ALL}, "children"),
    Input(Ids.PASSAGES_ACCORDION.value, "active_item"),
    prevent_initial_call=True,
)
def open_passages(active: Any) -> list[Any]:
    """Fill the OES items that are open; closed ones keep what they had (no_update).

    No State of the items' contents: the request would carry every rendered passage back.
    """
    values = active if isinstance(active, list) else [active]
    opened = {value for value in values if isinstance(value, str)}
    ds = get_dataset()
    codes = frozenset(ds.oes["oes_code"])
    # one answer per item the request names (ALL: every item on the page, in layout order)
    return [
        _oes_passages(ds, output["id"]["index"])
        if output["id"]["index"] in opened and output["id"]["index"] in codes
        else no_update
        for output in ctx.outputs_list
    ]


@functools.lru_cache(maxsize=16)
def _oes_passages(ds: Dataset, oes_code: str) -> list[Any]:
    return covid_passages.oes_passages(ds, oes_code)
