"""Indicadores por unidad responsable: what each organic unit owns and how it is doing.

One chart (semáforo status counts per unit in the assessed year) and one card per unit with its
status counts (icon + text), how many of its indicators fell against the previous year and a
link to the explorer filtered by that unit (``/explorar?unidad=DGC``). An indicator owned by
several units (``DGA, DGE, DAO, DAM``) counts for each of them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from components.cards import status_badge
from components.graph import chart_card
from components.navigation import tab_title
from components.theme import PALETTE, axis_title, axis_title_height, empty_figure, under_plot
from pesem import explore
from pesem.loader import Dataset, get_dataset
from pesem.report import ReportMeta
from pesem.status import STATUSES
from pesem.status import label as status_label

dash.register_page(
    __name__,
    path="/unidades",
    title=lambda **_: tab_title("Indicadores por unidad responsable", get_dataset().meta),
    name="Indicadores por unidad responsable",
    description=lambda **_: (
        "Cuántos indicadores del PESEM tiene a su cargo cada unidad responsable y cómo van en "
        f"{get_dataset().meta.year}, con enlace a sus indicadores en el explorador."
    ),
    order=5,
    nav=True,
    nav_label="Por unidad",
)


def chart_stem(meta: ReportMeta) -> str:
    """PNG name of the page's chart."""
    return f"{meta.file_prefix}_unidades_estado"


def chart_title(meta: ReportMeta) -> str:
    """Title of the page's chart."""
    return f"Estado {meta.year} de los indicadores de cada unidad responsable"


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


#: The status chart: pixels per unit's bar row, above the plot (plotly's toolbar), x axis title.
UNIT_ROW = 40
TOP = 32
#: Room for the unit codes left of the bars (``DSLJANT``), so texts under the plot line up.
LEFT = 96
X_TITLE = "Indicadores a cargo (un indicador compartido cuenta en cada unidad)"


def status_figure(
    units: pd.DataFrame, rules: dict[str, Any] | None = None, *, source: str = ""
) -> go.Figure:
    """Stacked horizontal bars: indicators of each unit by semáforo status (icon + label);
    legend, wrapped axis title and ``source`` line under the plot (a phone's width too)."""
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
    plot_height = UNIT_ROW * len(units)
    under = under_plot(
        plot_height=plot_height,
        axis_band=34 + axis_title_height(X_TITLE, left=LEFT) + 12,
        source=source,
        legend=[trace.name for trace in figure.data],
        left=LEFT,
    )
    figure.update_layout(
        barmode="stack",
        height=TOP + plot_height + under["bottom"],
        margin={"l": LEFT, "r": 24, "t": TOP, "b": under["bottom"]},
        xaxis={"title": axis_title(X_TITLE, left=LEFT), "dtick": 1, "range": [0, longest + 0.5]},
        yaxis={"autorange": "reversed", "type": "category", "title": None},
        legend={**under["legend"], "traceorder": "normal"},
        annotations=under["annotations"],
        bargap=0.35,
    )
    return figure


def _badges(row: dict[str, Any], rules: dict[str, Any]) -> list[html.Li]:
    n = int(row["indicators"])
    items = []
    for code in (c for c in STATUSES if row[c]):
        meta = status_label(code, rules)
        badge = status_badge(
            f"{meta['label']}: {row[code]}",
            meta["icon"],
            PALETTE.get(code, meta["color"]),
            title=f"{row[code]} de {n} indicadores con estado «{meta['label']}»",
        )
        items.append(html.Li(badge))
    return items


def _change_lines(row: dict[str, Any], previous_year: int) -> html.P:
    """How many comparable indicators fell (the whole comparison as the tooltip)."""
    comparable = int(row["indicators"]) - int(row["not_comparable"])
    title = (
        f"Frente a {previous_year}: {row['fell']} bajaron, {row['rose']} subieron, "
        f"{row['unchanged']} sin cambio"
        + (f", {row['not_comparable']} sin comparación" if row["not_comparable"] else "")
        + "."
    )
    return html.P(
        [
            html.Strong(f"{row['fell']} de {comparable} "),
            f"comparables bajaron frente a {previous_year}."
            if comparable
            else f"Ninguno se puede comparar con {previous_year}.",
        ],
        className="mb-1",
        title=title,
    )


