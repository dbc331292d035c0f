"""Resumen: the page a minister opens. Headline figures, one card per OES, the report's summary.

No callbacks: the layout is computed from the (static) dataset on each visit.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from components.charts import oes_status_overview
from components.format import fmt_change_arrow, fmt_value
from components.graph import chart_card
from components.layout import (
    cached_layout,
    code_href,
    markdown,
    registered_path,
    status_badge,
    summary_badge,
)
from pesem import status as status_rules
from pesem.findings import find_all
from pesem.loader import Dataset, get_dataset
from pesem.metrics import (
    change_counts,
    indicator_summary,
    status_counts,
)

# TEMPORARY (issue 13 migration): owners replace these with ds.meta.
_META = get_dataset().meta
ASSESSED_YEAR, PREVIOUS_YEAR = _META.year, _META.previous_year
EXPECTED_YEARS, ACHIEVED_YEARS = _META.expected_years, _META.achieved_years


TITLE = "Resumen — PESEM RREE 2020"
FILE_PREFIX = "pesem-rree-2020"

dash.register_page(
    __name__,
    path="/",
    order=0,
    nav=True,
    nav_label="Resumen",
    preload=("graph", "markdown"),  # charts + the executive summary (components/page_bundles.py)
    name="Resumen",
    title=TITLE,
    description=(
        "Estado 2020 de los indicadores del PESEM 2015-2021 del Sector Relaciones Exteriores: "
        "cumplimiento de metas, variación respecto de 2019 y avance de cada objetivo."
    ),
)


class Ids(StrEnum):
    """Component ids of this page (prefix ``res-``)."""

    STATUS_KPIS = "res-status-kpis"
    CHANGE_KPIS = "res-change-kpis"
    OVERVIEW = "res-overview"
    OES_CARDS = "res-oes-cards"
    FINDINGS = "res-inconsistencias"
    EXEC_SUMMARY = "res-resumen-ejecutivo"


#: Order in which an AES with several indicators takes its status: the least favourable one.
AES_STATUS_ORDER = ("rezagado", "sin_dato", "en_riesgo", "sin_meta", "cumplido")
#: "2 cumplidas, 1 en riesgo": AES (acciones) are feminine in Spanish.
AES_STATUS_WORDS = {
    "cumplido": ("cumplida", "cumplidas"),
    "en_riesgo": ("en riesgo", "en riesgo"),
    "rezagado": ("rezagada", "rezagadas"),
    "sin_meta": ("sin meta", "sin meta"),
    "sin_dato": ("sin dato", "sin dato"),
}
CHANGE_TILES = (
    ("bajaron", "↓", "bajaron en {y} respecto de {p}"),
    ("subieron", "↑", "subieron en {y} respecto de {p}"),
    ("igual", "→", "sin variación respecto de {p}"),
    ("sin_comparacion", "", "sin comparación posible (falta un valor)"),
)


# --------------------------------------------------------------------------- derived data


def aes_status(summary: pd.DataFrame, aes_code: str) -> str | None:
    """The status of an AES: the least favourable of its indicators' (None without indicator)."""
    statuses = set(summary.loc[summary["aes_code"] == aes_code, "status"])
    for code in AES_STATUS_ORDER:
        if code in statuses:
            return code
    return None


def aes_line(ds: Dataset, summary: pd.DataFrame, oes_code: str) -> str:
    """``14 AES · 7 con indicador · 2 en riesgo, 5 rezagadas`` for one OES."""
    codes = list(ds.aes.loc[ds.aes["oes_code"] == oes_code, "aes_code"])
    statuses = [s for s in (aes_status(summary, c) for c in codes) if s is not None]
    parts = [f"{len(codes)} AES", f"{len(statuses)} con indicador"]
    counts = [
        f"{n} {AES_STATUS_WORDS[code][0 if n == 1 else 1]}"
        for code in status_rules.STATUSES
        if (n := statuses.count(code))
    ]
    line = " · ".join(parts)
    return f"{line} · {', '.join(counts)}" if counts else line


def findings_by_kind(findings: pd.DataFrame) -> list[tuple[str, list[str]]]:
    """(kind label, sorted codes) for each kind of finding, in the order of the findings."""
    out: dict[str, list[str]] = {}
    for row in findings.itertuples(index=False):
        codes = out.setdefault(row.kind_label, [])
        if row.code not in codes:
            codes.append(row.code)
    return [(label, sorted(codes)) for label, codes in out.items()]


# --------------------------------------------------------------------------- figures


def export_figures(**_url_params: Any) -> list[tuple[str, go.Figure]]:
    """The page's charts as (file stem, figure), in page order."""
    summary = indicator_summary(get_dataset())
    return [(f"{FILE_PREFIX}_resumen_oes", oes_status_overview(summary))]


# --------------------------------------------------------------------------- layout pieces


