"""Explorar indicadores: filter the 24 indicators, read them in a grid, chart and download them.

The filter state lives in the URL query string (``?unidad=DGC&nivel=AES&desde=2016``), so a copied
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
  filters leave visible, which a clientside callback (``assets/explorar.js``) counts and writes
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

import functools
import math
from enum import StrEnum
from typing import Any

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
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

from components.format import as_number, fmt_pct, fmt_value, unit_label
from components.graph import chart_card
from components.theme import PALETTE, empty_figure
from pesem import explore
from pesem.explore import YEAR_MAX, YEAR_MIN, Filters
from pesem.loader import Dataset, get_dataset
from pesem.metrics import MISSING_LABELS, indicator_summary

# TEMPORARY (issue 13 migration): owners replace these with ds.meta.
_META = get_dataset().meta
ASSESSED_YEAR, PREVIOUS_YEAR = _META.year, _META.previous_year
EXPECTED_YEARS, ACHIEVED_YEARS = _META.expected_years, _META.achieved_years


PATH = "/explorar"

dash.register_page(
    __name__,
    path=PATH,
    title="Explorar indicadores — PESEM RREE 2020",
    name="Explorar indicadores",
    description=(
        "Filtre los indicadores del PESEM por unidad responsable, objetivo, nivel y estado, "
        "compare logros esperados y valores obtenidos y descargue exactamente lo filtrado."
    ),
    order=3,
    nav=True,
    nav_label="Explorar",
    # The grid's library is served only with this page (components/page_bundles.py).
    bundles=("dash_ag_grid",),
)


class Ids(StrEnum):
    """Component ids of this page (prefix ``exp-``)."""

    LOCATION = "exp-location"
    NOTICES = "exp-avisos"
    UNITS = "exp-unidad"
    OES = "exp-oes"
    LEVELS = "exp-nivel"
    STATUSES = "exp-estado"
    YEARS = "exp-anios"
    CLEAR = "exp-limpiar"
    STORE = "exp-filtros"
    COUNT = "exp-conteo"
    CSV = "exp-descargar-csv"
    XLSX = "exp-descargar-xlsx"
    DOWNLOAD_FORM = "exp-descarga"
    QUERY_FIELD = "exp-descarga-filtros"
    VISIBLE_FIELD = "exp-descarga-visibles"
    COUNT_VISIBLE = "exp-conteo-visibles"
    GRID = "exp-grid"
    CHART_BOX = "exp-grafico-caja"
    CHART = "exp-grafico"


#: The year slider's heading (names the group around its two handles).
YEARS_LABEL_ID = f"{Ids.YEARS.value}-etiqueta"


CHART_TITLE = "Grado de cumplimiento 2020 de los indicadores filtrados"
#: How many notices are listed; the rest are counted.
MAX_NOTICES = 8
#: The chart's bars stop here; a longer bar is drawn to the edge with its true value as text.
DEGREE_AXIS_MAX = 220.0

GRID_LOCALE = {
    "noRowsToShow": "Ningún indicador cumple estos filtros",
    "loadingOoo": "Cargando…",
    "filterOoo": "Filtrar…",
    "searchOoo": "Buscar…",
    "applyFilter": "Aplicar",
    "resetFilter": "Restablecer",
    "clearFilter": "Limpiar",
    "cancelFilter": "Cancelar",
    "equals": "Igual a",
    "notEqual": "Distinto de",
    "lessThan": "Menor que",
    "greaterThan": "Mayor que",
    "lessThanOrEqual": "Menor o igual que",
    "greaterThanOrEqual": "Mayor o igual que",
    "inRange": "Entre",
    "inRangeStart": "Desde",
    "inRangeEnd": "Hasta",
    "contains": "Contiene",
    "notContains": "No contiene",
    "startsWith": "Empieza con",
    "endsWith": "Termina con",
    "blank": "Vacío",
    "notBlank": "No vacío",
    "andCondition": "Y",
    "orCondition": "O",
    "filterTitle": "Filtro",
    "columnFilter": "Filtro de columna",
    "ariaFilterInput": "Valor del filtro",
    "ariaFilterValue": "Valor del filtro",
    "ariaFilteringOperator": "Operador del filtro",
    "ariaColumn": "Columna",
    "ariaSearch": "Buscar",
    "sortAscending": "Orden ascendente",
    "sortDescending": "Orden descendente",
}

NUMBER_FORMATTER = {"function": "params.data[params.colDef.field + '__txt']"}
NUMBER_TOOLTIP = {"function": "params.data[params.colDef.field + '__tip']"}


# --------------------------------------------------------------------------- domain → view


def _dataset() -> Dataset:
    return get_dataset()


def _summary() -> pd.DataFrame:
    return indicator_summary(_dataset())


def filters_to_store(filters: Filters) -> dict[str, Any]:
    """JSON form of ``filters`` for ``dcc.Store``."""
    return {
        "units": list(filters.units),
        "oes": list(filters.oes),
        "levels": list(filters.levels),
        "statuses": list(filters.statuses),
        "year_from": filters.year_from,
        "year_to": filters.year_to,
    }


def filters_from_values(units: Any, oes: Any, levels: Any, statuses: Any, years: Any) -> Filters:
    """Canonical :class:`Filters` from widget values (validated like a URL: unknowns dropped)."""

    def as_list(value: Any) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list | tuple):
            return []  # a malformed request (e.g. a bool) means "no filter", not an error
        return [str(v) for v in value if v is not None]

    query: dict[str, list[str]] = {
        explore.KEY_UNITS: as_list(units),
        explore.KEY_OES: as_list(oes),
        explore.KEY_LEVELS: as_list(levels),
        explore.KEY_STATUSES: as_list(statuses),
    }
    if isinstance(years, list | tuple) and len(years) == 2:
        query[explore.KEY_FROM] = [str(years[0])]
        query[explore.KEY_TO] = [str(years[1])]
    filters, _ = explore.parse_query(query, _dataset())
    return filters


def filters_from_store(data: Any) -> Filters:
    """The :class:`Filters` kept in ``Ids.STORE`` (defaults when empty or malformed)."""
    if not isinstance(data, dict):
        return Filters()
    return filters_from_values(
        data.get("units"),
        data.get("oes"),
        data.get("levels"),
        data.get("statuses"),
        [data.get("year_from", YEAR_MIN), data.get("year_to", YEAR_MAX)],
    )


#: The download formats: (route extension, label, button id).
DOWNLOADS: tuple[tuple[str, str, Ids], ...] = (
    ("csv", "CSV", Ids.CSV),
    ("xlsx", "Excel", Ids.XLSX),
)


def download_url(fmt: str) -> str:
    """The download route of the whole dataset, or (as a form target) of a filtered view."""
    return dash.get_relative_path(f"/download/indicators.{fmt}")


def download_query(filters: Filters) -> str:
    """The filter query the download form sends (:func:`pesem.explore.to_query` without ``?``)."""
    return explore.to_query(filters).lstrip("?")


def count_text(shown: int, total: int, visible: int | None = None) -> str:
    """``"4 indicadores (de 24)"``; with grid column filters, how many of them are visible."""
    if shown == 0:
        text = f"Ningún indicador (de {total})"
    elif shown == 1:
        text = f"1 indicador (de {total})"
    else:
        text = f"{shown} indicadores (de {total})"
    if visible is not None and visible != shown:
        text += f" · {visible} visibles con los filtros de columna de la tabla"
    return text


def _options(facet: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"label": f"{o['label']} ({o['count']})", "value": o["value"]} for o in facet]


def _oes_options(facet: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """OES options: code and count first (what one scans for), the objective's name after."""
    options = []
    for o in facet:
        code, _, name = str(o["label"]).partition(" — ")
        label: list[Any] = [html.Span(f"{code} ({o['count']})", className="exp-option-code")]
        if name:
            label.append(html.Span(f" — {name}", className="exp-option-detail"))
        options.append({"label": label, "value": o["value"]})
    return options


