"""Perspectiva al cierre del plan: will each indicator reach the plan's final target?

The dashboard's own computation (:mod:`pesem.outlook`, the Open SDG / UN ESCAP progress
measure), not the report's: counts by category (each linked to the explorer filtered by it,
``/explorar?progreso=deterioro``), the observed vs required annual growth chart, one row per
indicator, the summary downloads and the method explained. No callbacks: the page depends on
the dataset only.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import dash
import plotly.graph_objects as go
from dash import html

from components import outlook as view
from components.graph import chart_card
from components.navigation import tab_title
from pesem import explore, outlook
from pesem.loader import get_dataset
from pesem.report import ReportMeta

PATH = "/perspectiva"
HEADING = "Perspectiva al cierre del plan"

dash.register_page(
    __name__,
    path=PATH,
    title=lambda **_: tab_title(HEADING, get_dataset().meta),
    name=HEADING,
    description=lambda **_: (
        f"¿Alcanzará cada indicador del {get_dataset().meta.plan} su meta final "
        f"{get_dataset().meta.plan_end}? Ritmo observado frente al requerido (método Open SDG)."
    ),
    # after /covid (2), before /explorar (3)
    order=2.5,
    nav=True,
    nav_label="Perspectiva",
)


class Ids(StrEnum):
    """Component ids of this page (prefix ``out-``)."""

    INTRO = "out-intro"
    COUNTS = "out-conteos"
    DOWNLOADS = "out-descargas"
    CHART = "out-grafico-ritmo"
    TABLE = "out-tabla"
    METHOD = "out-metodo"


#: The summary downloads (web/summary_downloads.py): (extension, label).
DOWNLOADS = (("csv", "CSV"), ("xlsx", "Excel"))


def chart_stem(meta: ReportMeta) -> str:
    """PNG name of the page's chart."""
    return f"{meta.file_prefix}_perspectiva_ritmo"


def chart_title(meta: ReportMeta) -> str:
    """Title of the page's chart."""
    return view.CHART_TITLE.format(final=meta.plan_end)


def explorer_href(code: str) -> str:
    """The explorer filtered by one outlook category (``/explorar?progreso=deterioro``)."""
    query = explore.to_query(explore.Filters(progress=(code,)))
    return dash.get_relative_path("/explorar") + query


def download_url(fmt: str) -> str:
    """The route of the one-row-per-indicator summary download."""
    return dash.get_relative_path(f"/download/resumen.{fmt}")


def _intro(meta: ReportMeta, n: int) -> html.Div:
    return html.Div(
        [
            html.P(
                f"El {meta.plan} termina en {meta.plan_end}. El semáforo dice cómo va cada "
                f"indicador frente a su logro esperado {meta.year}; esta página pregunta si, al "
                f"ritmo observado desde su línea de base, alcanzará la meta final {meta.plan_end}.",
                className="lead",
            ),
            html.P(
                [
                    html.Strong("Cálculo propio del tablero, no del reporte"),
                    f" ({n} indicadores del Anexo 6.1), con el método de progreso de Open SDG "
                    "(UN ESCAP). Es una extrapolación, no un pronóstico: ",
                    html.A("cómo se calcula", href=f"#{Ids.METHOD.value}"),
                    ".",
                ]
            ),
        ],
        id=Ids.INTRO.value,
    )


def _downloads(n: int) -> html.Div:
    links = [
        html.A(
            f"Descargar resumen {label}",
            href=download_url(fmt),
            download="",
            role="button",
            className="btn btn-outline-primary btn-sm",
            title=f"Una fila por indicador ({n}): identidad, semáforo, avances y perspectiva",
        )
        for fmt, label in DOWNLOADS
    ]
    return html.Div(links, id=Ids.DOWNLOADS.value, className="out-downloads d-flex gap-2 mb-3")


def layout(**_query: Any) -> html.Div:
    """The outlook page (query parameters are ignored)."""
    ds = get_dataset()
    rows = outlook.with_outlook(ds)
    meta = ds.meta
    return html.Div(
        [
            html.H1(HEADING, className="h2"),
            _intro(meta, len(rows)),
            html.H2(f"¿Se alcanzará la meta {meta.plan_end}?", className="h4"),
            html.Div(
                view.counts_list(outlook.progress_counts(rows), explorer_href, meta.plan_end),
                id=Ids.COUNTS.value,
            ),
            _downloads(len(rows)),
            chart_card(
                Ids.CHART.value,
                view.growth_figure(rows, meta),
                title=chart_title(meta),
                filename=chart_stem(meta),
                summary=view.chart_summary(rows),
                table=view.chart_table(rows),
            ),
            html.H2("Indicador por indicador", className="h4"),
            view.indicators_table(rows, meta, Ids.TABLE.value),
            view.method_section(meta, Ids.METHOD.value),
            html.P(meta.source, className="small text-body-secondary mt-3"),
        ],
        className="out-page",
    )


def export_figures(**_params: Any) -> list[tuple[str, go.Figure]]:
    """The page's chart as (file stem, figure)."""
    ds = get_dataset()
    figure = view.growth_figure(outlook.with_outlook(ds), ds.meta)
    figure.update_layout(
        title={"text": chart_title(ds.meta), "yref": "container", "y": 0.98, "yanchor": "top"},
        margin={"t": 110},
    )
    return [(chart_stem(ds.meta), figure)]
