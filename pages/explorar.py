"""Explorar indicadores: filter the indicators, read them in a grid, chart and download them.

The filter state lives in the URL query string (``?unidad=DGC&nivel=AES&desde=<año>``), so a copied
link restores the same view and the browser's back button steps through filter changes:

* ``layout(**query)`` renders the page already filtered (Dash pages passes the query string);
* :func:`sync_filters` is the one callback that ties the ``dcc.Location`` (``refresh=False``) to
  the filter widgets, in both directions: a changed widget writes the canonical query (a new
  browser history entry); a changed URL (back/forward) sets the widgets. It also stores the
  canonical :class:`~pesem.explore.Filters` in ``Ids.STORE``;
* :func:`update_view` redraws options (with counts), grid, chart, count and the download form's
  filter field from that store;
* the downloads are a plain HTML form POSTed to ``/download/indicators.csv|xlsx``
  (:func:`pesem.explore.filtered_download`): the filter query, plus the ids the grid's own column
  filters leave visible, which a clientside callback (``assets/pesem.js``) counts and writes
  in the browser (no round trip carrying every visible row). Tidy long, years in range.

Invalid or unknown query values are ignored and listed in a notice, never an error page.

How Dash 4's ``dcc.Location(refresh=False)`` behaves (read in dash_core_components.js): a new
``search`` from a callback is written with ``history.pushState`` (one history entry per filter
change, never replaceState) and no ``_dashprivate_pushstate`` event, so the pages router does not
re-render the page. On back/forward (``popstate``) every Location reads the URL again: this page's
Location triggers :func:`sync_filters`; the router's own Location re-renders the page only when
its (stale) search differs, which is harmless because ``layout(**query)`` draws the same view.
Hence :func:`sync_filters` never writes the URL when the URL was the trigger (no extra entries,
no back-button trap on a URL with ignored values).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import dash
import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import (
    ClientsideFunction,
    Input,
    Output,
    State,
    callback,
    clientside_callback,
    ctx,
    dcc,
    html,
    no_update,
)
from dash.exceptions import PreventUpdate

from components import explorer
from components.navigation import tab_title
from components.routing import page_location
from pesem import explore, outlook
from pesem.explore import Filters
from pesem.loader import get_dataset

PATH = "/explorar"

dash.register_page(
    __name__,
    path=PATH,
    title=lambda **_: tab_title("Explorar indicadores", get_dataset().meta),
    name="Explorar indicadores",
    description=(
        "Filtre los indicadores del PESEM por unidad responsable, objetivo, nivel, estado y "
        "perspectiva al cierre del plan, compare logros esperados y valores obtenidos y "
        "descargue exactamente lo filtrado."
    ),
    order=3,
    nav=True,
    nav_label="Explorar",
    # Nothing announced in the head, not even plotly.js when charts are interactive: the
    # chart sits under the grid, and the preload pulled 1 MB into the first paint
    # (Lighthouse mobile, same run: FCP 3.3 -> 1.1 s).
    preload=(),
)


class Ids(StrEnum):
    """Component ids of this page (prefix ``exp-``)."""

    LOCATION = "exp-location"
    NOTICES = "exp-avisos"
    UNITS = "exp-unidad"
    OES = "exp-oes"
    LEVELS = "exp-nivel"
    STATUSES = "exp-estado"
    PROGRESS = "exp-progreso"
    YEARS = "exp-anios"
    CLEAR = "exp-limpiar"
    STORE = "exp-filtros"
    COUNT = "exp-conteo"
    CSV = "exp-descargar-csv"
    XLSX = "exp-descargar-xlsx"
    SUMMARY_CSV = "exp-descargar-resumen-csv"
    SUMMARY_XLSX = "exp-descargar-resumen-xlsx"
    DOWNLOAD_FORM = "exp-descarga"
    QUERY_FIELD = "exp-descarga-filtros"
    VISIBLE_FIELD = "exp-descarga-visibles"
    COUNT_VISIBLE = "exp-conteo-visibles"
    GRID = "exp-grid"
    GRID_SLOT = "exp-tabla"
    GRID_NEAR = "exp-tabla-cerca"
    GRID_DATA = "exp-tabla-datos"
    GRID_OPTIONS = "exp-tabla-opciones"
    CHART_BOX = "exp-grafico-caja"
    CHART = "exp-grafico"


#: The grid and what mounts it when it nears the screen (components/explorer.py, grid_slot).
GRID_IDS = explorer.GridIds(
    Ids.GRID.value,
    Ids.GRID_SLOT.value,
    Ids.GRID_NEAR.value,
    Ids.GRID_DATA.value,
    Ids.GRID_OPTIONS.value,
)

#: The download formats: (route extension, label, button id).
DOWNLOADS: tuple[tuple[str, str, Ids], ...] = (
    ("csv", "CSV", Ids.CSV),
    ("xlsx", "Excel", Ids.XLSX),
)
#: The one-row-per-indicator downloads (web/summary_downloads.py): (extension, label, id).
SUMMARY_DOWNLOADS = (("csv", "CSV", Ids.SUMMARY_CSV), ("xlsx", "Excel", Ids.SUMMARY_XLSX))
#: The checklists next to each other under the units': (id, legend, view key, filter, widths).
SIDE_FILTERS = (
    (Ids.OES, "Objetivo estratégico (OES)", "oes_options", "oes", {"lg": 4}),
    (Ids.LEVELS, "Nivel", "levels_options", "levels", {"md": 4, "lg": 2}),
    (Ids.STATUSES, "Estado (semáforo)", "statuses_options", "statuses", {"md": 4, "lg": 3}),
    (Ids.PROGRESS, "Perspectiva al cierre", "progress_options", "progress", {"md": 4, "lg": 3}),
)


def download_url(fmt: str, kind: str = "indicators") -> str:
    """The download route of the whole dataset, or (as a form target) of a filtered view;
    ``kind="resumen"``: one row per indicator, outlook included."""
    return dash.get_relative_path(f"/download/{kind}.{fmt}")


def download_query(filters: Filters) -> str:
    """The filter query the download form sends (:func:`pesem.explore.to_query` without ``?``)."""
    return explore.to_query(filters).lstrip("?")


def column_defs(filters: Filters) -> list[dict[str, Any]]:
    """Grid columns; expected/achieved year columns only for the filter's year range."""
    meta = get_dataset().meta
    expected = [y for y in meta.expected_years if filters.includes(y)]
    achieved = [y for y in meta.achieved_years if filters.includes(y)]
    return explorer.column_defs(meta, expected, achieved)


