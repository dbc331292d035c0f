"""``chart_card``: every chart with the same modebar, PNG export and text alternative.

The card holds the ``dcc.Graph`` (Spanish modebar, no plotly logo, no cloud buttons), a visible
"Descargar PNG" link, an optional one-sentence summary and, optionally, the chart's data as an
accessible HTML table inside a ``<details>`` element.

"Descargar PNG" downloads the chart's *slide* (:func:`components.slide.slide_figure`: title,
source line inside the picture, projector-sized text) from the server
(``/download/grafico.png``, web/slides.py), rendered exactly as in the page's ZIP of charts.
``assets/pesem.js`` adds the page path and the page's current query to the link when clicked.
The modebar camera stays plotly's own: it saves the chart as it is on screen (with the reader's
zoom and hidden series) at the same 1600×900, scale 2.

Static first (issue 14): when the server has pictures of the figure (:func:`use_static_charts`,
installed by ``web/chart_images.py``), the card shows them at once (an ``<img>`` in a
``<picture>``: one rendering per screen class, so the text keeps its size on a phone) and the
interactive ``dcc.Graph`` (and with it plotly.js) loads only when the reader presses
"Interactuar" (``assets/pesem.js`` also presses it when the chart scrolls into view on a large
screen). Without pictures the card holds the ``dcc.Graph`` itself, as before.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import dash
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from dash import dcc, html

from components.slide import SLIDE_HEIGHT, SLIDE_SCALE, SLIDE_WIDTH

#: The server route of one chart's slide (web/slides.py) and its chart parameter.
PNG_ROUTE: Final = "/download/grafico.png"
CHART_PARAM: Final = "grafico"
PNG_LABEL: Final = "Descargar PNG"
DATA_SUMMARY_LABEL: Final = "Ver datos del gráfico"

GraphId = str | Mapping[str, Any]

#: The button that swaps a chart's picture for the dcc.Graph (assets/pesem.js, through Dash's
#: public ``dash_clientside.set_props``: no callback, so no pattern-matching work for the
#: renderer on every page update).
INTERACT_LABEL: Final = "Interactuar"
#: plotly's height of a figure that does not set one (dcc.Graph draws it this tall).
DEFAULT_HEIGHT: Final = 450


@dataclass(frozen=True)
class Picture:
    """One server rendering of a figure: its URL, the screens it is for and its size."""

    src: str
    width: int
    height: int
    media: str = ""  # a media query; "" for the fallback (largest) rendering


@dataclass(frozen=True)
class StaticChart:
    """What the server has of one figure: its pictures (narrowest first) and its JSON."""

    pictures: tuple[Picture, ...]
    figure_src: str


#: ``(figure JSON text, height) -> StaticChart | None``: the server's pictures of a figure.
StaticCharts = Callable[[str, int], StaticChart | None]
_static_charts: list[StaticCharts] = []
#: ``() -> hashable``: changes whenever ``source`` may answer differently (pictures added).
_pictures_versions: list[Callable[[], Hashable]] = []


def use_static_charts(
    source: StaticCharts | None, version: Callable[[], Hashable] | None = None
) -> None:
    """Make :func:`chart_card` ask ``source`` for a figure's pictures (None: never); ``version``
    tells when its answers may have changed (:func:`pictures_version`)."""
    _static_charts.clear()
    _pictures_versions.clear()
    if source is not None:
        _static_charts.append(source)
        if version is not None:
            _pictures_versions.append(version)


def pictures_version() -> Hashable:
    """A token that changes when a card built now may differ from one built before (pictures
    added since): part of the key of every memo that keeps cards, so that a layout built while
    its pictures were still being rendered is not kept interactive for the process's life."""
    return _pictures_versions[0]() if _pictures_versions else None


# Buttons that upload the chart to a third party or are of no use to this audience.
MODEBAR_BUTTONS_TO_REMOVE: Final[tuple[str, ...]] = (
    "sendDataToCloud",
    "sendChartToCloud",
    "editInChartStudio",
    "downloadJson",
    "lasso2d",
    "select2d",
)


def safe_filename(filename: str) -> str:
    """A file name without accents, spaces, path separators or extension (``.png`` is added)."""
    stem = re.sub(r"\.png$", "", filename.strip(), flags=re.IGNORECASE)
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_stem).strip("-.")
    return cleaned or "grafico"


