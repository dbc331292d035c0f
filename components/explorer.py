"""Builders of the explorer page (``/explorar``): filter widgets, the grid, downloads, its chart.

Pure functions of the data they are given; the page (``pages/explorar.py``) passes its own
component ids, the report's :class:`~pesem.report.ReportMeta` and the filtered rows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Final, NamedTuple

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from components.format import as_number, fmt_pct, fmt_value, unit_label
from components.graph import chart_card
from components.theme import (
    PALETTE,
    axis_title,
    axis_title_height,
    empty_figure,
    label_lines,
    labels_above_bars,
    row_label_axis,
    under_plot,
)
from pesem.metrics import MISSING_LABELS
from pesem.report import ReportMeta

#: How many notices are listed; the rest are counted.
MAX_NOTICES: Final = 8
#: The chart's bars stop here; a longer bar is drawn to the edge with its true value as text.
DEGREE_AXIS_MAX: Final = 220.0
#: Thickness of the chart's bars (pixels); each bar's label is written above it.
BAR_PX: Final = 20

GRID_LOCALE: Final = {
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

#: A number cell shows its printed text (``field__txt``) and explains a gap (``field__tip``).
NUMBER_FORMATTER: Final = {"function": "params.data[params.colDef.field + '__txt']"}
NUMBER_TOOLTIP: Final = {"function": "params.data[params.colDef.field + '__tip']"}

DEFAULT_COLUMN: Final = {
    "sortable": True,
    "filter": True,
    "floatingFilter": True,
    "resizable": True,
    "wrapHeaderText": True,
    "suppressHeaderMenuButton": False,
}
# Header rows have fixed heights (two lines of a wrapped header fit) and only the pinned name
# sizes its row: AG Grid measures every auto-height cell with a forced layout, and columns out of
# view (virtualised) would change row heights while scrolling. The mount's longest task at 4x
# CPU, 412 px: 1.72 -> 1.22 s (docs/architecture.md, "Speed"). Widths: no text is cut
# (tests/browser/test_explorar.py).
GRID_OPTIONS: Final = {
    "domLayout": "autoHeight",
    "headerHeight": 56,
    "groupHeaderHeight": 36,
    "localeText": GRID_LOCALE,
    "tooltipShowDelay": 300,
    "enableCellTextSelection": True,
    "ensureDomOrder": True,
    "animateRows": False,
    # one Tab stop: arrow keys move inside the grid, Tab leaves it
    "tabToNextCell": {"function": "false"},
    "tabToNextHeader": {"function": "false"},
}


# --------------------------------------------------------------------------- texts


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


def chart_title(meta: ReportMeta) -> str:
    """The explorer chart's title."""
    return f"Grado de cumplimiento {meta.year} de los indicadores filtrados"


def missing_label(reason: str) -> str:
    """Spanish text of a missing-value reason code (``sin_meta`` → "Sin logro esperado …")."""
    text = MISSING_LABELS.get(reason, reason) or "sin valor"
    return text[:1].upper() + text[1:]


# --------------------------------------------------------------------------- grid rows


def _cell(cells: dict, iid: str, series: str, year: int, unit: str) -> tuple:
    """(number, text, tooltip) of one report cell, missing values as printed (ND, ---)."""
    row = cells.get((iid, series, year))
    if row is None:
        return None, "—", "No figura en el reporte"
    value = row["value"]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raw = str(row["raw"]).strip() or "—"
        reason = missing_label(row["missing_reason"])
        note = str(row["note"]).strip()
        return None, raw, f"{reason}. {note}" if note else reason
    return float(value), fmt_value(float(value), unit), ""


def _avance_cells(rec: dict[str, Any]) -> dict[str, Any]:
    """Reported and recomputed avances: number, text, and why one is missing."""
    item: dict[str, Any] = {}
    for kind in ("tipo1", "tipo2"):
        for source in ("reported", "computed"):
            key = f"{kind}_{source}"
            number = as_number(rec[key])
            if number is not None:
                tip = ""
            elif source == "computed":
                tip = rec[f"{kind}_reason"] or "No calculable"
            else:
                tip = "El anexo no reporta este avance"
            item[key], item[f"{key}__txt"], item[f"{key}__tip"] = number, fmt_pct(number), tip
    return item