def view(filters: Filters) -> dict[str, Any]:
    """Everything that follows the filters: options with counts, grid, count, chart."""
    ds = get_dataset()
    summary = outlook.with_outlook(ds)  # the "progreso" filter reads the outlook's category
    rows = explore.apply(summary, filters)
    facets = explore.facet_counts(summary, filters, ds)
    chart = explorer.chart_block(
        Ids.CHART.value,
        rows,
        len(ds.summary),
        ds.meta,
        filename=explore.figure_stem(filters, ds.meta),
    )
    return {
        "units_options": explorer.facet_options(facets["units"]),
        "oes_options": explorer.oes_options(facets["oes"]),
        "levels_options": explorer.facet_options(facets["levels"]),
        "statuses_options": explorer.facet_options(facets["statuses"]),
        "progress_options": explorer.facet_options(facets["progress"]),
        "row_data": explorer.grid_rows(rows, ds.values, ds.meta),
        "column_defs": column_defs(filters),
        "count": explorer.count_text(len(rows), len(ds.summary)),
        "chart": chart,
    }


# --------------------------------------------------------------------------- layout


def _filters_card(filters: Filters, state: dict[str, Any]) -> dbc.Card:
    meta = get_dataset().meta
    bounds = explore.year_bounds(meta)
    side = [
        dbc.Col(
            explorer.checklist(
                ids.value, legend, state[key], list(getattr(filters, attr)), inline=False
            ),
            **widths,
        )
        for ids, legend, key, attr, widths in SIDE_FILTERS
    ]
    years = explorer.year_range(
        Ids.YEARS.value,
        bounds,
        filters.span(bounds),
        f"La línea de base y el avance {meta.year} se muestran siempre.",
    )
    clear = dbc.Button(
        "Limpiar filtros", id=Ids.CLEAR.value, color="secondary", outline=True, n_clicks=0
    )
    body = [
        html.H2("Filtros", className="h5 mb-3"),
        explorer.checklist(
            Ids.UNITS.value, "Unidad responsable", state["units_options"], list(filters.units)
        ),
        dbc.Row(side, className="g-3 mt-0"),
        dbc.Row(
            [
                dbc.Col(years, lg=9),
                dbc.Col(clear, lg=3, className="d-flex align-items-end justify-content-lg-end"),
            ],
            className="g-3 mt-1",
        ),
    ]
    return dbc.Card(dbc.CardBody(body), className="exp-filters mb-3")


