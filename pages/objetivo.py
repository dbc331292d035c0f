"""One strategic objective (OES): its indicators with their series, its AES and the report's text.

URL ``/oes/<code>``; the code is accepted as ``OES.01``, ``oes-01``, ``OES01`` or ``1``.
No callbacks: the layout is a function of the code.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

import dash
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from components.charts import indicator_timeline
from components.format import fmt_value, unit_label
from components.layout import (
    CodePage,
    avance_pair,
    canonical_oes,
    code_findings_box,
    code_layout,
    code_page_header,
    html_table,
    indicator_heading,
    narrative_section,
    responsive_table,
    summary_badge,
    table_header,
    timeline_card,
    values_table,
)
from pesem.findings import find_all
from pesem.loader import Dataset, get_dataset
from pesem.metrics import MISSING_LABELS, indicator_summary, series_table

# TEMPORARY (issue 13 migration): owners replace these with ds.meta.
_META = get_dataset().meta
ASSESSED_YEAR, PREVIOUS_YEAR = _META.year, _META.previous_year
EXPECTED_YEARS, ACHIEVED_YEARS = _META.expected_years, _META.achieved_years


FILE_PREFIX = "pesem-rree-2020"


class Ids(StrEnum):
    """Component ids of this page (prefix ``oes-``); charts: ``{"type": TIMELINE, "index": id}``."""

    TIMELINE = "oes-timeline"
    INDICATORS = "oes-indicators"
    AES_TABLE = "oes-aes-table"
    FINDINGS = "oes-findings"
    NARRATIVE = "oes-narrative"


PAGE = CodePage(canonical_oes, lambda: get_dataset().oes["oes_code"], "Objetivo no encontrado")
resolve = PAGE.resolve
page_title = PAGE.title


dash.register_page(
    __name__,
    path_template="/oes/<code>",
    name="Objetivo estratégico sectorial",
    description="Indicadores, acciones estratégicas y análisis de un objetivo del PESEM.",
    **PAGE.register_options(),
)


# --------------------------------------------------------------------------- figures


def _timelines(ds: Dataset, code: str) -> list[tuple[pd.Series, pd.DataFrame, go.Figure]]:
    summary = indicator_summary(ds)
    rows = summary[(summary["oes_code"] == code) & (summary["level"] == "OES")]
    out = []
    for _, row in rows.iterrows():
        cells = series_table(ds, row["indicator_id"])
        out.append((row, cells, indicator_timeline(row, cells)))
    return out


def export_figures(code: str | None = None, **_url_params: Any) -> list[tuple[str, go.Figure]]:
    """The page's charts as (file stem, figure), in page order; [] for an unknown code."""
    canonical = resolve(code)
    if canonical is None:
        return []
    return [
        (f"{FILE_PREFIX}_{row['indicator_id']}_serie", fig)
        for row, _, fig in _timelines(get_dataset(), canonical)
    ]


# --------------------------------------------------------------------------- layout


def _without_marker(label: str) -> str:
    """``sin logro esperado definido (ND)`` → ``sin logro esperado definido``."""
    return re.sub(r"\s*\([^)]*\)$", "", label)


def _indicator_block(row: pd.Series, cells: pd.DataFrame, figure: go.Figure) -> html.Article:
    iid = row["indicator_id"]
    table = values_table(cells, row["unit"], row["baseline_year"])
    missing_notes = [
        f"{c.raw or '(vacía)'} = {_without_marker(MISSING_LABELS.get(c.missing_reason, ''))}"
        for c in cells.drop_duplicates("missing_reason").itertuples(index=False)
        if c.missing_reason and c.series in ("expected", "achieved", "baseline")
    ]
    reference = (
        f"meta de referencia {int(row['reference_year'])}: "
        f"{fmt_value(row['reference_target'], row['unit'])}"
        if not pd.isna(row["reference_target"])
        else "sin meta de referencia"
    )
    return html.Article(
        [
            *indicator_heading(
                row,
                "h5",
                html.Span(
                    f" · valor obtenido {ASSESSED_YEAR}: "
                    f"{fmt_value(row[f'achieved_{ASSESSED_YEAR}'], row['unit'])} · {reference}",
                ),
            ),
            timeline_card(
                Ids.TIMELINE.value,
                iid,
                figure,
                filename=f"{FILE_PREFIX}_{iid}_serie",
                summary=_timeline_summary(row),
                table=table,
            ),
            html_table(
                table,
                caption=f"{iid} · valores del Anexo 6.1 ({unit_label(row['unit'])})",
            ),
            html.P(
                "Celdas sin valor: " + "; ".join(missing_notes) + ".",
                className="small text-body-secondary mt-1",
            )
            if missing_notes
            else None,
        ],
        className="indicator-block mb-4",
    )


