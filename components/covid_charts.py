"""Figures of the COVID-19 page: 2019 → 2020 dumbbell, diverging change bars, trend lines.

Pure functions from the frames of :mod:`pesem.covid` to ``go.Figure`` (graph_objects only).
Indicators are measured in different units (ratios, percentages, counts, rates), so:

* the dumbbell puts every indicator on one honest scale — its own 2019 value = 100 — and writes
  the real values (mode ``"abs"``) or the % change (mode ``"pct"``) next to each row;
* the diverging bars show the % change on one axis (mode ``"pct"``) or the absolute change in one
  panel per unit of measure, each bar labelled with its unit (mode ``"abs"``), never mixing units
  on one axis;
* the trend lines are small multiples, each indicator on its own y axis.
"""

from __future__ import annotations

import math
from typing import Final

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
from pesem.formulas import EPSILON
from pesem.loader import get_dataset

MODES: Final = ("pct", "abs")
EMPTY_MESSAGE: Final = "No hay indicadores para mostrar con esta selección"

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
#: Legend entry of the target marked at 2021 when the plan has none for 2020 (ND).
NO_2020_TARGET: Final = "Meta 2021 del plan (no hay logro esperado 2020)"
#: Which indicators a capped trend chart draws (completes "Se muestran N de M indicadores (…)").
TREND_SELECTION: Final = "los de mayor variación % 2019 → 2020"


