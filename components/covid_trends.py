"""Trend small multiples of the COVID-19 page: each indicator's achieved values over the report's
years, the pandemic year's marker bigger, and the target the plan sets.

Pure functions from :func:`pesem.covid.trend_rows` and the report's
:class:`~pesem.report.ReportMeta` (its years and source line) to ``go.Figure``; each indicator
on its own y axis (indicators have different units).
"""

from __future__ import annotations

import math
from typing import Final

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.covid_charts import (
    EMPTY_MESSAGE,
    SPAN,
    TOP_MARGIN,
    finish,
    short,
    wrap,
)
from components.format import fmt_value, shown_of_total
from components.theme import MAX_CHART_ITEMS, PALETTE, TEXT_COLOR, empty_figure
from pesem.covid import BEFORE_YEAR, PANDEMIC_YEAR, Period, period
from pesem.formulas import EPSILON, is_missing
from pesem.report import ReportMeta

#: Trend panels: on-screen height, vertical gap (x ticks + the next row's 3-line titles).
TREND_PANEL: Final = 210
TREND_GAP: Final = 118
#: Pixels of a panel's title (bold code and two lines of name) above the panel.
TREND_TITLE_BAND: Final = 56
#: Characters per line of a trend panel's title (the indicator's name, two lines at most),
#: by number of columns: the title must stay within its panel on screen and on the slide.
#: On the page, two columns at most: a panel of a phone's chart is then about 130 px wide.
#: A slide (1600 px) holds four or five (:func:`slide_columns`).
TREND_TITLE_WIDTH: Final = {1: 40, 2: 16, 3: 40, 4: 30, 5: 24}
MAX_TREND_COLUMNS: Final = 2
#: Most panels of one trend chart (5 rows of 5): all 24 indicators of the report fit; with more,
#: panels would be too small to read on screen or on a slide (and the chart slow to build).
MAX_TREND_PANELS: Final = MAX_CHART_ITEMS
#: Which indicators a capped trend chart draws (completes "Se muestran N de M indicadores (…)").
TREND_SELECTION: Final = f"los de mayor variación % {SPAN}"


def no_target_label(years: Period) -> str:
    """Legend entry of the final target marked when the plan has none for the assessed year."""
    return f"Meta {years.final} del plan<br>(no hay logro esperado {years.assessed})"


def trend_columns(count: int) -> int:
    """Columns of the trend small multiples: two (one for a single indicator), so that each
    panel stays readable on a phone; the layout is the same on every screen."""
    return max(1, min(count, MAX_TREND_COLUMNS))


def slide_columns(count: int) -> int:
    """Columns of the trend small multiples on a 1600×900 slide: 4, or 5 when that keeps 9–10
    panels in two rows (two columns would stack them too high for the slide's text)."""
    return max(1, min(count, 4 if count <= 8 else 5))


def _panel_title(name: str, columns: int) -> str:
    """An indicator's name in at most two lines that fit a panel of ``columns`` (``…`` if cut)."""
    width = TREND_TITLE_WIDTH.get(columns, TREND_TITLE_WIDTH[5])
    lines = wrap(" ".join(str(name).split()), width).split("<br>")
    if len(lines) > 2:
        lines = [lines[0], short(" ".join(lines[1:]), width)]
    return "<br>".join(line if len(line) <= width else short(line, width) for line in lines)


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
    return f"<b>{iid}</b><br>{wrap(name)}"


def _axis_suffix(panel: int) -> str:
    """``""`` for the first panel, ``"2"``, ``"3"`` … after it (plotly's axis numbering)."""
    return "" if panel == 1 else str(panel)


def _trend_hover(iid: str, part: pd.DataFrame) -> list[str]:
    unit = part["unit"].iloc[0]
    return [
        f"<b>{iid}</b> · {int(y)}<br>Valor obtenido: "
        + (
            fmt_value(v, unit)
            if not is_missing(v)
            else f"«{raw or '(vacío)'}» (sin valor: {reason or 'celda vacía'})"
        )
        for y, v, raw, reason in zip(
            part["year"], part["achieved"], part["raw"], part["missing_reason"], strict=True
        )
    ]


def _trend_target(first: pd.Series, years: Period) -> tuple[int, float, str, str, str] | None:
    """The target a panel marks: the assessed year's (logro esperado), else the plan's final
    one; ``(year, value, symbol, legend name, legend group)`` or None."""
    if not is_missing(first["expected_current"]):
        name = f"Logro esperado {years.assessed}"
        return years.assessed, first["expected_current"], "x-thin-open", name, "expected_current"
    if not is_missing(first["expected_final"]):
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
            "y": [None if is_missing(v) else v for v in part["achieved"]],
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
    first = years.achieved[0]
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
            # plotly's own ticks: every year when the panel is wide, fewer on a phone
            "tickformat": "d",
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
        {**title, "font": {"size": 12, "color": TEXT_COLOR}, "hovertext": _panel_hover(iid, name)}
        for title, iid, name in zip(grid["annotations"], ids, names, strict=True)
    ]
    figure = go.Figure(data=traces, layout={**grid, **axes, "annotations": annotations})
    return finish(
        figure,
        f"Evolución {years.achieved[0]}–{years.assessed} del valor obtenido y meta",
        plot_height,
        meta.source,
        # the first row's panel titles sit above the plot area
        top=TOP_MARGIN + TREND_TITLE_BAND,
        subtitle=subtitle,
        note=shown_of_total(len(ids), total, TREND_SELECTION) if len(ids) < total else "",
    )
