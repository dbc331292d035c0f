"""Figures of the COVID-19 page: dumbbell, diverging change bars, trend lines, recovery.

Pure functions from the frames of :mod:`pesem.covid` and the report's
:class:`~pesem.report.ReportMeta` (its years and source line) to ``go.Figure`` (graph_objects
only). The pandemic year and the year before are :data:`pesem.covid.PANDEMIC_YEAR` and
:data:`pesem.covid.BEFORE_YEAR`. Indicators are measured in different units (ratios,
percentages, counts, rates), so:

* the dumbbell puts every indicator on one honest scale — its own value of the year before = 100
  — and writes the real values (mode ``"abs"``) or the % change (mode ``"pct"``) next to each row;
* the diverging bars show the % change on one axis (mode ``"pct"``) or the absolute change in one
  panel per unit of measure, each bar labelled with its unit (mode ``"abs"``), never mixing units
  on one axis;
* the trend lines are small multiples, each indicator on its own y axis;
* the recovery chart (reports with years after the pandemic) puts each indicator on the same
  index as the dumbbell, turned so that right is better, and adds its later years.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Final

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.format import fmt_change, fmt_pct, fmt_value, shown_of_total
from components.theme import (
    MAX_CHART_ITEMS,
    MUTED_COLOR,
    PALETTE,
    TEXT_COLOR,
    container_title,
    empty_figure,
    source_annotation,
)
from pesem.covid import (
    BEFORE_YEAR,
    PANDEMIC_YEAR,
    RECOVERY_LABELS,
    RECOVERY_STATES,
    Period,
    period,
)
from pesem.formulas import EPSILON
from pesem.report import ReportMeta

MODES: Final = ("pct", "abs")
EMPTY_MESSAGE: Final = "No hay indicadores para mostrar con esta selección"
#: The comparison's two years, as the charts write them.
SPAN: Final = f"{BEFORE_YEAR} → {PANDEMIC_YEAR}"

DIRECTION_COLORS: Final = {
    "fell": PALETTE["rezagado"],  # vermillion
    "rose": PALETTE["achieved"],  # blue
    "equal": PALETTE["muted"],
    "not_comparable": PALETTE["sin_dato"],
}
DIRECTION_NAMES: Final = {
    "fell": "▼ Bajó",
    "rose": "▲ Subió",
    "equal": "= Sin variación",
}
UNIT_PANEL_TITLES: Final = {
    "numero": "Número (diferencia en unidades)",
    "cantidad": "Cantidad (diferencia en unidades)",
    "porcentaje": "Porcentaje (diferencia en puntos porcentuales, p.p.)",
    "ratio": "Ratio (diferencia)",
    "tasa": "Tasa (diferencia)",
    "indice": "Índice (diferencia)",
    "tasa_variacion": "Tasa de variación (diferencia)",
}
ROW_HEIGHT: Final = 34
NAME_WIDTH: Final = 48
#: Pixels above the plot area (title + legend) and below it (x ticks, axis title, source).
TOP_MARGIN: Final = 112
BOTTOM_MARGIN: Final = 112
#: Subtitle (e.g. "OES.01 · Posicionar al Perú …"): font size, pixels per line, characters per line.
SUBTITLE_FONT_SIZE: Final = 15
SUBTITLE_LINE: Final = 21
SUBTITLE_WIDTH: Final = 100
#: Trend panels: on-screen height, vertical gap (x ticks + the next row's 3-line titles).
TREND_PANEL: Final = 210
TREND_GAP: Final = 118
#: Characters per line of a trend panel's title (the indicator's name, two lines at most),
#: by number of columns: the title must stay within its panel on screen and on the slide.
TREND_TITLE_WIDTH: Final = {1: 60, 2: 50, 3: 40, 4: 30, 5: 24}
#: Most panels of one trend chart (5 rows of 5): all 24 indicators of the report fit; with more,
#: panels would be too small to read on screen or on a slide (and the chart slow to build).
MAX_TREND_PANELS: Final = MAX_CHART_ITEMS
#: Which indicators a capped trend chart draws (completes "Se muestran N de M indicadores (…)").
TREND_SELECTION: Final = f"los de mayor variación % {SPAN}"
NOT_COMPARABLE_TEXT: Final = "○ no comparable (ver nota)"
#: Recovery chart: colour and legend entry of each state of pesem.covid.recovery.
RECOVERY_COLORS: Final = {
    "recovered": PALETTE["cumplido"],
    "not_recovered": PALETTE["rezagado"],
    "not_hit": PALETTE["muted"],
    "not_comparable": PALETTE["sin_dato"],
}


def no_target_label(years: Period) -> str:
    """Legend entry of the final target marked when the plan has none for the assessed year."""
    return f"Meta {years.final} del plan (no hay logro esperado {years.assessed})"


def _check_mode(mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    return mode


def _short(text: str, width: int = NAME_WIDTH) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _row_label(row: pd.Series) -> str:
    return f"{row['indicator_id']} · {_short(row['name'])}"


def _labels(rows: pd.DataFrame) -> list[str]:
    return [_row_label(r) for _, r in rows.iterrows()]


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _value_text(row: pd.Series, key: str) -> str:
    """A value (``key`` ``before`` or ``pandemic``) as the report prints it; for a missing one,
    the printed cell and its reason."""
    value = row[f"achieved_{key}"]
    if not _missing(value):
        return fmt_value(value, row["unit"])
    raw = row.get(f"raw_{key}", "") or "(vacío)"
    reason = row.get(f"missing_{key}_reason", "")
    return f"«{raw}» — {reason}" if reason else f"«{raw}»"


def _hover(row: pd.Series) -> str:
    change = fmt_change(row["change_abs"], row["unit"])
    if not _missing(row["change_pct"]):
        change += f" ({fmt_pct(row['change_pct'], 1, signed=True)})"
    lines = [
        f"<b>{row['indicator_id']}</b> · {row['code']}",
        _wrap(row["name"]),
        f"{BEFORE_YEAR}: {_value_text(row, 'before')}",
        f"{PANDEMIC_YEAR}: {_value_text(row, 'pandemic')}",
        f"Variación: {change}",
    ]
    if row.get("note"):
        lines.append(_wrap(row["note"]))
    return "<br>".join(lines)


def _wrap(text: str, width: int = 60) -> str:
    words, lines, current = str(text).split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    return "<br>".join(lines)


def _subtitle_lines(subtitle: str) -> list[str]:
    """A subtitle (e.g. the OES and its name) in at most two lines of :data:`SUBTITLE_WIDTH`."""
    lines = _wrap(" ".join(str(subtitle).split()), SUBTITLE_WIDTH).split("<br>")
    if len(lines) > 2:
        lines = [lines[0], _short(" ".join(lines[1:]), SUBTITLE_WIDTH)]
    return [line for line in lines if line]


def _finish(
    figure: go.Figure,
    title: str,
    height: int,
    source: str,
    *,
    top: int = TOP_MARGIN,
    subtitle: str = "",
    note: str = "",
) -> go.Figure:
    """Title (and subtitle) and legend at the top left of the figure, the report's ``source``
    line at the bottom.

    Placed in container coordinates (pixels from the figure's edge, not the plot area's), so
    long y labels never push them around and nothing overlaps subplot titles. A subtitle adds
    :data:`SUBTITLE_LINE` pixels per line above the legend (and to the figure's height).
    ``note`` (one line, e.g. "Se muestran 25 de 1,000 indicadores …") is added under the
    subtitle, in the same way: read before the chart, on the page and on the slide.
    """
    lines = _subtitle_lines(subtitle) if subtitle else []
    if note:
        lines.append(note)
    extra = SUBTITLE_LINE * len(lines) + (6 if lines else 0)
    height += extra
    title_spec = container_title(title, {"t": 14, "l": 16})
    if lines:
        title_spec["subtitle"] = {
            "text": "<br>".join(lines),
            "font": {"size": SUBTITLE_FONT_SIZE, "color": MUTED_COLOR},
        }
    figure.update_layout(
        title=title_spec,
        height=height,
        margin={"l": 16, "r": 32, "t": top + extra, "b": BOTTOM_MARGIN},
        legend={
            "orientation": "h",
            # 0.01, not 0: a legend flush with the container's edge has its symbols cut
            "x": 0.01,
            "xref": "container",
            "xanchor": "left",
            "y": 1 - (56 + extra) / height,
            "yref": "container",
            "yanchor": "top",
            "entrywidthmode": "pixels",
        },
        hovermode="closest",
    )
    figure.add_annotation(source_annotation(source, BOTTOM_MARGIN - 24, side="left"))
    return figure


def _rows_height(count: int) -> int:
    """Height of a chart with one row per indicator (before title, subtitle and legend)."""
    return TOP_MARGIN + BOTTOM_MARGIN + 20 + ROW_HEIGHT * count


def _text_trace(x: list[float], y: list[str], text: list[str], **kwargs: Any) -> go.Scatter:
    """Grey text right of an invisible marker (as wide as the visible ones), never clipped."""
    return go.Scatter(
        x=x,
        y=y,
        mode="markers+text",
        marker={"size": 14, "opacity": 0},
        text=text,
        textposition="middle right",
        textfont={"size": 13, "color": MUTED_COLOR},
        showlegend=False,
        cliponaxis=False,
        **kwargs,
    )


def _symbol_legend(entries: list[tuple[str, str]]) -> list[go.Scatter]:
    """Legend-only entries for marker symbols (neutral colour: the colours mean something else)."""
    return [
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            marker={"symbol": symbol, "size": 13, "color": TEXT_COLOR, "line": {"width": 2}},
            name=name,
            hoverinfo="skip",
        )
        for name, symbol in entries
    ]


def _category_axis(figure: go.Figure, labels: list[str], **kwargs: Any) -> None:
    """Rows in the given order, top to bottom."""
    figure.update_yaxes(
        categoryorder="array",
        categoryarray=labels[::-1],
        tickfont={"size": 14},
        showgrid=True,
        **kwargs,
    )


# --------------------------------------------------------------------------- dumbbell


def _connectors(rows: pd.DataFrame, labels: list[str], ends: pd.Series) -> list[go.Scatter]:
    """One line trace per OES (its colour is the legend entry for the OES), from 100 to each
    row's ``ends``."""
    traces = []
    for group_name, group in rows.groupby("oes_code", sort=True):
        xs: list[float | None] = []
        ys: list[str | None] = []
        for i in group.index:
            xs += [100.0, float(ends[i]), None]
            ys += [labels[i], labels[i], None]
        traces.append(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": PALETTE.get(str(group_name), TEXT_COLOR), "width": 4},
                name=str(group_name),
                legendgroup=str(group_name),
                hoverinfo="skip",
            )
        )
    return traces


