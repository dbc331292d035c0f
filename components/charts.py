"""Figure builders for the summary, OES and AES pages.

Pure functions: a row or frame from :mod:`pesem.metrics` and the report's
:class:`~pesem.report.ReportMeta` (its years and source line) in, a ``go.Figure`` out
(graph_objects only, no plotly express, a few milliseconds each). Every builder returns
:func:`components.theme.empty_figure` with a Spanish message when there is nothing to draw.

Colour never carries meaning alone: each series has its own marker symbol (or bar pattern) and
every bar carries its value as text.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Mapping
from typing import Any, Final

import pandas as pd
import plotly.graph_objects as go

from components.format import as_number, fmt_pct, fmt_value, shown_of_total, unit_label
from components.theme import (
    MAX_CHART_ITEMS,
    MUTED_COLOR,
    PALETTE,
    TEXT_COLOR,
    axis_title,
    axis_title_height,
    chars_per_line,
    empty_figure,
    label_lines,
    labels_above_bars,
    legend_names,
    row_label_axis,
    under_plot,
    wrap_lines,
)
from pesem.formulas import agrees
from pesem.metrics import MISSING_LABELS
from pesem.report import ReportMeta

#: An earlier baseline extends the axis by at most this many years; older ones are clipped.
MAX_AXIS_EXTENSION: Final = 1

SERIES_NAMES: Final[dict[str, str]] = {
    "baseline": "Línea de base",
    "expected": "Logro esperado",
    "achieved": "Valor obtenido",
}
SYMBOLS: Final[dict[str, str]] = {
    "baseline": "diamond",
    "expected": "square-open",
    "achieved": "circle",
}
TIPO_LABELS: Final[dict[str, str]] = {"tipo1": "Avance Tipo 1", "tipo2": "Avance Tipo 2"}
#: The avance chart's x axis title (``{year}``: the assessed year).
AVANCE_AXIS_TITLE: Final = "Avance {year} (%) · línea discontinua: 100% = logro esperado"
REPORTED_NAME: Final = "Reportado (Anexo 6.1)"
COMPUTED_NAME: Final = "Recalculado con los datos"
#: Characters per title line (22 px font: about 900 px, fits the page card and the 1600 px PNG).
TITLE_WIDTH: Final = 76
#: Most indicators in one avance chart (two bars each) and in the OES overview (one bar each):
#: the report's 24 indicators fit, a national roll-out's hundreds would not be readable.
MAX_AVANCE_INDICATORS: Final = MAX_CHART_ITEMS
MAX_OVERVIEW_ROWS: Final = MAX_CHART_ITEMS
FIRST_ROWS: Final = "los primeros de la lista"

Row = pd.Series | Mapping[str, Any]


# --------------------------------------------------------------------------- helpers


def _get(row: Row, key: str, default: Any = None) -> Any:
    value = row.get(key, default) if hasattr(row, "get") else default
    if value is None:
        return default
    if isinstance(value, float) and math.isnan(value):
        return default
    return value


def wrap_title(text: str, width: int = TITLE_WIDTH) -> str:
    """A long title broken into lines (``<br>``) of at most ``width`` characters."""
    return "<br>".join(textwrap.wrap(str(text), width=width)) or ""


def _years_text(years: list[int]) -> str:
    """Years as runs: ``[7, 8, 9, 10]`` → ``7–10``; ``[6, 8]`` → ``6, 8`` (four-digit years)."""
    if not years:
        return ""
    years = sorted(years)
    runs: list[list[int]] = [[years[0]]]
    for year in years[1:]:
        if year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    parts = [f"{r[0]}–{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs]
    return ", ".join(parts)


def _value_with_unit(value: float, unit: str) -> str:
    """``83.33% (porcentaje)``, ``37,368 (número)``, ``0.31 (ratio)``."""
    return f"{fmt_value(value, unit)} ({unit_label(unit).removesuffix(' (%)')})"


def _cell_info(cells: pd.DataFrame | None) -> dict[tuple[str, int], tuple[str, str]]:
    """(series, year) → (raw text, missing reason) from a :func:`pesem.metrics.series_table`."""
    if cells is None or cells.empty:
        return {}
    columns = (cells[c].tolist() for c in ("series", "year", "raw", "missing_reason"))
    return {
        (str(series), int(year)): (str(raw or ""), str(reason or ""))
        for series, year, raw, reason in zip(*columns, strict=True)
    }


def _missing_text(series: str, year: int, info: dict) -> str:
    """Why a cell is missing, in Spanish, with the report's raw text when known."""
    raw, reason = info.get((series, year), ("", ""))
    if reason:
        # "sin dato (---)" -> "sin dato (celda «--»)": quote what this cell really prints.
        text = MISSING_LABELS.get(reason, reason)
        if raw:
            text = re.sub(r"\s*\([^)]*\)$", "", text) + f" (celda «{raw}»)"
        return text
    if (series, year) in info:
        return "celda vacía en el reporte"
    return "sin logro esperado definido" if series == "expected" else "sin valor obtenido"