def notices_block(notices: list[str]) -> list[Any]:
    """A warning alert listing the ignored query values (nothing when there are none)."""
    if not notices:
        return []
    shown = notices[:MAX_NOTICES]
    items = [html.Li(text) for text in shown]
    if len(notices) > MAX_NOTICES:
        items.append(html.Li(f"… y {len(notices) - MAX_NOTICES} valores más."))
    return [
        dbc.Alert(
            [
                html.P(
                    "Algunos filtros de la dirección no se reconocieron y se ignoraron; "
                    "se muestran los demás:",
                    className="mb-1 fw-bold",
                ),
                html.Ul(items, className="mb-0"),
            ],
            color="warning",
            className="exp-notices",
        )
    ]


def _cell(ds_cells: dict, iid: str, series: str, year: int, unit: str) -> tuple:
    """(number, text, tooltip) of one report cell, missing values as printed (ND, ---)."""
    row = ds_cells.get((iid, series, year))
    if row is None:
        return None, "—", "No figura en el reporte"
    value = row["value"]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raw = str(row["raw"]).strip() or "—"
        reason = explore_missing_label(row["missing_reason"])
        note = str(row["note"]).strip()
        return None, raw, f"{reason}. {note}" if note else reason
    return float(value), fmt_value(float(value), unit), ""


