"""The slide version of a chart: what "Descargar PNG" and the page's ZIP render (web/slides.py).

A slide is the chart's content (data, axes, titles, notes) laid out by plotly for a 1600×900
picture: the registered :data:`SLIDE_TEMPLATE` (projector-sized fonts, a title block that pushes
the plot down, the legend outside the plot on the right, a band at the bottom for the source
line) merged over the figure's own template, plus the slide's width and height. The figure's
screen placement (margins, title and legend positions, its source line's offset) is dropped so
that the template decides; plotly's automargin makes room for titles, tick labels and legends.
"""

from __future__ import annotations

import re
from typing import Any, Final

import plotly.graph_objects as go
import plotly.io as pio

from components.theme import MUTED_COLOR, NOTE_NAME, ROW_LABEL_NAME, TEXT_COLOR

SLIDE_WIDTH: Final = 1600
SLIDE_HEIGHT: Final = 900
SLIDE_SCALE: Final = 2
SLIDE_TEMPLATE: Final = "pesem_slide"
#: No text on a slide is smaller (read from the back of a meeting room).
MIN_FONT_SIZE: Final = 18
BASE_FONT_SIZE: Final = 20
TITLE_FONT_SIZE: Final = 32
SUBTITLE_FONT_SIZE: Final = 22
#: Pixels between the title block and the plot: notes and panel titles drawn above the plot.
TITLE_GAP: Final = 56
#: Pixels under the plot area kept for the bottom axis (tick labels and title) before the
#: source line, and the bottom margin that holds both.
AXIS_BAND: Final = 90
BOTTOM_MARGIN: Final = AXIS_BAND + 2 * MIN_FONT_SIZE
#: Screen placement that the slide template replaces.
_PLACEMENT: Final = frozenset(
    {"x", "y", "xref", "yref", "xanchor", "yanchor", "pad", "orientation", "automargin"}
)
_SOURCE_PREFIX: Final = "Fuente:"
_TAG: Final = re.compile(r"<[^>]+>")
_BR: Final = re.compile(r"<br\s*/?>", re.IGNORECASE)
_SCRIPT: Final = re.compile(r"</?su[pb]>", re.IGNORECASE)


def _axis() -> dict[str, Any]:
    return {"tickfont": {"size": BASE_FONT_SIZE}, "title": {"font": {"size": BASE_FONT_SIZE}}}


def slide_template() -> go.layout.Template:
    """The slide's layout defaults, merged over the figure's own template."""
    return go.layout.Template(
        layout={
            "font": {"size": BASE_FONT_SIZE},
            "title": {
                "font": {"size": TITLE_FONT_SIZE, "color": TEXT_COLOR},
                "subtitle": {"font": {"size": SUBTITLE_FONT_SIZE, "color": MUTED_COLOR}},
                "x": 0,
                "xref": "container",
                "xanchor": "left",
                "y": 1,
                "yref": "container",
                "yanchor": "top",
                "pad": {"t": 28, "l": 36, "b": TITLE_GAP},
                "automargin": True,
            },
            "margin": {"l": 36, "r": 36, "t": 36, "b": BOTTOM_MARGIN, "pad": 4},
            "legend": {
                "orientation": "v",
                "x": 1.02,
                "xref": "paper",
                "xanchor": "left",
                "y": 1,
                "yref": "paper",
                "yanchor": "top",
                "font": {"size": BASE_FONT_SIZE},
            },
            "xaxis": _axis(),
            "yaxis": _axis(),
            "annotationdefaults": {"font": {"size": BASE_FONT_SIZE}},
            "uniformtext": {"minsize": MIN_FONT_SIZE, "mode": "hide"},
        }
    )


pio.templates[SLIDE_TEMPLATE] = slide_template()


def plain_text(text: Any) -> str:
    """``text`` without plotly's HTML-like tags."""
    return _TAG.sub(" ", str(text or "")).strip()


def is_source_annotation(annotation: Any) -> bool:
    """True for the annotation that carries the report's source line (``Fuente: ...``)."""
    return isinstance(annotation, dict) and plain_text(annotation.get("text")).startswith(
        _SOURCE_PREFIX
    )


def source_annotation(source: str) -> dict[str, Any]:
    """The slide's source line: under the bottom axis band, left-aligned with the plot."""
    return {
        "text": source,
        "xref": "paper",
        "x": 0,
        "xanchor": "left",
        "yref": "paper",
        "y": 0,
        "yanchor": "top",
        "yshift": -AXIS_BAND,
        "showarrow": False,
        "font": {"size": MIN_FONT_SIZE, "color": MUTED_COLOR},
    }