def _check_mode(mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    return mode


def _short(text: str, width: int = NAME_WIDTH) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _row_label(row: pd.Series) -> str:
    return f"{row['indicator_id']} · {_short(row['name'])}"


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _value_text(row: pd.Series, year: int) -> str:
    """A value as the report prints it; for a missing one, the printed cell and its reason."""
    value = row[f"achieved_{year}"]
    if not _missing(value):
        return fmt_value(value, row["unit"])
    raw = row.get(f"raw_{year}", "") or "(vacío)"
    key = "current" if year == get_dataset().meta.year else "previous"  # TEMPORARY (issue 13)
    reason = row.get(f"missing_{key}_reason", "")
    return f"«{raw}» — {reason}" if reason else f"«{raw}»"


def _hover(row: pd.Series) -> str:
    change = fmt_change(row["change_abs"], row["unit"])
    if not _missing(row["change_pct"]):
        change += f" ({fmt_pct(row['change_pct'], 1, signed=True)})"
    lines = [
        f"<b>{row['indicator_id']}</b> · {row['code']}",
        _wrap(row["name"]),
        f"2019: {_value_text(row, 2019)}",
        f"2020: {_value_text(row, 2020)}",
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
    top: int = TOP_MARGIN,
    subtitle: str = "",
    note: str = "",
) -> go.Figure:
    """Title (and subtitle) and legend at the top left of the figure, the report's source line at
    the bottom.

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
    figure.add_annotation(source_annotation(BOTTOM_MARGIN - 24, side="left"))
    return figure


# --------------------------------------------------------------------------- dumbbell


def dumbbell(comparison: pd.DataFrame, mode: str = "pct", subtitle: str = "") -> go.Figure:
    """2019 → 2020 per indicator, each on its own scale (2019 = 100), coloured by OES.

    One row per indicator (annex order, top to bottom). ○ is 2019, ◆ is 2020. The label next to
    each row is the % change (``mode="pct"``) or the two values in their unit (``mode="abs"``).
    Rows that cannot be compared say why, at the 100 line. ``subtitle``: e.g. the OES shown.
    """
    _check_mode(mode)
    if comparison is None or comparison.empty:
        return empty_figure(EMPTY_MESSAGE)
    rows = comparison.reset_index(drop=True)
    labels = [_row_label(r) for _, r in rows.iterrows()]
    index_2020 = 100.0 + rows["change_pct"]
    indexable = rows["change_pct"].notna()

    figure = go.Figure()
    # Connectors, one trace per OES (its colour is the legend entry for the OES).
    for oes, group in rows[indexable].groupby("oes_code", sort=True):
        xs: list[float | None] = []
        ys: list[str | None] = []
        for i in group.index:
            xs += [100.0, float(index_2020[i]), None]
            ys += [labels[i], labels[i], None]
        figure.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": PALETTE.get(oes, TEXT_COLOR), "width": 4},
                name=oes,
                legendgroup=oes,
                hoverinfo="skip",
            )
        )
    shown = rows[indexable]
    colors = [PALETTE.get(o, TEXT_COLOR) for o in shown["oes_code"]]
    hovers = [_hover(r) for _, r in shown.iterrows()]
    shown_labels = [labels[i] for i in shown.index]
    figure.add_trace(
        go.Scatter(
            x=[100.0] * len(shown),
            y=shown_labels,
            mode="markers",
            marker={
                "symbol": "circle-open",
                "size": 13,
                "color": colors,
                "line": {"width": 3, "color": colors},
            },
            name="2019",
            showlegend=False,
            hovertext=hovers,
            hovertemplate="%{hovertext}<extra>2019</extra>",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=[float(index_2020[i]) for i in shown.index],
            y=shown_labels,
            mode="markers",
            marker={"symbol": "diamond", "size": 14, "color": colors},
            name="2020",
            showlegend=False,
            hovertext=hovers,
            hovertemplate="%{hovertext}<extra>2020</extra>",
            cliponaxis=False,
        )
    )
    # The label sits right of the row's right end (the 2019 marker for a fall), never over the
    # y labels on the left.
    figure.add_trace(
        go.Scatter(
            x=[max(100.0, float(index_2020[i])) for i in shown.index],
            y=shown_labels,
            # An invisible marker as wide as the visible ones pushes the text clear of them.
            mode="markers+text",
            marker={"size": 22, "opacity": 0},
            text=[_dumbbell_label(r, mode) for _, r in shown.iterrows()],
            textposition="middle right",
            textfont={"size": 14, "color": TEXT_COLOR},
            name="Etiquetas",
            showlegend=False,
            hoverinfo="skip",
            cliponaxis=False,
        )
    )
    blocked = rows[~indexable]
    if len(blocked):
        figure.add_trace(
            go.Scatter(
                x=[100.0] * len(blocked),
                y=[labels[i] for i in blocked.index],
                mode="markers+text",
                marker={"size": 14, "opacity": 0},
                text=[_not_indexable(r) for _, r in blocked.iterrows()],
                textposition="middle right",
                textfont={"size": 13, "color": MUTED_COLOR},
                name="No comparable",
                showlegend=False,
                hovertext=[_hover(r) for _, r in blocked.iterrows()],
                hovertemplate="%{hovertext}<extra></extra>",
                cliponaxis=False,
            )
        )
    # Legend entries for the symbols (neutral colour: the colour legend is the OES).
    for name, symbol in (("2019", "circle-open"), ("2020", "diamond")):
        figure.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                marker={"symbol": symbol, "size": 13, "color": TEXT_COLOR, "line": {"width": 2}},
                name=name,
                hoverinfo="skip",
            )
        )
    top = max(120.0, float(index_2020.max()) if indexable.any() else 120.0)
    figure.add_vline(x=100, line={"color": MUTED_COLOR, "width": 1, "dash": "dot"})
    figure.update_xaxes(
        title={"text": "Índice: valor de 2019 = 100 (cada indicador en su propia escala)"},
        range=[-6, top + 55 if mode == "pct" else top + 85],
        zeroline=False,
    )
    figure.update_yaxes(
        categoryorder="array",
        categoryarray=labels[::-1],
        tickfont={"size": 14},
        showgrid=True,
    )
    label = "variación %" if mode == "pct" else "valores 2019 → 2020"
    return _finish(
        figure,
        f"2019 → 2020 por indicador ({label})",
        height=TOP_MARGIN + BOTTOM_MARGIN + 20 + ROW_HEIGHT * len(rows),
        subtitle=subtitle,
    )


def _dumbbell_label(row: pd.Series, mode: str) -> str:
    if mode == "pct":
        return fmt_pct(row["change_pct"], 1, signed=True)
    return (
        f"{fmt_value(row['achieved_2019'], row['unit'])} → "
        f"{fmt_value(row['achieved_2020'], row['unit'])}"
    )


def _not_indexable(row: pd.Series) -> str:
    if row["change_direction"] == "not_comparable":
        return "○ no comparable (ver nota)"
    return f"sin índice: valor 2019 = 0 ({_value_text(row, 2019)} → {_value_text(row, 2020)})"


# --------------------------------------------------------------------------- diverging bars


def diverging_change(comparison: pd.DataFrame, mode: str = "pct", subtitle: str = "") -> go.Figure:
    """Sorted diverging bars of the 2019 → 2020 change: % (``"pct"``) or absolute (``"abs"``).

    ``"abs"`` draws one panel per unit of measure (counts, percentage points, ratios, rates), each
    with its own axis and every bar labelled with its unit: absolute changes in different units are
    never put on the same axis. ``subtitle``: e.g. the OES shown.
    """
    _check_mode(mode)
    if comparison is None or comparison.empty:
        return empty_figure(EMPTY_MESSAGE)
    if mode == "pct":
        return _diverging_pct(comparison, subtitle)
    return _diverging_abs(comparison, subtitle)


def _bar_traces(rows: pd.DataFrame, value: str, text, xaxis_ref: tuple[int, int] | None):
    """One bar trace per direction (so the legend says what the colours mean)."""
    traces = []
    for direction in ("fell", "rose", "equal"):
        part = rows[rows["change_direction"] == direction]
        if part.empty:
            continue
        traces.append(
            go.Bar(
                x=part[value].tolist(),
                y=[_row_label(r) for _, r in part.iterrows()],
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


def _blocked_trace(rows: pd.DataFrame, reason) -> go.Scatter:
    return go.Scatter(
        x=[0.0] * len(rows),
        y=[_row_label(r) for _, r in rows.iterrows()],
        mode="markers+text",
        marker={"size": 14, "opacity": 0},
        text=[reason(r) for _, r in rows.iterrows()],
        textposition="middle right",
        textfont={"size": 13, "color": MUTED_COLOR},
        showlegend=False,
        name="No calculable",
        hovertext=[_hover(r) for _, r in rows.iterrows()],
        hovertemplate="%{hovertext}<extra></extra>",
        cliponaxis=False,
    )


def _pct_reason(row: pd.Series) -> str:
    if row["change_direction"] == "not_comparable":
        return "○ no comparable (ver nota)"
    return f"{fmt_change(row['change_abs'], row['unit'])} — % no calculable (valor 2019 = 0)"


def _diverging_pct(comparison: pd.DataFrame, subtitle: str = "") -> go.Figure:
    with_pct = comparison[comparison["change_pct"].notna()].sort_values(
        ["change_pct", "indicator_id"], kind="stable"
    )
    without = comparison[comparison["change_pct"].isna()]
    order = [_row_label(r) for _, r in with_pct.iterrows()] + [
        _row_label(r) for _, r in without.iterrows()
    ]
    figure = go.Figure(
        _bar_traces(
            with_pct, "change_pct", lambda r: fmt_pct(r["change_pct"], 1, signed=True), None
        )
    )
    if len(without):
        figure.add_trace(_blocked_trace(without, _pct_reason))
    lo = min(0.0, float(with_pct["change_pct"].min()) if len(with_pct) else 0.0)
    hi = max(0.0, float(with_pct["change_pct"].max()) if len(with_pct) else 0.0)
    pad = max(12.0, (hi - lo) * 0.18)
    figure.update_xaxes(
        title={"text": "Variación 2019 → 2020 (%)"},
        ticksuffix="%",
        range=[lo - pad, hi + pad + (40 if len(without) else 0)],
        zeroline=True,
        zerolinewidth=2,
        zerolinecolor=TEXT_COLOR,
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
        "Variación 2019 → 2020 por indicador (%)",
        height=TOP_MARGIN + BOTTOM_MARGIN + 20 + ROW_HEIGHT * len(order),
        subtitle=subtitle,
    )


def _diverging_abs(comparison: pd.DataFrame, subtitle: str = "") -> go.Figure:
    units = [u for u in dict.fromkeys(comparison["unit"]) if u]
    counts = [int((comparison["unit"] == u).sum()) for u in units]
    total = sum(counts)
    gap = 96  # pixels between panels: x tick labels + the next panel's title
    plot_height = ROW_HEIGHT * total + 24 * len(units) + gap * (len(units) - 1)
    height = TOP_MARGIN + BOTTOM_MARGIN + plot_height
    figure = make_subplots(
        rows=len(units),
        cols=1,
        shared_xaxes=False,
        row_heights=[(ROW_HEIGHT * c + 24) for c in counts],
        vertical_spacing=gap / plot_height if len(units) > 1 else 0.0,
        subplot_titles=[UNIT_PANEL_TITLES.get(u, u) for u in units],
    )
    for position, unit in enumerate(units, start=1):
        rows = comparison[comparison["unit"] == unit]
        with_abs = rows[rows["change_abs"].notna()].sort_values(
            ["change_abs", "indicator_id"], kind="stable"
        )
        without = rows[rows["change_abs"].isna()]
        for trace in _bar_traces(
            with_abs, "change_abs", lambda r: fmt_change(r["change_abs"], r["unit"]), None
        ):
            trace.showlegend = position == _first_with(comparison, units, trace.legendgroup)
            figure.add_trace(trace, row=position, col=1)
        if len(without):
            figure.add_trace(
                _blocked_trace(without, lambda r: "○ no comparable (ver nota)"),
                row=position,
                col=1,
            )
        order = [_row_label(r) for _, r in with_abs.iterrows()] + [
            _row_label(r) for _, r in without.iterrows()
        ]
        lo = min(0.0, float(with_abs["change_abs"].min()) if len(with_abs) else 0.0)
        hi = max(0.0, float(with_abs["change_abs"].max()) if len(with_abs) else 0.0)
        span = (hi - lo) or 1.0
        figure.update_xaxes(
            # room for the bar labels outside the bars ("-37.3 p.p."), clear of the y labels
            range=[lo - span * 0.35, hi + span * 0.35 + (span * 0.5 if len(without) else 0)],
            zeroline=True,
            zerolinewidth=2,
            zerolinecolor=TEXT_COLOR,
            ticksuffix=" p.p." if unit == "porcentaje" else "",
            tickformat=",~r",
            row=position,
            col=1,
        )
        figure.update_yaxes(
            categoryorder="array",
            categoryarray=order,
            autorange="reversed",
            tickfont={"size": 14},
            row=position,
            col=1,
        )
    for annotation in figure.layout.annotations:
        annotation.update(font={"size": 15, "color": TEXT_COLOR}, x=0, xanchor="left")
    figure.update_layout(barmode="relative", bargap=0.3)
    return _finish(
        figure,
        "Variación absoluta 2019 → 2020, en la unidad de cada indicador",
        height=height,
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
    """The ids of at most ``limit`` indicators of ``ds_rows``: those with the largest 2019 → 2020
    change in % (absolute value), kept in the order they come in ``ds_rows``.

    Indicators whose % change cannot be computed (a missing value, or 2019 = 0) come after all
    the others, in their order. Vectorised (one group-by, one sort): fast for any size.
    """
    ids = list(dict.fromkeys(ds_rows["indicator_id"]))
    if len(ids) <= limit:
        return ids
    achieved = pd.to_numeric(ds_rows["achieved"], errors="coerce")
    by_year = achieved.groupby([ds_rows["indicator_id"], ds_rows["year"]]).first().unstack()
    before = by_year.get(2019, pd.Series(float("nan"), index=by_year.index))
    after = by_year.get(2020, pd.Series(float("nan"), index=by_year.index))
    # The same % change as pesem.formulas.change; not comparable (NaN) ranks last.
    before = before.where(before.abs() >= EPSILON)
    score = ((after - before) / before.abs()).abs().reindex(ids).fillna(-1.0)
    ranking = pd.DataFrame({"score": score.to_numpy(), "position": range(len(ids))})
    top = ranking.sort_values(["score", "position"], ascending=[False, True], kind="stable")
    return [ids[i] for i in sorted(top["position"].head(limit))]


def _axis_suffix(panel: int) -> str:
    """``""`` for the first panel, ``"2"``, ``"3"`` … after it (plotly's axis numbering)."""
    return "" if panel == 1 else str(panel)


def _trend_traces(iid: str, part: pd.DataFrame, suffix: str, legend: set[str]) -> list[dict]:
    """The traces of one trend panel: the achieved line and, when the plan has one, its target.

    Plain dicts, validated once by the figure that holds them. ``legend`` holds the legend
    groups already shown (updated here): each entry appears once in the figure.
    """
    first = part.iloc[0]
    unit, color = first["unit"], PALETTE.get(first["oes_code"], TEXT_COLOR)
    axes = {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}
    hover = [
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
    traces = [
        {
            "type": "scatter",
            "x": part["year"].tolist(),
            "y": [None if _missing(v) else v for v in part["achieved"]],
            "mode": "lines+markers",
            "line": {"color": color, "width": 3},
            "marker": {"color": color, "size": [14 if y == 2020 else 8 for y in part["year"]]},
            "name": "Valor obtenido",
            "legendgroup": "achieved",
            "showlegend": "achieved" not in legend,
            "hovertext": hover,
            "hovertemplate": "%{hovertext}<extra></extra>",
            "connectgaps": False,
            "cliponaxis": False,
            **axes,
        }
    ]
    legend.add("achieved")
    e20, e21 = first["expected_2020"], first["expected_2021"]
    if not _missing(e20):
        target = (2020, e20, "x-thin-open", "Logro esperado 2020", "e2020")
    elif not _missing(e21):
        target = (2021, e21, "diamond-open", NO_2020_TARGET, "e2021")
    else:
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


def trend_lines(ds_rows: pd.DataFrame, columns: int | None = None, subtitle: str = "") -> go.Figure:
    """Small multiples, one per indicator: achieved values 2016–2020, the 2020 target marked.

    ``ds_rows`` is :func:`pesem.covid.trend_rows`. Where the plan has no 2020 target (ND) but a
    final 2021 target, that one is marked instead, at 2021, as a hollow marker and said so.
    Each panel has its own y axis (indicators have different units). ``columns`` defaults to
    :func:`trend_columns`; each panel's title is the indicator's code and its name in two lines
    at most, sized to the panel (the full name is in the title's hover text).

    At most :data:`MAX_TREND_PANELS` panels are drawn: with more indicators, those with the
    largest % change (:func:`largest_changes`), and a line under the title says "Se muestran
    N de M indicadores …". The figure is built in one pass (plain dicts, one ``go.Figure``), so
    its cost does not grow with the number of indicators given.
    """
    if ds_rows is None or ds_rows.empty:
        return empty_figure(EMPTY_MESSAGE)
    total = ds_rows["indicator_id"].nunique()
    ids = largest_changes(ds_rows, MAX_TREND_PANELS)
    capped = len(ids) < total
    if capped:
        ds_rows = ds_rows[ds_rows["indicator_id"].isin(ids)]
    parts = {iid: part.sort_values("year") for iid, part in ds_rows.groupby("indicator_id")}
    cols = max(1, min(columns or trend_columns(len(ids)), len(ids)))
    nrows = math.ceil(len(ids) / cols)
    titles = [f"<b>{iid}</b><br>{_panel_title(parts[iid]['name'].iloc[0], cols)}" for iid in ids]
    names = [f"<b>{iid}</b><br>{_wrap(parts[iid]['name'].iloc[0])}" for iid in ids]
    panel, gap = TREND_PANEL, TREND_GAP
    plot_height = panel * nrows + gap * (nrows - 1)
    # make_subplots only for the grid (axis domains, title positions); everything else is merged
    # into its layout as plain dicts and validated once by a single go.Figure. Per-panel
    # add_trace/update_xaxes calls each walk the whole layout: quadratic in the panels.
    grid = make_subplots(
        rows=nrows,
        cols=cols,
        subplot_titles=titles,
        vertical_spacing=gap / plot_height if nrows > 1 else 0.0,
        horizontal_spacing=0.07 if cols <= 4 else 0.05,
    ).layout.to_plotly_json()
    grid.pop("template", None)  # the new figure takes the default template itself
    traces: list[dict] = []
    axes: dict[str, dict] = {}
    shown_legend: set[str] = set()
    x_ticks = [2016, 2018, 2020] if cols > 2 else [2016, 2017, 2018, 2019, 2020, 2021]
    for n, iid in enumerate(ids, start=1):
        part, suffix = parts[iid], _axis_suffix(n)
        traces += _trend_traces(iid, part, suffix, shown_legend)
        axes[f"yaxis{suffix}"] = {
            **grid[f"yaxis{suffix}"],
            "ticksuffix": "%" if part["unit"].iloc[0] == "porcentaje" else "",
            "tickformat": ",~r",
            "rangemode": "tozero",
            "tickfont": {"size": 12},
        }
        axes[f"xaxis{suffix}"] = {
            **grid[f"xaxis{suffix}"],
            "tickvals": x_ticks,
            "range": [2015.6, 2021.4],
            "tickfont": {"size": 12},
        }
    annotations = [
        {**title, "font": {"size": 13, "color": TEXT_COLOR}, "hovertext": name}
        for title, name in zip(grid["annotations"], names, strict=True)
    ]
    figure = go.Figure(data=traces, layout={**grid, **axes, "annotations": annotations})
    return _finish(
        figure,
        "Evolución 2016–2020 del valor obtenido y meta",
        height=TOP_MARGIN + 56 + BOTTOM_MARGIN + plot_height,
        top=TOP_MARGIN + 56,
        subtitle=subtitle,
        note=shown_of_total(len(ids), total, TREND_SELECTION) if capped else "",
    )
