"""The recovery chart of the COVID-19 page, for a report with years after the pandemic year: did
each indicator get back to its level of the year before?

Pure functions from :func:`pesem.covid.recovery` / :func:`pesem.covid.recovery_path` and the
report's :class:`~pesem.report.ReportMeta` (its later years and source line) to ``go.Figure``.
"""

from __future__ import annotations

from typing import Final

import pandas as pd
import plotly.graph_objects as go

from components.covid_charts import (
    EMPTY_MESSAGE,
    SPAN,
    bounds,
    category_axis,
    end_labels,
    finish,
    row_labels,
    rows_height,
    symbol_legend,
    text_trace,
    x_title,
)
from components.format import fmt_value
from components.theme import MUTED_COLOR, PALETTE, empty_figure
from pesem.covid import (
    BEFORE_YEAR,
    PANDEMIC_YEAR,
    RECOVERY_LABELS,
    RECOVERY_STATES,
    Period,
    period,
)
from pesem.report import ReportMeta

#: Recovery chart: colour and legend entry of each state of pesem.covid.recovery.
RECOVERY_COLORS: Final = {
    "recovered": PALETTE["cumplido"],
    "not_recovered": PALETTE["rezagado"],
    "not_hit": PALETTE["muted"],
    "not_comparable": PALETTE["sin_dato"],
}


def later_span(years: Period) -> str:
    """The later years as one label: one year, or ``first–last`` (``""`` when there are none)."""
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


def _state_labels(rows: pd.DataFrame, labels: list[str], points: pd.DataFrame) -> list[go.Scatter]:
    """Each row's state in words: right of its rightmost point, or at 100 without an index."""
    shown = rows[rows["index_pandemic"].notna()]
    blocked = rows[rows["index_pandemic"].isna()]
    ends = points.groupby("indicator_id")["index"].max()
    traces = [
        end_labels(
            [max(100.0, float(ends.get(iid, 100.0))) for iid in shown["indicator_id"]],
            [labels[i] for i in shown.index],
            [_recovery_text(r) for _, r in shown.iterrows()],
        )
    ]
    if len(blocked):
        traces.append(
            text_trace(
                [100.0] * len(blocked),
                [labels[i] for i in blocked.index],
                [_recovery_text(r) for _, r in blocked.iterrows()],
                name="No comparable",
                hoverinfo="skip",
            )
        )
    return traces


def _index_axis(figure: go.Figure, points: pd.DataFrame) -> int:
    """The shared index axis (the year before = 100), with room for the labels on the right;
    returns the pixels its tick labels and title take under the plot."""
    lo, hi = bounds(points["index"]) if len(points) else (0.0, 120.0)
    lo, hi = min(lo, 0.0), max(hi, 120.0)
    figure.add_vline(x=100, line={"color": MUTED_COLOR, "width": 1, "dash": "dot"})
    title, band = x_title(f"Índice: valor de {BEFORE_YEAR} = 100 (a la derecha, mejor)")
    figure.update_xaxes(title=title, range=[lo - 6, hi + (hi - lo) * 0.6], zeroline=False)
    return band


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
    span = later_span(period(meta))
    rows = rec.reset_index(drop=True)
    labels = row_labels(rows)
    shown = rows[rows["index_pandemic"].notna()]
    points = path[path["indicator_id"].isin(shown["indicator_id"]) & path["index"].notna()]
    figure = go.Figure(
        [
            *_recovery_lines(shown, labels, path),
            *_recovery_markers(shown, labels, path),
            *_state_labels(rows, labels, points),
            *symbol_legend(
                [
                    (str(BEFORE_YEAR), "circle-open"),
                    (str(PANDEMIC_YEAR), "diamond"),
                    (span, "square"),
                ]
            ),
        ]
    )
    band = _index_axis(figure, points)
    category_axis(figure, labels)
    return finish(
        figure,
        f"¿Recuperaron su nivel de {BEFORE_YEAR}? {SPAN} → {span}",
        rows_height(len(rows), labels),
        meta.source,
        axis_band=band,
        subtitle=subtitle,
    )
