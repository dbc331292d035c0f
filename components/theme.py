"""The dashboard's plotly template, palette and empty-state figure.

``apply_theme()`` registers the "pesem" template once and makes it the default, so every
``go.Figure`` built after start-up is readable on a projector: 16 px base font, 22 px titles,
high-contrast axes, the colour-blind-safe Okabe-Ito colorway and the report's number format
(``83.33%``, ``37,368``: point for decimals, comma for thousands).
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any, Final

import plotly.graph_objects as go
import plotly.io as pio

TEMPLATE_NAME: Final = "pesem"
FONT_FAMILY: Final = "DejaVu Sans, Arial, Helvetica, sans-serif"
BASE_FONT_SIZE: Final = 16
TITLE_FONT_SIZE: Final = 22
TEXT_COLOR: Final = "#1a1a1a"
MUTED_COLOR: Final = "#595959"
GRID_COLOR: Final = "#d9d9d9"
#: No figure (page or slide) ever gets a smaller font: below it text is unreadable, and plotly
#: rejects a size of 0, which a zoom computed from a very tall figure would otherwise round to.
MIN_LEGIBLE_FONT_SIZE: Final = 8
#: Most indicators one chart draws (bar rows or trend panels): the report's 24 fit; beyond it a
#: chart is too long to read on screen or on a 1600×900 slide, and slow to build and draw. The
#: builders then draw a selection and say so ("Se muestran 25 de 1,000 indicadores …").
MAX_CHART_ITEMS: Final = 25
#: Font size of the source line on the page (the slide enlarges it).
SOURCE_LINE_SIZE: Final = 12

# A figure's layout is built once on the server, without knowing the reader's screen: it must
# read at a phone's width (a 360 px screen leaves about this many pixels to the chart) and at a
# desktop's. So the chart's title is the card's header (kept in ``layout.meta`` for the slide),
# and legend, notes and source line are stacked under the plot, wrapped to fit this width.
PHONE_CHART_WIDTH: Final = 290
LEGEND_FONT_SIZE: Final = 14
#: Pixels per legend row, and the average character width of the legend, notes and axis titles
#: in ems (DejaVu Sans is wide; measured in Chromium on the report's texts).
LEGEND_ROW: Final = 26
#: Pixels plotly's legend box adds around its rows.
LEGEND_PADDING: Final = 14
CHAR_EM: Final = 0.56
NOTE_SIZE: Final = 13
NOTE_LINE: Final = 18
SOURCE_LINE: Final = 16
AXIS_TITLE_SIZE: Final = 14
#: Name of the annotations that are notes under the plot (the slide draws them as its subtitle).
NOTE_NAME: Final = "nota"
#: Name of the bar labels written above the bars (the slide shows its y tick labels instead).
ROW_LABEL_NAME: Final = "etiqueta de fila"
#: Characters of a y tick label on the slide (a 1600 px picture has room for them).
SLIDE_LABEL_WIDTH: Final = 56


# Okabe & Ito (2008), ordered so that the first colours have the best contrast on white.
OKABE_ITO: Final[dict[str, str]] = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "bluish_green": "#009E73",
    "reddish_purple": "#CC79A7",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "black": "#000000",
    "yellow": "#F0E442",
}
COLORWAY: Final[list[str]] = list(OKABE_ITO.values())

PALETTE: Final[dict[str, str]] = {
    # series of Annex 6.1
    "baseline": MUTED_COLOR,
    "expected": OKABE_ITO["vermillion"],
    "achieved": OKABE_ITO["blue"],
    # one colour per strategic objective
    "OES.01": OKABE_ITO["blue"],
    "OES.02": OKABE_ITO["bluish_green"],
    "OES.03": OKABE_ITO["reddish_purple"],
    "OES.04": OKABE_ITO["orange"],
    # semáforo (always shown with its text icon and label, never colour alone)
    "cumplido": OKABE_ITO["bluish_green"],
    "en_riesgo": OKABE_ITO["orange"],
    "rezagado": OKABE_ITO["vermillion"],
    "sin_meta": "#8c8c8c",
    "sin_dato": "#bdbdbd",
    # neutral
    "text": TEXT_COLOR,
    "muted": MUTED_COLOR,
    "grid": GRID_COLOR,
}


def _axis() -> dict:
    return {
        "automargin": True,
        # 35,000 rather than 35k (plotly separates thousands from 5 digits on: years stay bare)
        "exponentformat": "none",
        "gridcolor": GRID_COLOR,
        "linecolor": MUTED_COLOR,
        "linewidth": 1,
        "showline": True,
        "ticks": "outside",
        "tickcolor": MUTED_COLOR,
        "tickfont": {"size": BASE_FONT_SIZE, "color": TEXT_COLOR},
        "title": {"font": {"size": BASE_FONT_SIZE + 2, "color": TEXT_COLOR}, "standoff": 12},
        "zerolinecolor": MUTED_COLOR,
        "zerolinewidth": 1,
    }


#: Trace types the dashboard draws: the template carries defaults for these only.
TRACE_TYPES: Final = ("bar", "scatter")


def _plotly_white() -> dict[str, Any]:
    # Read plotly's own template file instead of pio.templates["plotly_white"]: that object
    # holds defaults for all ~25 trace types, which builds every trace class (9 MB per process)
    # and travels inside every figure (8 kB of JSON each).
    source = resources.files("plotly.package_data.templates").joinpath("plotly_white.json")
    return json.loads(source.read_text(encoding="utf-8"))


def build_template() -> go.layout.Template:
    """The "pesem" template: plotly_white's bar/scatter defaults with projector-sized layout."""
    white = _plotly_white()
    template = go.layout.Template(
        layout=white["layout"],
        data={kind: white["data"][kind] for kind in TRACE_TYPES},
    )
    template.layout.update(
        font={"family": FONT_FAMILY, "size": BASE_FONT_SIZE, "color": TEXT_COLOR},
        title={
            "font": {"family": FONT_FAMILY, "size": TITLE_FONT_SIZE, "color": TEXT_COLOR},
            "x": 0,
            "xanchor": "left",
            "xref": "paper",
            "y": 1,
            "yanchor": "top",
            "yref": "container",
            "pad": {"t": 16},
        },
        colorway=COLORWAY,
        separators=".,",
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        margin={"l": 64, "r": 24, "t": 72, "b": 64},
        xaxis=_axis(),
        yaxis=_axis(),
        legend={
            "font": {"size": BASE_FONT_SIZE},
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": -0.2,
            "yanchor": "top",
            "bgcolor": "rgba(255,255,255,0)",
        },
        hoverlabel={
            "font": {"family": FONT_FAMILY, "size": BASE_FONT_SIZE, "color": TEXT_COLOR},
            "bgcolor": "#ffffff",
            "bordercolor": MUTED_COLOR,
        },
        annotationdefaults={"font": {"size": BASE_FONT_SIZE, "color": TEXT_COLOR}},
        uniformtext={"minsize": 14, "mode": "hide"},
    )
    template.data.scatter = [go.Scatter(line={"width": 3}, marker={"size": 10})]
    template.data.bar = [
        go.Bar(
            textfont={"size": BASE_FONT_SIZE},
            marker={"line": {"width": 0}},
        )
    ]
    return template