def _codes_line(row: dict[str, Any]) -> html.P:
    shared = int(row["shared"])
    text = (
        f"Compartidos con otras unidades: {shared}. " if shared else "Sin indicadores compartidos. "
    )
    return html.P(
        text + "Códigos: " + ", ".join(row["indicator_ids"]),
        className="small text-body-secondary mb-0",
    )


def _unit_card(row: dict[str, Any], ds: Dataset) -> dbc.Col:
    unit, n = row["unit"], int(row["indicators"])
    header = html.H2(
        [
            html.Span(unit, className="uni-code"),
            html.Span(_plural(n, "indicador", "indicadores"), className="uni-count"),
        ],
        className="h5 mb-0 d-flex justify-content-between gap-2",
    )
    link = dcc.Link(
        f"Ver {'su indicador' if n == 1 else f'sus {n} indicadores'} en el explorador →",
        href=explorer_href(unit),
        className="uni-link",
        title=f"Explorar los indicadores de {unit}",
    )
    body = [
        html.Ul(_badges(row, ds.status_rules), className="uni-statuses list-unstyled"),
        _change_lines(row, ds.meta.previous_year),
        _codes_line(row),
    ]
    card = dbc.Card(
        [dbc.CardHeader(header), dbc.CardBody(body), dbc.CardFooter(link)],
        className="uni-card h-100",
    )
    return dbc.Col(card, md=6, xl=4, className="mb-3")


def _chart_table(units: pd.DataFrame, ds: Dataset) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Unidad": units["unit"],
            "Indicadores": units["indicators"],
            **{status_label(code, ds.status_rules)["label"]: units[code] for code in STATUSES},
            f"Bajaron vs. {ds.meta.previous_year}": units["fell"],
        }
    )


def _chart_summary(units: pd.DataFrame) -> str:
    if units.empty:
        return "No hay unidades responsables en los datos."
    most = units.iloc[0]
    return (
        f"{len(units)} unidades responsables; {most['unit']} tiene más indicadores a su "
        f"cargo ({most['indicators']}). Cada barra suma los indicadores de la unidad por estado."
    )


def _shared_example(summary: pd.DataFrame) -> str:
    """`` (por ejemplo «DGA, DGE, DAO, DAM»)``: the units of the first shared indicator."""
    shared = summary[summary["units_list"].map(len) > 1]
    if shared.empty:
        return ""
    return f" (por ejemplo «{shared['responsible_units'].iloc[0]}»)"


def _intro(units: pd.DataFrame, summary: pd.DataFrame, year: int) -> html.P:
    return html.P(
        [
            f"Las {len(units)} unidades orgánicas responsables de los "
            f"{len(summary)} indicadores del Anexo 6.1, con el estado de sus indicadores "
            f"en {year}. Un indicador a cargo de varias unidades{_shared_example(summary)} "
            "cuenta para cada una de ellas. Cada tarjeta lleva al ",
            dcc.Link("explorador", href=dash.get_relative_path("/explorar")),
            " filtrado por esa unidad.",
        ],
        className="lead",
    )


def layout(**_query: Any) -> html.Div:
    """The units page (query parameters are ignored)."""
    ds = get_dataset()
    units = explore.unit_summary(ds.summary)
    return html.Div(
        [
            html.H1("Indicadores por unidad responsable", className="h2"),
            _intro(units, ds.summary, ds.meta.year),
            html.H2(f"Estado {ds.meta.year} por unidad", className="h4"),
            chart_card(
                Ids.CHART.value,
                status_figure(units, ds.status_rules, source=ds.meta.source),
                title=chart_title(ds.meta),
                filename=chart_stem(ds.meta),
                summary=_chart_summary(units),
                table=_chart_table(units, ds),
            ),
            dbc.Row(
                [_unit_card(row, ds) for row in units.to_dict("records")],
                id=Ids.CARDS.value,
                className="uni-cards",
            ),
        ],
        className="uni-page",
    )


def export_figures(**_params: Any) -> list[tuple[str, go.Figure]]:
    """The page's chart as (file stem, figure)."""
    ds = get_dataset()
    figure = status_figure(explore.unit_summary(ds.summary), ds.status_rules, source=ds.meta.source)
    figure.update_layout(
        title={"text": chart_title(ds.meta), "yref": "container", "y": 0.98, "yanchor": "top"},
        margin={"t": 110},
    )
    return [(chart_stem(ds.meta), figure)]