# --------------------------------------------------------------------------- layout helpers


# Everything around the plot area is placed in pixels from its edges (paper y=0/1 plus a pixel
# shift, margins in pixels), so a phone, a desktop and the 1600×900 PNG export look alike. The
# title is the page card's header: the figure keeps it in ``layout.meta`` for its slide.
TOP_MARGIN: Final = 32
#: The timeline's left margin: y tick labels and the unit as axis title.
TIMELINE_LEFT: Final = 84
#: Pixels under the plot for x tick labels (one line, never rotated: few ticks).
TICK_BAND: Final = 34


def _frame(
    heading: str,
    plot_height: int,
    *,
    left: int,
    under: dict[str, Any],
    top: int = TOP_MARGIN,
    meta: dict[str, Any],
) -> dict[str, Any]:
    """The layout keys every chart here sets alike: height, margins, legend and texts under the
    plot (``under``: :func:`components.theme.under_plot`), and the title kept for the slide."""
    return {
        "height": top + plot_height + under["bottom"],
        "margin": {"t": top, "b": under["bottom"], "l": left, "r": 24},
        "legend": under["legend"],
        "meta": {**meta, "title": heading},
    }


def _category_yaxis() -> dict[str, Any]:
    """The y axis of a horizontal bar chart: one category per row, first row on top."""
    return {
        "autorange": "reversed",
        "type": "category",
        "showgrid": False,
        "title": {"text": ""},
        "fixedrange": True,
    }


def _vline(x: float, color: str) -> dict[str, Any]:
    return {
        "type": "line",
        "x0": x,
        "x1": x,
        "xref": "x",
        "y0": 0,
        "y1": 1,
        "yref": "paper",
        "line": {"color": color, "dash": "dash", "width": 2},
        "layer": "below",
    }


# --------------------------------------------------------------------------- timeline


def _timeline_name(row: Row, title: str | None) -> str:
    """``"OES.04-1 · Porcentaje de países …"``: the code first, as everywhere on the pages."""
    if title is not None:
        return str(title)
    indicator_id = str(_get(row, "indicator_id", "") or "").strip()
    name = str(_get(row, "name", "Indicador"))
    return f"{indicator_id} · {name}" if indicator_id else name


def _axis_start(first_year: int, base_year: int | None) -> tuple[int, bool]:
    """The axis' first year and whether the baseline is clipped (drawn at the left edge).

    A baseline up to :data:`MAX_AXIS_EXTENSION` years before ``first_year`` extends the axis;
    an older one is clipped instead of stretching it.
    """
    if base_year is None or base_year >= first_year:
        return first_year, False
    if first_year - base_year <= MAX_AXIS_EXTENSION:
        return base_year, False
    return first_year, True


