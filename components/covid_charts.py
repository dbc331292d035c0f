"""Figures of the COVID-19 page comparing the pandemic year with the year before: dumbbell and
diverging change bars, and the pieces every /covid figure shares (title, source line, rows).

Pure functions from the frames of :mod:`pesem.covid` and the report's
:class:`~pesem.report.ReportMeta` (its source line) to ``go.Figure`` (graph_objects only). The
years are :data:`pesem.covid.BEFORE_YEAR` and :data:`pesem.covid.PANDEMIC_YEAR`. Indicators are
measured in different units (ratios, percentages, counts, rates), so:

* the dumbbell puts every indicator on one honest scale — its own value of the year before = 100
  — and writes the real values (mode ``"abs"``) or the % change (mode ``"pct"``) next to each row;
* the diverging bars show the % change on one axis (mode ``"pct"``) or the absolute change in one
  panel per unit of measure, each bar labelled with its unit (mode ``"abs"``), never mixing units
  on one axis.

The trend lines are in :mod:`components.covid_trends`, the recovery chart in
:mod:`components.covid_recovery`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.format import fmt_change, fmt_pct, fmt_value
from components.theme import (
    MUTED_COLOR,
    PALETTE,
    TEXT_COLOR,
    axis_title,
    axis_title_height,
    empty_figure,
    label_lines,
    labels_above_bars,
    legend_names,
    row_label_axis,
    under_plot,
)
from pesem.covid import BEFORE_YEAR, PANDEMIC_YEAR
from pesem.formulas import is_missing
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
#: A row of the charts with one row per indicator: its label (one or two lines) above the
#: bar or markers (``ROW_MARK`` pixels thick), as wide as the chart on a phone too.
ROW_MARK: Final = 18
ROW_LABEL_LINE: Final = 19
NAME_WIDTH: Final = 60
#: Pixels above the plot area (plotly's toolbar) and the figure's left margin.
TOP_MARGIN: Final = 32
LEFT_MARGIN: Final = 12
#: Pixels under the plot area for the x tick labels.
TICK_BAND: Final = 34
#: Subtitle (e.g. "OES.01 · Posicionar al Perú …") on the slide: characters per line.
SUBTITLE_WIDTH: Final = 100
NOT_COMPARABLE_TEXT: Final = "○ no comparable (ver nota)"
#: Characters per line of a text written in a row (it must fit a phone's plot area).
ROW_TEXT_WIDTH: Final = 26
#: Characters per line of a unit panel's title (15 px, a phone's width).
PANEL_TITLE_WIDTH: Final = 34


def _check_mode(mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    return mode


def short(text: str, width: int = NAME_WIDTH) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _row_label(row: pd.Series) -> str:
    return f"{row['indicator_id']} · {short(row['name'])}"


def row_labels(rows: pd.DataFrame) -> list[str]:
    return [_row_label(r) for _, r in rows.iterrows()]


def _value_text(row: pd.Series, key: str) -> str:
    """A value (``key`` ``before`` or ``pandemic``) as the report prints it; for a missing one,
    the printed cell and its reason."""
    value = row[f"achieved_{key}"]
    if not is_missing(value):
        return fmt_value(value, row["unit"])
    raw = row.get(f"raw_{key}", "") or "(vacío)"
    reason = row.get(f"missing_{key}_reason", "")
    return f"«{raw}» — {reason}" if reason else f"«{raw}»"


def _hover(row: pd.Series) -> str:
    change = fmt_change(row["change_abs"], row["unit"])
    if not is_missing(row["change_pct"]):
        change += f" ({fmt_pct(row['change_pct'], 1, signed=True)})"
    lines = [
        f"<b>{row['indicator_id']}</b> · {row['code']}",
        wrap(row["name"]),
        f"{BEFORE_YEAR}: {_value_text(row, 'before')}",
        f"{PANDEMIC_YEAR}: {_value_text(row, 'pandemic')}",
        f"Variación: {change}",
    ]
    if row.get("note"):
        lines.append(wrap(row["note"]))
    return "<br>".join(lines)


def wrap(text: str, width: int = 60) -> str:
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
    lines = wrap(" ".join(str(subtitle).split()), SUBTITLE_WIDTH).split("<br>")
    if len(lines) > 2:
        lines = [lines[0], short(" ".join(lines[1:]), SUBTITLE_WIDTH)]
    return [line for line in lines if line]


def row_height(labels: list[str]) -> int:
    """Pixels of one row: the longest label's lines above the row's mark."""
    lines = max((label_lines(label) for label in labels), default=1)
    return ROW_MARK + 14 + ROW_LABEL_LINE * lines + 6


def x_title(text: str) -> tuple[dict[str, Any], int]:
    """An x axis title wrapped to a phone's width, and the band it takes with the tick labels."""
    return axis_title(text), TICK_BAND + axis_title_height(text) + 12