def explore_missing_label(reason: str) -> str:
    """Spanish text of a missing-value reason code (``sin_meta`` → "Sin logro esperado …")."""
    text = MISSING_LABELS.get(reason, reason) or "sin valor"
    return text[:1].upper() + text[1:]


def grid_rows(rows: pd.DataFrame, ds: Dataset) -> list[dict[str, Any]]:
    """One grid row per indicator: numbers (for sorting/filters) and their printed text."""
    values = ds.values[ds.values["indicator_id"].isin(rows["indicator_id"])]
    cells = {(r["indicator_id"], r["series"], int(r["year"])): r for r in values.to_dict("records")}
    out = []
    for rec in rows.to_dict("records"):
        iid, unit = rec["indicator_id"], rec["unit"]
        item: dict[str, Any] = {
            "indicator_id": iid,
            "name": rec["name"],
            "unit_label": unit_label(unit),
            "responsible_units": rec["responsible_units"],
            "status": rec["status"],
            "status_text": f"{rec['status_icon']} {rec['status_label']}",
            "status_reason": rec["status_reason"],
            "baseline_year": int(rec["baseline_year"]),
        }
        base = _cell(cells, iid, "baseline", int(rec["baseline_year"]), unit)
        item["baseline_value"], item["baseline_value__txt"], item["baseline_value__tip"] = base
        for series, years in (("expected", EXPECTED_YEARS), ("achieved", ACHIEVED_YEARS)):
            for year in years:
                key = f"{series}_{year}"
                item[key], item[f"{key}__txt"], item[f"{key}__tip"] = _cell(
                    cells, iid, series, year, unit
                )
        for kind in ("tipo1", "tipo2"):
            for source in ("reported", "computed"):
                key = f"{kind}_{source}"
                number = as_number(rec[key])
                item[key] = number
                item[f"{key}__txt"] = fmt_pct(number)
                if number is not None:
                    tip = ""
                elif source == "computed":
                    tip = rec[f"{kind}_reason"] or "No calculable"
                else:
                    tip = "El anexo no reporta este avance"
                item[f"{key}__tip"] = tip
        out.append(item)
    return out


def _number_col(field: str, header: str, width: int = 112) -> dict[str, Any]:
    return {
        "field": field,
        "headerName": header,
        "type": "numericColumn",
        "filter": "agNumberColumnFilter",
        "valueFormatter": NUMBER_FORMATTER,
        "tooltipValueGetter": NUMBER_TOOLTIP,
        "width": width,
        "minWidth": 96,
    }