def _grid_row(rec: dict[str, Any], cells: dict, meta: ReportMeta) -> dict[str, Any]:
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
    if "progress_status" in rec:  # the outlook's columns (pesem.outlook.with_outlook)
        item["progress_status"] = rec["progress_status"]
        item["progress_text"] = f"{rec['progress_icon']} {rec['progress_label']}"
        item["progress_reason"] = rec["progress_reason"]
    base = _cell(cells, iid, "baseline", int(rec["baseline_year"]), unit)
    item["baseline_value"], item["baseline_value__txt"], item["baseline_value__tip"] = base
    for series, years in (("expected", meta.expected_years), ("achieved", meta.achieved_years)):
        for year in years:
            key = f"{series}_{year}"
            item[key], item[f"{key}__txt"], item[f"{key}__tip"] = _cell(
                cells, iid, series, year, unit
            )
    return {**item, **_avance_cells(rec)}


def grid_rows(rows: pd.DataFrame, values: pd.DataFrame, meta: ReportMeta) -> list[dict[str, Any]]:
    """One grid row per indicator: numbers (for sorting/filters) and their printed text.

    ``rows`` are :func:`pesem.metrics.indicator_summary` rows, ``values`` the dataset's cells.
    """
    mine = values[values["indicator_id"].isin(rows["indicator_id"])]
    cells = {(r["indicator_id"], r["series"], int(r["year"])): r for r in mine.to_dict("records")}
    return [_grid_row(rec, cells, meta) for rec in rows.to_dict("records")]


# --------------------------------------------------------------------------- grid columns


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


def _text_col(field: str, header: str, width: int, **extra: Any) -> dict[str, Any]:
    return {
        "field": field,
        "headerName": header,
        "width": width,
        "filter": "agTextColumnFilter",
    } | (extra)