def finish(
    figure: go.Figure,
    title: str,
    plot_height: int,
    source: str,
    *,
    axis_band: int = TICK_BAND,
    top: int = TOP_MARGIN,
    subtitle: str = "",
    note: str = "",
) -> go.Figure:
    """Legend, ``note`` and the report's ``source`` line under the plot (``plot_height``
    pixels; ``axis_band`` pixels under it for the bottom axis), the title and subtitle (e.g.
    the OES shown) kept in ``layout.meta`` for the slide: on the page the card's header says it.

    Everything is placed in pixels from the plot area (see
    :func:`components.theme.under_plot`), so it reads the same on a phone and a desktop.
    ``note`` (e.g. "Se muestran 25 de 1,000 indicadores …") is read on the page and the slide.
    """
    notes = [note] if note else []
    under = under_plot(
        plot_height=plot_height,
        axis_band=axis_band,
        source=source,
        notes=notes,
        legend=legend_names(figure.data) if figure.layout.showlegend is not False else [],
        left=LEFT_MARGIN,
    )
    lines = _subtitle_lines(subtitle) if subtitle else []
    figure.update_layout(
        height=top + plot_height + under["bottom"],
        margin={"l": LEFT_MARGIN, "r": 24, "t": top, "b": under["bottom"]},
        legend={**under["legend"], "entrywidthmode": "pixels"},
        hovermode="closest",
        meta={
            **(figure.layout.meta or {}),
            "title": title,
            "subtitle": "<br>".join(lines),
            "notes": notes,
        },
    )
    for annotation in under["annotations"]:
        figure.add_annotation(annotation)
    return figure


def label_rows(figure: go.Figure, labels: list[str], *, yref: str = "y") -> None:
    """Each row's label above its mark (y tick labels hidden: they would take half a phone)."""
    for annotation in labels_above_bars(
        labels, labels, bar_px=ROW_MARK, left=LEFT_MARGIN, yref=yref
    ):
        figure.add_annotation(annotation)


def _pad_px(labels: list[str]) -> float:
    """Pixels above the first row that its label needs beyond the row's own upper half."""
    lines = max((label_lines(label) for label in labels), default=1)
    overflow = ROW_MARK / 2 + 2 + ROW_LABEL_LINE * lines - row_height(labels) / 2
    return max(0.0, overflow + 14)


def top_pad(labels: list[str]) -> float:
    """Rows of room above the first row, so that its label stays inside the plot area (the
    plot area is :func:`rows_height` tall: those pixels included)."""
    return _pad_px(labels) / row_height(labels)


def rows_height(count: int, labels: list[str] | None = None) -> int:
    """Height of the plot area with one row per indicator, and room above the first label."""
    labels = labels or [""]
    return round(row_height(labels) * count + _pad_px(labels)) + 8


def text_trace(x: list[float], y: list[str], text: list[str], **kwargs: Any) -> go.Scatter:
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


def symbol_legend(entries: list[tuple[str, str]]) -> list[go.Scatter]:
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