def graph_config(filename: str) -> dict[str, Any]:
    """The shared ``dcc.Graph`` config (Spanish locale from ``assets/pesem.js``)."""
    return {
        "locale": "es",
        "displaylogo": False,
        "showSendToCloud": False,
        "showEditInChartStudio": False,
        "showLink": False,
        "modeBarButtonsToRemove": list(MODEBAR_BUTTONS_TO_REMOVE),
        "toImageButtonOptions": {
            "format": "png",
            "filename": safe_filename(filename),
            "width": SLIDE_WIDTH,
            "height": SLIDE_HEIGHT,
            "scale": SLIDE_SCALE,
        },
    }


def png_link(stem: str, title: str) -> html.A:
    """The "Descargar PNG" link of a chart: its slide from the server, named ``<stem>.png``.

    ``assets/pesem.js`` completes the query (page path and the page's own parameters) on click.
    """
    return html.A(
        PNG_LABEL,
        href=f"{dash.get_relative_path(PNG_ROUTE)}?{CHART_PARAM}={stem}",
        download=f"{stem}.png",
        role="button",
        className="btn btn-outline-primary btn-sm",
        title=f"Descargar el gráfico «{title}» como imagen PNG para diapositiva "
        f"({SLIDE_WIDTH}×{SLIDE_HEIGHT}, con título y fuente)",
        **{"data-filename": stem, "data-png-chart": stem},
    )