def _identity_columns() -> list[dict[str, Any]]:
    """Code and name (pinned left), unit of measure, baseline.

    Pinned columns sit in groups too: a pinned area without any group gets an empty header row
    (role="row" without cells), which screen readers and axe reject.
    """
    return [
        {
            "headerName": "Indicador",
            "children": [
                _text_col("indicator_id", "Código", 138, pinned="left", sort=None),
                _text_col(
                    "name",
                    "Nombre",
                    300,
                    pinned="left",
                    minWidth=220,
                    wrapText=True,
                    autoHeight=True,
                ),
            ],
        },
        _text_col("unit_label", "Unidad de medida", 150),
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


def _year_groups(years_by_series: Sequence[tuple[str, str, Sequence[int]]]) -> list[dict]:
    """One column group per series (``Logros esperados``…) with a column per year, if any."""
    return [
        {"headerName": header, "children": [_number_col(f"{series}_{y}", str(y)) for y in years]}
        for series, header, years in years_by_series
        if years
    ]


def _status_columns(year: int) -> list[dict[str, Any]]:
    """The avances, the semáforo (pinned right) and the responsible unit."""
    status = _text_col(
        "status_text",
        "Semáforo",
        150,
        pinned="right",
        tooltipField="status_reason",
        cellClass={"function": "'exp-status exp-status-' + params.data.status"},
    )
    return [
        {
            "headerName": f"Avance {year}",
            "children": [
                _number_col("tipo1_reported", "Tipo 1 reportado", 120),
                _number_col("tipo1_computed", "Tipo 1 calculado", 120),
                _number_col("tipo2_reported", "Tipo 2 reportado", 120),
                _number_col("tipo2_computed", "Tipo 2 calculado", 120),
            ],
        },
        {"headerName": f"Estado {year}", "children": [status]},
        _text_col("responsible_units", "Unidad responsable", 170, wrapText=True),
    ]


def column_defs(
    meta: ReportMeta, expected: Sequence[int], achieved: Sequence[int]
) -> list[dict[str, Any]]:
    """Grid columns; a logro esperado / valor obtenido column for each year given."""
    groups = (
        ("expected", "Logros esperados", expected),
        ("achieved", "Valores obtenidos", achieved),
    )
    progress = _text_col(
        "progress_text", "Progreso", 260, tooltipField="progress_reason", wrapText=True
    )
    return [
        *_identity_columns(),
        *_year_groups(groups),
        *_status_columns(meta.year),
        {"headerName": f"Perspectiva al cierre {meta.plan_end}", "children": [progress]},
    ]


def grid_options(grid_id: str) -> dict[str, Any]:
    """The grid without its data, as Dash's component JSON (``namespace``, ``type``, ``props``):
    sortable, filterable, one Tab stop, Spanish texts."""
    fixed = dag.AgGrid(
        id=grid_id,
        defaultColDef=dict(DEFAULT_COLUMN),
        getRowId="params.data.indicator_id",
        dashGridOptions=dict(GRID_OPTIONS),
        columnSize=None,
        className="exp-grid",
        style={"width": "100%"},
    )
    return dict(fixed.to_plotly_json())


def grid_data(row_data: list[dict[str, Any]], columns: list[dict]) -> dict[str, Any]:
    """The grid's props that follow the filters: its rows and columns."""
    return {"rowData": row_data, "columnDefs": columns}


#: The grid's library, loaded when the grid nears the screen (its window name, the package's).
GRID_LIBRARY: Final = dag.__name__
GRID_NO_SCRIPT: Final = (
    "La tabla necesita JavaScript. Los botones de descarga de arriba entregan los mismos "
    "indicadores en CSV o Excel."
)
GRID_FAILED: Final = (
    "No se pudo cargar la tabla. Revise su conexión y vuelva a desplazarse hasta aquí."
)


class GridIds(NamedTuple):
    """Ids of the grid and of what mounts it (:func:`grid_slot`)."""

    grid: str
    slot: str
    near: str
    data: str
    options: str


def grid_slot(ids: GridIds, row_data: list[dict[str, Any]], columns: list[dict]) -> html.Div:
    """Where the indicators' grid (:func:`grid_options`, :func:`grid_data`) mounts once it
    nears the screen.

    Mounting AG Grid with every row is one long task (seconds on a phone); below the fold it
    waits until the reader scrolls near it: ``assets/pesem.js`` (``data-mount-near``) loads
    AG Grid's library (``data-mount-needs``, :data:`components.page_bundles.ON_DEMAND`), then
    sets the near flag, and a clientside callback builds the grid from the two stores, or
    passes new data to the mounted one. If the library cannot be loaded, the waiting line says
    so (``data-mount-failed``) and the next approach tries again.
    """
    waiting = html.P(
        "Cargando la tabla de indicadores…",
        className="exp-grid-wait text-body-secondary",
        **{"data-mount-waiting": ""},
    )
    # the server's first paint shows the slot too; without JavaScript it stays as it is
    no_script = html.Noscript(html.P(GRID_NO_SCRIPT, className="exp-grid-wait"))
    return html.Div(
        [
            dcc.Store(id=ids.near, data=False),
            dcc.Store(id=ids.data, data=grid_data(row_data, columns)),
            dcc.Store(id=ids.options, data=grid_options(ids.grid)),
            html.Div(
                [waiting, no_script],
                id=ids.slot,
                className="exp-grid-slot",
                **{
                    "data-mount-near": ids.near,
                    "data-mount-needs": GRID_LIBRARY,
                    "data-mount-failed": GRID_FAILED,
                },
            ),
        ]
    )


# --------------------------------------------------------------------------- filter widgets


def facet_options(facet: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Checklist options of a facet (:func:`pesem.explore.facet_counts`): ``DGC (4)``."""
    return [{"label": f"{o['label']} ({o['count']})", "value": o["value"]} for o in facet]


def oes_options(facet: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """OES options: code and count first (what one scans for), the objective's name after."""
    options = []
    for o in facet:
        code, _, name = str(o["label"]).partition(" — ")
        label: list[Any] = [html.Span(f"{code} ({o['count']})", className="exp-option-code")]
        if name:
            label.append(html.Span(f" — {name}", className="exp-option-detail"))
        options.append({"label": label, "value": o["value"]})
    return options


def checklist(
    component_id: str, legend: str, options: list, value: list, *, inline: bool = True
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
                id=component_id,
                name=component_id,
                options=options,
                value=value,
                inline=inline,
                class_name="exp-checklist" + (" exp-checklist-inline" if inline else ""),
            ),
        ],
        className="exp-filter",
    )