def _downloads(filters: Filters) -> html.Div:
    # A plain form: the browser downloads the file itself (no callback, no base64), with the
    # filters and the rows the grid's column filters leave visible.
    form = explorer.download_form(
        Ids.DOWNLOAD_FORM.value,
        [
            (explore.KEY_QUERY, Ids.QUERY_FIELD.value, download_query(filters)),
            (explore.KEY_VISIBLE, Ids.VISIBLE_FIELD.value, ""),
        ],
        [(f"Descargar {label}", ids.value, download_url(fmt)) for fmt, label, ids in DOWNLOADS]
        + [
            (f"Descargar resumen {label}", ids.value, download_url(fmt, "resumen"))
            for fmt, label, ids in SUMMARY_DOWNLOADS
        ],
    )
    links = [(label, download_url(fmt)) for fmt, label, _ in DOWNLOADS]
    full = explorer.full_data_links(links, len(get_dataset().summary))
    return html.Div([form, full], className="exp-downloads")


def _toolbar(filters: Filters, count: str) -> html.Div:
    counts = html.P(
        [html.Span(count, id=Ids.COUNT.value), html.Span(id=Ids.COUNT_VISIBLE.value)],
        className="exp-count",
        **{"aria-live": "polite"},
    )
    return html.Div([counts, _downloads(filters)], className="exp-toolbar")


def layout(**query: Any) -> html.Div:
    """The explorer, already filtered by the URL's query string (invalid values noticed)."""
    ds = get_dataset()
    filters, notices = explore.parse_query(query, ds)
    state = view(filters)
    return html.Div(
        [
            page_location(Ids.LOCATION.value, PATH, query),
            dcc.Store(id=Ids.STORE.value, data=explore.to_store(filters)),
            html.H1("Explorar indicadores", className="h2"),
            html.P(
                "Filtre los indicadores del Anexo 6.1 por unidad responsable, objetivo, nivel, "
                "estado y perspectiva al cierre del plan. La dirección de esta página guarda los "
                "filtros: cópiela para compartir exactamente esta vista.",
                className="lead",
            ),
            html.Div(
                explorer.notices_block(notices), id=Ids.NOTICES.value, **{"aria-live": "polite"}
            ),
            _filters_card(filters, state),
            _toolbar(filters, state["count"]),
            html.P(
                "Desplace la tabla hacia la derecha para ver los valores obtenidos, el avance "
                f"{ds.meta.year} y la unidad responsable; ordene o filtre desde los encabezados. "
                "Las descargas contienen exactamente los indicadores de la tabla (formato largo: "
                "una fila por indicador, serie y año, en el rango de años elegido).",
                className="small text-body-secondary",
            ),
            explorer.grid_slot(GRID_IDS, state["row_data"], state["column_defs"]),
            html.Div(state["chart"], id=Ids.CHART_BOX.value, className="mt-4"),
        ],
        className="exp-page",
    )


# --------------------------------------------------------------------------- callbacks


def _same(current: Any, wanted: Any) -> bool:
    return list(current or []) == list(wanted or [])


def _is_this_page(pathname: Any) -> bool:
    """Whether the location is this page's (a malformed or other page's one is not ours)."""
    if not isinstance(pathname, str) or not pathname.startswith("/"):
        return False
    return dash.strip_relative_path(pathname) == PATH.strip("/")


def _widgets_out(current: tuple, filters: Filters, bounds: tuple[int, int]) -> list[Any]:
    """The widgets' new values: no_update where they already show ``filters``."""
    years_now = list(filters.span(bounds))
    attrs = ("units", "oes", "levels", "statuses", "progress")
    wanted = (*(getattr(filters, a) for a in attrs), years_now)
    return [
        no_update if _same(now, want) else list(want)
        for now, want in zip(current, wanted, strict=True)
    ]


