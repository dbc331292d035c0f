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

from components.cards import narrative_section, summary_badge
from components.charts import indicator_timeline
from components.code_page import (
    CodePage,
    canonical_oes,
    code_findings_box,
    code_page_header,
    indicator_heading,
    timeline_card,
)
from components.format import count_word, fmt_value, unit_label
from components.navigation import not_found_view
from components.outlook import outlook_note
from components.static_html import island
from components.tables import (
    avance_pair,
    html_table,
    responsive_table,
    table_header,
    values_table,
)
from pesem.loader import Dataset, get_dataset
from pesem.metrics import MISSING_LABELS, series_table
from pesem.outlook import with_outlook
from pesem.report import ReportMeta


class Ids(StrEnum):
    """Component ids of this page (prefix ``oes-``); charts: ``{"type": TIMELINE, "index": id}``."""

    TIMELINE = "oes-timeline"
    INDICATORS = "oes-indicators"
    AES_TABLE = "oes-aes-table"
    FINDINGS = "oes-findings"
    NARRATIVE = "oes-narrative"


PAGE = CodePage(
    canonical_oes,
    lambda: get_dataset().oes["oes_code"],
    "Objetivo no encontrado",
    lambda: get_dataset().meta,
)
resolve = PAGE.resolve
page_title = PAGE.title


dash.register_page(
    __name__,
    path_template="/oes/<code>",
    name="Objetivo estratégico sectorial",
    description="Indicadores, acciones estratégicas y análisis de un objetivo del PESEM.",
    **PAGE.register_options(),
)

AES_HEADER = (
    "Código",
    "Acción estratégica",
    "Indicadores",
    "Estado",
    ["Avance Tipo 1 ", html.Br(), "reportado / recalculado"],
    ["Avance Tipo 2 ", html.Br(), "reportado / recalculado"],
)


# --------------------------------------------------------------------------- figures


def _timelines(ds: Dataset, code: str) -> list[tuple[pd.Series, pd.DataFrame, go.Figure]]:
    rows = ds.summary[(ds.summary["oes_code"] == code) & (ds.summary["level"] == "OES")]
    rows = with_outlook(ds, rows)  # the outlook's category goes beside the semáforo
    out = []
    for _, row in rows.iterrows():
        cells = series_table(ds, row["indicator_id"])
        out.append((row, cells, indicator_timeline(row, cells, meta=ds.meta)))
    return out


def _stem(meta: ReportMeta, indicator_id: str) -> str:
    return f"{meta.file_prefix}_{indicator_id}_serie"


def export_figures(code: str | None = None, **_url_params: Any) -> list[tuple[str, go.Figure]]:
    """The page's charts as (file stem, figure), in page order; [] for an unknown code."""
    canonical = resolve(code)
    if canonical is None:
        return []
    ds = get_dataset()
    return [(_stem(ds.meta, row["indicator_id"]), fig) for row, _, fig in _timelines(ds, canonical)]


# --------------------------------------------------------------------------- indicators


def _without_marker(label: str) -> str:
    """``sin logro esperado definido (ND)`` → ``sin logro esperado definido``."""
    return re.sub(r"\s*\([^)]*\)$", "", label)


def _missing_notes(cells: pd.DataFrame) -> list[str]:
    """``ND = sin logro esperado definido``: what each marker of the table means."""
    return [
        f"{c.raw or '(vacía)'} = {_without_marker(MISSING_LABELS.get(c.missing_reason, ''))}"
        for c in cells.drop_duplicates("missing_reason").itertuples(index=False)
        if c.missing_reason and c.series in ("expected", "achieved", "baseline")
    ]


def _reference(row: pd.Series) -> str:
    if pd.isna(row["reference_target"]):
        return "sin meta de referencia"
    target = fmt_value(row["reference_target"], row["unit"])
    return f"meta de referencia {int(row['reference_year'])}: {target}"


def _timeline_summary(row: pd.Series, year: int) -> str:
    unit = row["unit"]
    parts = [
        f"Línea de base {fmt_value(row['baseline_value'], unit)} ({row['baseline_year']}).",
        f"Valor obtenido {year}: {fmt_value(row['achieved_current'], unit)}.",
    ]
    if not pd.isna(row["reference_target"]):
        target = fmt_value(row["reference_target"], unit)
        parts.append(f"Meta de referencia {int(row['reference_year'])}: {target}.")
    parts.append(f"Estado: {row['status_label']} ({row['status_reason']}).")
    return " ".join(parts)


def _indicator_block(
    row: pd.Series, cells: pd.DataFrame, figure: go.Figure, meta: ReportMeta
) -> html.Article:
    iid = row["indicator_id"]
    table = values_table(cells, row["unit"], row["baseline_year"], meta)
    notes = _missing_notes(cells)
    achieved = fmt_value(row["achieved_current"], row["unit"])
    detail = html.Span(
        [f" · valor obtenido {meta.year}: {achieved} · {_reference(row)}", outlook_note(row, meta)]
    )
    return html.Article(
        [
            *indicator_heading(row, "h5", detail),
            timeline_card(
                Ids.TIMELINE.value,
                iid,
                figure,
                filename=_stem(meta, iid),
                summary=_timeline_summary(row, meta.year),
                table=table,
            ),
            html_table(table, caption=f"{iid} · valores del Anexo 6.1 ({unit_label(row['unit'])})"),
            html.P(
                "Celdas sin valor: " + "; ".join(notes) + ".",
                className="small text-body-secondary mt-1",
            )
            if notes
            else None,
        ],
        className="indicator-block mb-4",
    )


