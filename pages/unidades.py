"""Indicadores por unidad responsable: what each organic unit owns and how it is doing in 2020.

One chart (semáforo status counts per unit) and one card per unit with its status counts
(icon + text), how many of its indicators fell against 2019 and a link to the explorer filtered
by that unit (``/explorar?unidad=DGC``). An indicator owned by several units (``DGA, DGE, DAO,
DAM``) counts for each of them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import html

from components.graph import chart_card
from components.layout import cached_layout, page_link, status_badge
from components.theme import PALETTE, empty_figure
from pesem import explore
from pesem.loader import get_dataset
from pesem.metrics import indicator_summary
from pesem.status import STATUSES
from pesem.status import label as status_label

dash.register_page(
    __name__,
    path="/unidades",
    title="Indicadores por unidad responsable — PESEM RREE 2020",
    name="Indicadores por unidad responsable",
    description=(
        "Cuántos indicadores del PESEM tiene a su cargo cada unidad responsable y cómo van en "
        "2020, con enlace a sus indicadores en el explorador."
    ),
    order=5,
    nav=True,
    nav_label="Por unidad",
)

CHART_STEM = f"{explore.FILE_PREFIX}_unidades_estado"
CHART_TITLE = "Estado 2020 de los indicadores de cada unidad responsable"


class Ids(StrEnum):
    """Component ids of this page (prefix ``uni-``)."""

    CHART = "uni-grafico-estado"
    CARDS = "uni-tarjetas"


def explorer_href(unit: str) -> str:
    """The explorer filtered by ``unit`` (``/explorar?unidad=DGC``)."""
    query = explore.to_query(explore.Filters(units=(unit,)))
    return dash.get_relative_path("/explorar") + query


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def status_figure(units: pd.DataFrame, rules: dict[str, Any] | None = None) -> go.Figure:
    """Stacked horizontal bars: indicators of each unit by semáforo status (icon + label)."""
    if units.empty:
        return empty_figure("No hay unidades responsables en los datos")
    figure = go.Figure()
    for code in STATUSES:
        meta = status_label(code, rules)
        counts = [int(v) for v in units[code]]
        if not any(counts):
            continue
        figure.add_bar(
            name=f"{meta['icon']} {meta['label']}",
            y=list(units["unit"]),
            x=counts,
            orientation="h",
            marker={
                "color": PALETTE.get(code, meta["color"]),
                "line": {"color": "#fff", "width": 1},
            },
            text=[str(c) if c else "" for c in counts],
            textposition="inside",
            insidetextanchor="middle",
            textfont={"color": "#fff" if code == "rezagado" else "#000"},
            hovertemplate=f"%{{y}}: %{{x}} {meta['label'].lower()}<extra></extra>",
        )
    longest = int(units["indicators"].max())
    figure.update_layout(
        barmode="stack",
        height=170 + 40 * len(units),
        margin={"l": 24, "r": 24, "t": 24, "b": 24},
        xaxis={
            "title": {
                "text": "Indicadores a cargo (un indicador compartido cuenta en cada unidad)"
            },
            "dtick": 1,
            "range": [0, longest + 0.5],
        },
        yaxis={"autorange": "reversed", "type": "category", "title": None},
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom", "traceorder": "normal"},
        bargap=0.35,
    )
    return figure


def _unit_card(row: dict[str, Any], rules: dict[str, Any]) -> dbc.Col:
    unit, n = row["unit"], int(row["indicators"])
    badges = []
    for code in STATUSES:
        if row[code]:
            meta = status_label(code, rules)
            badges.append(
                html.Li(
                    status_badge(
                        f"{meta['label']}: {row[code]}",
                        meta["icon"],
                        PALETTE.get(code, meta["color"]),
                        title=f"{row[code]} de {n} indicadores con estado «{meta['label']}»",
                    )
                )
            )
    shared = int(row["shared"])
    comparable = n - int(row["not_comparable"])
    change_line = (
        f"Frente a 2019: {row['fell']} bajaron, {row['rose']} subieron, "
        f"{row['unchanged']} sin cambio"
        + (f", {row['not_comparable']} sin comparación" if row["not_comparable"] else "")
        + "."
    )
    return dbc.Col(
        dbc.Card(
            [
                dbc.CardHeader(
                    html.H2(
                        [
                            html.Span(unit, className="uni-code"),
                            html.Span(
                                _plural(n, "indicador", "indicadores"), className="uni-count"
                            ),
                        ],
                        className="h5 mb-0 d-flex justify-content-between gap-2",
                    )
                ),
                dbc.CardBody(
                    [
                        html.Ul(badges, className="uni-statuses list-unstyled"),
                        html.P(
                            [
                                html.Strong(f"{row['fell']} de {comparable} "),
                                "comparables bajaron frente a 2019."
                                if comparable
                                else "Ninguno se puede comparar con 2019.",
                            ],
                            className="mb-1",
                            title=change_line,
                        ),
                        html.P(
                            (
                                f"Compartidos con otras unidades: {shared}. "
                                if shared
                                else "Sin indicadores compartidos. "
                            )
                            + "Códigos: "
                            + ", ".join(row["indicator_ids"]),
                            className="small text-body-secondary mb-0",
                        ),
                    ]
                ),
                dbc.CardFooter(
                    page_link(
                        f"Ver {'su indicador' if n == 1 else f'sus {n} indicadores'} "
                        "en el explorador →",
                        href=explorer_href(unit),
                        className="uni-link",
                        title=f"Explorar los indicadores de {unit}",
                    )
                ),
            ],
            className="uni-card h-100",
        ),
        md=6,
        xl=4,
        className="mb-3",
    )


@cached_layout()
def layout(**_query: Any) -> html.Div:
    ds = get_dataset()
    summary = indicator_summary(ds)
    units = explore.unit_summary(summary)
    rows = units.to_dict("records")
    most = rows[0] if rows else None
    table = pd.DataFrame(
        {
            "Unidad": units["unit"],
            "Indicadores": units["indicators"],
            **{status_label(code, ds.status_rules)["label"]: units[code] for code in STATUSES},
            "Bajaron vs. 2019": units["fell"],
        }
    )
    summary_text = (
        f"{len(units)} unidades responsables; {most['unit']} tiene más indicadores a su "
        f"cargo ({most['indicators']}). Cada barra suma los indicadores de la unidad por estado."
        if most
        else "No hay unidades responsables en los datos."
    )
    return html.Div(
        [
            html.H1("Indicadores por unidad responsable", className="h2"),
            html.P(
                [
                    f"Las {len(units)} unidades orgánicas responsables de los "
                    f"{len(summary)} indicadores del Anexo 6.1, con el estado de sus indicadores "
                    "en 2020. Un indicador a cargo de varias unidades (por ejemplo «DGA, DGE, "
                    "DAO, DAM») cuenta para cada una de ellas. Cada tarjeta lleva al ",
                    page_link("explorador", href=dash.get_relative_path("/explorar")),
                    " filtrado por esa unidad.",
                ],
                className="lead",
            ),
            html.H2("Estado 2020 por unidad", className="h4"),
            chart_card(
                Ids.CHART.value,
                status_figure(units, ds.status_rules),
                title=CHART_TITLE,
                filename=CHART_STEM,
                summary=summary_text,
                table=table,
            ),
            dbc.Row(
                [_unit_card(row, ds.status_rules) for row in rows],
                id=Ids.CARDS.value,
                className="uni-cards",
            ),
        ],
        className="uni-page",
    )


def export_figures(**_params: Any) -> list[tuple[str, go.Figure]]:
    """The page's chart as (file stem, figure)."""
    ds = get_dataset()
    units = explore.unit_summary(indicator_summary(ds))
    figure = status_figure(units, ds.status_rules)
    figure.update_layout(
        title={"text": CHART_TITLE, "yref": "container", "y": 0.98, "yanchor": "top"},
        margin={"t": 110},
    )
    return [(CHART_STEM, figure)]