def format_cell(value: Any) -> str:
    """A table cell as the report writes numbers: ``83.33``, ``37,368``; missing -> ``—``."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "Sí" if value else "No"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if math.isnan(value):
            return "—"
        if value.is_integer():
            return f"{int(value):,}"
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
        return text
    try:
        if pd.isna(value):
            return "—"
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):  # numpy scalars
        return format_cell(value.item())
    return str(value)


#: Bootstrap classes of a chart's data table (the browser builds it with the same ones).
DATA_TABLE_CLASS: Final = "table table-sm table-striped chart-data-table mb-0"


def data_table_spec(table: pd.DataFrame, caption: str) -> dict[str, Any]:
    """``table`` as JSON-ready text: caption, column names and rows of formatted cells."""
    return {
        "caption": caption,
        "className": DATA_TABLE_CLASS,
        "columns": [str(column) for column in table.columns],
        "rows": [
            [format_cell(cell) for cell in row] for row in table.itertuples(index=False, name=None)
        ],
    }


def table_from_spec(spec: Mapping[str, Any]) -> html.Table:
    """A :func:`data_table_spec` as a plain, accessible HTML table (column and row headers)."""
    header = html.Thead(html.Tr([html.Th(column, scope="col") for column in spec["columns"]]))
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Th(cell, scope="row") if position == 0 else html.Td(cell)
                    for position, cell in enumerate(row)
                ]
            )
            for row in spec["rows"]
        ]
    )
    return html.Table([html.Caption(spec["caption"]), header, body], className=spec["className"])


def table_region_id(graph_id: GraphId) -> str:
    """The id of the box a chart's data table is built in, unique on the page like the graph's."""
    return f"chart-data-{_graph_key(graph_id)}"


def figure_height(figure: Mapping[str, Any]) -> int:
    """The height plotly draws ``figure`` at (its layout's, or plotly's default)."""
    height = (figure.get("layout") or {}).get("height")
    return int(height) if isinstance(height, int | float) and height > 0 else DEFAULT_HEIGHT


def slot_id(graph_id: GraphId) -> str:
    """The id of the element holding a chart's picture, unique on the page like the graph's."""
    return f"chart-slot-{_graph_key(graph_id)}"


def _graph_key(graph_id: GraphId) -> str:
    """A short key of a graph id (string or dict id), the same in every worker."""
    name = graph_id if isinstance(graph_id, str) else json.dumps(dict(graph_id), sort_keys=True)
    return hashlib.sha256(name.encode()).hexdigest()[:12]


def _aspect_style(pictures: tuple[Picture, ...]) -> dict[str, str]:
    """CSS variables with each rendering's aspect ratio (assets/app.css): the image box has
    its final height before the picture arrives, whichever rendering the screen picks."""
    names = ("--chart-ratio-narrow", "--chart-ratio-medium", "--chart-ratio-wide")
    return {
        name: f"{picture.width} / {picture.height}"
        for name, picture in zip(names[-len(pictures) :], pictures, strict=True)
    }


def static_slot(
    graph_id: GraphId, static: StaticChart, config: dict[str, Any], alt: str
) -> html.Div:
    """The picture of a chart in the element the dcc.Graph replaces it in; its data attributes
    say where the figure is and how to build the Graph (assets/pesem.js)."""
    *sources, fallback = static.pictures
    picture = html.Picture(
        [
            *(
                html.Source(srcSet=item.src, media=item.media, type="image/svg+xml")
                for item in sources
            ),
            html.Img(
                src=fallback.src,
                alt=alt,
                width=fallback.width,
                height=fallback.height,
                className="chart-image",
            ),
        ]
    )
    graph_spec = {
        "id": dict(graph_id) if not isinstance(graph_id, str) else graph_id,
        "config": config,
        "className": "chart-graph",
    }
    return html.Div(
        picture,
        id=slot_id(graph_id),
        className="chart-slot chart-static",
        style=_aspect_style(static.pictures),
        **{"data-figure-src": static.figure_src, "data-graph": json.dumps(graph_spec)},
    )


def interact_button(slot: str, title: str) -> html.Button:
    """The "Interactuar" button: loads the interactive chart in place of the picture."""
    return html.Button(
        INTERACT_LABEL,
        type="button",
        className="btn btn-outline-secondary btn-sm chart-activate",
        title="Cargar el gráfico interactivo (zoom, valores al pasar el cursor, series)",
        **{
            "aria-label": f"{INTERACT_LABEL} con el gráfico «{title}»",
            "aria-controls": slot,
            "data-chart-activate": slot,
        },
    )


def _static_chart(figure: go.Figure | Mapping[str, Any]) -> StaticChart | None:
    if not _static_charts:
        return None
    text = pio.to_json(figure, validate=False)
    spec = figure.to_plotly_json() if isinstance(figure, go.Figure) else figure
    return _static_charts[0](text, figure_height(spec))


def data_details(graph_id: GraphId, table: pd.DataFrame, title: str) -> html.Details:
    """The chart's data, on demand: the table is built in the browser when the ``<details>``
    opens (assets/pesem.js, "data tables"), from its text in one ``data-table`` attribute.

    Built up front it was ~35-70 components per chart that React created on every first visit
    for a closed box (measured with Lighthouse mobile in bench/); without scripts the server's
    first paint (web/first_paint.py) writes the table itself.
    """
    spec = data_table_spec(table, caption=title)
    return html.Details(
        [
            html.Summary(DATA_SUMMARY_LABEL),
            # a box that scrolls sideways on a phone: focusable, so keys scroll it too
            html.Div(
                id=table_region_id(graph_id),
                className="table-responsive mt-2",
                tabIndex="0",
                role="region",
                **{
                    "aria-label": f"{DATA_SUMMARY_LABEL}: {title}",
                    "data-table": json.dumps(spec, ensure_ascii=False),
                },
            ),
        ],
        className="chart-data mt-2",
    )


def chart_card(
    graph_id: GraphId,
    figure: go.Figure,
    *,
    title: str,
    filename: str,
    summary: str = "",
    table: pd.DataFrame | None = None,
) -> dbc.Card:
    """A card with the chart, the "Descargar PNG" link and the chart's text alternative.

    ``graph_id`` is the ``dcc.Graph`` id (a string, or a dict for pattern-matching callbacks);
    ``filename`` the PNG name without extension, which is also the chart's file stem in the
    page's ``export_figures`` (the server renders that figure's slide); ``summary`` one or two
    sentences saying what the chart shows (shown under it, and its accessible description);
    ``table`` the plotted data, shown on demand in a ``<details>`` element. When the server has
    pictures of ``figure`` the chart shows as a picture until the reader asks for it to be
    interactive (see the module docstring).
    """
    png_name = safe_filename(filename)
    config = graph_config(png_name)
    static = _static_chart(figure)
    actions: list[Any] = [png_link(png_name, title)]
    if static is None:
        chart: list[Any] = [
            dcc.Graph(
                id=dict(graph_id) if not isinstance(graph_id, str) else graph_id,
                # A plain dict, not the go.Figure: layouts are kept for the life of the process
                # and a figure object graph is several times larger; Dash also skips
                # re-validating it.
                figure=figure.to_plotly_json() if isinstance(figure, go.Figure) else figure,
                config=config,
                className="chart-graph",
            )
        ]
    else:
        chart = [static_slot(graph_id, static, config, alt=f"Gráfico: {title}")]
        actions.insert(0, interact_button(slot_id(graph_id), title))
    figure_children: list[Any] = chart
    if summary:
        figure_children.append(html.Figcaption(summary, className="chart-summary"))
    body: list[Any] = [
        html.Figure(figure_children, className="chart-figure mb-2", **{"aria-label": title}),
        html.Div(actions, className="chart-actions d-flex justify-content-end gap-2"),
    ]
    if table is not None:
        body.append(data_details(graph_id, table, title))
    return dbc.Card(
        [dbc.CardHeader(html.H3(title, className="h5 mb-0")), dbc.CardBody(body)],
        className="chart-card mb-4",
    )