def _status_kpis(ds: Dataset, summary: pd.DataFrame) -> html.Section:
    counts = status_counts(summary)
    tiles = []
    for code in status_rules.STATUSES:
        meta = status_rules.label(code, ds.status_rules)
        tiles.append(
            dbc.Col(
                html.Div(
                    [
                        html.P(str(counts[code]), className="kpi-value"),
                        status_badge(meta["label"], meta["icon"], meta["color"]),
                    ],
                    className=f"kpi kpi-status kpi-{code}"
                    + (" kpi-zero" if not counts[code] else ""),
                ),
                xs=6,
                md=4,
                lg=True,
            )
        )
    n_oes = int((summary["level"] == "OES").sum())
    return html.Section(
        [
            html.H2(
                f"Estado de los {len(summary)} indicadores en {ASSESSED_YEAR}",
                className="h4",
            ),
            html.P(
                f"{n_oes} indicadores de OES y {len(summary) - n_oes} indicadores de AES "
                "(tomados del PEI), comparados con su logro esperado "
                f"{ASSESSED_YEAR} o, si el PESEM no lo define, con la meta 2021.",
                className="text-body-secondary mb-2",
            ),
            dbc.Row(tiles, className="g-3"),
        ],
        id=Ids.STATUS_KPIS,
        className="mb-4",
        **{"aria-label": "Indicadores por estado"},
    )


def _change_kpis(summary: pd.DataFrame, n_findings: int) -> html.Section:
    counts = change_counts(summary)
    tiles = [
        dbc.Col(
            html.Div(
                [
                    html.P(
                        [
                            html.Span(arrow, className="kpi-arrow", **{"aria-hidden": "true"})
                            if arrow
                            else None,
                            str(counts[key]),
                        ],
                        className="kpi-value",
                    ),
                    html.P(text.format(y=ASSESSED_YEAR, p=PREVIOUS_YEAR), className="kpi-label"),
                ],
                className=f"kpi kpi-change kpi-{key}",
            ),
            xs=6,
            md=4,
            lg=True,
        )
        for key, arrow, text in CHANGE_TILES
    ]
    tiles.append(
        dbc.Col(
            html.A(
                [
                    html.P(
                        [
                            html.Span("⚠", className="kpi-arrow", **{"aria-hidden": "true"}),
                            str(n_findings),
                        ],
                        className="kpi-value",
                    ),
                    html.P("inconsistencias de datos en el reporte", className="kpi-label"),
                    html.P("Ver cuáles y dónde ↓", className="kpi-note"),
                ],
                href=f"#{Ids.FINDINGS}",
                className="kpi kpi-findings kpi-link",
            ),
            xs=12,
            md=4,
            lg=True,
        )
    )
    return html.Section(
        [
            html.H2(f"Variación {PREVIOUS_YEAR} → {ASSESSED_YEAR}", className="h4"),
            dbc.Row(tiles, className="g-3"),
        ],
        id=Ids.CHANGE_KPIS,
        className="mb-4",
        **{"aria-label": f"Variación de los indicadores {PREVIOUS_YEAR}-{ASSESSED_YEAR}"},
    )


def _indicator_line(row: pd.Series) -> html.Li:
    change = fmt_change_arrow(row["change_pct"])
    change_note = (
        f"{change} vs. {PREVIOUS_YEAR}"
        if not pd.isna(row["change_pct"])
        else f"sin comparación con {PREVIOUS_YEAR}"
    )
    return html.Li(
        [
            html.Span(row["name"], className="oes-indicator-name"),
            html.Span(
                [
                    html.Span(
                        fmt_value(row[f"achieved_{ASSESSED_YEAR}"], row["unit"]),
                        className="oes-indicator-value",
                        title=f"Valor obtenido {ASSESSED_YEAR}",
                    ),
                    html.Span(
                        change_note,
                        className="oes-indicator-change",
                        title=row["change_reason"]
                        or f"Variación porcentual {PREVIOUS_YEAR}-{ASSESSED_YEAR}",
                    ),
                    summary_badge(row),
                ],
                className="oes-indicator-figures",
            ),
        ],
        className="oes-indicator",
    )