def _year_markers(
    shown: pd.DataFrame, labels: list[str], index: pd.Series, colors: list[str], hovers: list[str]
) -> list[go.Scatter]:
    """○ at 100 (the year before) and ◆ at the pandemic year's index, one per row."""
    y = [labels[i] for i in shown.index]
    before = go.Scatter(
        x=[100.0] * len(shown),
        y=y,
        mode="markers",
        marker={
            "symbol": "circle-open",
            "size": 13,
            "color": colors,
            "line": {"width": 3, "color": colors},
        },
        name=str(BEFORE_YEAR),
        showlegend=False,
        hovertext=hovers,
        hovertemplate=f"%{{hovertext}}<extra>{BEFORE_YEAR}</extra>",
    )
    pandemic = go.Scatter(
        x=[float(index[i]) for i in shown.index],
        y=y,
        mode="markers",
        marker={"symbol": "diamond", "size": 14, "color": colors},
        name=str(PANDEMIC_YEAR),
        showlegend=False,
        hovertext=hovers,
        hovertemplate=f"%{{hovertext}}<extra>{PANDEMIC_YEAR}</extra>",
        cliponaxis=False,
    )
    return [before, pandemic]


def _end_labels(x: list[float], y: list[str], text: list[str]) -> go.Scatter:
    """Labels right of each row's right end, never over the y labels on the left."""
    return go.Scatter(
        x=x,
        y=y,
        # An invisible marker as wide as the visible ones pushes the text clear of them.
        mode="markers+text",
        marker={"size": 22, "opacity": 0},
        text=text,
        textposition="middle right",
        textfont={"size": 14, "color": TEXT_COLOR},
        name="Etiquetas",
        showlegend=False,
        hoverinfo="skip",
        cliponaxis=False,
    )