def _without_placement(node: Any) -> dict[str, Any]:
    return {k: v for k, v in (node or {}).items() if k not in _PLACEMENT and k != "font"}


def _title(own: Any, fallback: str | None) -> dict[str, Any]:
    """The figure's title text (and subtitle), or ``fallback``; placement left to the template."""
    own = own if isinstance(own, dict) else {}
    if not plain_text(own.get("text")) and fallback:
        own = {"text": fallback}
    title = _without_placement(own)
    subtitle = _without_placement(
        own.get("subtitle") if isinstance(own.get("subtitle"), dict) else {}
    )
    # plotly places a title anchored at the top by its first line: the lines after it would be
    # cut off, so they become the subtitle (drawn under the title, with its own font).
    first, *rest = _BR.split(str(title.get("text") or ""))
    lines = [_SCRIPT.sub("", line).strip() for line in rest if plain_text(line)]
    if subtitle.get("text"):
        lines.append(subtitle["text"])
    title["text"] = first.strip()
    if lines:
        title["subtitle"] = {**subtitle, "text": "<br>".join(lines)}
    return title


def _raise_fonts(node: Any) -> None:
    """Every ``*font.size`` under ``node`` at least :data:`MIN_FONT_SIZE`, in place."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("font") and isinstance(value, dict):
                size = value.get("size")
                if isinstance(size, int | float) and size < MIN_FONT_SIZE:
                    value["size"] = MIN_FONT_SIZE
            _raise_fonts(value)
    elif isinstance(node, list | tuple):
        for item in node:
            _raise_fonts(item)


def _as_slide_axes(layout: dict[str, Any]) -> None:
    """Undo what a page figure does for a phone's width, in place: x axis titles in one line,
    and the y tick labels instead of the labels written above the bars (name
    :data:`~components.theme.ROW_LABEL_NAME`)."""
    labelled = {
        a.get("yref") for a in layout.get("annotations") or () if a.get("name") == ROW_LABEL_NAME
    }
    for key, axis in layout.items():
        if not isinstance(axis, dict):
            continue
        title = axis.get("title")
        if key.startswith("xaxis") and isinstance(title, dict) and title.get("text"):
            title["text"] = _BR.sub(" ", str(title["text"]))
        if key.startswith("yaxis") and f"y{key[5:]}" in labelled:
            axis["showticklabels"] = True


def slide_figure(
    fig: go.Figure, *, title: str | None = None, source: str | None = None
) -> go.Figure:
    """``fig`` as a 1600×900 slide: title, source line inside the picture, projector fonts.

    ``title`` is used when the figure has none; ``source`` (default: the report's
    ``meta.source``) replaces the chart's own source line. Pure: ``fig`` is not modified.
    """
    if source is None:
        from pesem.loader import get_dataset

        source = get_dataset().meta.source
    spec = fig.to_plotly_json()  # a deep copy
    layout = spec.setdefault("layout", {})
    for key in ("margin", "height", "width", "autosize"):
        layout.pop(key, None)
    # A page figure keeps its title and its notes in layout.meta (on the page they are the
    # card's header and texts under the plot): on the slide they are its title and subtitle.
    own = layout.get("meta") if isinstance(layout.get("meta"), dict) else {}
    heading = title or own.get("title")
    if heading:
        extra = [own.get("subtitle"), *(own.get("notes") or ())]
        heading = "<br>".join([heading, *(line for line in extra if line)])
    layout["title"] = _title(layout.get("title"), heading)
    layout["legend"] = _without_placement(layout.get("legend"))
    _as_slide_axes(layout)
    layout["annotations"] = [
        *(
            a
            for a in layout.get("annotations") or ()
            if not is_source_annotation(a) and a.get("name") not in (NOTE_NAME, ROW_LABEL_NAME)
        ),
        source_annotation(source),
    ]
    _raise_fonts({"data": spec.get("data"), "layout": layout})
    slide = go.Figure(spec)
    slide.update_layout(
        template=pio.templates.merge_templates(slide.layout.template, SLIDE_TEMPLATE),
        width=SLIDE_WIDTH,
        height=SLIDE_HEIGHT,
        autosize=False,
    )
    return slide
