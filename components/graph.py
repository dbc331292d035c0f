"""``chart_card``: every chart with the same modebar, PNG export and text alternative.

The card holds the ``dcc.Graph`` (Spanish modebar, no plotly logo, no cloud buttons, PNG export at
1600×900 ×2), a visible "Descargar PNG" button, an optional one-sentence summary and, optionally,
the chart's data as an accessible HTML table inside a ``<details>`` element.

The PNG is the chart's *slide* (:func:`components.export.slide_figure`: title, source line inside
the picture, projector-sized text), not the compact figure on screen: the card's ``<figure>``
carries the patch from the one to the other (``data-slide-patch``, see
:func:`components.export.slide_patch`) and ``assets/pesem.js`` applies it for both the modebar
camera and the button.

One clientside callback (``window.dash_clientside.pesem.downloadPng`` in ``assets/pesem.js``)
serves the "Descargar PNG" button of every chart, through the pattern-matching id
``{"type": "png-btn", "index": <graph key>}``.
"""

from __future__ import annotations

import json
import logging
import math
import re
import unicodedata
from collections.abc import Mapping
from typing import Any, Final

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import ALL, ClientsideFunction, Input, clientside_callback, dcc, html

from components.export import SLIDE_HEIGHT, SLIDE_SCALE, SLIDE_WIDTH, slide_patch

log = logging.getLogger(__name__)

PNG_BUTTON_TYPE: Final = "png-btn"
PNG_WIDTH: Final = SLIDE_WIDTH
PNG_HEIGHT: Final = SLIDE_HEIGHT
PNG_SCALE: Final = SLIDE_SCALE
#: Attribute of the card's <figure> holding the JSON slide patch read by assets/pesem.js.
SLIDE_PATCH_ATTRIBUTE: Final = "data-slide-patch"
DATA_SUMMARY_LABEL: Final = "Ver datos del gráfico"

GraphId = str | Mapping[str, Any]

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


def graph_key(graph_id: GraphId) -> str:
    """A deterministic string for ``graph_id``: the id itself, or the dict as sorted JSON."""
    if isinstance(graph_id, str):
        return graph_id
    return json.dumps(dict(graph_id), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def graph_config(filename: str) -> dict[str, Any]:
    """The shared ``dcc.Graph`` config (Spanish locale from ``assets/plotly-locale-es.js``)."""
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
            "width": PNG_WIDTH,
            "height": PNG_HEIGHT,
            "scale": PNG_SCALE,
        },
    }


def slide_patch_json(figure: go.Figure, title: str) -> str | None:
    """The JSON slide patch of ``figure`` (None, and the plain figure exported, if it fails)."""
    try:
        patch = slide_patch(figure, title=title)
    except Exception:  # a chart must still show (and export as it is) if its slide cannot be made
        log.exception("no slide layout for the PNG export of %r", title)
        return None
    return json.dumps(patch, separators=(",", ":"), ensure_ascii=False)


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


def data_table(table: pd.DataFrame, caption: str) -> html.Table:
    """``table`` as a plain, accessible HTML table (caption, column headers with scope)."""
    header = html.Thead(html.Tr([html.Th(str(column), scope="col") for column in table.columns]))
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Th(format_cell(cell), scope="row")
                    if position == 0
                    else html.Td(format_cell(cell))
                    for position, cell in enumerate(row)
                ]
            )
            for row in table.itertuples(index=False, name=None)
        ]
    )
    return html.Table(
        [html.Caption(caption), header, body],
        className="table table-sm table-striped chart-data-table mb-0",
    )


def chart_card(
    graph_id: GraphId,
    figure: go.Figure,
    *,
    title: str,
    filename: str,
    summary: str = "",
    table: pd.DataFrame | None = None,
    slide_title: str | None = None,
) -> dbc.Card:
    """A card with the chart, the "Descargar PNG" button and the chart's text alternative.

    ``graph_id`` is the ``dcc.Graph`` id (a string, or a dict for pattern-matching callbacks);
    ``filename`` the PNG name without extension; ``summary`` one or two sentences saying what the
    chart shows (shown under it, and its accessible description); ``table`` the plotted data,
    shown on demand in a ``<details>`` element. The PNG carries the figure's own title, or
    ``slide_title`` (default ``title``) when the figure has none: pass it when the picture needs
    more than the card heading (e.g. the active filters).
    """
    key = graph_key(graph_id)
    png_name = safe_filename(filename)
    graph = dcc.Graph(
        id=dict(graph_id) if not isinstance(graph_id, str) else graph_id,
        # A plain dict, not the go.Figure: layouts are kept for the life of the process and a
        # figure object graph is several times larger; Dash also skips re-validating it.
        figure=figure.to_plotly_json() if isinstance(figure, go.Figure) else figure,
        config=graph_config(png_name),
        className="chart-graph",
    )
    figure_children: list[Any] = [graph]
    if summary:
        figure_children.append(html.Figcaption(summary, className="chart-summary"))
    figure_attributes: dict[str, Any] = {"aria-label": title}
    if (
        isinstance(figure, go.Figure)
        and (patch := slide_patch_json(figure, slide_title or title)) is not None
    ):
        figure_attributes[SLIDE_PATCH_ATTRIBUTE] = patch
    body: list[Any] = [
        html.Figure(figure_children, className="chart-figure mb-2", **figure_attributes),
        html.Div(
            html.Button(
                "Descargar PNG",
                id={"type": PNG_BUTTON_TYPE, "index": key},
                type="button",
                n_clicks=0,
                className="btn btn-outline-primary btn-sm",
                title=f"Descargar el gráfico «{title}» como imagen PNG para diapositiva "
                f"({PNG_WIDTH}×{PNG_HEIGHT}, con título y fuente)",
                **{"data-filename": png_name},
            ),
            className="chart-actions d-flex justify-content-end",
        ),
    ]
    if table is not None:
        body.append(
            html.Details(
                [
                    html.Summary(DATA_SUMMARY_LABEL),
                    html.Div(data_table(table, caption=title), className="table-responsive mt-2"),
                ],
                className="chart-data mt-2",
            )
        )
    return dbc.Card(
        [dbc.CardHeader(html.H3(title, className="h5 mb-0")), dbc.CardBody(body)],
        className="chart-card mb-4",
    )


# One clientside callback for every "Descargar PNG" button (JS in assets/pesem.js, no inline
# script, so the Content-Security-Policy needs no hash for it).
clientside_callback(
    ClientsideFunction(namespace="pesem", function_name="downloadPng"),
    Input({"type": PNG_BUTTON_TYPE, "index": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