def dumbbell(
    comparison: pd.DataFrame, meta: ReportMeta, mode: str = "pct", subtitle: str = ""
) -> go.Figure:
    """Year before → pandemic year per indicator, each on its own scale (before = 100),
    coloured by OES.

    One row per indicator (annex order, top to bottom). ○ is the year before, ◆ the pandemic
    year. The label next to each row is the % change (``mode="pct"``) or the two values in their
    unit (``mode="abs"``). Rows that cannot be compared say why, at the 100 line. ``subtitle``:
    e.g. the OES shown; ``meta`` gives the source line.
    """
    _check_mode(mode)
    if comparison is None or comparison.empty:
        return empty_figure(EMPTY_MESSAGE)
    rows = comparison.reset_index(drop=True)
    labels = _labels(rows)
    index = 100.0 + rows["change_pct"]
    indexable = rows["change_pct"].notna()
    shown, blocked = rows[indexable], rows[~indexable]
    colors = [PALETTE.get(o, TEXT_COLOR) for o in shown["oes_code"]]
    hovers = [_hover(r) for _, r in shown.iterrows()]
    figure = go.Figure(
        [
            *_connectors(shown, labels, index),
            *_year_markers(shown, labels, index, colors, hovers),
            # The label sits right of the row's right end (the 100 marker for a fall).
            _end_labels(
                [max(100.0, float(index[i])) for i in shown.index],
                [labels[i] for i in shown.index],
                [_dumbbell_label(r, mode) for _, r in shown.iterrows()],
            ),
        ]
    )
    if len(blocked):
        figure.add_trace(_blocked_at_100(blocked, labels))
    figure.add_traces(
        _symbol_legend([(str(BEFORE_YEAR), "circle-open"), (str(PANDEMIC_YEAR), "diamond")])
    )
    top = max(120.0, float(index.max()) if indexable.any() else 120.0)
    figure.add_vline(x=100, line={"color": MUTED_COLOR, "width": 1, "dash": "dot"})
    figure.update_xaxes(
        title={
            "text": f"Índice: valor de {BEFORE_YEAR} = 100 (cada indicador en su propia escala)"
        },
        range=[-6, top + 55 if mode == "pct" else top + 85],
        zeroline=False,
    )
    _category_axis(figure, labels)
    label = "variación %" if mode == "pct" else f"valores {SPAN}"
    return _finish(
        figure,
        f"{SPAN} por indicador ({label})",
        _rows_height(len(rows)),
        meta.source,
        subtitle=subtitle,
    )