def _baseline_trace(x: float, value: float, year: int, unit: str, clipped: bool) -> dict:
    """The baseline: a single marker at its year (or at the left edge when clipped)."""
    return {
        "type": "scatter",
        "x": [x],
        "y": [value],
        "name": SERIES_NAMES["baseline"],
        "mode": "markers",
        "cliponaxis": False,
        "marker": {
            "symbol": SYMBOLS["baseline"],
            "size": 17,
            "color": PALETTE["baseline"],
            "line": {"width": 1.5, "color": "#ffffff"},
        },
        "customdata": [f"<b>Línea de base ({year})</b><br>{_value_with_unit(value, unit)}"],
        "hovertemplate": "%{customdata}<extra></extra>",
        "meta": {"series": "baseline", "year": year, "clipped": clipped},
    }


def _clipped_baseline_note(x: float, value: float, year: int, unit: str) -> dict[str, Any]:
    """``línea de base {year}: {value}`` next to a baseline drawn at the axis' left edge."""
    return {
        "text": f"línea de base {year}: {fmt_value(value, unit)}",
        "x": x,
        "y": value,
        "xref": "x",
        "yref": "y",
        "xanchor": "left",
        "yanchor": "bottom",
        "xshift": -8,
        "yshift": 12,
        "showarrow": False,
        "font": {"size": 14, "color": TEXT_COLOR},
        "bgcolor": "rgba(255,255,255,0.9)",
    }


def _series_trace(series: str, values: dict[int, float | None], unit: str) -> dict[str, Any]:
    """Expected or achieved values: every year on x, None where missing (the line breaks)."""
    label = SERIES_NAMES[series]
    is_expected = series == "expected"
    years = list(values)
    return {
        "type": "scatter",
        "x": years,
        "y": [values[y] for y in years],
        "name": label,
        "mode": "lines+markers",
        "connectgaps": False,
        "cliponaxis": False,
        "line": {
            "color": PALETTE[series],
            "dash": "dash" if is_expected else "solid",
            "width": 2.5 if is_expected else 3.5,
        },
        "marker": {
            "symbol": SYMBOLS[series],
            "size": 13 if is_expected else 12,
            "color": PALETTE[series],
            "line": {
                "width": 2.5 if is_expected else 1.5,
                "color": PALETTE[series] if is_expected else "#ffffff",
            },
        },
        "customdata": [
            f"<b>{label} {y}</b><br>{_value_with_unit(values[y], unit)}"
            if values[y] is not None
            else ""
            for y in years
        ],
        "hovertemplate": "%{customdata}<extra></extra>",
        "meta": {"series": series},
    }


def _missing_cells(
    series_values: dict[str, dict[int, float | None]], info: dict
) -> tuple[dict[str, Any] | None, list[str]]:
    """Missing cells: invisible hover targets on a hidden overlay axis, and the notes' lines."""
    notes: list[str] = []
    xs: list[int] = []
    ys: list[float] = []
    texts: list[str] = []
    for series, values in series_values.items():
        by_reason: dict[str, list[int]] = {}
        for year in (y for y, v in values.items() if v is None):
            reason = _missing_text(series, year, info)
            by_reason.setdefault(reason, []).append(year)
            xs.append(year)
            ys.append(0.05 if series == "expected" else 0.12)
            texts.append(f"<b>{SERIES_NAMES[series]} {year}</b><br>{reason}")
        notes += [f"{SERIES_NAMES[series]} {_years_text(v)}: {k}" for k, v in by_reason.items()]
    if not xs:
        return None, notes
    trace = {
        "type": "scatter",
        "x": xs,
        "y": ys,
        "yaxis": "y2",
        "mode": "markers",
        "marker": {"size": 18, "opacity": 0},
        "customdata": texts,
        "hovertemplate": "%{customdata}<extra></extra>",
        "showlegend": False,
        "name": "Celdas sin valor",
        "meta": {"series": "missing"},
    }
    return trace, notes


def _gap_shapes(year: int, achieved: float | None, expected: float | None) -> list[dict]:
    """The assessed year's gap between target and result, where both exist (a dotted line)."""
    if achieved is None or expected is None or abs(achieved - expected) <= 1e-9:
        return []
    return [
        {
            "type": "line",
            "x0": year,
            "x1": year,
            "y0": min(achieved, expected),
            "y1": max(achieved, expected),
            "line": {"color": MUTED_COLOR, "width": 2, "dash": "dot"},
            "layer": "below",
        }
    ]