def column_defs(filters: Filters) -> list[dict[str, Any]]:
    """Grid columns; expected/achieved year columns only for the filter's year range."""
    expected = [y for y in EXPECTED_YEARS if filters.year_from <= y <= filters.year_to]
    achieved = [y for y in ACHIEVED_YEARS if filters.year_from <= y <= filters.year_to]
    # Pinned columns sit in groups too: a pinned area without any group gets an empty header
    # row (role="row" without cells), which screen readers and axe reject.
    columns: list[dict[str, Any]] = [
        {
            "headerName": "Indicador",
            "children": [
                {
                    "field": "indicator_id",
                    "headerName": "Código",
                    "pinned": "left",
                    "width": 138,
                    "filter": "agTextColumnFilter",
                    "sort": None,
                },
                {
                    "field": "name",
                    "headerName": "Nombre",
                    "pinned": "left",
                    "width": 300,
                    "minWidth": 220,
                    "wrapText": True,
                    "autoHeight": True,
                    "filter": "agTextColumnFilter",
                },
            ],
        },
        {
            "field": "unit_label",
            "headerName": "Unidad de medida",
            "width": 132,
            "wrapText": True,
            "autoHeight": True,
            "filter": "agTextColumnFilter",
        },
        {
            "headerName": "Línea de base",
            "children": [
                _number_col("baseline_value", "Valor"),
                {
                    "field": "baseline_year",
                    "headerName": "Año",
                    "type": "numericColumn",
                    "filter": "agNumberColumnFilter",
                    "width": 96,
                },
            ],
        },
    ]
    if expected:
        columns.append(
            {
                "headerName": "Logros esperados",
                "children": [_number_col(f"expected_{y}", str(y)) for y in expected],
            }
        )
    if achieved:
        columns.append(
            {
                "headerName": "Valores obtenidos",
                "children": [_number_col(f"achieved_{y}", str(y)) for y in achieved],
            }
        )
    columns += [
        {
            "headerName": "Avance 2020",
            "children": [
                _number_col("tipo1_reported", "Tipo 1 reportado", 120),
                _number_col("tipo1_computed", "Tipo 1 calculado", 120),
                _number_col("tipo2_reported", "Tipo 2 reportado", 120),
                _number_col("tipo2_computed", "Tipo 2 calculado", 120),
            ],
        },
        {
            "headerName": "Estado 2020",
            "children": [
                {
                    "field": "status_text",
                    "headerName": "Semáforo",
                    "pinned": "right",
                    "width": 150,
                    "filter": "agTextColumnFilter",
                    "tooltipField": "status_reason",
                    "cellClass": {"function": "'exp-status exp-status-' + params.data.status"},
                },
            ],
        },
        {
            "field": "responsible_units",
            "headerName": "Unidad responsable",
            "width": 170,
            "wrapText": True,
            "autoHeight": True,
            "filter": "agTextColumnFilter",
        },
    ]
    return columns


def achievement_figure(rows: pd.DataFrame) -> go.Figure:
    """Horizontal bars: degree of achievement 2020 (% of the reference target) per indicator.

    100 % means the target was met. Bars longer than the axis are cut at its edge and keep their
    true value as text; indicators without a degree (no target, no value, target 0) show their
    status text instead of a bar. Status is always written next to the bar (icon + text).
    """
    if rows.empty:
        return empty_figure("Ningún indicador cumple estos filtros")
    ids = list(rows["indicator_id"])
    degree = [as_number(v) for v in rows["degree"]]
    shown = [min(d, DEGREE_AXIS_MAX) if d is not None else 0.0 for d in degree]
    texts = []
    for d, icon, label, ref_year in zip(
        degree,
        rows["status_icon"],
        rows["status_label"],
        rows["reference_year"],
        strict=True,
    ):
        if d is None:
            texts.append(f"{icon} {label}")
        else:
            meta = "" if int(ref_year) == 2020 else f" (meta {int(ref_year)})"
            texts.append(f"{icon} {label}: {fmt_pct(d)}{meta}")
    colors = [PALETTE.get(code, PALETTE["muted"]) for code in rows["status"]]
    figure = go.Figure(
        go.Bar(
            x=shown,
            y=ids,
            orientation="h",
            marker={"color": colors},
            text=texts,
            textposition="outside",
            cliponaxis=False,
            customdata=list(zip(rows["name"], [fmt_pct(d) for d in degree], texts, strict=True)),
            hovertemplate=(
                "<b>%{y}</b><br>%{customdata[0]}<br>Grado de cumplimiento: "
                "%{customdata[1]}<extra></extra>"
            ),
            showlegend=False,
        )
    )
    figure.add_vline(
        x=100,
        line={"color": PALETTE["text"], "dash": "dash", "width": 2},
        layer="below",
        annotation={"text": "100 % = meta", "yanchor": "bottom"},
        annotation_position="top",
    )
    figure.update_layout(
        height=150 + 38 * len(ids),
        margin={"l": 24, "r": 24, "t": 48, "b": 56},
        xaxis={
            "title": {"text": "Grado de cumplimiento 2020 (% de la meta)"},
            "range": [0, DEGREE_AXIS_MAX + 80],
            "ticksuffix": "%",
            "tickvals": [0, 50, 100, 150, 200],
        },
        yaxis={"autorange": "reversed", "title": None, "type": "category"},
        bargap=0.3,
    )
    return figure