# --------------------------------------------------------------------------- AES table


def _aes_description(aes: Any, n_findings: int) -> list[Any]:
    description: list[Any] = [aes.description]
    if n_findings:
        flag = f"⚠ {n_findings} inconsistencia{'s' if n_findings > 1 else ''}"
        description += [" ", html.Span(flag, className="flag-differs")]
    return description


def _per_indicator(inds: list[dict[str, Any]], render: Any) -> list[html.Div]:
    """One line per indicator of an AES, prefixed by its id when the AES has several."""
    multi = len(inds) > 1
    items = []
    for r in inds:
        prefix = [html.Span(f"{r['indicator_id']}: ", className="small")] if multi else []
        items.append(html.Div([*prefix, *render(r)]))
    return items


def _avance(tipo: str) -> Any:
    return lambda r: avance_pair(r[f"{tipo}_reported"], r[f"{tipo}_computed"], r[f"{tipo}_reason"])


def _aes_row(aes: Any, inds: list[dict[str, Any]], n_findings: int) -> html.Tr:
    link = dcc.Link(aes.aes_code, href=f"/aes/{aes.aes_code}", className="aes-link")
    cells = [html.Th(link, scope="row"), html.Td(_aes_description(aes, n_findings))]
    if not inds:
        no_indicator = html.Td(
            "Sin indicador (avance cualitativo)", colSpan=3, className="text-body-secondary"
        )
        return html.Tr([*cells, html.Td("0"), no_indicator])
    return html.Tr(
        [
            *cells,
            html.Td(str(len(inds))),
            html.Td(_per_indicator(inds, lambda r: [summary_badge(r)])),
            html.Td(_per_indicator(inds, _avance("tipo1"))),
            html.Td(_per_indicator(inds, _avance("tipo2"))),
        ]
    )


def _aes_table(ds: Dataset, code: str) -> html.Div:
    indicators: dict[str, list[dict[str, Any]]] = {}
    for record in ds.summary[ds.summary["oes_code"] == code].to_dict("records"):
        indicators.setdefault(record["aes_code"], []).append(record)
    findings = ds.findings["code"].value_counts()
    rows = [
        _aes_row(aes, indicators.get(aes.aes_code, []), int(findings.get(aes.aes_code, 0)))
        for aes in ds.aes[ds.aes["oes_code"] == code].itertuples(index=False)
    ]
    return responsive_table(
        f"Acciones estratégicas sectoriales del {code} (avance {ds.meta.year})",
        table_header(AES_HEADER),
        rows,
        "table aes-table align-middle mb-0",
    )


def _aes_section(ds: Dataset, code: str) -> html.Section:
    return html.Section(
        [
            html.H2(f"Acciones estratégicas (AES) del {code}", className="h3"),
            html.P(
                "Las AES no tienen indicadores aprobados en el PESEM; el reporte usa "
                "indicadores del PEI cuando existen. «Reportado» es el avance impreso "
                "en el Anexo 6.1; «recalculado», el que resulta de sus propios datos.",
                className="text-body-secondary",
            ),
            # static text and links: one HTML attribute, not ~200 components (an island)
            island(_aes_table(ds, code)),
        ],
        id=Ids.AES_TABLE,
        className="mb-4",
    )


# --------------------------------------------------------------------------- layout


def unknown_text(code: str, ds: Dataset) -> str:
    """What the not-found view says of an unknown objective code."""
    codes = list(ds.oes["oes_code"])
    listed = f"{codes[0]} a {codes[-1]}" if codes else "ninguno"
    return (
        f"No existe el objetivo estratégico «{code}». El {ds.meta.plan} del Sector "
        f"{ds.meta.sector} tiene {count_word(len(codes))}: {listed}."
    )


def _page(ds: Dataset, code: str) -> html.Div:
    oes = ds.oes.set_index("oes_code").loc[code]
    blocks = [_indicator_block(r, c, f, ds.meta) for r, c, f in _timelines(ds, code)]
    n_aes = int((ds.aes["oes_code"] == code).sum())
    return html.Div(
        [
            *code_page_header([("Resumen", "/"), (code, None)], code, " ", oes["name"]),
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
            code_findings_box(ds.findings, code, Ids.FINDINGS, None),
            _aes_section(ds, code),
            narrative_section(
                "Análisis del reporte",
                ds.narrative.get(code, "El reporte no incluye análisis para este objetivo."),
                Ids.NARRATIVE,
            ),
        ],
        className="page-oes",
    )


def layout(code: str | None = None, **_query: Any) -> html.Div:
    """The page of the OES ``code`` (any accepted spelling); the not-found view if unknown."""
    ds = get_dataset()
    canonical = resolve(code)
    if canonical is None:
        return not_found_view(unknown_text(code or "", ds), ds.oes)
    return _page(ds, canonical)
