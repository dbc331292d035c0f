"""The dashboard's plotly template, palette and empty-state figure.

``apply_theme()`` registers the "pesem" template once and makes it the default, so every
``go.Figure`` built after start-up is readable on a projector: 16 px base font, 22 px titles,
high-contrast axes, the colour-blind-safe Okabe-Ito colorway and the report's number format
(``83.33%``, ``37,368``: point for decimals, comma for thousands).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from typing import Any, Final, Literal

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


def container_title(text: str, pad: Mapping[str, float]) -> dict[str, Any]:
    """A layout ``title`` anchored at the figure's top-left corner, ``pad`` pixels inside it.

    Placed in container coordinates (pixels from the figure's edge, not the plot area's), so
    long y labels or subplot titles never move it; every chart and its slide use this placement.
    """
    return {
        "text": text,
        "x": 0,
        "xref": "container",
        "xanchor": "left",
        "y": 1,
        "yref": "container",
        "yanchor": "top",
        "pad": dict(pad),
    }


def source_annotation(
    source: str,
    pixels_below: float,
    *,
    side: Literal["left", "right"] = "right",
    size: float = SOURCE_LINE_SIZE,
) -> dict[str, Any]:
    """The report's source line (``source``: ``meta.source``) as an annotation under the plot.

    ``pixels_below`` the bottom of the plot area (clear of tick labels and axis title), aligned
    with its left or right edge (``side``).
    """
    return {
        "text": source,
        "xref": "paper",
        "yref": "paper",
        "x": 1 if side == "right" else 0,
        "y": 0,
        "xanchor": side,
        "yanchor": "top",
        "yshift": -pixels_below,
        "showarrow": False,
        "font": {"size": size, "color": MUTED_COLOR},
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