def filters_caption(filters: Filters) -> str:
    """The filters in words: ``"Unidad: DGC · Nivel: AES"`` (``"Todos los indicadores"``)."""
    parts = []
    for label, values in (
        ("Unidad", filters.units),
        ("OES", filters.oes),
        ("Nivel", filters.levels),
        ("Estado", [s.replace("_", " ") for s in filters.statuses]),
    ):
        if values:
            parts.append(f"{label}: {', '.join(values)}")
    return " · ".join(parts) or "Todos los indicadores"


def figure_stem(filters: Filters) -> str:
    """PNG name of the chart: ``pesem-rree-2020_explorar_cumplimiento[_filters]``."""
    name = explore.download_name(filters, "")
    prefix = f"{explore.FILE_PREFIX}_indicadores"
    return f"{explore.FILE_PREFIX}_explorar_cumplimiento" + name[len(prefix) :]


def chart_block(rows: pd.DataFrame, filters: Filters) -> dbc.Card:
    """The chart card (through ``chart_card``), with a summary and the plotted data."""
    counts = rows["status_label"].value_counts()
    if rows.empty:
        summary = "Ningún indicador cumple los filtros elegidos."
    else:
        parts = [f"{label}: {n}" for label, n in counts.items()]
        summary = (
            f"{count_text(len(rows), len(_summary()))}, por estado: {'; '.join(parts)}. "
            "El grado de cumplimiento compara el valor obtenido 2020 con el logro esperado "
            "2020 (o con la meta 2021 si el plan no fijó uno para 2020); 100 % = meta cumplida."
        )
    table = pd.DataFrame(
        {
            "Código": rows["indicator_id"],
            "Indicador": rows["name"],
            "Grado de cumplimiento": [fmt_pct(as_number(d)) for d in rows["degree"]],
            "Meta de referencia (año)": rows["reference_year"].astype(int),
            "Estado": rows["status_icon"] + " " + rows["status_label"],
        }
    )
    return chart_card(
        Ids.CHART.value,
        achievement_figure(rows),
        title=CHART_TITLE,
        filename=figure_stem(filters),
        summary=summary,
        table=table,
    )


@functools.lru_cache(maxsize=256)
def view(filters: Filters) -> dict[str, Any]:
    """Everything that follows the filters: options with counts, grid, count, chart.

    Cached per filter combination (the data is static; Filters is frozen): treat as read-only.
    """
    ds, summary = _dataset(), _summary()
    rows = explore.apply(summary, filters)
    facets = explore.facet_counts(summary, filters, ds)
    return {
        "units_options": _options(facets["units"]),
        "oes_options": _oes_options(facets["oes"]),
        "levels_options": _options(facets["levels"]),
        "statuses_options": _options(facets["statuses"]),
        "row_data": grid_rows(rows, ds),
        "column_defs": column_defs(filters),
        "count": count_text(len(rows), len(summary)),
        "chart": chart_block(rows, filters),
    }


