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

from components.cards import markdown, status_badge, summary_badge
from components.charts import oes_status_overview
from components.format import fmt_change_arrow, fmt_value
from components.graph import chart_card
from components.navigation import code_href, registered_path, tab_title
from components.static_html import island
from pesem import status as status_rules
from pesem.loader import Dataset, get_dataset
from pesem.metrics import change_counts, status_counts
from pesem.report import ReportMeta


def _description() -> str:
    meta = get_dataset().meta
    return (
        f"Estado {meta.year} de los indicadores del {meta.plan} del Sector {meta.sector}: "
        f"cumplimiento de metas, variación respecto de {meta.previous_year} y avance de cada "
        "objetivo."
    )


dash.register_page(
    __name__,
    path="/",
    order=0,
    nav=True,
    nav_label="Resumen",
    preload=("graph",),  # charts; the narrative is plain html (components/page_bundles.py)
    name="Resumen",
    title=lambda **_: tab_title("Resumen", get_dataset().meta),
    description=lambda **_: _description(),
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


def _stem(meta: ReportMeta) -> str:
    return f"{meta.file_prefix}_resumen_oes"


def export_figures(**_url_params: Any) -> list[tuple[str, go.Figure]]:
    """The page's charts as (file stem, figure), in page order."""
    ds = get_dataset()
    return [(_stem(ds.meta), oes_status_overview(ds.summary, meta=ds.meta))]


# --------------------------------------------------------------------------- layout pieces


def _status_tile(code: str, n: int, rules: dict[str, Any]) -> dbc.Col:
    meta = status_rules.label(code, rules)
    tile = html.Div(
        [
            html.P(str(n), className="kpi-value"),
            status_badge(meta["label"], meta["icon"], meta["color"]),
        ],
        className=f"kpi kpi-status kpi-{code}" + (" kpi-zero" if not n else ""),
    )
    return dbc.Col(tile, xs=6, md=4, lg=True)


def _status_kpis(ds: Dataset) -> html.Section:
    summary, meta = ds.summary, ds.meta
    counts = status_counts(summary)
    n_oes = int((summary["level"] == "OES").sum())
    return html.Section(
        [
            html.H2(f"Estado de los {len(summary)} indicadores en {meta.year}", className="h4"),
            html.P(
                f"{n_oes} indicadores de OES y {len(summary) - n_oes} indicadores de AES "
                "(tomados del PEI), comparados con su logro esperado "
                f"{meta.year} o, si el PESEM no lo define, con la meta {meta.plan_end}.",
                className="text-body-secondary mb-2",
            ),
            dbc.Row(
                [_status_tile(c, counts[c], ds.status_rules) for c in status_rules.STATUSES],
                className="g-3",
            ),
        ],
        id=Ids.STATUS_KPIS,
        className="mb-4",
        **{"aria-label": "Indicadores por estado"},
    )


def _change_tile(key: str, arrow: str, label: str, n: int) -> dbc.Col:
    icon = html.Span(arrow, className="kpi-arrow", **{"aria-hidden": "true"}) if arrow else None
    tile = html.Div(
        [html.P([icon, str(n)], className="kpi-value"), html.P(label, className="kpi-label")],
        className=f"kpi kpi-change kpi-{key}",
    )
    return dbc.Col(tile, xs=6, md=4, lg=True)


def _findings_tile(n_findings: int) -> dbc.Col:
    icon = html.Span("⚠", className="kpi-arrow", **{"aria-hidden": "true"})
    link = html.A(
        [
            html.P([icon, str(n_findings)], className="kpi-value"),
            html.P("inconsistencias de datos en el reporte", className="kpi-label"),
            html.P("Ver cuáles y dónde ↓", className="kpi-note"),
        ],
        href=f"#{Ids.FINDINGS}",
        className="kpi kpi-findings kpi-link",
    )
    return dbc.Col(link, xs=6, md=4, lg=True)  # two to a row on a phone


def _change_kpis(ds: Dataset) -> html.Section:
    counts = change_counts(ds.summary)
    year, previous = ds.meta.year, ds.meta.previous_year
    tiles = [
        _change_tile(key, arrow, text.format(y=year, p=previous), counts[key])
        for key, arrow, text in CHANGE_TILES
    ]
    return html.Section(
        [
            html.H2(f"Variación {previous} → {year}", className="h4"),
            dbc.Row([*tiles, _findings_tile(len(ds.findings))], className="g-3"),
        ],
        id=Ids.CHANGE_KPIS,
        className="mb-4",
        **{"aria-label": f"Variación de los indicadores {previous}-{year}"},
    )


def _indicator_line(row: pd.Series, meta: ReportMeta) -> html.Li:
    previous = meta.previous_year
    change_note = (
        f"{fmt_change_arrow(row['change_pct'])} vs. {previous}"
        if not pd.isna(row["change_pct"])
        else f"sin comparación con {previous}"
    )
    figures = [
        html.Span(
            fmt_value(row["achieved_current"], row["unit"]),
            className="oes-indicator-value",
            title=f"Valor obtenido {meta.year}",
        ),
        html.Span(
            change_note,
            className="oes-indicator-change",
            title=row["change_reason"] or f"Variación porcentual {previous}-{meta.year}",
        ),
        summary_badge(row),
    ]
    return html.Li(
        [
            html.Span(row["name"], className="oes-indicator-name"),
            html.Span(figures, className="oes-indicator-figures"),
        ],
        className="oes-indicator",
    )


def _oes_card(ds: Dataset, oes: pd.Series) -> dbc.Col:
    code, summary = oes["oes_code"], ds.summary
    rows = summary[(summary["oes_code"] == code) & (summary["level"] == "OES")]
    title = dcc.Link(
        [html.Span(code, className="oes-code"), " ", oes["name"]],
        href=f"/oes/{code}",
        className="stretched-link oes-card-link",
    )
    body = [
        html.P(
            f"Indicadores del OES — valor obtenido {ds.meta.year}", className="oes-card-section"
        ),
        html.Ul(
            [_indicator_line(r, ds.meta) for _, r in rows.iterrows()],
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
    card = dbc.Card(
        [
            dbc.CardHeader(html.H3(title, className="h5 mb-0")),
            dbc.CardBody(body),
            dbc.CardFooter(
                f"Ver el {code} y sus acciones estratégicas →", className="oes-card-footer"
            ),
        ],
        className="oes-card h-100",
    )
    return dbc.Col(card, xs=12, lg=6)


def _code_links(codes: list[str]) -> list[Any]:
    """``OES.01, AES.02.06``: each code linked to its page (codes without one as text)."""
    links: list[Any] = []
    for code in codes:
        href = code_href(code)
        links += [", "] if links else []
        links.append(dcc.Link(code, href=href) if href else code)
    return links


def _findings_section(findings: pd.DataFrame) -> html.Section:
    items = [
        html.Li(
            [
                html.Span(
                    f"{label} ({int((findings['kind_label'] == label).sum())}): ",
                    className="fw-bold",
                ),
                *_code_links(codes),
            ]
        )
        for label, codes in findings_by_kind(findings)
    ]
    calidad = registered_path("/calidad")
    more = dcc.Link("Explicación de cada inconsistencia en «Calidad de datos» →", href=calidad)
    return html.Section(
        [
            html.H2("Inconsistencias del reporte", className="h4"),
            html.P(
                f"El reporte se muestra tal como fue publicado; estas {len(findings)} diferencias "
                "se detectaron al recalcular sus cifras y al comparar el anexo con el cuerpo del "
                "documento. La página de cada OES y AES las explica en detalle.",
            ),
            html.Ul(items, className="mb-0"),
            html.P(more, className="mt-2 mb-0") if calidad else None,
        ],
        id=Ids.FINDINGS,
        className="findings-box mb-4",
        tabIndex="-1",
    )


def _overview_table(summary: pd.DataFrame, meta: ReportMeta) -> pd.DataFrame:
    rows = summary[summary["level"] == "OES"]
    units = rows["unit"]
    return pd.DataFrame(
        {
            "Indicador": rows["indicator_id"] + " " + rows["name"],
            f"Valor obtenido {meta.year}": [
                fmt_value(v, u) for v, u in zip(rows["achieved_current"], units, strict=True)
            ],
            "Meta de referencia": [
                f"{fmt_value(v, u)} ({int(y)})"
                for v, u, y in zip(
                    rows["reference_target"], units, rows["reference_year"], strict=True
                )
            ],
            "% de la meta": ["—" if pd.isna(d) else f"{d:,.0f}%" for d in rows["degree"]],
            "Estado": rows["status_icon"] + " " + rows["status_label"],
        }
    )


def _overview(ds: Dataset) -> Any:
    year, final = ds.meta.year, ds.meta.plan_end
    return chart_card(
        Ids.OVERVIEW.value,
        oes_status_overview(ds.summary, meta=ds.meta),
        title="Indicadores de OES: cumplimiento respecto de la meta",
        filename=_stem(ds.meta),
        summary=(
            f"Valor obtenido {year} de cada indicador de OES como porcentaje de su meta "
            f"(el PESEM no define logros esperados {year} para los OES; se usa la meta {final}). "
            "La línea discontinua marca el 100%."
        ),
        table=_overview_table(ds.summary, ds.meta),
    )


def layout(**_query: Any) -> html.Div:
    """The summary page (query parameters are ignored)."""
    ds = get_dataset()
    meta = ds.meta
    return html.Div(
        [
            html.H1(f"Resumen del seguimiento {meta.year}", className="h2"),
            html.P(
                f"{meta.plan} · Sector {meta.sector}: ¿se alcanzaron las metas en {meta.year} y "
                f"cómo cambiaron los indicadores respecto de {meta.previous_year}?",
                className="lead",
            ),
            _status_kpis(ds),
            _change_kpis(ds),
            html.Section(
                [
                    html.H2("Objetivos estratégicos sectoriales (OES)", className="h4"),
                    # static text and links: one HTML attribute, not ~100 components (an island)
                    island(
                        dbc.Row(
                            [_oes_card(ds, oes) for _, oes in ds.oes.iterrows()], className="g-4"
                        )
                    ),
                ],
                id=Ids.OES_CARDS,
                className="mb-4",
            ),
            _overview(ds),
            _findings_section(ds.findings),
            html.Details(
                [
                    html.Summary("Resumen ejecutivo del reporte (texto original)"),
                    island(markdown(ds.narrative.get("resumen_ejecutivo", "")), className="mt-3"),
                ],
                id=Ids.EXEC_SUMMARY,
                className="report-details mb-4",
            ),
        ],
        className="page-resumen",
    )