def year_range(
    slider_id: str, bounds: tuple[int, int], value: tuple[int, int], note: str
) -> html.Div:
    """The year range: a labelled group around a two-handle slider, one mark per year."""
    label_id = f"{slider_id}-etiqueta"
    low, high = bounds
    return html.Div(
        [
            html.Div(
                "Años mostrados (logros esperados y valores obtenidos)",
                id=label_id,
                className="form-label fw-bold",
            ),
            # handles only (arrow keys, Home/End): the two number boxes Dash 4 draws next to
            # them have no label
            dcc.RangeSlider(
                id=slider_id,
                min=low,
                max=high,
                step=1,
                marks={y: str(y) for y in range(low, high + 1)},
                value=list(value),
                allowCross=False,
                allow_direct_input=False,
                className="exp-years",
            ),
            html.P(note, className="small text-body-secondary mb-0"),
        ],
        className="exp-filter",
        role="group",
        **{"aria-labelledby": label_id},
    )


def notices_block(notices: list[str]) -> list[Any]:
    """A warning alert listing the ignored query values (nothing when there are none)."""
    if not notices:
        return []
    items = [html.Li(text) for text in notices[:MAX_NOTICES]]
    if len(notices) > MAX_NOTICES:
        items.append(html.Li(f"… y {len(notices) - MAX_NOTICES} valores más."))
    intro = (
        "Algunos filtros de la dirección no se reconocieron y se ignoraron; se muestran los demás:"
    )
    return [
        dbc.Alert(
            [html.P(intro, className="mb-1 fw-bold"), html.Ul(items, className="mb-0")],
            color="warning",
            className="exp-notices",
        )
    ]


# --------------------------------------------------------------------------- downloads


def download_form(
    form_id: str,
    fields: Sequence[tuple[str, str, str]],
    buttons: Sequence[tuple[str, str, str]],
) -> html.Form:
    """A plain form POSTed to a download route: the browser downloads the file itself.

    ``fields`` are hidden inputs (form name, component id, value); ``buttons`` the submit
    buttons (label, component id, route): each one posts the form to its own route.
    """
    return html.Form(
        [
            *[dcc.Input(type="hidden", name=n, id=i, value=v) for n, i, v in fields],
            *[
                html.Button(label, id=i, type="submit", formAction=url, className="btn btn-primary")
                for label, i, url in buttons
            ],
        ],
        id=form_id,
        method="POST",
        action=buttons[0][2],
        className="exp-download-form",
    )


def full_data_links(links: Sequence[tuple[str, str]], n_indicators: int) -> html.Span:
    """``Todos los datos: CSV · Excel``: the whole dataset, one link per (label, route)."""
    parts: list[Any] = ["Todos los datos: "]
    for i, (label, url) in enumerate(links):
        title = f"Conjunto de datos completo ({n_indicators} indicadores) en {label}"
        parts += [" · "] if i else []
        parts.append(html.A(label, href=url, title=title))
    return html.Span(parts, className="exp-full-data")


# --------------------------------------------------------------------------- chart


def _degree_text(degree: float | None, icon: str, label: str, ref_year: Any, year: int) -> str:
    if degree is None:
        return f"{icon} {label}"
    target = "" if int(ref_year) == year else f" (meta {int(ref_year)})"
    return f"{icon} {label}: {fmt_pct(degree)}{target}"