def _timeline_x_axis(start: int, end: int, base_x: float | None) -> dict[str, Any]:
    """Years on x, plotly's own ticks: every year when there is room, every other on a phone
    (labels never rotate or overlap). A clipped baseline (at ``base_x``) has its own note."""
    return {
        "range": [(base_x - 0.45) if base_x is not None else start - 0.5, end + 0.5],
        "tickformat": "d",
        "showgrid": False,
        "title": {"text": ""},
        "fixedrange": True,
    }


def _timeline_y_axis(unit: str, present: list[float]) -> dict[str, Any]:
    y_axis: dict[str, Any] = {
        "title": {"text": unit_label(unit).capitalize()},
        "rangemode": "tozero" if min(present) >= 0 else "normal",
        "tickformat": ",.2~f",
        "ticksuffix": "%" if unit == "porcentaje" else "",
    }
    if unit in ("numero", "cantidad") and max(present) - min(0.0, *present) <= 6:
        y_axis["dtick"] = 1
    return y_axis


def _timeline_series(row: Row, meta: ReportMeta) -> dict[str, dict[int, float | None]]:
    """Expected values of every plan year and achieved values up to the assessed year."""
    return {
        "expected": {y: as_number(_get(row, f"expected_{y}")) for y in meta.expected_years},
        "achieved": {y: as_number(_get(row, f"achieved_{y}")) for y in meta.achieved_years},
    }


def _baseline(row: Row) -> tuple[float | None, int | None]:
    value = as_number(_get(row, "baseline_value"))
    year = as_number(_get(row, "baseline_year"))
    return value, int(year) if year is not None else None


def _baseline_parts(
    row: Row, first_year: int
) -> tuple[int, float | None, list[dict[str, Any]], list[dict[str, Any]]]:
    """The axis' first year, the clipped baseline's x (None when not clipped), the baseline's
    trace and its note (none without a baseline value)."""
    value, year = _baseline(row)
    start, clipped = _axis_start(first_year, year)
    clipped_x = start - 0.8 if clipped else None
    if value is None or year is None:
        return start, clipped_x, [], []
    unit = str(_get(row, "unit", "numero"))
    x = clipped_x if clipped_x is not None else year
    trace = _baseline_trace(x, value, year, unit, clipped)
    note = [_clipped_baseline_note(x, value, year, unit)] if clipped else []
    return start, clipped_x, [trace], note


def indicator_timeline(
    row: Row,
    cells: pd.DataFrame | None = None,
    *,
    meta: ReportMeta,
    title: str | None = None,
    height: int = 320,
) -> go.Figure:
    """Baseline, expected values (logros esperados) and achieved values of one indicator.

    ``row`` is a row of :func:`pesem.metrics.indicator_summary` (``name``, ``unit``,
    ``baseline_value``, ``baseline_year`` and the ``expected_{year}`` / ``achieved_{year}``
    columns of ``meta``'s years). ``cells`` (optional, :func:`pesem.metrics.series_table`) lets
    the hover and the note say why a cell is missing (``ND``, ``---``, ``s``).

    The x axis runs from the plan's baseline year (the year before it starts) to its final year,
    a year earlier for a baseline one year older; an older baseline is drawn at the left edge
    with an annotation "línea de base {year}: {value}" instead of stretching the axis. A missing
    cell is not drawn (the line breaks there); a note under the plot and the hover say why. The
    title (``"{indicator_id} · {name}"``, or ``title``) is the slide's (``layout.meta``); on the
    page it is the card's header. ``height`` is the plot area's, in pixels.
    """
    if row is None or len(row) == 0:
        return empty_figure("Sin datos del indicador")
    unit = str(_get(row, "unit", "numero"))
    series = _timeline_series(row, meta)
    values = [*series["expected"].values(), *series["achieved"].values(), _baseline(row)[0]]
    present = [v for v in values if v is not None]
    if not present:
        return empty_figure("El reporte no publica valores numéricos para este indicador")
    start, clipped_x, data, annotations = _baseline_parts(row, meta.plan_start - 1)
    data += [
        _series_trace(k, v, unit)
        for k, v in series.items()
        if any(x is not None for x in v.values())
    ]
    missing, notes = _missing_cells(series, _cell_info(cells))
    if missing:
        data.append(missing)
    if notes:
        notes[0] = f"Sin valor en el reporte — {notes[0]}"
    under = under_plot(
        plot_height=height,
        axis_band=TICK_BAND,
        source=meta.source,
        notes=notes,
        legend=legend_names(data),
        left=TIMELINE_LEFT,
    )
    layout = {
        **_frame(
            _timeline_name(row, title),
            height,
            left=TIMELINE_LEFT,
            under=under,
            meta={
                "chart": "indicator_timeline",
                "unit": unit,
                "clipped_baseline": clipped_x is not None,
                "notes": notes,
            },
        ),
        "xaxis": _timeline_x_axis(start, meta.plan_end, clipped_x),
        "yaxis": _timeline_y_axis(unit, present),
        "yaxis2": {"overlaying": "y", "range": [0, 1], "visible": False, "fixedrange": True},
        "hovermode": "closest",
        "showlegend": True,
        "shapes": _gap_shapes(
            meta.year, series["achieved"].get(meta.year), series["expected"].get(meta.year)
        ),
        "annotations": annotations + under["annotations"],
    }
    return go.Figure(data=data, layout=layout)


