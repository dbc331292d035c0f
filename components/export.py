"""The slide version of a chart: what the PNG export (button, camera and ZIP) renders.

:func:`slide_figure` turns a figure built for the page into a 1600×900 slide: a title, the
report's source line inside the picture and everything 25 % bigger (fonts, margins, pixel
offsets, marker sizes and line widths), so that it reads from the back of a meeting room.

Chart builders place titles, legends, notes and the source line in *pixels* from the edges of the
plot area or of the figure (margins, ``pad``, ``yshift``, legend/title ``y`` in container
coordinates). The slide therefore zooms the whole layout by :data:`SLIDE_ZOOM` instead of only
enlarging fonts: the distances grow with the text they hold and nothing overlaps or is clipped.
Font sizes never go below :data:`MIN_FONT_SIZE`. Only multi-panel charts taller than a slide
(e.g. the COVID page's "todos los indicadores" views) are zoomed less, down to below 1, so that
their panels still fit in 900 px; their fonts then shrink with them, never below
:data:`components.theme.MIN_LEGIBLE_FONT_SIZE`.

Used server-side by ``components/png_zip.py`` (kaleido) and client-side through
:func:`slide_patch`: ``chart_card`` stores the patch (the leaves that differ between the figure
and its slide) on the card, and ``assets/pesem.js`` applies it to a copy of the figure on screen
before ``Plotly.downloadImage``, for both the "Descargar PNG" button and the modebar camera.
"""

from __future__ import annotations

import base64
import functools
import json
import math
import re
import textwrap
from collections.abc import Iterator
from typing import Any, Final

import numpy as np
import plotly.graph_objects as go
from plotly.io.json import to_json_plotly

from components.theme import (
    FONT_FAMILY,
    MIN_LEGIBLE_FONT_SIZE,
    MUTED_COLOR,
    SOURCE_LINE,
    TEXT_COLOR,
    container_title,
    source_annotation,
)

SLIDE_WIDTH: Final = 1600
SLIDE_HEIGHT: Final = 900
SLIDE_SCALE: Final = 2
#: How much bigger than on screen: a 16 px tick label becomes 20 px, a 22 px title 30 px.
SLIDE_ZOOM: Final = 1.25
MIN_FONT_SIZE: Final = 18
MIN_TITLE_SIZE: Final = 30
SOURCE_FONT_SIZE: Final = 18
#: Height reserved under the plot for the source line when the figure does not place one.
SOURCE_BAND: Final = 36
#: plotly.js defaults when the figure does not set them.
PLOTLY_DEFAULT_HEIGHT: Final = 450
PLOTLY_DEFAULT_FONT_SIZE: Final = 12
PLOTLY_DEFAULT_MARGIN: Final[dict[str, int]] = {"l": 80, "r": 80, "t": 100, "b": 80, "pad": 0}
#: Characters per line of a title added here (30 px font on a 1600 px slide).
TITLE_WRAP: Final = 80
#: A slide title's lines after the first become its subtitle, this much smaller.
SUBTITLE_RATIO: Final = 0.72
#: Pixels between the title and its subtitle (plotly's own spacing plus a little air).
SUBTITLE_GAP: Final = 10
#: Distance kept between the left edge and a legend placed at the container's left edge.
LEGEND_INSET: Final = 12
#: Category axes with more labels than this keep plotly's automatic thinning.
MAX_CATEGORIES: Final = 40

_TAG = re.compile(r"<[^>]+>")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_SCRIPT_TAG = re.compile(r"</?su[pb]>", re.IGNORECASE)
_AXIS_KEY = re.compile(r"^[xy]axis\d*$")
_BDATA_KEYS: Final = frozenset({"dtype", "bdata"})

JsonPath = list[str | int]
Patch = list[tuple[JsonPath, Any]]


# --------------------------------------------------------------------------- small helpers


def _plain_text(text: Any) -> str:
    return _TAG.sub(" ", str(text or "")).strip()