def _oes_card(ds: Dataset, summary: pd.DataFrame, oes: pd.Series) -> dbc.Col:
    code = oes["oes_code"]
    rows = summary[(summary["oes_code"] == code) & (summary["level"] == "OES")]
    return dbc.Col(
        dbc.Card(
            [
                dbc.CardHeader(
                    html.H3(
                        dcc.Link(
                            [html.Span(code, className="oes-code"), " ", oes["name"]],
                            href=f"/oes/{code}",
                            className="stretched-link oes-card-link",
                        ),
                        className="h5 mb-0",
                    )
                ),
                dbc.CardBody(
                    [
                        html.P(
                            f"Indicadores del OES — valor obtenido {ASSESSED_YEAR}",
                            className="oes-card-section",
                        ),
                        html.Ul(
                            [_indicator_line(r) for _, r in rows.iterrows()],
                            className="list-unstyled mb-3",
                        ),
                        html.P(
                            [
                                html.Span("Acciones estratégicas: ", className="fw-bold"),
                                aes_line(ds, summary, code),
                            ],
                            className="oes-aes-line mb-0",
                        ),
                    ]
                ),
                dbc.CardFooter(
                    f"Ver el {code} y sus acciones estratégicas →", className="oes-card-footer"
                ),
            ],
            className="oes-card h-100",
        ),
        xs=12,
        lg=6,
    )


def _findings_section(findings: pd.DataFrame) -> html.Section:
    items = []
    for label, codes in findings_by_kind(findings):
        n = int((findings["kind_label"] == label).sum())
        links: list[Any] = []
        for code in codes:
            href = code_href(code)
            if links:
                links.append(", ")
            links.append(dcc.Link(code, href=href) if href else code)
        items.append(html.Li([html.Span(f"{label} ({n}): ", className="fw-bold"), *links]))
    return html.Section(
        [
            html.H2("Inconsistencias del reporte", className="h4"),
            html.P(
                f"El reporte se muestra tal como fue publicado; estas {len(findings)} diferencias "
                "se detectaron al recalcular sus cifras y al comparar el anexo con el cuerpo del "
                "documento. La página de cada OES y AES las explica en detalle.",
            ),
            html.Ul(items, className="mb-0"),
            html.P(
                dcc.Link(
                    "Explicación de cada inconsistencia en «Calidad de datos» →", href=calidad
                ),
                className="mt-2 mb-0",
            )
            if (calidad := registered_path("/calidad"))
            else None,
        ],
        id=Ids.FINDINGS,
        className="findings-box mb-4",
        tabIndex="-1",
    )


@cached_layout()
def layout(**_query: Any) -> html.Div:
    """The summary page (query parameters are ignored)."""
    ds = get_dataset()
    summary = indicator_summary(ds)
    findings = find_all(ds)
    executive = ds.narrative.get("resumen_ejecutivo", "")
    return html.Div(
        [
            html.H1(f"Resumen del seguimiento {ASSESSED_YEAR}", className="h2"),
            html.P(
                f"{ds.report.get('plan', 'PESEM')} · Sector {ds.report.get('sector', '')}: "
                f"¿se alcanzaron las metas en {ASSESSED_YEAR} y cómo cambiaron los indicadores "
                f"respecto de {PREVIOUS_YEAR}?",
                className="lead",
            ),
            _status_kpis(ds, summary),
            _change_kpis(summary, len(findings)),
            html.Section(
                [
                    html.H2("Objetivos estratégicos sectoriales (OES)", className="h4"),
                    dbc.Row(
                        [_oes_card(ds, summary, oes) for _, oes in ds.oes.iterrows()],
                        className="g-4",
                    ),
                ],
                id=Ids.OES_CARDS,
                className="mb-4",
            ),
            chart_card(
                Ids.OVERVIEW.value,
                oes_status_overview(summary),
                title="Indicadores de OES: cumplimiento respecto de la meta",
                filename=f"{FILE_PREFIX}_resumen_oes",
                summary=(
                    "Valor obtenido 2020 de cada indicador de OES como porcentaje de su meta "
                    "(el PESEM no define logros esperados 2020 para los OES; se usa la meta 2021). "
                    "La línea discontinua marca el 100%."
                ),
                table=_overview_table(summary),
            ),
            _findings_section(findings),
            html.Details(
                [
                    html.Summary("Resumen ejecutivo del reporte (texto original)"),
                    html.Div(markdown(executive), className="mt-3"),
                ],
                id=Ids.EXEC_SUMMARY,
                className="report-details mb-4",
            ),
        ],
        className="page-resumen",
    )


def _overview_table(summary: pd.DataFrame) -> pd.DataFrame:
    rows = summary[summary["level"] == "OES"]
    return pd.DataFrame(
        {
            "Indicador": rows["indicator_id"] + " " + rows["name"],
            f"Valor obtenido {ASSESSED_YEAR}": [
                fmt_value(v, u)
                for v, u in zip(rows[f"achieved_{ASSESSED_YEAR}"], rows["unit"], strict=True)
            ],
            "Meta de referencia": [
                f"{fmt_value(v, u)} ({int(y)})"
                for v, u, y in zip(
                    rows["reference_target"], rows["unit"], rows["reference_year"], strict=True
                )
            ],
            "% de la meta": ["—" if pd.isna(d) else f"{d:,.0f}%" for d in rows["degree"]],
            "Estado": rows["status_icon"] + " " + rows["status_label"],
        }
    )