def achievement_figure(rows: pd.DataFrame, meta: ReportMeta) -> go.Figure:
    """Horizontal bars: degree of achievement (% of the reference target) per indicator.

    100 % means the target was met. Bars longer than the axis are cut at its edge and keep their
    true value as text; indicators without a degree (no target, no value, target 0) show their
    status text instead of a bar. Status is always written next to the bar (icon + text).
    """
    if rows.empty:
        return empty_figure("Ningún indicador cumple estos filtros")
    ids = list(rows["indicator_id"])
    degree = [as_number(v) for v in rows["degree"]]
    columns = (rows["status_icon"], rows["status_label"], rows["reference_year"])
    texts = [
        _degree_text(d, icon, label, ref, meta.year)
        for d, icon, label, ref in zip(degree, *columns, strict=True)
    ]
    # Each bar's id and status written above it (y tick labels and text beside the bars
    # would leave a phone's plot area too narrow); texts under the plot as in every chart.
    labels = [f"{iid} · {text}" for iid, text in zip(ids, texts, strict=True)]
    row = BAR_PX + 14 + 19 * max(label_lines(label) for label in labels) + 6
    x_title = f"Grado de cumplimiento {meta.year} (% de la meta) · línea: 100 % = meta"
    under = under_plot(
        plot_height=row * len(ids),
        axis_band=34 + axis_title_height(x_title) + 12,
        source=meta.source,
        left=12,
    )
    figure = go.Figure(
        go.Bar(
            x=[min(d, DEGREE_AXIS_MAX) if d is not None else 0.0 for d in degree],
            y=ids,
            orientation="h",
            marker={"color": [PALETTE.get(code, PALETTE["muted"]) for code in rows["status"]]},
            customdata=list(zip(rows["name"], [fmt_pct(d) for d in degree], texts, strict=True)),
            hovertemplate=(
                "<b>%{y}</b><br>%{customdata[0]}<br>Grado de cumplimiento: "
                "%{customdata[1]}<extra></extra>"
            ),
            showlegend=False,
        )
    )
    figure.add_vline(
        x=100, line={"color": PALETTE["text"], "dash": "dash", "width": 2}, layer="below"
    )
    figure.update_layout(
        height=32 + row * len(ids) + under["bottom"],
        margin={"l": 12, "r": 24, "t": 32, "b": under["bottom"]},
        xaxis={
            "title": axis_title(x_title),
            "range": [0, DEGREE_AXIS_MAX + 10],
            "ticksuffix": "%",
            "tickvals": [0, 50, 100, 150, 200],
        },
        yaxis={
            "autorange": "reversed",
            "title": None,
            "type": "category",
            **row_label_axis(ids, labels),
        },
        bargap=1 - BAR_PX / row,
        annotations=[
            *labels_above_bars(ids, labels, bar_px=BAR_PX, left=12),
            *under["annotations"],
        ],
        meta={"chart": "achievement", "title": chart_title(meta)},
    )
    return figure


def _chart_summary(rows: pd.DataFrame, total: int, meta: ReportMeta) -> str:
    if rows.empty:
        return "Ningún indicador cumple los filtros elegidos."
    parts = [f"{label}: {n}" for label, n in rows["status_label"].value_counts().items()]
    return (
        f"{count_text(len(rows), total)}, por estado: {'; '.join(parts)}. "
        f"El grado de cumplimiento compara el valor obtenido {meta.year} con el logro esperado "
        f"{meta.year} (o con la meta {meta.plan_end} si el plan no fijó uno para {meta.year}); "
        "100 % = meta cumplida."
    )


def chart_block(
    chart_id: str, rows: pd.DataFrame, total: int, meta: ReportMeta, *, filename: str
) -> dbc.Card:
    """The chart card of the filtered ``rows`` (of ``total`` indicators), with a summary and
    the plotted data (its PNG is the page's ``export_figures`` figure, filters in its title)."""
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
        chart_id,
        achievement_figure(rows, meta),
        title=chart_title(meta),
        filename=filename,
        summary=_chart_summary(rows, total, meta),
        table=table,
    )