# --------------------------------------------------------------------------- avance bars


def _reported_text(value: float) -> str:
    decimals = 0 if float(value).is_integer() else 2
    return fmt_pct(value, decimals=decimals)


def _avance_item(row: pd.Series, tipo: str, label: str, year: int) -> dict[str, Any]:
    """One bar pair (reported, recomputed) of an avance: values, texts, hovers, notes."""
    rep = as_number(row.get(f"{tipo}_reported"))
    comp = as_number(row.get(f"{tipo}_computed"))
    reason = str(_get(row, f"{tipo}_reason", "") or "") or "no calculable"
    differs = rep is not None and comp is not None and not agrees(rep, comp, 0)
    rep_text = _reported_text(rep) if rep is not None else ""
    if comp is None:
        comp_text, comp_hover = "", f"<b>{label} {year}, recalculado</b><br>{reason}"
    else:
        comp_text = fmt_pct(comp, decimals=1) + ("<br>≠ reportado" if differs else "")
        comp_hover = f"<b>{label} {year}, recalculado</b><br>{fmt_pct(comp, decimals=2)}" + (
            " (difiere del reportado)" if differs else ""
        )
    if rep is None:
        rep_hover = f"<b>{label} {year}</b><br>el reporte no informa valor"
    else:
        rep_hover = f"<b>{label} {year}, reportado</b><br>{rep_text}"
    if rep is None and comp is None:  # one note for the row: two would overlap on a phone
        notes = [(f"Reportado: el reporte no informa valor · Recalculado: {reason}", 0.0)]
    else:
        notes = [("Reportado — el reporte no informa valor", -0.22)] if rep is None else []
        notes += [(f"Recalculado — {reason}", 0.22)] if comp is None else []
    return {
        "label": label,
        "reported": (rep, rep_text, rep_hover),
        "computed": (comp, comp_text, comp_hover),
        "notes": notes,
    }


def _avance_items(rows: pd.DataFrame, year: int) -> list[dict[str, Any]]:
    """Tipo 1 and Tipo 2 of every row; labelled with the indicator id when there are several."""
    several = len(rows) > 1
    items = []
    for _, row in rows.iterrows():
        for tipo in ("tipo1", "tipo2"):
            label = TIPO_LABELS[tipo]
            if several:
                label = f"{row.get('indicator_id', '')} · {label}"
            items.append(_avance_item(row, tipo, label, year))
    return items


#: The two bar series of the avance chart: (key, legend name, bar offset, colour).
AVANCE_SERIES: Final = (
    ("reported", REPORTED_NAME, -0.42, MUTED_COLOR),
    ("computed", COMPUTED_NAME, 0.02, PALETTE["achieved"]),
)
#: The reported bars are hatched: colour never tells them from the recomputed ones alone.
REPORTED_PATTERN: Final = {
    "shape": "/",
    "fillmode": "overlay",
    "fgcolor": "#ffffff",
    "fgopacity": 0.6,
    "size": 10,
}