def category_axis(figure: go.Figure, labels: list[str], **kwargs: Any) -> None:
    """Rows in the given order, top to bottom, each labelled above its mark."""
    figure.update_yaxes(
        categoryorder="array",
        categoryarray=labels,
        # reversed: the first row on top, with room above it for its label
        range=[len(labels) - 0.5, -0.5 - top_pad(labels)],
        showgrid=False,
        **row_label_axis(labels, labels),
        **kwargs,
    )
    label_rows(figure, labels)


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


def end_labels(x: list[float], y: list[str], text: list[str]) -> go.Scatter:
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
    labels = row_labels(rows)
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
            end_labels(
                [max(100.0, float(index[i])) for i in shown.index],
                [labels[i] for i in shown.index],
                [_dumbbell_label(r, mode) for _, r in shown.iterrows()],
            ),
        ]
    )
    if len(blocked):
        figure.add_trace(_blocked_at_100(blocked, labels))
    figure.add_traces(
        symbol_legend([(str(BEFORE_YEAR), "circle-open"), (str(PANDEMIC_YEAR), "diamond")])
    )
    top = max(120.0, float(index.max()) if indexable.any() else 120.0)
    figure.add_vline(x=100, line={"color": MUTED_COLOR, "width": 1, "dash": "dot"})
    title, band = x_title(
        f"Índice: valor de {BEFORE_YEAR} = 100 (cada indicador en su propia escala)"
    )
    figure.update_xaxes(
        title=title, range=[-6, top + 55 if mode == "pct" else top + 85], zeroline=False
    )
    category_axis(figure, labels)
    label = "variación %" if mode == "pct" else f"valores {SPAN}"
    return finish(
        figure,
        f"{SPAN} por indicador ({label})",
        rows_height(len(rows), labels),
        meta.source,
        axis_band=band,
        subtitle=subtitle,
    )