def _timeline_summary(row: pd.Series) -> str:
    unit = row["unit"]
    parts = [
        f"Línea de base {fmt_value(row['baseline_value'], unit)} ({row['baseline_year']}).",
        f"Valor obtenido {ASSESSED_YEAR}: {fmt_value(row[f'achieved_{ASSESSED_YEAR}'], unit)}.",
    ]
    if not pd.isna(row["reference_target"]):
        parts.append(
            f"Meta de referencia {int(row['reference_year'])}: "
            f"{fmt_value(row['reference_target'], unit)}."
        )
    parts.append(f"Estado: {row['status_label']} ({row['status_reason']}).")
    return " ".join(parts)


def _aes_table(ds: Dataset, code: str, summary: pd.DataFrame, findings: pd.DataFrame) -> html.Div:
    header = table_header(
        [
            "Código",
            "Acción estratégica",
            "Indicadores",
            "Estado",
            ["Avance Tipo 1 ", html.Br(), "reportado / recalculado"],
            ["Avance Tipo 2 ", html.Br(), "reportado / recalculado"],
        ]
    )
    rows = []
    for aes in ds.aes[ds.aes["oes_code"] == code].itertuples(index=False):
        inds = summary[summary["aes_code"] == aes.aes_code]
        n_findings = int((findings["code"] == aes.aes_code).sum())
        link = dcc.Link(aes.aes_code, href=f"/aes/{aes.aes_code}", className="aes-link")
        description: list[Any] = [aes.description]
        if n_findings:
            description += [
                " ",
                html.Span(
                    f"⚠ {n_findings} inconsistencia{'s' if n_findings > 1 else ''}",
                    className="flag-differs",
                ),
            ]
        if inds.empty:
            rows.append(
                html.Tr(
                    [
                        html.Th(link, scope="row"),
                        html.Td(description),
                        html.Td("0"),
                        html.Td(
                            "Sin indicador (avance cualitativo)",
                            colSpan=3,
                            className="text-body-secondary",
                        ),
                    ]
                )
            )
            continue
        multi = len(inds) > 1

        def per_indicator(render, inds=inds, multi=multi) -> list[Any]:
            items = []
            for _, r in inds.iterrows():
                prefix = [html.Span(f"{r['indicator_id']}: ", className="small")] if multi else []
                items.append(html.Div([*prefix, *render(r)]))
            return items

        rows.append(
            html.Tr(
                [
                    html.Th(link, scope="row"),
                    html.Td(description),
                    html.Td(str(len(inds))),
                    html.Td(per_indicator(lambda r: [summary_badge(r)])),
                    html.Td(
                        per_indicator(
                            lambda r: avance_pair(
                                r["tipo1_reported"], r["tipo1_computed"], r["tipo1_reason"]
                            )
                        )
                    ),
                    html.Td(
                        per_indicator(
                            lambda r: avance_pair(
                                r["tipo2_reported"], r["tipo2_computed"], r["tipo2_reason"]
                            )
                        )
                    ),
                ]
            )
        )
    return responsive_table(
        f"Acciones estratégicas sectoriales del {code} (avance {ASSESSED_YEAR})",
        header,
        rows,
        "table aes-table align-middle mb-0",
    )


@code_layout(
    PAGE,
    "No existe el objetivo estratégico «{code}». El PESEM 2015-2021 del Sector Relaciones "
    "Exteriores tiene cuatro: OES.01 a OES.04.",
)
def layout(canonical: str) -> html.Div:
    """The page of an existing OES (code_layout answers an unknown code with the 404 content)."""
    ds = get_dataset()
    oes = ds.oes.set_index("oes_code").loc[canonical]
    summary = indicator_summary(ds)
    findings = find_all(ds)
    blocks = [_indicator_block(row, cells, fig) for row, cells, fig in _timelines(ds, canonical)]
    n_aes = int((ds.aes["oes_code"] == canonical).sum())
    return html.Div(
        [
            *code_page_header([("Resumen", "/"), (canonical, None)], canonical, " ", oes["name"]),
            html.P(
                f"Objetivo estratégico sectorial · {len(blocks)} indicador"
                f"{'es' if len(blocks) != 1 else ''} · {n_aes} acciones estratégicas",
                className="lead",
            ),
            html.Section(
                [html.H2("Indicadores del objetivo", className="h3"), *blocks],
                id=Ids.INDICATORS,
            ),
            # No box when the OES itself has no finding: its AES table flags the AES' own.
            code_findings_box(findings, canonical, Ids.FINDINGS, None),
            html.Section(
                [
                    html.H2(f"Acciones estratégicas (AES) del {canonical}", className="h3"),
                    html.P(
                        "Las AES no tienen indicadores aprobados en el PESEM; el reporte usa "
                        "indicadores del PEI cuando existen. «Reportado» es el avance impreso "
                        "en el Anexo 6.1; «recalculado», el que resulta de sus propios datos.",
                        className="text-body-secondary",
                    ),
                    _aes_table(ds, canonical, summary, findings),
                ],
                id=Ids.AES_TABLE,
                className="mb-4",
            ),
            narrative_section(
                "Análisis del reporte",
                ds.narrative.get(canonical, "El reporte no incluye análisis para este objetivo."),
                Ids.NARRATIVE,
            ),
        ],
        className="page-oes",
    )