def _avance_trace(items: list[dict[str, Any]], key: str, name: str, offset: float, color: str):
    marker: dict[str, Any] = {"color": color, "line": {"width": 0}}
    if key == "reported":
        marker["pattern"] = dict(REPORTED_PATTERN)
    values, texts, hovers = (list(part) for part in zip(*(i[key] for i in items), strict=True))
    return {
        "type": "bar",
        "y": [i["label"] for i in items],
        "x": values,
        "orientation": "h",
        "name": name,
        "width": 0.4,
        "offset": offset,
        "text": texts,
        "textposition": "outside",
        "textfont": {"size": 14},
        # the range leaves room for the text: never shrink or hide it
        "constraintext": "none",
        "cliponaxis": False,
        "marker": marker,
        "customdata": hovers,
        "hovertemplate": "%{customdata}<extra></extra>",
        "meta": {"series": key},
    }


def _avance_range(items: list[dict[str, Any]]) -> list[float]:
    """Room for the bars' text on the right, and for negative bars' text on the left."""
    values = [i[key][0] for i in items for key in ("reported", "computed")]
    values = [v for v in values if v is not None]
    low, high = min([0.0, *values]), max([100.0, *values])
    span = high - low
    # 0.6: the longest bar's text fits right of it on a phone too
    return [low - (0.3 * span if low < 0 else 0.02 * span), high + 0.6 * span]


def avance_bars(
    rows: pd.DataFrame, *, meta: ReportMeta, title: str | None = None, height: int | None = None
) -> go.Figure:
    """Avance Tipo 1 and Tipo 2 of the assessed year: reported in the annex vs recomputed.

    ``rows`` are rows of :func:`pesem.metrics.indicator_summary` (``tipo1_reported``,
    ``tipo1_computed``, ``tipo1_reason`` and the same for ``tipo2``; ``indicator_id`` labels the
    bars when there are several rows). A missing value is not drawn as a zero bar: an annotation
    says "no informa valor" or why it cannot be computed. A recomputed value that does not round
    to the reported one is labelled "≠ reportado". At most :data:`MAX_AVANCE_INDICATORS` rows are
    drawn (the first ones), with a note above the legend saying how many of how many.
    """
    if rows is None or len(rows) == 0:
        return empty_figure("Sin indicadores con avance para mostrar")
    # Two bars and up to two notes per row: cap the rows so that a large input stays readable
    # and cheap (every annotation is an SVG node the browser lays out on each redraw).
    shown = rows.iloc[:MAX_AVANCE_INDICATORS].reset_index(drop=True)
    items = _avance_items(shown, meta.year)
    annotations = [
        _bar_note(text, index + offset)
        for index, item in enumerate(items)
        for text, offset in item["notes"]
    ]
    heading = title or f"Avance {meta.year}: reportado en el anexo vs. recalculado"
    notes = [shown_of_total(len(shown), len(rows), FIRST_ROWS)] if len(rows) > len(shown) else []
    x_title = AVANCE_AXIS_TITLE.format(year=meta.year)
    # a row is taller when its note (why a value is missing) takes several lines
    plot_height = height or sum(
        max(110, 40 + 40 * len(i["notes"]) + 18 * _note_lines(i)) for i in items
    )
    under = under_plot(
        plot_height=plot_height,
        axis_band=TICK_BAND + axis_title_height(x_title, left=AVANCE_LEFT) + 12,
        source=meta.source,
        notes=notes,
        legend=[name for _, name, *_ in AVANCE_SERIES],
        left=AVANCE_LEFT,
    )
    labels = [i["label"] for i in items]
    layout = {
        **_frame(
            heading,
            plot_height,
            left=AVANCE_LEFT,
            under=under,
            meta={"chart": "avance_bars", "notes": notes},
        ),
        "barmode": "overlay",
        "bargap": 0.1,
        "xaxis": {
            "title": axis_title(x_title, left=AVANCE_LEFT),
            "ticksuffix": "%",
            "tickformat": ",.0f",
            "range": _avance_range(items),
            "zeroline": True,
            "zerolinewidth": 2,
            "fixedrange": True,
        },
        "yaxis": {
            **_category_yaxis(),
            # short lines: the labels take little of a phone's width
            "tickvals": labels,
            "ticktext": [
                label.replace(" · ", "<br>").replace("Avance ", "Avance<br>") for label in labels
            ],
            "tickfont": {"size": 14},
        },
        "shapes": [_vline(100, PALETTE["expected"])],
        "annotations": annotations + under["annotations"],
    }
    data = [_avance_trace(items, *series) for series in AVANCE_SERIES]
    return go.Figure(data=data, layout=layout)