@callback(
    Output(Ids.LOCATION.value, "search"),
    Output(Ids.UNITS.value, "value"),
    Output(Ids.OES.value, "value"),
    Output(Ids.LEVELS.value, "value"),
    Output(Ids.STATUSES.value, "value"),
    Output(Ids.PROGRESS.value, "value"),
    Output(Ids.YEARS.value, "value"),
    Output(Ids.NOTICES.value, "children"),
    Output(Ids.STORE.value, "data"),
    Input(Ids.LOCATION.value, "search"),
    Input(Ids.UNITS.value, "value"),
    Input(Ids.OES.value, "value"),
    Input(Ids.LEVELS.value, "value"),
    Input(Ids.STATUSES.value, "value"),
    Input(Ids.PROGRESS.value, "value"),
    Input(Ids.YEARS.value, "value"),
    Input(Ids.CLEAR.value, "n_clicks"),
    State(Ids.LOCATION.value, "pathname"),
    State(Ids.STORE.value, "data"),
    prevent_initial_call=True,
)
def sync_filters(
    search: str | None,
    units: Any,
    oes: Any,
    levels: Any,
    statuses: Any,
    progress: Any,
    years: Any,
    _clear: Any,
    pathname: str | None,
    stored: Any,
) -> tuple:
    """URL ⇄ widgets. The URL wins when it changed (back/forward, opened link); otherwise the
    widgets (or "Limpiar filtros") define the filters and the canonical query is pushed."""
    if not _is_this_page(pathname):
        raise PreventUpdate  # a malformed request, or the location moved to another page
    ds = get_dataset()
    triggered = set(ctx.triggered_prop_ids)
    if f"{Ids.LOCATION.value}.search" in triggered:
        filters, notices = explore.parse_query(search or "", ds)
        new_search: Any = no_update  # never rewrite the URL the user navigated to
        notices_out: Any = explorer.notices_block(notices)
    else:
        if f"{Ids.CLEAR.value}.n_clicks" in triggered:
            filters = Filters()
        else:
            query = explore.values_query(units, oes, levels, statuses, years, progress)
            filters = explore.parse_query(query, ds)[0]
        wanted = explore.to_query(filters)
        new_search = wanted if wanted != (search or "") else no_update
        notices_out = [] if new_search is not no_update else no_update
    store = explore.to_store(filters)
    widgets = _widgets_out(
        (units, oes, levels, statuses, progress, years), filters, explore.year_bounds(ds.meta)
    )
    return (new_search, *widgets, notices_out, no_update if stored == store else store)


@callback(
    Output(Ids.UNITS.value, "options"),
    Output(Ids.OES.value, "options"),
    Output(Ids.LEVELS.value, "options"),
    Output(Ids.STATUSES.value, "options"),
    Output(Ids.PROGRESS.value, "options"),
    Output(Ids.GRID_DATA.value, "data"),
    Output(Ids.CHART_BOX.value, "children"),
    Output(Ids.COUNT.value, "children"),
    Output(Ids.QUERY_FIELD.value, "value"),
    Input(Ids.STORE.value, "data"),
    prevent_initial_call=True,
)
def update_view(stored: Any) -> tuple:
    """Redraw what follows the filters (the layout drew the first state)."""
    filters = explore.from_store(stored, get_dataset())
    state = view(filters)
    return (
        state["units_options"],
        state["oes_options"],
        state["levels_options"],
        state["statuses_options"],
        state["progress_options"],
        explorer.grid_data(state["row_data"], state["column_defs"]),
        state["chart"],
        state["count"],
        download_query(filters),
    )


# The grid mounts when it nears the screen, and then takes each new filtered data
# (assets/pesem.js; components/explorer.py, grid_slot).
clientside_callback(
    ClientsideFunction(namespace="pesem_explorer", function_name="grid"),
    Output(Ids.GRID_SLOT.value, "children"),
    Input(Ids.GRID_NEAR.value, "data"),
    Input(Ids.GRID_DATA.value, "data"),
    State(Ids.GRID_OPTIONS.value, "data"),
    prevent_initial_call=True,
)

# The grid filters its rows in the browser: what its column filters leave visible is counted
# and passed to the download form there too (assets/pesem.js), without a server round trip
# that would carry every visible row.
clientside_callback(
    ClientsideFunction(namespace="pesem_explorer", function_name="visibleRows"),
    Output(Ids.COUNT_VISIBLE.value, "children"),
    Output(Ids.VISIBLE_FIELD.value, "value"),
    Input(Ids.GRID.value, "virtualRowData"),
    State(Ids.GRID.value, "filterModel"),
    State(Ids.GRID.value, "rowData"),
    prevent_initial_call=True,
)


def export_figures(**params: Any) -> list[tuple[str, go.Figure]]:
    """The page's chart for the filters in ``params`` (URL query keys), as (stem, figure)."""
    ds = get_dataset()
    filters, _ = explore.parse_query(params, ds)
    summary = outlook.with_outlook(ds)
    figure = explorer.achievement_figure(explore.apply(summary, filters), ds.meta)
    # The page shows the title in the card header; the PNG carries it (and the filters) itself.
    figure.update_layout(
        title={
            "text": f"{explorer.chart_title(ds.meta)}<br><sup>{explore.caption(filters)}</sup>",
            "yref": "container",
            "y": 0.98,
            "yanchor": "top",
        },
        margin={"t": 110},
    )
    return [(explore.figure_stem(filters, ds.meta), figure)]
