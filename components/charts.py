"""Figure builders for the summary, OES and AES pages.

Pure functions: a row or frame from :mod:`pesem.metrics` in, a ``go.Figure`` out (graph_objects
only, no plotly express, a few milliseconds each). Every builder returns
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
    container_title,
    empty_figure,
    source_annotation,
)
from pesem.formulas import agrees
from pesem.loader import get_dataset
from pesem.metrics import MISSING_LABELS

# TEMPORARY (issue 13 migration): owners replace these with ds.meta.
_META = get_dataset().meta
ASSESSED_YEAR, PREVIOUS_YEAR = _META.year, _META.previous_year
EXPECTED_YEARS, ACHIEVED_YEARS = _META.expected_years, _META.achieved_years


#: First year of the timeline axis (the report's usual baseline year).
AXIS_START: Final = 2014
#: Last year of the plan.
AXIS_END: Final = 2021
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
AVANCE_AXIS_TITLE: Final = "Avance 2020 (%) · línea discontinua: 100% = logro esperado"
REPORTED_NAME: Final = "Reportado (Anexo 6.1)"
COMPUTED_NAME: Final = "Recalculado con los datos"
#: Characters per title line (22 px font: about 900 px, fits the page card and the 1600 px PNG).
TITLE_WIDTH: Final = 76
NOTE_FONT: Final[dict[str, Any]] = {"size": 14, "color": MUTED_COLOR}
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
    """``[2017, 2018, 2019, 2020]`` → ``2017–2020``; ``[2016, 2018]`` → ``2016, 2018``."""
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
# shift, margins in pixels), so the page (fixed height) and the 1600×900 PNG export look alike.
LEGEND_HEIGHT: Final = 36
TITLE_LINE: Final = 28
NOTE_LINE: Final = 19


def _legend_above() -> dict[str, Any]:
    """A horizontal legend right above the plot area, left-aligned."""
    return {
        "orientation": "h",
        "x": 0,
        "xanchor": "left",
        "y": 1,
        "yref": "paper",
        "yanchor": "bottom",
        "title": {"text": ""},
    }


def _top_margin(title_lines: int, note_lines: int = 0, legend: bool = True) -> int:
    return (
        14
        + TITLE_LINE * max(title_lines, 1)
        + 14
        + NOTE_LINE * note_lines
        + (LEGEND_HEIGHT if legend else 12)
        + 6
    )


def _title(text: str, lines: int) -> dict[str, Any]:
    # Plotly places a multi-line title as if it had one line: push it down by half a line per
    # extra line so that the first line is not cut at the top.
    return {
        **container_title(text, {"t": 14 + 13.5 * (max(lines, 1) - 1), "l": 16}),
        "automargin": False,
    }


def _frame(
    heading: str, title_lines: int, height: int, top: int, bottom: int, left: int
) -> dict[str, Any]:
    """The layout keys every chart here sets alike: its wrapped title, height and margins."""
    return {
        "title": _title(wrap_title(heading), title_lines),
        "height": height,
        "margin": {"t": top, "b": bottom, "l": left, "r": 30},
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


def _note_above(text: str, pixels_above: int) -> dict[str, Any]:
    """A note ``pixels_above`` the plot area, left-aligned (missing cells, "Se muestran …")."""
    return {
        "text": text,
        "xref": "paper",
        "yref": "paper",
        "x": 0,
        "y": 1,
        "xanchor": "left",
        "yanchor": "bottom",
        "yshift": pixels_above,
        "align": "left",
        "showarrow": False,
        "font": NOTE_FONT,
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


def indicator_timeline(
    row: Row,
    cells: pd.DataFrame | None = None,
    *,
    title: str | None = None,
    height: int = 520,
) -> go.Figure:
    """Baseline, expected values (logros esperados) and achieved values of one indicator.

    ``row`` is a row of :func:`pesem.metrics.indicator_summary` (``name``, ``unit``,
    ``baseline_value``, ``baseline_year``, ``expected_2016`` … ``expected_2021``,
    ``achieved_2016`` … ``achieved_2020``). ``cells`` (optional, :func:`pesem.metrics.series_table`)
    lets the hover and the note say why a cell is missing (``ND``, ``---``, ``s``).

    The x axis runs 2014–2021 (from 2013 for a 2013 baseline); an older baseline is drawn at the
    left edge with an annotation "línea de base 1988: 1" instead of stretching the axis. A missing
    cell is not drawn (the line breaks there); a note above the plot and the hover say why.
    The figure's title is ``"{indicator_id} · {name}"`` (``title`` replaces it).
    """
    if row is None or len(row) == 0:
        return empty_figure("Sin datos del indicador")
    unit = str(_get(row, "unit", "numero"))
    if title is not None:
        name = str(title)
    else:  # "OES.04-1 · Porcentaje de países …": the code first, as everywhere on the pages
        indicator_id = str(_get(row, "indicator_id", "") or "").strip()
        name = str(_get(row, "name", "Indicador"))
        name = f"{indicator_id} · {name}" if indicator_id else name
    info = _cell_info(cells)
    base_value = as_number(_get(row, "baseline_value"))
    base_year_raw = as_number(_get(row, "baseline_year"))
    base_year = int(base_year_raw) if base_year_raw is not None else None
    expected = {y: as_number(_get(row, f"expected_{y}")) for y in EXPECTED_YEARS}
    achieved = {y: as_number(_get(row, f"achieved_{y}")) for y in ACHIEVED_YEARS}
    present = [v for v in (base_value, *expected.values(), *achieved.values()) if v is not None]
    if not present:
        return empty_figure("El reporte no publica valores numéricos para este indicador")

    start = AXIS_START
    clipped = False
    if base_year is not None and base_year < AXIS_START:
        if AXIS_START - base_year <= MAX_AXIS_EXTENSION:
            start = base_year
        else:
            clipped = True
    base_x = start - 0.8 if clipped else base_year

    data: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []

    # Baseline: a single marker at its year (or at the left edge when clipped).
    if base_value is not None and base_year is not None:
        data.append(
            {
                "type": "scatter",
                "x": [base_x],
                "y": [base_value],
                "name": SERIES_NAMES["baseline"],
                "mode": "markers",
                "cliponaxis": False,
                "marker": {
                    "symbol": SYMBOLS["baseline"],
                    "size": 17,
                    "color": PALETTE["baseline"],
                    "line": {"width": 1.5, "color": "#ffffff"},
                },
                "customdata": [
                    f"<b>Línea de base ({base_year})</b><br>{_value_with_unit(base_value, unit)}"
                ],
                "hovertemplate": "%{customdata}<extra></extra>",
                "meta": {"series": "baseline", "year": base_year, "clipped": clipped},
            }
        )
        if clipped:
            annotations.append(
                {
                    "text": f"línea de base {base_year}: {fmt_value(base_value, unit)}",
                    "x": base_x,
                    "y": base_value,
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
            )

    # Expected and achieved: every year on x, None where missing, so the line breaks at a gap.
    for series, values in (("expected", expected), ("achieved", achieved)):
        if all(v is None for v in values.values()):
            continue
        label = SERIES_NAMES[series]
        is_expected = series == "expected"
        years = list(values)
        data.append(
            {
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
        )

    # Missing cells: invisible hover targets on a hidden overlay axis + a note above the plot.
    notes: list[str] = []
    missing_x: list[int] = []
    missing_y: list[float] = []
    missing_text: list[str] = []
    for series, values in (("expected", expected), ("achieved", achieved)):
        by_reason: dict[str, list[int]] = {}
        for year in (y for y, v in values.items() if v is None):
            reason = _missing_text(series, year, info)
            by_reason.setdefault(reason, []).append(year)
            missing_x.append(year)
            missing_y.append(0.05 if series == "expected" else 0.12)
            missing_text.append(f"<b>{SERIES_NAMES[series]} {year}</b><br>{reason}")
        for reason, years in by_reason.items():
            notes.append(f"{SERIES_NAMES[series]} {_years_text(years)}: {reason}")
    if missing_x:
        data.append(
            {
                "type": "scatter",
                "x": missing_x,
                "y": missing_y,
                "yaxis": "y2",
                "mode": "markers",
                "marker": {"size": 18, "opacity": 0},
                "customdata": missing_text,
                "hovertemplate": "%{customdata}<extra></extra>",
                "showlegend": False,
                "name": "Celdas sin valor",
                "meta": {"series": "missing"},
            }
        )
    if notes:
        text = "Sin valor en el reporte — " + "<br>".join(notes)
        annotations.append(_note_above(text, LEGEND_HEIGHT + 4))

    # The 2020 gap between target and result, where both exist.
    shapes: list[dict[str, Any]] = []
    last = ACHIEVED_YEARS[-1]
    a_last, e_last = achieved.get(last), expected.get(last)
    if a_last is not None and e_last is not None and abs(a_last - e_last) > 1e-9:
        shapes.append(
            {
                "type": "line",
                "x0": last,
                "x1": last,
                "y0": min(a_last, e_last),
                "y1": max(a_last, e_last),
                "line": {"color": MUTED_COLOR, "width": 2, "dash": "dot"},
                "layer": "below",
            }
        )

    tickvals: list[float] = list(range(start, AXIS_END + 1))
    ticktext = [str(y) for y in tickvals]
    if clipped and base_year is not None:
        tickvals.insert(0, base_x)
        ticktext.insert(0, f"{base_year} «")
    y_axis: dict[str, Any] = {
        "title": {"text": unit_label(unit).capitalize()},
        "rangemode": "tozero" if min(present) >= 0 else "normal",
        "tickformat": ",.2~f",
        "ticksuffix": "%" if unit == "porcentaje" else "",
    }
    if unit in ("numero", "cantidad") and max(present) - min(0.0, *present) <= 6:
        y_axis["dtick"] = 1
    title_lines = len(textwrap.wrap(name, TITLE_WIDTH)) or 1
    top = _top_margin(title_lines, len(notes))
    total = height + NOTE_LINE * len(notes)
    bottom = 72
    annotations.append(source_annotation(40))
    layout = {
        **_frame(name, title_lines, total, top, bottom, left=84),
        "xaxis": {
            "range": [(base_x - 0.45) if clipped else start - 0.5, AXIS_END + 0.5],
            "tickvals": tickvals,
            "ticktext": ticktext,
            "showgrid": False,
            "title": {"text": ""},
            "fixedrange": True,
        },
        "yaxis": y_axis,
        "yaxis2": {"overlaying": "y", "range": [0, 1], "visible": False, "fixedrange": True},
        "hovermode": "closest",
        "showlegend": True,
        "legend": _legend_above(),
        "shapes": shapes,
        "annotations": annotations,
        "meta": {"chart": "indicator_timeline", "unit": unit, "clipped_baseline": clipped},
    }
    return go.Figure(data=data, layout=layout)


# --------------------------------------------------------------------------- avance bars


def _reported_text(value: float) -> str:
    decimals = 0 if float(value).is_integer() else 2
    return fmt_pct(value, decimals=decimals)


def avance_bars(
    rows: pd.DataFrame, *, title: str | None = None, height: int | None = None
) -> go.Figure:
    """Avance Tipo 1 and Tipo 2 (2020): reported in the annex vs recomputed from its data.

    ``rows`` are rows of :func:`pesem.metrics.indicator_summary` (``tipo1_reported``,
    ``tipo1_computed``, ``tipo1_reason`` and the same for ``tipo2``; ``indicator_id`` labels the
    bars when there are several rows). A missing value is not drawn as a zero bar: an annotation
    says "no informa valor" or why it cannot be computed. A recomputed value that does not round
    to the reported one is labelled "≠ reportado". At most :data:`MAX_AVANCE_INDICATORS` rows are
    drawn (the first ones), with a note above the legend saying how many of how many.
    """
    if rows is None or len(rows) == 0:
        return empty_figure("Sin indicadores con avance para mostrar")
    total_rows = len(rows)
    # Two bars and up to two notes per row: cap the rows so that a large input stays readable
    # and cheap (every annotation is an SVG node the browser lays out on each redraw).
    rows = rows.iloc[:MAX_AVANCE_INDICATORS].reset_index(drop=True)
    several = len(rows) > 1
    categories: list[str] = []
    reported: list[float | None] = []
    computed: list[float | None] = []
    rep_text: list[str] = []
    comp_text: list[str] = []
    rep_hover: list[str] = []
    comp_hover: list[str] = []
    annotations: list[dict[str, Any]] = []
    for _, row in rows.iterrows():
        for tipo in ("tipo1", "tipo2"):
            label = TIPO_LABELS[tipo]
            if several:
                label = f"{row.get('indicator_id', '')} · {label}"
            index = len(categories)
            categories.append(label)
            rep = as_number(row.get(f"{tipo}_reported"))
            comp = as_number(row.get(f"{tipo}_computed"))
            reason = str(_get(row, f"{tipo}_reason", "") or "") or "no calculable"
            differs = rep is not None and comp is not None and not agrees(rep, comp, 0)
            reported.append(rep)
            computed.append(comp)
            rep_text.append(_reported_text(rep) if rep is not None else "")
            comp_text.append(
                (fmt_pct(comp, decimals=1) + (" ≠ reportado" if differs else ""))
                if comp is not None
                else ""
            )
            rep_hover.append(
                f"<b>{label} 2020, reportado</b><br>{rep_text[-1]}"
                if rep is not None
                else f"<b>{label} 2020</b><br>el reporte no informa valor"
            )
            comp_hover.append(
                f"<b>{label} 2020, recalculado</b><br>{fmt_pct(comp, decimals=2)}"
                + (" (difiere del reportado)" if differs else "")
                if comp is not None
                else f"<b>{label} 2020, recalculado</b><br>{reason}"
            )
            if rep is None:
                annotations.append(
                    _bar_note("Reportado — el reporte no informa valor", index - 0.22)
                )
            if comp is None:
                annotations.append(_bar_note(f"Recalculado — {reason}", index + 0.22))

    data = []
    for name, values, texts, hovers, offset, color, key in (
        (REPORTED_NAME, reported, rep_text, rep_hover, -0.42, MUTED_COLOR, "reported"),
        (COMPUTED_NAME, computed, comp_text, comp_hover, 0.02, PALETTE["achieved"], "computed"),
    ):
        marker: dict[str, Any] = {"color": color, "line": {"width": 0}}
        if key == "reported":
            marker["pattern"] = {
                "shape": "/",
                "fillmode": "overlay",
                "fgcolor": "#ffffff",
                "fgopacity": 0.6,
                "size": 10,
            }
        data.append(
            {
                "type": "bar",
                "y": categories,
                "x": values,
                "orientation": "h",
                "name": name,
                "width": 0.4,
                "offset": offset,
                "text": texts,
                "textposition": "outside",
                "cliponaxis": False,
                "marker": marker,
                "customdata": hovers,
                "hovertemplate": "%{customdata}<extra></extra>",
                "meta": {"series": key},
            }
        )

    values = [v for v in (*reported, *computed) if v is not None]
    low = min([0.0, *values])
    high = max([100.0, *values])
    span = high - low
    x_range = [low - (0.22 * span if low < 0 else 0.02 * span), high + 0.28 * span]
    heading = title or "Avance 2020: reportado en el anexo vs. recalculado"
    title_lines = len(textwrap.wrap(heading, TITLE_WIDTH)) or 1
    capped = total_rows > len(rows)
    top, bottom = _top_margin(title_lines, int(capped)), 100
    total = height or (top + bottom + 100 * len(categories))
    if capped:
        note = shown_of_total(len(rows), total_rows, FIRST_ROWS)
        annotations.append(_note_above(note, LEGEND_HEIGHT + 4))
    annotations.append(source_annotation(70))
    layout = {
        **_frame(heading, title_lines, total, top, bottom, left=30),
        "barmode": "overlay",
        "bargap": 0.1,
        "xaxis": {
            "title": {"text": AVANCE_AXIS_TITLE},
            "ticksuffix": "%",
            "tickformat": ",.0f",
            "range": x_range,
            "zeroline": True,
            "zerolinewidth": 2,
            "fixedrange": True,
        },
        "yaxis": _category_yaxis(),
        "legend": _legend_above(),
        "shapes": [_vline(100, PALETTE["expected"])],
        "annotations": annotations,
        "meta": {"chart": "avance_bars"},
    }
    return go.Figure(data=data, layout=layout)


def _bar_note(text: str, y: float) -> dict[str, Any]:
    return {
        "text": text,
        "x": 0,
        "xref": "x",
        "y": y,
        "yref": "y",
        "xanchor": "left",
        "yanchor": "middle",
        "xshift": 8,
        "showarrow": False,
        "font": {"size": 14, "color": TEXT_COLOR},
    }


# --------------------------------------------------------------------------- OES overview


def _short(text: str, width: int = 46) -> str:
    return textwrap.shorten(str(text), width=width, placeholder="…")


def oes_status_overview(summary: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Degree of achievement of each OES indicator against its reference target, with a 100% line.

    ``summary`` is :func:`pesem.metrics.indicator_summary` (only ``level == "OES"`` rows are
    used). Each bar carries the status icon, label and percentage as text; an indicator without
    a degree (no target or no value) gets an annotation with its status instead of a bar.
    At most :data:`MAX_OVERVIEW_ROWS` indicators are drawn (the first ones), with a note above
    the plot saying how many of how many.
    """
    if summary is None or len(summary) == 0:
        return empty_figure("Sin indicadores de OES")
    rows = summary[summary["level"] == "OES"] if "level" in summary.columns else summary
    if rows.empty:
        return empty_figure("Sin indicadores de OES")
    total_rows = len(rows)
    # 60 px and possibly an annotation per row: cap the rows (a national roll-out has hundreds).
    rows = rows.iloc[:MAX_OVERVIEW_ROWS].reset_index(drop=True)
    labels, degrees, colors, texts, hovers = [], [], [], [], []
    annotations: list[dict[str, Any]] = []
    for i, r in enumerate(rows.to_dict("records")):
        status = f"{r.get('status_icon', '')} {r.get('status_label', '')}".strip()
        unit = str(r.get("unit", ""))
        degree = as_number(r.get("degree"))
        ref_year = as_number(r.get("reference_year"))
        labels.append(f"{r['indicator_id']} · {_short(r.get('name', ''))}")
        degrees.append(degree)
        colors.append(PALETTE.get(str(r.get("status")), MUTED_COLOR))
        texts.append(f"{status} · {fmt_pct(degree)}" if degree is not None else "")
        hovers.append(
            f"<b>{r['indicator_id']}</b> {wrap_title(r.get('name', ''), 60)}<br>"
            f"Valor obtenido 2020: {fmt_value(as_number(r.get('achieved_2020')), unit)}<br>"
            f"Meta de referencia {int(ref_year) if ref_year else ''}: "
            f"{fmt_value(as_number(r.get('reference_target')), unit)}<br>"
            f"{status}: {r.get('status_reason', '')}"
        )
        if degree is None:
            annotations.append(
                {
                    "text": f"{status}: {r.get('status_reason', '')}",
                    "x": 0,
                    "xref": "x",
                    "y": i,
                    "yref": "y",
                    "xanchor": "left",
                    "xshift": 8,
                    "showarrow": False,
                    "font": {"size": 14, "color": TEXT_COLOR},
                }
            )
    high = max([100.0, *(d for d in degrees if d is not None)])
    annotations.append(
        {
            "text": "100% = meta",
            "x": 100,
            "xref": "x",
            "y": 1,
            "yref": "paper",
            "xanchor": "left",
            "yanchor": "bottom",
            "showarrow": False,
            "font": {"size": 14},
        }
    )
    heading = title or "Indicadores de OES: valor obtenido 2020 como % de la meta de referencia"
    title_lines = len(textwrap.wrap(heading, TITLE_WIDTH)) or 1
    capped = total_rows > len(rows)
    top, bottom = _top_margin(title_lines, int(capped), legend=False) + 12, 100
    total = top + bottom + 60 * len(rows)
    if capped:
        # above the "100% = meta" label, which sits right on top of the plot area
        note = shown_of_total(len(rows), total_rows, FIRST_ROWS)
        annotations.append(_note_above(note, 24))
    annotations.append(source_annotation(70))
    layout = {
        **_frame(heading, title_lines, total, top, bottom, left=30),
        "xaxis": {
            "title": {"text": "% de la meta (2020; 2021 si no hay meta 2020)"},
            "ticksuffix": "%",
            "tickformat": ",.0f",
            "range": [0, high * 1.4],
            "fixedrange": True,
        },
        "yaxis": _category_yaxis(),
        "showlegend": False,
        "shapes": [_vline(100, PALETTE["text"])],
        "annotations": annotations,
        "meta": {"chart": "oes_status_overview"},
    }
    bar = {
        "type": "bar",
        "y": labels,
        "x": degrees,
        "orientation": "h",
        "marker": {"color": colors, "line": {"width": 0}},
        "text": texts,
        "textposition": "outside",
        "cliponaxis": False,
        "customdata": hovers,
        "hovertemplate": "%{customdata}<extra></extra>",
        "name": "Grado de cumplimiento",
        "meta": {"series": "degree"},
    }
    return go.Figure(data=[bar], layout=layout)