def _note_lines(item: dict[str, Any]) -> int:
    return sum(len(_bar_note_lines(text)) for text, _ in item["notes"])


def _bar_note_lines(text: str) -> list[str]:
    return wrap_lines(text, chars_per_line(14, AVANCE_PLOT_WIDTH))


def _bar_note(text: str, y: float) -> dict[str, Any]:
    return {
        "text": "<br>".join(_bar_note_lines(text)),
        "x": 0,
        "xref": "x",
        "y": y,
        "yref": "y",
        "xanchor": "left",
        "yanchor": "middle",
        "xshift": 8,
        "align": "left",
        "showarrow": False,
        "font": {"size": 14, "color": TEXT_COLOR},
        "bgcolor": "rgba(255,255,255,0.85)",  # readable where the 100% line crosses it
    }


# --------------------------------------------------------------------------- OES overview


#: Bar thickness and label line height (pixels) of the bar charts with labels above the bars.
BAR_PX: Final = 26
BAR_LABEL_LINE: Final = 19
BAR_LEFT: Final = 12
OVERVIEW_NAME_WIDTH: Final = 70
#: The avance chart's left margin (two-line y labels) and its plot width on a phone.
AVANCE_LEFT: Final = 90
AVANCE_PLOT_WIDTH: Final = 200


def _short(text: str, width: int = 46) -> str:
    return textwrap.shorten(str(text), width=width, placeholder="…")


def _overview_item(r: dict[str, Any], year: int) -> dict[str, Any]:
    """One OES indicator's bar: label, degree, colour, text, hover (and its status note)."""
    status = f"{r.get('status_icon', '')} {r.get('status_label', '')}".strip()
    unit = str(r.get("unit", ""))
    degree = as_number(r.get("degree"))
    ref_year = as_number(r.get("reference_year"))
    hover = (
        f"<b>{r['indicator_id']}</b> {wrap_title(r.get('name', ''), 60)}<br>"
        f"Valor obtenido {year}: {fmt_value(as_number(r.get('achieved_current')), unit)}<br>"
        f"Meta de referencia {int(ref_year) if ref_year else ''}: "
        f"{fmt_value(as_number(r.get('reference_target')), unit)}<br>"
        f"{status}: {r.get('status_reason', '')}"
    )
    return {
        "label": f"{r['indicator_id']} · {_short(r.get('name', ''), OVERVIEW_NAME_WIDTH)}",
        "category": str(r["indicator_id"]),
        "degree": degree,
        "color": PALETTE.get(str(r.get("status")), MUTED_COLOR),
        # two short lines: they fit right of the longest bar on a phone too
        "text": f"{status}<br>{fmt_pct(degree)}" if degree is not None else "",
        "hover": hover,
        "note": None if degree is not None else f"{status}: {r.get('status_reason', '')}",
    }


def _status_note(text: str, category: str) -> dict[str, Any]:
    """The status of an indicator without a degree, written where its bar would start."""
    return {
        "text": "<br>".join(wrap_lines(text, chars_per_line(14))),
        "x": 0,
        "xref": "x",
        "y": category,
        "yref": "y",
        "xanchor": "left",
        "xshift": 4,
        "align": "left",
        "showarrow": False,
        "font": {"size": 14, "color": TEXT_COLOR},
    }