def _blocked_at_100(blocked: pd.DataFrame, labels: list[str]) -> go.Scatter:
    """Rows without an index: why, written at the 100 line."""
    return _text_trace(
        [100.0] * len(blocked),
        [labels[i] for i in blocked.index],
        [_not_indexable(r) for _, r in blocked.iterrows()],
        name="No comparable",
        hovertext=[_hover(r) for _, r in blocked.iterrows()],
        hovertemplate="%{hovertext}<extra></extra>",
    )


def _dumbbell_label(row: pd.Series, mode: str) -> str:
    if mode == "pct":
        return fmt_pct(row["change_pct"], 1, signed=True)
    return (
        f"{fmt_value(row['achieved_before'], row['unit'])} → "
        f"{fmt_value(row['achieved_pandemic'], row['unit'])}"
    )


def _not_indexable(row: pd.Series) -> str:
    if row["change_direction"] == "not_comparable":
        return NOT_COMPARABLE_TEXT
    return (
        f"sin índice: valor {BEFORE_YEAR} = 0 "
        f"({_value_text(row, 'before')} → {_value_text(row, 'pandemic')})"
    )


# --------------------------------------------------------------------------- diverging bars


def diverging_change(
    comparison: pd.DataFrame, meta: ReportMeta, mode: str = "pct", subtitle: str = ""
) -> go.Figure:
    """Sorted diverging bars of the change from the year before to the pandemic year: % (``"pct"``)
    or absolute (``"abs"``).

    ``"abs"`` draws one panel per unit of measure (counts, percentage points, ratios, rates), each
    with its own axis and every bar labelled with its unit: absolute changes in different units are
    never put on the same axis. ``subtitle``: e.g. the OES shown; ``meta`` gives the source line.
    """
    _check_mode(mode)
    if comparison is None or comparison.empty:
        return empty_figure(EMPTY_MESSAGE)
    if mode == "pct":
        return _diverging_pct(comparison, meta.source, subtitle)
    return _diverging_abs(comparison, meta.source, subtitle)