# --------------------------------------------------------------------------- layout


def _checklist(
    component_id: Ids, legend: str, options: list, value: list, *, inline: bool = True
) -> html.Fieldset:
    """A multi-select filter: native labelled checkboxes in a fieldset named by its legend.

    ``dbc.Checklist`` draws ``<input type=checkbox>`` + ``<label for>`` pairs. Neither Dash 4's
    ``dcc.Dropdown`` (an ``aria-hidden`` focusable input) nor its ``dcc.Checklist`` (checkboxes
    nested in ``role=option`` labels of an unnamed ``role=listbox``) passes axe-core.
    """
    return html.Fieldset(
        [
            html.Legend(legend, className="form-label fw-bold exp-legend"),
            dbc.Checklist(
                id=component_id.value,
                name=component_id.value,
                options=options,
                value=value,
                inline=inline,
                class_name="exp-checklist" + (" exp-checklist-inline" if inline else ""),
            ),
        ],
        className="exp-filter",
    )


def layout(**query: Any) -> html.Div:
    """The explorer, already filtered by the URL's query string (invalid values noticed)."""
    filters, notices = explore.parse_query(query, _dataset())
    state = view(filters)
    year_marks = {y: str(y) for y in range(YEAR_MIN, YEAR_MAX + 1)}
    filters_card = dbc.Card(
        dbc.CardBody(
            [
                html.H2("Filtros", className="h5 mb-3"),
                _checklist(
                    Ids.UNITS,
                    "Unidad responsable",
                    state["units_options"],
                    list(filters.units),
                ),
                dbc.Row(
                    [
                        dbc.Col(
                            _checklist(ids, label, state[options], list(chosen), inline=False),
                            **widths,
                        )
                        for ids, label, options, chosen, widths in (
                            (
                                Ids.OES,
                                "Objetivo estratégico (OES)",
                                "oes_options",
                                filters.oes,
                                {"lg": 6},
                            ),
                            (
                                Ids.LEVELS,
                                "Nivel",
                                "levels_options",
                                filters.levels,
                                {"md": 6, "lg": 3},
                            ),
                            (
                                Ids.STATUSES,
                                "Estado (semáforo)",
                                "statuses_options",
                                filters.statuses,
                                {"md": 6, "lg": 3},
                            ),
                        )
                    ],
                    className="g-3 mt-0",
                ),
                dbc.Row(
                    [
                        dbc.Col(
                            html.Div(
                                [
                                    html.Div(
                                        "Años mostrados (logros esperados y valores obtenidos)",
                                        id=YEARS_LABEL_ID,
                                        className="form-label fw-bold",
                                    ),
                                    # handles only (arrow keys, Home/End): the two number boxes
                                    # Dash 4 draws next to them have no label
                                    dcc.RangeSlider(
                                        id=Ids.YEARS.value,
                                        min=YEAR_MIN,
                                        max=YEAR_MAX,
                                        step=1,
                                        marks=year_marks,
                                        value=[filters.year_from, filters.year_to],
                                        allowCross=False,
                                        allow_direct_input=False,
                                        className="exp-years",
                                    ),
                                    html.P(
                                        "La línea de base y el avance 2020 se muestran siempre.",
                                        className="small text-body-secondary mb-0",
                                    ),
                                ],
                                className="exp-filter",
                                role="group",
                                **{"aria-labelledby": YEARS_LABEL_ID},
                            ),
                            lg=9,
                        ),
                        dbc.Col(
                            dbc.Button(
                                "Limpiar filtros",
                                id=Ids.CLEAR.value,
                                color="secondary",
                                outline=True,
                                n_clicks=0,
                            ),
                            lg=3,
                            className="d-flex align-items-end justify-content-lg-end",
                        ),
                    ],
                    className="g-3 mt-1",
                ),
            ]
        ),
        className="exp-filters mb-3",
    )
    downloads = html.Div(
        [
            # A plain form: the browser downloads the file itself (no callback, no base64),
            # with the filters and the rows the grid's column filters leave visible.
            html.Form(
                [
                    dcc.Input(
                        type="hidden",
                        name=explore.KEY_QUERY,
                        id=Ids.QUERY_FIELD.value,
                        value=download_query(filters),
                    ),
                    dcc.Input(
                        type="hidden",
                        name=explore.KEY_VISIBLE,
                        id=Ids.VISIBLE_FIELD.value,
                        value="",
                    ),
                    *[
                        html.Button(
                            f"Descargar {label}",
                            id=button_id.value,
                            type="submit",
                            formAction=download_url(fmt),
                            className="btn btn-primary",
                        )
                        for fmt, label, button_id in DOWNLOADS
                    ],
                ],
                id=Ids.DOWNLOAD_FORM.value,
                method="POST",
                action=download_url("csv"),
                className="exp-download-form",
            ),
            html.Span(
                [
                    "Todos los datos: ",
                    html.A(
                        DOWNLOADS[0][1],
                        href=download_url(DOWNLOADS[0][0]),
                        title=f"Conjunto de datos completo (24 indicadores) en {DOWNLOADS[0][1]}",
                    ),
                    " · ",
                    html.A(
                        DOWNLOADS[1][1],
                        href=download_url(DOWNLOADS[1][0]),
                        title=f"Conjunto de datos completo (24 indicadores) en {DOWNLOADS[1][1]}",
                    ),
                ],
                className="exp-full-data",
            ),
        ],
        className="exp-downloads",
    )
    return html.Div(
        [
            dcc.Location(id=Ids.LOCATION.value, refresh=False),
            dcc.Store(id=Ids.STORE.value, data=filters_to_store(filters)),
            html.H1("Explorar indicadores", className="h2"),
            html.P(
                "Filtre los indicadores del Anexo 6.1 por unidad responsable, objetivo, nivel "
                "y estado. La dirección de esta página guarda los filtros: cópiela para "
                "compartir exactamente esta vista.",
                className="lead",
            ),
            html.Div(notices_block(notices), id=Ids.NOTICES.value, **{"aria-live": "polite"}),
            filters_card,
            html.Div(
                [
                    html.P(
                        [
                            html.Span(state["count"], id=Ids.COUNT.value),
                            html.Span(id=Ids.COUNT_VISIBLE.value),
                        ],
                        className="exp-count",
                        **{"aria-live": "polite"},
                    ),
                    downloads,
                ],
                className="exp-toolbar",
            ),
            html.P(
                "Desplace la tabla hacia la derecha para ver los valores obtenidos, el avance "
                "2020 y la unidad responsable; ordene o filtre desde los encabezados. Las "
                "descargas contienen exactamente los indicadores de la tabla (formato largo: una "
                "fila por indicador, serie y año, en el rango de años elegido).",
                className="small text-body-secondary",
            ),
            dag.AgGrid(
                id=Ids.GRID.value,
                rowData=state["row_data"],
                columnDefs=state["column_defs"],
                defaultColDef={
                    "sortable": True,
                    "filter": True,
                    "floatingFilter": True,
                    "resizable": True,
                    "wrapHeaderText": True,
                    "autoHeaderHeight": True,
                    "suppressHeaderMenuButton": False,
                },
                getRowId="params.data.indicator_id",
                dashGridOptions={
                    "domLayout": "autoHeight",
                    "localeText": GRID_LOCALE,
                    "suppressColumnVirtualisation": True,
                    "tooltipShowDelay": 300,
                    "enableCellTextSelection": True,
                    "ensureDomOrder": True,
                    "animateRows": False,
                    # one Tab stop: arrow keys move inside the grid, Tab leaves it
                    "tabToNextCell": {"function": "false"},
                    "tabToNextHeader": {"function": "false"},
                },
                columnSize=None,
                className="exp-grid",
                style={"width": "100%"},
            ),
            html.Div(state["chart"], id=Ids.CHART_BOX.value, className="mt-4"),
        ],
        className="exp-page",
    )