def _overview_bar(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "bar",
        "y": [i["category"] for i in items],
        "x": [i["degree"] for i in items],
        "orientation": "h",
        "marker": {"color": [i["color"] for i in items], "line": {"width": 0}},
        "text": [i["text"] for i in items],
        "textposition": "outside",
        "textfont": {"size": 14},
        # the range leaves room for the text: never shrink or hide it
        "constraintext": "none",
        "cliponaxis": False,
        "customdata": [i["hover"] for i in items],
        "hovertemplate": "%{customdata}<extra></extra>",
        "name": "Grado de cumplimiento",
        "meta": {"series": "degree"},
    }


def _oes_rows(summary: pd.DataFrame | None) -> pd.DataFrame:
    if summary is None or len(summary) == 0:
        return pd.DataFrame()
    return summary[summary["level"] == "OES"] if "level" in summary.columns else summary


def oes_status_overview(
    summary: pd.DataFrame, *, meta: ReportMeta, title: str | None = None
) -> go.Figure:
    """Degree of achievement of each OES indicator against its reference target, with a 100% line.

    ``summary`` is :func:`pesem.metrics.indicator_summary` (only ``level == "OES"`` rows are
    used). Each bar carries the status icon, label and percentage as text; an indicator without
    a degree (no target or no value) gets an annotation with its status instead of a bar.
    At most :data:`MAX_OVERVIEW_ROWS` indicators are drawn (the first ones), with a note above
    the plot saying how many of how many.
    """
    rows = _oes_rows(summary)
    if rows.empty:
        return empty_figure("Sin indicadores de OES")
    # A row and possibly an annotation per indicator: cap the rows (a national roll-out has
    # hundreds).
    shown = rows.iloc[:MAX_OVERVIEW_ROWS].reset_index(drop=True)
    items = [_overview_item(r, meta.year) for r in shown.to_dict("records")]
    lines = max(label_lines(i["label"]) for i in items)
    row_px = BAR_PX + 12 + BAR_LABEL_LINE * lines + 8
    annotations = [
        *labels_above_bars(
            [i["category"] for i in items],
            [i["label"] for i in items],
            bar_px=BAR_PX,
            left=BAR_LEFT,
        ),
        *(_status_note(i["note"], i["category"]) for i in items if i["note"]),
    ]
    heading = title or (
        f"Indicadores de OES: valor obtenido {meta.year} como % de la meta de referencia"
    )
    notes = [shown_of_total(len(shown), len(rows), FIRST_ROWS)] if len(rows) > len(shown) else []
    x_title = (
        f"% de la meta ({meta.year}; {meta.plan_end} si no hay meta {meta.year}) · "
        # no-break spaces: a phone's line break never splits "100% = meta"
        "línea: 100%\u00a0=\u00a0meta"
    )
    plot_height = row_px * len(items)
    under = under_plot(
        plot_height=plot_height,
        axis_band=TICK_BAND + axis_title_height(x_title) + 12,
        source=meta.source,
        notes=notes,
        left=BAR_LEFT,
    )
    high = max([100.0, *(i["degree"] for i in items if i["degree"] is not None)])
    layout = {
        **_frame(
            heading,
            plot_height,
            left=BAR_LEFT,
            under=under,
            top=TOP_MARGIN + 9 * lines,
            meta={"chart": "oes_status_overview", "notes": notes},
        ),
        "bargap": 1 - BAR_PX / row_px,
        "xaxis": {
            "title": axis_title(x_title),
            "ticksuffix": "%",
            "tickformat": ",.0f",
            # room right of the longest bar for its two-line text, on a phone too
            "range": [0, high * 1.6],
            "fixedrange": True,
        },
        "yaxis": {
            **_category_yaxis(),
            **row_label_axis([i["category"] for i in items], [i["label"] for i in items]),
        },
        "showlegend": False,
        "shapes": [_vline(100, PALETTE["text"])],
        "annotations": annotations + under["annotations"],
    }
    return go.Figure(data=[_overview_bar(items)], layout=layout)