def _bar_traces(rows: pd.DataFrame, value: str, text: Callable[[pd.Series], str]) -> list[go.Bar]:
    """One bar trace per direction (so the legend says what the colours mean)."""
    traces = []
    for direction in ("fell", "rose", "equal"):
        part = rows[rows["change_direction"] == direction]
        if part.empty:
            continue
        traces.append(
            go.Bar(
                x=part[value].tolist(),
                y=_labels(part),
                orientation="h",
                marker={"color": DIRECTION_COLORS[direction]},
                name=DIRECTION_NAMES[direction],
                legendgroup=direction,
                text=[text(r) for _, r in part.iterrows()],
                textposition="outside",
                cliponaxis=False,
                hovertext=[_hover(r) for _, r in part.iterrows()],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    return traces


def _blocked_trace(rows: pd.DataFrame, reason: Callable[[pd.Series], str]) -> go.Scatter:
    return _text_trace(
        [0.0] * len(rows),
        _labels(rows),
        [reason(r) for _, r in rows.iterrows()],
        name="No calculable",
        hovertext=[_hover(r) for _, r in rows.iterrows()],
        hovertemplate="%{hovertext}<extra></extra>",
    )


def _pct_reason(row: pd.Series) -> str:
    if row["change_direction"] == "not_comparable":
        return NOT_COMPARABLE_TEXT
    return (
        f"{fmt_change(row['change_abs'], row['unit'])} — % no calculable (valor {BEFORE_YEAR} = 0)"
    )


def _bounds(values: pd.Series) -> tuple[float, float]:
    """The range of ``values`` stretched to include 0."""
    lo = min(0.0, float(values.min()) if len(values) else 0.0)
    hi = max(0.0, float(values.max()) if len(values) else 0.0)
    return lo, hi


def _zero_line_axis(figure: go.Figure, **kwargs: Any) -> None:
    figure.update_xaxes(zeroline=True, zerolinewidth=2, zerolinecolor=TEXT_COLOR, **kwargs)


def _diverging_pct(comparison: pd.DataFrame, source: str, subtitle: str = "") -> go.Figure:
    with_pct = comparison[comparison["change_pct"].notna()].sort_values(
        ["change_pct", "indicator_id"], kind="stable"
    )
    without = comparison[comparison["change_pct"].isna()]
    order = _labels(with_pct) + _labels(without)
    figure = go.Figure(
        _bar_traces(with_pct, "change_pct", lambda r: fmt_pct(r["change_pct"], 1, signed=True))
    )
    if len(without):
        figure.add_trace(_blocked_trace(without, _pct_reason))
    lo, hi = _bounds(with_pct["change_pct"])
    pad = max(12.0, (hi - lo) * 0.18)
    _zero_line_axis(
        figure,
        title={"text": f"Variación {SPAN} (%)"},
        ticksuffix="%",
        range=[lo - pad, hi + pad + (40 if len(without) else 0)],
    )
    figure.update_yaxes(
        categoryorder="array",
        categoryarray=order,
        autorange="reversed",
        tickfont={"size": 14},
    )
    figure.update_layout(barmode="relative", bargap=0.3)
    return _finish(
        figure,
        f"Variación {SPAN} por indicador (%)",
        _rows_height(len(order)),
        source,
        subtitle=subtitle,
    )


def _unit_grid(comparison: pd.DataFrame, units: list[str]) -> tuple[go.Figure, int]:
    """One subplot row per unit, sized to its indicators; returns the figure and its height."""
    counts = [int((comparison["unit"] == u).sum()) for u in units]
    gap = 96  # pixels between panels: x tick labels + the next panel's title
    plot_height = ROW_HEIGHT * sum(counts) + 24 * len(units) + gap * (len(units) - 1)
    figure = make_subplots(
        rows=len(units),
        cols=1,
        shared_xaxes=False,
        row_heights=[(ROW_HEIGHT * c + 24) for c in counts],
        vertical_spacing=gap / plot_height if len(units) > 1 else 0.0,
        subplot_titles=[UNIT_PANEL_TITLES.get(u, u) for u in units],
    )
    return figure, TOP_MARGIN + BOTTOM_MARGIN + plot_height


def _unit_panel(
    figure: go.Figure, comparison: pd.DataFrame, units: list[str], position: int
) -> None:
    """The bars of one unit's panel, its axis sized to its own changes."""
    unit = units[position - 1]
    rows = comparison[comparison["unit"] == unit]
    with_abs = rows[rows["change_abs"].notna()].sort_values(
        ["change_abs", "indicator_id"], kind="stable"
    )
    without = rows[rows["change_abs"].isna()]
    for trace in _bar_traces(
        with_abs, "change_abs", lambda r: fmt_change(r["change_abs"], r["unit"])
    ):
        trace.showlegend = position == _first_with(comparison, units, trace.legendgroup)
        figure.add_trace(trace, row=position, col=1)
    if len(without):
        figure.add_trace(
            _blocked_trace(without, lambda r: NOT_COMPARABLE_TEXT), row=position, col=1
        )
    lo, hi = _bounds(with_abs["change_abs"])
    span = (hi - lo) or 1.0
    _zero_line_axis(
        figure,
        # room for the bar labels outside the bars ("-37.3 p.p."), clear of the y labels
        range=[lo - span * 0.35, hi + span * 0.35 + (span * 0.5 if len(without) else 0)],
        ticksuffix=" p.p." if unit == "porcentaje" else "",
        tickformat=",~r",
        row=position,
        col=1,
    )
    figure.update_yaxes(
        categoryorder="array",
        categoryarray=_labels(with_abs) + _labels(without),
        autorange="reversed",
        tickfont={"size": 14},
        row=position,
        col=1,
    )


def _diverging_abs(comparison: pd.DataFrame, source: str, subtitle: str = "") -> go.Figure:
    units = [u for u in dict.fromkeys(comparison["unit"]) if u]
    figure, height = _unit_grid(comparison, units)
    for position in range(1, len(units) + 1):
        _unit_panel(figure, comparison, units, position)
    for annotation in figure.layout.annotations:
        annotation.update(font={"size": 15, "color": TEXT_COLOR}, x=0, xanchor="left")
    figure.update_layout(barmode="relative", bargap=0.3)
    return _finish(
        figure,
        f"Variación absoluta {SPAN}, en la unidad de cada indicador",
        height,
        source,
        subtitle=subtitle,
    )


def _first_with(comparison: pd.DataFrame, units: list[str], direction: str) -> int:
    """The panel (1-based) where a direction first appears: only it shows the legend entry."""
    for position, unit in enumerate(units, start=1):
        part = comparison[(comparison["unit"] == unit) & comparison["change_abs"].notna()]
        if (part["change_direction"] == direction).any():
            return position
    return 0


# --------------------------------------------------------------------------- trend lines


def trend_columns(count: int) -> int:
    """Columns of the trend small multiples: 4, or 5 when that keeps 9–10 panels in two rows."""
    return max(1, min(count, 4 if count <= 8 else 5))


def _panel_title(name: str, columns: int) -> str:
    """An indicator's name in at most two lines that fit a panel of ``columns`` (``…`` if cut)."""
    width = TREND_TITLE_WIDTH.get(columns, TREND_TITLE_WIDTH[5])
    lines = _wrap(" ".join(str(name).split()), width).split("<br>")
    if len(lines) > 2:
        lines = [lines[0], _short(" ".join(lines[1:]), width)]
    return "<br>".join(line if len(line) <= width else _short(line, width) for line in lines)


def largest_changes(ds_rows: pd.DataFrame, limit: int) -> list[str]:
    """The ids of at most ``limit`` indicators of ``ds_rows``: those with the largest change from
    the year before to the pandemic year in % (absolute value), kept in their order.

    Indicators whose % change cannot be computed (a missing value, or 0 the year before) come
    after all the others, in their order. Vectorised (one group-by, one sort): fast for any size.
    """
    ids = list(dict.fromkeys(ds_rows["indicator_id"]))
    if len(ids) <= limit:
        return ids
    achieved = pd.to_numeric(ds_rows["achieved"], errors="coerce")
    by_year = achieved.groupby([ds_rows["indicator_id"], ds_rows["year"]]).first().unstack()
    before = by_year.get(BEFORE_YEAR, pd.Series(float("nan"), index=by_year.index))
    after = by_year.get(PANDEMIC_YEAR, pd.Series(float("nan"), index=by_year.index))
    # The same % change as pesem.formulas.change; not comparable (NaN) ranks last.
    before = before.where(before.abs() >= EPSILON)
    score = ((after - before) / before.abs()).abs().reindex(ids).fillna(-1.0)
    ranking = pd.DataFrame({"score": score.to_numpy(), "position": range(len(ids))})
    top = ranking.sort_values(["score", "position"], ascending=[False, True], kind="stable")
    return [ids[i] for i in sorted(top["position"].head(limit))]


def _panel_hover(iid: str, name: str) -> str:
    """A panel title's hover text: the code and the indicator's full name."""
    return f"<b>{iid}</b><br>{_wrap(name)}"


def _axis_suffix(panel: int) -> str:
    """``""`` for the first panel, ``"2"``, ``"3"`` … after it (plotly's axis numbering)."""
    return "" if panel == 1 else str(panel)


def _trend_hover(iid: str, part: pd.DataFrame) -> list[str]:
    unit = part["unit"].iloc[0]
    return [
        f"<b>{iid}</b> · {int(y)}<br>Valor obtenido: "
        + (
            fmt_value(v, unit)
            if not _missing(v)
            else f"«{raw or '(vacío)'}» (sin valor: {reason or 'celda vacía'})"
        )
        for y, v, raw, reason in zip(
            part["year"], part["achieved"], part["raw"], part["missing_reason"], strict=True
        )
    ]


def _trend_target(first: pd.Series, years: Period) -> tuple[int, float, str, str, str] | None:
    """The target a panel marks: the assessed year's (logro esperado), else the plan's final
    one; ``(year, value, symbol, legend name, legend group)`` or None."""
    if not _missing(first["expected_current"]):
        name = f"Logro esperado {years.assessed}"
        return years.assessed, first["expected_current"], "x-thin-open", name, "expected_current"
    if not _missing(first["expected_final"]):
        name = no_target_label(years)
        return years.final, first["expected_final"], "diamond-open", name, "expected_final"
    return None


def _trend_traces(
    iid: str, part: pd.DataFrame, suffix: str, legend: set[str], years: Period
) -> list[dict]:
    """The traces of one trend panel: the achieved line and, when the plan has one, its target.

    Plain dicts, validated once by the figure that holds them. ``legend`` holds the legend
    groups already shown (updated here): each entry appears once in the figure.
    """
    first = part.iloc[0]
    unit, color = first["unit"], PALETTE.get(first["oes_code"], TEXT_COLOR)
    axes = {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}
    traces = [
        {
            "type": "scatter",
            "x": part["year"].tolist(),
            "y": [None if _missing(v) else v for v in part["achieved"]],
            "mode": "lines+markers",
            "line": {"color": color, "width": 3},
            "marker": {
                "color": color,
                "size": [14 if y == PANDEMIC_YEAR else 8 for y in part["year"]],
            },
            "name": "Valor obtenido",
            "legendgroup": "achieved",
            "showlegend": "achieved" not in legend,
            "hovertext": _trend_hover(iid, part),
            "hovertemplate": "%{hovertext}<extra></extra>",
            "connectgaps": False,
            "cliponaxis": False,
            **axes,
        }
    ]
    legend.add("achieved")
    target = _trend_target(first, years)
    if target is None:
        return traces
    year, value, symbol, name, group = target
    traces.append(
        {
            "type": "scatter",
            "x": [year],
            "y": [value],
            "mode": "markers",
            "marker": {
                "symbol": symbol,
                "size": 16,
                "color": PALETTE["expected"],
                "line": {"width": 3, "color": PALETTE["expected"]},
            },
            "name": name,
            "legendgroup": group,
            "showlegend": group not in legend,
            "hovertemplate": f"<b>{iid}</b><br>{name}: {fmt_value(value, unit)}<extra></extra>",
            "cliponaxis": False,
            **axes,
        }
    )
    legend.add(group)
    return traces


def _trend_axes(grid: dict, n: int, unit: str, years: Period, columns: int) -> dict[str, dict]:
    """The x and y axes of panel ``n``: its own y scale, the report's years on x."""
    suffix = _axis_suffix(n)
    first, last = years.achieved[0], years.achieved[-1]
    ticks = list(range(first, last + 1, 2)) if columns > 2 else list(range(first, years.final + 1))
    return {
        f"yaxis{suffix}": {
            **grid[f"yaxis{suffix}"],
            "ticksuffix": "%" if unit == "porcentaje" else "",
            "tickformat": ",~r",
            "rangemode": "tozero",
            "tickfont": {"size": 12},
        },
        f"xaxis{suffix}": {
            **grid[f"xaxis{suffix}"],
            "tickvals": ticks,
            "range": [first - 0.4, years.final + 0.4],
            "tickfont": {"size": 12},
        },
    }


def trend_lines(
    ds_rows: pd.DataFrame, meta: ReportMeta, columns: int | None = None, subtitle: str = ""
) -> go.Figure:
    """Small multiples, one per indicator: achieved values of the report's years (the pandemic
    year's marker bigger), the assessed year's target marked.

    ``ds_rows`` is :func:`pesem.covid.trend_rows`. Where the plan has no target for the assessed
    year (ND) but a final one, that one is marked instead, at the plan's final year, as a hollow
    marker and said so. Each panel has its own y axis (indicators have different units).
    ``columns`` defaults to :func:`trend_columns`; each panel's title is the indicator's code
    and its name in two lines at most, sized to the panel (the full name is in its hover text).

    At most :data:`MAX_TREND_PANELS` panels are drawn: with more indicators, those with the
    largest % change (:func:`largest_changes`), and a line under the title says "Se muestran
    N de M indicadores …". The figure is built in one pass (plain dicts, one ``go.Figure``), so
    its cost does not grow with the number of indicators given.
    """
    if ds_rows is None or ds_rows.empty:
        return empty_figure(EMPTY_MESSAGE)
    years = period(meta)
    total = ds_rows["indicator_id"].nunique()
    ids = largest_changes(ds_rows, MAX_TREND_PANELS)
    if len(ids) < total:
        ds_rows = ds_rows[ds_rows["indicator_id"].isin(ids)]
    parts = {iid: part.sort_values("year") for iid, part in ds_rows.groupby("indicator_id")}
    cols = max(1, min(columns or trend_columns(len(ids)), len(ids)))
    nrows = math.ceil(len(ids) / cols)
    names = [parts[iid]["name"].iloc[0] for iid in ids]
    plot_height = TREND_PANEL * nrows + TREND_GAP * (nrows - 1)
    # make_subplots only for the grid (axis domains, title positions); everything else is merged
    # into its layout as plain dicts and validated once by a single go.Figure. Per-panel
    # add_trace/update_xaxes calls each walk the whole layout: quadratic in the panels.
    grid = make_subplots(
        rows=nrows,
        cols=cols,
        subplot_titles=[
            f"<b>{iid}</b><br>{_panel_title(name, cols)}"
            for iid, name in zip(ids, names, strict=True)
        ],
        vertical_spacing=TREND_GAP / plot_height if nrows > 1 else 0.0,
        horizontal_spacing=0.07 if cols <= 4 else 0.05,
    ).layout.to_plotly_json()
    grid.pop("template", None)  # the new figure takes the default template itself
    traces: list[dict] = []
    axes: dict[str, dict] = {}
    shown_legend: set[str] = set()
    for n, iid in enumerate(ids, start=1):
        traces += _trend_traces(iid, parts[iid], _axis_suffix(n), shown_legend, years)
        axes.update(_trend_axes(grid, n, parts[iid]["unit"].iloc[0], years, cols))
    annotations = [
        {**title, "font": {"size": 13, "color": TEXT_COLOR}, "hovertext": _panel_hover(iid, name)}
        for title, iid, name in zip(grid["annotations"], ids, names, strict=True)
    ]
    figure = go.Figure(data=traces, layout={**grid, **axes, "annotations": annotations})
    return _finish(
        figure,
        f"Evolución {years.achieved[0]}–{years.assessed} del valor obtenido y meta",
        TOP_MARGIN + 56 + BOTTOM_MARGIN + plot_height,
        meta.source,
        top=TOP_MARGIN + 56,
        subtitle=subtitle,
        note=shown_of_total(len(ids), total, TREND_SELECTION) if len(ids) < total else "",
    )


# --------------------------------------------------------------------------- recovery


def later_span(years: Period) -> str:
    """The later years as one label: ``2021`` or ``2021–2023`` (``""`` when there are none)."""
    if not years.later:
        return ""
    first, last = years.later[0], years.later[-1]
    return str(first) if first == last else f"{first}–{last}"


def _path_points(path: pd.DataFrame, iid: str) -> pd.DataFrame:
    """One indicator's pandemic and later years with an index (the year before is 100)."""
    part = path[(path["indicator_id"] == iid) & (path["year"] >= PANDEMIC_YEAR)]
    return part[part["index"].notna()]


def _point_hover(iid: str, unit: str, point: pd.Series) -> str:
    return (
        f"<b>{iid}</b> · {int(point['year'])}<br>Valor obtenido: "
        f"{fmt_value(point['achieved'], unit)}<br>"
        f"Índice: {point['index']:.1f} ({BEFORE_YEAR} = 100, a la derecha mejor)"
    )


def _recovery_lines(rows: pd.DataFrame, labels: list[str], path: pd.DataFrame) -> list[go.Scatter]:
    """Per state, one line trace through each row's points: 100, the pandemic year, later years
    (the colour and the legend entry are the state)."""
    traces = []
    for state in RECOVERY_STATES:
        xs: list[float | None] = []
        ys: list[str | None] = []
        for i, row in rows[rows["state"] == state].iterrows():
            points = _path_points(path, row["indicator_id"])["index"].tolist()
            xs += [100.0, *points, None]
            ys += [labels[i]] * (len(points) + 1) + [None]
        if not xs:
            continue
        traces.append(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": RECOVERY_COLORS[state], "width": 4},
                name=RECOVERY_LABELS[state],
                legendgroup=state,
                hoverinfo="skip",
            )
        )
    return traces


def _recovery_markers(
    rows: pd.DataFrame, labels: list[str], path: pd.DataFrame
) -> list[go.Scatter]:
    """○ the year before (100), ◆ the pandemic year, ■ each later year, coloured by state."""
    marks: dict[str, dict[str, list]] = {
        key: {"x": [], "y": [], "color": [], "hover": []} for key in ("before", "pandemic", "later")
    }
    for i, row in rows.iterrows():
        color, iid = RECOVERY_COLORS[row["state"]], row["indicator_id"]
        marks["before"]["x"].append(100.0)
        marks["before"]["y"].append(labels[i])
        marks["before"]["color"].append(color)
        marks["before"]["hover"].append(f"<b>{iid}</b> · {BEFORE_YEAR} = 100")
        for _, point in _path_points(path, iid).iterrows():
            key = "pandemic" if point["year"] == PANDEMIC_YEAR else "later"
            marks[key]["x"].append(float(point["index"]))
            marks[key]["y"].append(labels[i])
            marks[key]["color"].append(color)
            marks[key]["hover"].append(_point_hover(iid, row["unit"], point))
    symbols = {"before": "circle-open", "pandemic": "diamond", "later": "square"}
    return [
        go.Scatter(
            x=mark["x"],
            y=mark["y"],
            mode="markers",
            marker={
                "symbol": symbols[key],
                "size": 13,
                "color": mark["color"],
                "line": {"width": 3, "color": mark["color"]},
            },
            name=key,
            showlegend=False,
            hovertext=mark["hover"],
            hovertemplate="%{hovertext}<extra></extra>",
            cliponaxis=False,
        )
        for key, mark in marks.items()
    ]


def _recovery_text(row: pd.Series) -> str:
    return f"{row['state_icon']} {row['state_label']}"


def recovery_chart(
    rec: pd.DataFrame, path: pd.DataFrame, meta: ReportMeta, subtitle: str = ""
) -> go.Figure:
    """Did each indicator get back to its level of the year before the pandemic?

    One row per indicator of ``rec`` (:func:`pesem.covid.recovery`, annex order): ○ the year
    before (= 100), ◆ the pandemic year, ■ each later year (``path``:
    :func:`pesem.covid.recovery_path`), all on the indicator's own scale turned so that right is
    better (for an indicator where less is better, less is to the right). The line's colour and
    the label say the state: recovered, not yet, not hit, not comparable. ``meta``: its later
    years (the title) and source line.
    """
    if rec is None or rec.empty:
        return empty_figure(EMPTY_MESSAGE)
    years = period(meta)
    rows = rec.reset_index(drop=True)
    labels = _labels(rows)
    shown = rows[rows["index_pandemic"].notna()]
    blocked = rows[rows["index_pandemic"].isna()]
    figure = go.Figure(
        [
            *_recovery_lines(shown, labels, path),
            *_recovery_markers(shown, labels, path),
        ]
    )
    points = path[path["indicator_id"].isin(shown["indicator_id"]) & path["index"].notna()]
    ends = points.groupby("indicator_id")["index"].max()
    figure.add_trace(
        _end_labels(
            [max(100.0, float(ends.get(iid, 100.0))) for iid in shown["indicator_id"]],
            [labels[i] for i in shown.index],
            [_recovery_text(r) for _, r in shown.iterrows()],
        )
    )
    if len(blocked):
        figure.add_trace(
            _text_trace(
                [100.0] * len(blocked),
                [labels[i] for i in blocked.index],
                [_recovery_text(r) for _, r in blocked.iterrows()],
                name="No comparable",
                hoverinfo="skip",
            )
        )
    span = later_span(years)
    figure.add_traces(
        _symbol_legend(
            [(str(BEFORE_YEAR), "circle-open"), (str(PANDEMIC_YEAR), "diamond"), (span, "square")]
        )
    )
    lo, hi = _bounds(points["index"]) if len(points) else (0.0, 120.0)
    hi = max(hi, 120.0)
    figure.add_vline(x=100, line={"color": MUTED_COLOR, "width": 1, "dash": "dot"})
    figure.update_xaxes(
        title={"text": f"Índice: valor de {BEFORE_YEAR} = 100 (a la derecha, mejor)"},
        range=[min(lo, 0.0) - 6, hi + (hi - min(lo, 0.0)) * 0.6],
        zeroline=False,
    )
    _category_axis(figure, labels)
    return _finish(
        figure,
        f"¿Recuperaron su nivel de {BEFORE_YEAR}? {SPAN} → {span}",
        _rows_height(len(rows)),
        meta.source,
        subtitle=subtitle,
    )