# --------------------------------------------------------------------------- callbacks


def _same(current: Any, wanted: Any) -> bool:
    return list(current or []) == list(wanted or [])


@callback(
    Output(Ids.LOCATION.value, "search"),
    Output(Ids.UNITS.value, "value"),
    Output(Ids.OES.value, "value"),
    Output(Ids.LEVELS.value, "value"),
    Output(Ids.STATUSES.value, "value"),
    Output(Ids.YEARS.value, "value"),
    Output(Ids.NOTICES.value, "children"),
    Output(Ids.STORE.value, "data"),
    Input(Ids.LOCATION.value, "search"),
    Input(Ids.UNITS.value, "value"),
    Input(Ids.OES.value, "value"),
    Input(Ids.LEVELS.value, "value"),
    Input(Ids.STATUSES.value, "value"),
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
    years: Any,
    _clear: Any,
    pathname: str | None,
    stored: Any,
) -> tuple:
    """URL ⇄ widgets. The URL wins when it changed (back/forward, opened link); otherwise the
    widgets (or "Limpiar filtros") define the filters and the canonical query is pushed."""
    if not isinstance(pathname, str) or not pathname.startswith("/"):
        raise PreventUpdate  # a malformed request: nothing to update
    if dash.strip_relative_path(pathname) != PATH.strip("/"):
        raise PreventUpdate  # the location moved to another page: not ours to handle
    triggered = set(ctx.triggered_prop_ids)
    from_url = f"{Ids.LOCATION.value}.search" in triggered
    if from_url:
        filters, notices = explore.parse_query(search or "", _dataset())
        new_search: Any = no_update  # never rewrite the URL the user navigated to
        notices_out: Any = notices_block(notices)
    else:
        if f"{Ids.CLEAR.value}.n_clicks" in triggered:
            filters = Filters()
        else:
            filters = filters_from_values(units, oes, levels, statuses, years)
        query = explore.to_query(filters)
        new_search = query if query != (search or "") else no_update
        notices_out = [] if new_search is not no_update else no_update
    years_now = [filters.year_from, filters.year_to]
    store = filters_to_store(filters)
    return (
        new_search,
        no_update if _same(units, filters.units) else list(filters.units),
        no_update if _same(oes, filters.oes) else list(filters.oes),
        no_update if _same(levels, filters.levels) else list(filters.levels),
        no_update if _same(statuses, filters.statuses) else list(filters.statuses),
        no_update if _same(years, years_now) else years_now,
        notices_out,
        no_update if stored == store else store,
    )