def apply_theme() -> None:
    """Register the "pesem" template and make it the default (idempotent)."""
    pio.templates[TEMPLATE_NAME] = build_template()
    pio.templates.default = TEMPLATE_NAME


def chars_per_line(size: float, width: float = PHONE_CHART_WIDTH - 16) -> int:
    """Characters of ``size`` px text that fit in ``width`` pixels (the phone's chart width)."""
    return max(12, int(width / (CHAR_EM * size)))


def wrap_lines(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` characters (existing ``<br>`` kept)."""
    lines: list[str] = []
    for part in re.split(r"<br\s*/?>", str(text or "")):
        lines += textwrap.wrap(part, width=width, break_on_hyphens=False) or [""]
    return [line for line in lines if line] or []


def axis_title(text: str, size: float = AXIS_TITLE_SIZE, *, left: float = 0) -> dict[str, Any]:
    """An x axis title wrapped to fit a phone's plot area (``left``: the figure's left margin;
    the title is centred on the plot area)."""
    return {
        "text": "<br>".join(_axis_title_lines(text, size, left)),
        "font": {"size": size, "color": TEXT_COLOR},
    }


def _axis_title_lines(text: str, size: float, left: float) -> list[str]:
    return wrap_lines(text, chars_per_line(size, PHONE_CHART_WIDTH - left - 32))


def axis_title_height(text: str, size: float = AXIS_TITLE_SIZE, *, left: float = 0) -> int:
    """Pixels the wrapped axis title (:func:`axis_title`) takes."""
    return round(1.3 * size * len(_axis_title_lines(text, size, left)))


def legend_height(names: Sequence[str], width: float = PHONE_CHART_WIDTH) -> int:
    """Pixels a horizontal legend of ``names`` takes at a phone's chart width (0 for none).

    Entries fill a row from the left until the next one does not fit; a name with ``<br>``
    makes its row as many lines tall.
    """
    if not names:
        return 0
    height, used, row_lines = 0, 0.0, 1
    for name in names:
        lines = re.split(r"<br\s*/?>", str(name))
        longest = max(len(re.sub(r"<[^>]+>", "", line)) for line in lines)
        entry = 58 + CHAR_EM * LEGEND_FONT_SIZE * longest
        if used and used + entry > width:
            height, used, row_lines = height + LEGEND_ROW * row_lines, 0.0, 1
        used += entry
        row_lines = max(row_lines, len(lines))
    return height + LEGEND_ROW * row_lines + LEGEND_PADDING


def legend_names(data: Sequence[Any]) -> list[str]:
    """Names of the traces a legend lists (plain dicts or plotly traces)."""
    names: list[str] = []
    for trace in data:
        get = trace.get if isinstance(trace, Mapping) else lambda k, t=trace: getattr(t, k, None)
        if get("showlegend") is not False and get("name") and get("name") not in names:
            names.append(str(get("name")))
    return names


def under_plot(
    *,
    plot_height: float,
    axis_band: float,
    source: str,
    notes: Sequence[str] = (),
    legend: Sequence[str] = (),
    left: float = 0,
) -> dict[str, Any]:
    """Legend, notes and source line stacked under the plot area: ``legend``, ``annotations``
    (notes named :data:`NOTE_NAME`, then the source line) and ``bottom`` (the margin they need).

    Placed in pixels from the plot area's bottom (``plot_height`` pixels tall): first
    ``axis_band`` pixels for the x tick labels and axis title, then the legend (horizontal, as
    many rows as a phone needs), the notes and the source, each wrapped to a phone's width;
    ``left`` is the figure's left margin, so the texts start near the figure's left edge.
    """
    # the legend starts at the plot area's left edge, ``left`` pixels into the figure
    legend_px = legend_height(legend, PHONE_CHART_WIDTH - max(left - 12, 0))
    offset = axis_band + (legend_px + 6 if legend_px else 0)
    annotations = []
    note_chars = chars_per_line(NOTE_SIZE)
    for note in notes:
        lines = wrap_lines(note, note_chars)
        annotations.append(
            _text_under("<br>".join(lines), offset, left, {"size": NOTE_SIZE, "color": TEXT_COLOR})
            | {"name": NOTE_NAME}
        )
        offset += NOTE_LINE * len(lines) + 4
    source_lines = wrap_lines(source, chars_per_line(SOURCE_LINE_SIZE))
    if source_lines:
        annotations.append(
            _text_under(
                "<br>".join(source_lines),
                offset,
                left,
                {"size": SOURCE_LINE_SIZE, "color": MUTED_COLOR},
            )
        )
    offset += SOURCE_LINE * len(source_lines) + 8
    return {
        "legend": {
            "orientation": "h",
            "x": 0,
            "xref": "paper",
            "xanchor": "left",
            "y": -axis_band / max(plot_height, 1),
            "yref": "paper",
            "yanchor": "top",
            "font": {"size": LEGEND_FONT_SIZE},
            "title": {"text": ""},
        },
        "annotations": annotations,
        "bottom": round(offset),
    }


def labels_above_bars(
    labels: Sequence[str], texts: Sequence[str], *, bar_px: float, left: float, yref: str = "y"
) -> list[dict[str, Any]]:
    """Each horizontal bar's label written above it, from the figure's left edge.

    Instead of y tick labels, which would take half a phone's width: ``labels`` are the category
    values of the bars (``yref``'s axis), ``texts`` what to write (wrapped to a phone's width),
    ``bar_px`` the bars' thickness in pixels, ``left`` the figure's left margin.
    """
    width = chars_per_line(NOTE_SIZE + 1)
    return [
        {
            "text": "<br>".join(wrap_lines(text, width)),
            "x": 0,
            "xref": "paper" if yref == "y" else f"x{yref[1:]} domain",
            "xanchor": "left",
            "xshift": -max(left - 8, 0),
            "y": label,
            "yref": yref,
            "yanchor": "bottom",
            "yshift": bar_px / 2 + 2,
            "align": "left",
            "showarrow": False,
            "font": {"size": NOTE_SIZE + 1, "color": TEXT_COLOR},
            # readable where a reference line (100%, zero) crosses it
            "bgcolor": "rgba(255,255,255,0.85)",
            "name": ROW_LABEL_NAME,
        }
        for label, text in zip(labels, texts, strict=True)
    ]


def row_label_axis(labels: Sequence[str], texts: Sequence[str]) -> dict[str, Any]:
    """The y axis keys of a chart labelled by :func:`labels_above_bars`: tick labels hidden on
    the page, and short enough for the slide, which shows them instead of the labels above."""
    return {
        "tickvals": list(labels),
        "ticktext": [
            textwrap.shorten(re.sub(r"<br\s*/?>", " ", str(t)), SLIDE_LABEL_WIDTH, placeholder="…")
            for t in texts
        ],
        "showticklabels": False,
        "ticks": "",
        "showline": False,
    }


def label_lines(text: str) -> int:
    """Lines of a bar label written by :func:`labels_above_bars`."""
    return len(wrap_lines(text, chars_per_line(NOTE_SIZE + 1))) or 1


def _text_under(text: str, pixels_below: float, left: float, font: dict) -> dict[str, Any]:
    return {
        "text": text,
        "xref": "paper",
        "yref": "paper",
        "x": 0,
        "y": 0,
        "xanchor": "left",
        "yanchor": "top",
        "xshift": -max(left - 8, 0),
        "yshift": -pixels_below,
        "align": "left",
        "showarrow": False,
        "font": font,
    }


def empty_figure(message: str) -> go.Figure:
    """A figure with no axes and a centred Spanish message (e.g. "Sin datos del indicador")."""
    figure = go.Figure()
    figure.update_layout(
        template=TEMPLATE_NAME if TEMPLATE_NAME in pio.templates else None,
        xaxis={"visible": False},
        yaxis={"visible": False},
        margin={"l": 24, "r": 24, "t": 24, "b": 24},
        height=320,
        annotations=[
            {
                "text": message,
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": 0.5,
                "xanchor": "center",
                "yanchor": "middle",
                "showarrow": False,
                "font": {"size": BASE_FONT_SIZE + 4, "color": MUTED_COLOR},
            }
        ],
    )
    return figure