def _blocked_at_100(blocked: pd.DataFrame, labels: list[str]) -> go.Scatter:
    """Rows without an index: why, written at the 100 line."""
    return text_trace(
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
    return wrap(
        f"sin índice: valor {BEFORE_YEAR} = 0 "
        f"({_value_text(row, 'before')} → {_value_text(row, 'pandemic')})",
        ROW_TEXT_WIDTH,
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
                y=row_labels(part),
                orientation="h",
                marker={"color": DIRECTION_COLORS[direction]},
                name=DIRECTION_NAMES[direction],
                legendgroup=direction,
                text=[text(r) for _, r in part.iterrows()],
                textposition="outside",
                textfont={"size": 14},
                # the range leaves room for the text: never shrink or hide it
                constraintext="none",
                cliponaxis=False,
                hovertext=[_hover(r) for _, r in part.iterrows()],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    return traces


def _blocked_trace(rows: pd.DataFrame, reason: Callable[[pd.Series], str]) -> go.Scatter:
    return text_trace(
        [0.0] * len(rows),
        row_labels(rows),
        [reason(r) for _, r in rows.iterrows()],
        name="No calculable",
        hovertext=[_hover(r) for _, r in rows.iterrows()],
        hovertemplate="%{hovertext}<extra></extra>",
    )


def _pct_reason(row: pd.Series) -> str:
    if row["change_direction"] == "not_comparable":
        return NOT_COMPARABLE_TEXT
    return wrap(
        f"{fmt_change(row['change_abs'], row['unit'])} — % no calculable (valor {BEFORE_YEAR} = 0)",
        ROW_TEXT_WIDTH,
    )


def bounds(values: pd.Series) -> tuple[float, float]:
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
    order = row_labels(with_pct) + row_labels(without)
    figure = go.Figure(
        _bar_traces(with_pct, "change_pct", lambda r: fmt_pct(r["change_pct"], 1, signed=True))
    )
    if len(without):
        figure.add_trace(_blocked_trace(without, _pct_reason))
    lo, hi = bounds(with_pct["change_pct"])
    pad = max(12.0, (hi - lo) * 0.18)
    title, band = x_title(f"Variación {SPAN} (%)")
    _zero_line_axis(
        figure,
        title=title,
        ticksuffix="%",
        range=[lo - pad, hi + pad + (40 if len(without) else 0)],
    )
    category_axis(figure, order)
    figure.update_layout(barmode="relative", bargap=1 - ROW_MARK / row_height(order))
    return finish(
        figure,
        f"Variación {SPAN} por indicador (%)",
        rows_height(len(order), order),
        source,
        axis_band=band,
        subtitle=subtitle,
    )


def _unit_labels(comparison: pd.DataFrame, unit: str) -> list[str]:
    """A unit panel's rows, top to bottom: sorted by change, then those without one."""
    rows = comparison[comparison["unit"] == unit]
    with_abs = rows[rows["change_abs"].notna()].sort_values(
        ["change_abs", "indicator_id"], kind="stable"
    )
    return row_labels(with_abs) + row_labels(rows[rows["change_abs"].isna()])


def _unit_grid(comparison: pd.DataFrame, units: list[str]) -> tuple[go.Figure, int]:
    """One subplot row per unit, sized to its indicators; returns the figure and the plot
    area's height."""
    # one row height for every panel: the bars of all panels are equally thick
    row = row_height(row_labels(comparison))
    pad = round(_pad_px(row_labels(comparison)))
    heights = [row * len(_unit_labels(comparison, u)) + pad + 8 for u in units]
    gap = 110  # pixels between panels: x tick labels + the next panel's (wrapped) title
    plot_height = sum(heights) + gap * (len(units) - 1)
    figure = make_subplots(
        rows=len(units),
        cols=1,
        shared_xaxes=False,
        row_heights=heights,
        vertical_spacing=gap / plot_height if len(units) > 1 else 0.0,
        subplot_titles=[wrap(UNIT_PANEL_TITLES.get(u, u), PANEL_TITLE_WIDTH) for u in units],
    )
    return figure, plot_height


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
    lo, hi = bounds(with_abs["change_abs"])
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
    labels = _unit_labels(comparison, unit)
    figure.update_yaxes(
        categoryorder="array",
        categoryarray=labels,
        # the room above the first row as in every panel (_unit_grid): one row height for all
        range=[len(labels) - 0.5, -0.5 - top_pad(row_labels(comparison))],
        showgrid=False,
        **row_label_axis(labels, labels),
        row=position,
        col=1,
    )
    label_rows(figure, labels, yref="y" if position == 1 else f"y{position}")


def _diverging_abs(comparison: pd.DataFrame, source: str, subtitle: str = "") -> go.Figure:
    units = [u for u in dict.fromkeys(comparison["unit"]) if u]
    figure, plot_height = _unit_grid(comparison, units)
    titles = list(figure.layout.annotations)
    for annotation in titles:
        annotation.update(font={"size": 15, "color": TEXT_COLOR}, x=0, xanchor="left", align="left")
    for position in range(1, len(units) + 1):
        _unit_panel(figure, comparison, units, position)
    figure.update_layout(
        barmode="relative", bargap=1 - ROW_MARK / row_height(row_labels(comparison))
    )
    first_title = len(titles[0].text.split("<br>")) if titles else 0
    return finish(
        figure,
        f"Variación absoluta {SPAN}, en la unidad de cada indicador",
        plot_height,
        source,
        top=TOP_MARGIN + 20 * first_title,
        subtitle=subtitle,
    )


def _first_with(comparison: pd.DataFrame, units: list[str], direction: str) -> int:
    """The panel (1-based) where a direction first appears: only it shows the legend entry."""
    for position, unit in enumerate(units, start=1):
        part = comparison[(comparison["unit"] == unit) & comparison["change_abs"].notna()]
        if (part["change_direction"] == direction).any():
            return position
    return 0