def is_source_annotation(annotation: Any) -> bool:
    """True for the annotation that carries the report's source line (``Fuente: ...``)."""
    return isinstance(annotation, dict) and _plain_text(annotation.get("text")).startswith(
        "Fuente:"
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _as_list(value: Any) -> Any:
    """Numbers of numpy arrays and of plotly's typed-array JSON (``{dtype, bdata}``) as lists."""
    if isinstance(value, dict) and value.keys() >= _BDATA_KEYS:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = [int(n) for n in str(value.get("shape") or "").split(",") if n.strip()]
        return (array.reshape(shape) if len(shape) > 1 else array).tolist()
    return value.tolist() if hasattr(value, "tolist") and not _is_number(value) else value


def _dicts(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            if isinstance(item, dict):
                yield item


def _axes(layout: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for key, axis in layout.items():
        if _AXIS_KEY.match(key) and isinstance(axis, dict):
            yield key, axis


def _title_lines(text: str) -> tuple[str, list[str]]:
    """(first line, further lines) of a slide title: split at ``<br>``, wrapped at
    :data:`TITLE_WRAP` characters otherwise. ``<sup>``/``<sub>`` are dropped from the further
    lines (they become the subtitle, already smaller)."""
    parts = [part.strip() for part in _BR.split(text) if _plain_text(part)]
    if not parts:
        return text, []
    first = parts[0]
    wrapped = textwrap.wrap(first, width=TITLE_WRAP) if not _TAG.search(first) else [first]
    width = round(TITLE_WRAP / SUBTITLE_RATIO)
    lines: list[str] = [] if len(wrapped) < 2 else textwrap.wrap(" ".join(wrapped[1:]), width)
    for part in parts[1:]:
        line = _SCRIPT_TAG.sub("", part).strip()
        lines += [line] if _TAG.search(line) else textwrap.wrap(line, width) or [line]
    return wrapped[0] if wrapped else first, lines


def _title_with_subtitle(
    title: dict[str, Any], subtitle_size: float, color: str | None
) -> tuple[int, int]:
    """Moves the lines after the first of ``title.text`` to ``title.subtitle.text``, in place.

    plotly places a multi-line title by its first line: anchored at the top, the lines above the
    baseline are cut off. A one-line title and a subtitle below it are placed correctly.
    Returns (title lines, subtitle lines).
    """
    first, rest = _title_lines(str(title.get("text") or ""))
    subtitle = title.get("subtitle") if isinstance(title.get("subtitle"), dict) else {}
    own = str(subtitle.get("text") or "")
    if own:
        rest.append(own)
    title["text"] = first
    if not rest:
        return 1, 0
    font = {**(subtitle.get("font") or {}), "size": subtitle_size}
    if color:
        font.setdefault("color", color)
    title["subtitle"] = {**subtitle, "text": "<br>".join(rest), "font": font}
    return 1, len(rest) + own.count("<br")


def slide_zoom(fig: go.Figure | dict[str, Any]) -> float:
    """How much the slide enlarges ``fig``: :data:`SLIDE_ZOOM`, less for tall multi-panel charts.

    Panels stacked in one figure are separated by gaps computed for the figure's height on
    screen; the slide keeps those gaps (in zoomed pixels) only if the zoom is at most
    ``900 / height``. Single-panel charts (bars, lines) just get shorter rows.
    """
    spec = fig.to_plotly_json() if isinstance(fig, go.Figure) else fig
    layout = spec.get("layout") or {}
    domains = {
        tuple(axis.get("domain") or (0, 1))
        for key, axis in _axes(layout)
        if key.startswith("y") and not axis.get("overlaying")
    }
    if len(domains) <= 1:
        return SLIDE_ZOOM
    return min(SLIDE_ZOOM, SLIDE_HEIGHT / _height(layout))


def _height(layout: dict[str, Any]) -> float:
    t_layout = (layout.get("template") or {}).get("layout") or {}
    return layout.get("height") or t_layout.get("height") or PLOTLY_DEFAULT_HEIGHT


class _Zoom:
    """Multiplies pixel measures by ``factor``; font sizes too, with a floor."""

    def __init__(self, factor: float, height: float) -> None:
        self.factor = factor
        self.height = height  # the figure's height on screen
        # A tall figure is zoomed far below 1; the floor shrinks with it but never under the
        # legible minimum (a 60,000 px chart would otherwise round its fonts to 0 px).
        self.font_floor = max(MIN_FONT_SIZE * min(factor, 1.0), MIN_LEGIBLE_FONT_SIZE)

    def value(self, value: Any) -> Any:
        value = _as_list(value)
        if _is_number(value):
            return round(value * self.factor, 1)
        if isinstance(value, list | tuple):
            return [self.value(item) for item in value]
        return value

    def font_size(self, value: Any, floor: float | None = None) -> Any:
        value = _as_list(value)
        floor = self.font_floor if floor is None else floor
        if _is_number(value):
            return max(round(value * self.factor), round(floor))
        if isinstance(value, list | tuple):
            return [self.font_size(item, floor) for item in value]
        return value

    def keys(self, node: Any, *keys: str) -> None:
        if isinstance(node, dict):
            for key in keys:
                if key in node:
                    node[key] = self.value(node[key])

    def fonts(self, node: Any) -> None:
        """Every ``*font.size`` under ``node`` (layout, template, traces)."""
        if isinstance(node, dict):
            for key, value in node.items():
                if key.endswith("font") and isinstance(value, dict) and "size" in value:
                    value["size"] = self.font_size(value["size"])
                self.fonts(value)
        elif isinstance(node, list):
            for item in node:
                self.fonts(item)

    def trace(self, trace: dict[str, Any]) -> None:
        """Marker sizes and line widths of one trace (or trace template)."""
        marker = trace.get("marker")
        if isinstance(marker, dict):
            self.keys(marker, "size")
            self.keys(marker.get("line"), "width")
        self.keys(trace.get("line"), "width")
        for bar in ("error_x", "error_y"):
            self.keys(trace.get(bar), "thickness", "width")

    def axis(self, axis: dict[str, Any]) -> None:
        self.keys(axis, "ticklen", "tickwidth", "linewidth", "gridwidth", "zerolinewidth")
        if isinstance(axis.get("title"), dict):
            self.keys(axis["title"], "standoff")

    def container_y(self, y: Any, shift: float = 0.0) -> Any:
        """A container-relative ``y`` whose pixel distance to the nearest edge is zoomed.

        ``shift`` pixels are added to distances from the top (room made for an added title).
        """
        if not _is_number(y):
            return y
        if y >= 0.5:
            from_top = (1 - y) * self.height * self.factor + shift
            return min(1.0, max(0.0, 1 - from_top / SLIDE_HEIGHT))
        return min(1.0, max(0.0, y * self.height * self.factor / SLIDE_HEIGHT))

    def layout(self, layout: dict[str, Any], template_layout: dict[str, Any], room: float) -> None:
        """Pixel geometry of the layout: margins, pads, shifts, container positions, widths."""
        margin = {
            **PLOTLY_DEFAULT_MARGIN,
            **(template_layout.get("margin") or {}),
            **(layout.get("margin") or {}),
        }
        layout["margin"] = {key: self.value(value) for key, value in margin.items()}
        layout["margin"]["t"] += room

        title = layout.get("title")
        if isinstance(title, dict):
            self.keys(title.get("pad"), "t", "b", "l", "r")
            if title.get("yref") == "container":
                title["y"] = self.container_y(title.get("y", 1))

        for key in [key for key in layout if re.fullmatch(r"legend\d*", key)]:
            legend = layout[key]
            if not isinstance(legend, dict):
                continue
            self.keys(legend, "tracegroupgap", "borderwidth")
            if legend.get("entrywidthmode", "pixels") == "pixels":
                self.keys(legend, "entrywidth")
            if legend.get("yref") == "container":
                legend["y"] = self.container_y(legend.get("y", 1), room)
            if (
                legend.get("xref") == "container"
                and legend.get("xanchor", "left") == "left"
                and _is_number(legend.get("x"))
                and legend["x"] < LEGEND_INSET / SLIDE_WIDTH
            ):
                legend["x"] = LEGEND_INSET / SLIDE_WIDTH  # symbols flush with the edge get cut

        for annotation in _dicts(layout.get("annotations")):
            self.keys(annotation, "xshift", "yshift", "borderpad", "borderwidth", "arrowwidth")
            if annotation.get("showarrow", True):
                if annotation.get("axref", "pixel") == "pixel":
                    self.keys(annotation, "ax")
                if annotation.get("ayref", "pixel") == "pixel":
                    self.keys(annotation, "ay")

        for shape in _dicts(layout.get("shapes")):
            self.keys(shape.get("line"), "width")
        for _, axis in _axes(layout):
            self.axis(axis)
        uniformtext = layout.get("uniformtext")
        if isinstance(uniformtext, dict) and "minsize" in uniformtext:
            uniformtext["minsize"] = self.font_size(uniformtext["minsize"], floor=0)

    def template(self, template: dict[str, Any]) -> None:
        t_layout = template.get("layout")
        if isinstance(t_layout, dict):
            for _, axis in _axes(t_layout):
                self.axis(axis)
            uniformtext = t_layout.get("uniformtext")
            if isinstance(uniformtext, dict) and "minsize" in uniformtext:
                uniformtext["minsize"] = self.font_size(uniformtext["minsize"], floor=0)
        t_data = template.get("data")
        if isinstance(t_data, dict):
            for traces in t_data.values():
                for trace in _dicts(traces):
                    self.trace(trace)


def _font_of(*fonts: Any) -> float | None:
    for font in fonts:
        if isinstance(font, dict) and _is_number(font.get("size")):
            return float(font["size"])
    return None


def _bottom_extent(layout: dict[str, Any], t_layout: dict[str, Any], base_font: float) -> float:
    """Pixels the bottom x axes need under the plot (tick labels + axis title), estimated."""
    t_axis = t_layout.get("xaxis") or {}
    needed = 0.0
    for key, axis in _axes(layout):
        if not key.startswith("x") or axis.get("visible") is False or axis.get("side") == "top":
            continue
        tick = _font_of(axis.get("tickfont"), t_axis.get("tickfont")) or base_font
        extent = tick * 1.25 + (axis.get("ticklen") or t_axis.get("ticklen") or 5) + 6
        title = axis.get("title") if isinstance(axis.get("title"), dict) else {}
        if _plain_text(title.get("text")):
            t_title = t_axis.get("title") if isinstance(t_axis.get("title"), dict) else {}
            size = _font_of(title.get("font"), t_title.get("font")) or base_font
            lines = str(title["text"]).count("<br") + 1
            extent += (title.get("standoff") or t_title.get("standoff") or 10) + size * 1.25 * lines
        needed = max(needed, extent)
    return needed


def _axis_key(trace: dict[str, Any], letter: str) -> str:
    ref = str(trace.get(f"{letter}axis") or letter)
    return f"{letter}axis{ref[1:]}"


def _categories(spec: dict[str, Any]) -> dict[str, int]:
    """Layout axis key -> number of categories, for axes that plot text categories."""
    found: dict[str, set[str]] = {}
    for trace in _dicts(spec.get("data")):
        for letter in ("x", "y"):
            values = _as_list(trace.get(letter))
            if isinstance(values, list) and values and all(isinstance(v, str) for v in values):
                found.setdefault(_axis_key(trace, letter), set()).update(values)
    return {key: len(values) for key, values in found.items()}


def _fit_categories(spec: dict[str, Any], font_size: float) -> None:
    """Every category label shown (plotly would drop every other one when rows get tight).

    The tick font shrinks (to 14 px at least) when the estimated row is lower than the text.
    """
    layout = spec["layout"]
    margin = layout["margin"]
    plot_height = SLIDE_HEIGHT - margin["t"] - margin["b"]
    plot_width = SLIDE_WIDTH - margin["l"] - margin["r"]
    for key, count in _categories(spec).items():
        axis = layout.setdefault(key, {})
        if axis.get("tickmode") or axis.get("tickvals") is not None or count > MAX_CATEGORIES:
            continue
        domain = axis.get("domain") or [0, 1]
        length = (plot_height if key.startswith("y") else plot_width) * (domain[1] - domain[0])
        axis.update({"tickmode": "linear", "tick0": 0, "dtick": 1})
        if key.startswith("y"):
            size = _font_of(axis.get("tickfont")) or font_size
            fitting = math.floor(length / count / 1.25)
            if fitting < size:
                axis["tickfont"] = {**(axis.get("tickfont") or {}), "size": max(fitting, 14)}


def _horizontal_bar_text(spec: dict[str, Any]) -> None:
    """Bar labels stay horizontal (plotly turns them 90° when a thinner bar no longer fits them)."""
    for trace in _dicts(spec.get("data")):
        if trace.get("type") == "bar" and "textangle" not in trace:
            trace["textangle"] = 0


# --------------------------------------------------------------------------- public API


def figure_title(fig: go.Figure) -> str:
    """The figure's own title text ('' when it has none)."""
    return _plain_text(fig.layout.title.text)


def slide_figure(fig: go.Figure, *, title: str | None = None) -> go.Figure:
    """``fig`` as a 1600×900 slide: title, source line inside the picture, projector-sized text.

    * Title: the figure's own title is kept; ``title`` is added when the figure has none. Its
      lines after the first (``<br>``, or wrapped at :data:`TITLE_WRAP` characters) become
      ``title.subtitle`` (a multi-line title anchored at the top is clipped by plotly).
    * Source: the annotation starting with ``Fuente:`` is kept where the chart put it (its offset
      zoomed) and set to 18 px; one is added under the plot (and its axis title) otherwise.
    * Everything measured in pixels is multiplied by :func:`slide_zoom` (fonts at least 18 px,
      titles at least 30 px); container-relative positions are recomputed for 900 px; category
      labels are all shown and bar labels stay horizontal.

    Pure: ``fig`` is not modified.
    """
    return go.Figure(_slide_spec(fig.to_plotly_json(), title))  # to_plotly_json: a deep copy


def _slide_spec(spec: dict[str, Any], title: str | None) -> dict[str, Any]:
    """:func:`slide_figure` on a figure dict, changed in place (no validation: fast enough to run
    for every chart card)."""
    layout: dict[str, Any] = spec.setdefault("layout", {})
    template: dict[str, Any] = layout.get("template") or {}
    t_layout: dict[str, Any] = template.get("layout") or {}
    zoom = _Zoom(slide_zoom(spec), _height(layout))

    base_font = _font_of(layout.get("font"), t_layout.get("font")) or PLOTLY_DEFAULT_FONT_SIZE
    font_size = zoom.font_size(base_font)
    title_floor = max(round(MIN_TITLE_SIZE * min(zoom.factor, 1.0)), MIN_LEGIBLE_FONT_SIZE)

    title_dict = layout.get("title") if isinstance(layout.get("title"), dict) else {}
    has_title = bool(_plain_text(title_dict.get("text")))
    added_title: dict[str, Any] = {"text": title} if (title and not has_title) else {}
    added_title_size = max(round(font_size * 1.4), title_floor)
    subtitle_size = max(round(added_title_size * SUBTITLE_RATIO), font_size)
    room = 0.0
    if added_title:
        _, sub_lines = _title_with_subtitle(added_title, subtitle_size, MUTED_COLOR)
        room = added_title_size * 1.3 + 24
        if sub_lines:
            room += SUBTITLE_GAP + sub_lines * subtitle_size * 1.3

    # Zoom every pixel measure of the layout, then every font, the traces and the template.
    zoom.layout(layout, t_layout, room)
    zoom.fonts(spec)
    for trace in _dicts(spec.get("data")):
        zoom.trace(trace)
    if template:
        zoom.template(template)
    layout["font"] = {**(layout.get("font") or {}), "size": font_size}

    if added_title:
        layout["title"] = {
            **added_title,
            **container_title(added_title["text"], {"t": 18, "l": 22}),
            "font": {"size": added_title_size, "color": TEXT_COLOR},
        }
    elif has_title:
        own = layout["title"]
        title_font = own.setdefault("font", {})
        size = _font_of(title_font, (t_layout.get("title") or {}).get("font"))  # both zoomed
        title_font["size"] = max(size or round(font_size * 1.4), title_floor)
        own_subtitle_size = max(round(title_font["size"] * SUBTITLE_RATIO), font_size)
        _, sub_lines = _title_with_subtitle(own, own_subtitle_size, MUTED_COLOR)
        if own.get("yref") == "container" and own.get("yanchor") == "top":
            # the plot starts under the title block (the figure's margin was set for the screen)
            y = own.get("y", 1) if _is_number(own.get("y", 1)) else 1
            needed = (1 - y) * SLIDE_HEIGHT + title_font["size"] * 1.3 + 24
            if sub_lines:
                needed += SUBTITLE_GAP + sub_lines * own_subtitle_size * 1.3
            layout["margin"]["t"] = max(layout["margin"]["t"], round(needed, 1))

    # Source line: the chart's own one, bigger; or a new one under the bottom axis.
    annotations = list(_dicts(layout.get("annotations")))
    source = next((a for a in annotations if is_source_annotation(a)), None)
    margin = layout["margin"]
    if source is not None:
        source["text"] = SOURCE_LINE
        source["font"] = {**(source.get("font") or {}), "size": SOURCE_FONT_SIZE}
        below = -float(source.get("yshift") or 0)
        if source.get("yref", "paper") == "paper" and (source.get("y") or 0) <= 0:
            margin["b"] = max(margin["b"], below + SOURCE_FONT_SIZE * 1.4 + 10)
    else:
        axis_room = max(margin["b"], _bottom_extent(layout, t_layout, font_size))
        margin["b"] = axis_room + SOURCE_BAND
        annotations.append(
            source_annotation(axis_room + 8, size=SOURCE_FONT_SIZE, family=FONT_FAMILY)
        )
    layout["annotations"] = annotations

    _fit_categories(spec, font_size)
    _horizontal_bar_text(spec)
    layout["width"] = SLIDE_WIDTH
    layout["height"] = SLIDE_HEIGHT
    layout["autosize"] = False
    return spec


# --------------------------------------------------------------------------- client-side patch


def _is_leaf(value: Any) -> bool:
    """Values replaced as a whole: scalars, typed arrays (``bdata``) and lists of scalars."""
    if isinstance(value, dict):
        return value.keys() >= _BDATA_KEYS
    if isinstance(value, list):
        return not any(isinstance(item, dict | list) for item in value)
    return True


def _diff(before: Any, after: Any, path: JsonPath, out: Patch) -> None:
    if (
        isinstance(before, dict)
        and isinstance(after, dict)
        and not (_is_leaf(before) or _is_leaf(after))
    ):
        for key, value in after.items():
            if key not in before:
                out.append(([*path, key], value))
            else:
                _diff(before[key], value, [*path, key], out)
        for key in before.keys() - after.keys():
            out.append(([*path, key], None))
        return
    if (
        isinstance(before, list)
        and isinstance(after, list)
        and len(before) == len(after)
        and not (_is_leaf(before) and _is_leaf(after))
    ):
        for index, (old, new) in enumerate(zip(before, after, strict=True)):
            _diff(old, new, [*path, index], out)
        return
    if before != after:
        out.append((path, after))


def _wire_text(figure: go.Figure | dict[str, Any]) -> str:
    """The figure as the browser receives it (plotly's JSON encoder, as ``dcc.Graph`` uses)."""
    return to_json_plotly(figure.to_plotly_json() if isinstance(figure, go.Figure) else figure)


@functools.lru_cache(maxsize=256)
def _cached_patch(wire: str, title: str | None) -> str:
    before = json.loads(wire)
    after = json.loads(_wire_text(_slide_spec(json.loads(wire), title)))
    out: Patch = []
    for key in ("data", "layout"):
        _diff(before.get(key), after.get(key), [key], out)
    return json.dumps(out, separators=(",", ":"), ensure_ascii=False)


def slide_patch(fig: go.Figure, *, title: str | None = None) -> Patch:
    """``[(path, value), …]`` that turns ``fig`` (as sent to the browser) into its slide.

    Paths start with ``"data"`` or ``"layout"``; ``assets/pesem.js`` sets each value on a copy of
    the plotted figure (so zoom and hidden legend entries on screen are kept in the PNG).
    Cached by figure: a page drawn again costs one JSON encoding per chart.
    """
    return json.loads(_cached_patch(_wire_text(fig), title))