@callback(
    Output(Ids.UNITS.value, "options"),
    Output(Ids.OES.value, "options"),
    Output(Ids.LEVELS.value, "options"),
    Output(Ids.STATUSES.value, "options"),
    Output(Ids.GRID.value, "rowData"),
    Output(Ids.GRID.value, "columnDefs"),
    Output(Ids.CHART_BOX.value, "children"),
    Output(Ids.COUNT.value, "children"),
    Output(Ids.QUERY_FIELD.value, "value"),
    Input(Ids.STORE.value, "data"),
    prevent_initial_call=True,
)
def update_view(stored: Any) -> tuple:
    """Redraw what follows the filters (the layout drew the first state)."""
    filters = filters_from_store(stored)
    state = view(filters)
    return (
        state["units_options"],
        state["oes_options"],
        state["levels_options"],
        state["statuses_options"],
        state["row_data"],
        state["column_defs"],
        state["chart"],
        state["count"],
        download_query(filters),
    )


# The grid filters its rows in the browser: what its column filters leave visible is counted
# and passed to the download form there too (assets/explorar.js), without a server round trip
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
    filters, _ = explore.parse_query(params, _dataset())
    rows = explore.apply(_summary(), filters)
    figure = achievement_figure(rows)
    # The page shows the title in the card header; the PNG carries it (and the filters) itself.
    figure.update_layout(
        title={
            "text": f"{CHART_TITLE}<br><sup>{filters_caption(filters)}</sup>",
            "yref": "container",
            "y": 0.98,
            "yanchor": "top",
        },
        margin={"t": 110},
    )
    return [(figure_stem(filters), figure)]
