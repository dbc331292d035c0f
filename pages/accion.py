"""One strategic action (AES): its proxy indicators, reported vs recomputed avance, the report's
inconsistencies and its narrative.

URL ``/aes/<code>``; the code is accepted as ``AES.01.03``, ``aes-01-03``, ``AES0103`` or
``01.03``. No callbacks: the layout is a function of the code.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import dash
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from components.charts import avance_bars, indicator_timeline
from components.format import fmt_value, unit_label
from components.graph import chart_card
from components.layout import (
    CodePage,
    canonical_aes,
    code_findings_box,
    code_layout,
    code_page_header,
    indicator_heading,
    narrative_section,
    responsive_table,
    table_header,
    timeline_card,
    values_table,
)
from pesem.findings import SERIES_LABELS, find_all
from pesem.formulas import agrees
from pesem.loader import Dataset, get_dataset
from pesem.metrics import MISSING_LABELS, indicator_summary, series_table

# TEMPORARY (issue 13 migration): owners replace these with ds.meta.
_META = get_dataset().meta
ASSESSED_YEAR, PREVIOUS_YEAR = _META.year, _META.previous_year
EXPECTED_YEARS, ACHIEVED_YEARS = _META.expected_years, _META.achieved_years


FILE_PREFIX = "pesem-rree-2020"
NO_INDICATOR_TEXT = (
    "Esta acción estratégica no tiene indicador en el PESEM; el avance cualitativo se describe "
    "a continuación."
)
SERIES_ORDER = ("baseline", "expected", "achieved", "reported_tipo1", "reported_tipo2")


class Ids(StrEnum):
    """Component ids of this page (prefix ``aes-``); charts use ``{"type": …, "index": id}``."""

    TIMELINE = "aes-timeline"
    AVANCE = "aes-avance"
    INDICATORS = "aes-indicators"
    NO_INDICATOR = "aes-no-indicator"
    FINDINGS = "aes-findings"
    NARRATIVE = "aes-narrative"
    PAGER = "aes-pager"


PAGE = CodePage(
    canonical_aes, lambda: get_dataset().aes["aes_code"], "Acción estratégica no encontrada"
)
resolve = PAGE.resolve
page_title = PAGE.title


dash.register_page(
    __name__,
    path_template="/aes/<code>",
    name="Acción estratégica sectorial",
    description="Indicador, avance reportado y recalculado, inconsistencias y análisis de una AES.",
    **PAGE.register_options(),
)


# --------------------------------------------------------------------------- figures


def _indicator_rows(ds: Dataset, code: str) -> pd.DataFrame:
    summary = indicator_summary(ds)
    return summary[summary["aes_code"] == code].sort_values("seq")


def _figures(ds: Dataset, row: pd.Series, cells: pd.DataFrame) -> tuple[go.Figure, go.Figure]:
    timeline = indicator_timeline(row, cells)
    bars = avance_bars(
        row.to_frame().T,
        title=f"{row['name']} ({row['indicator_id']}): Avance {ASSESSED_YEAR}, "
        "reportado vs. recalculado",
    )
    return timeline, bars


def export_figures(code: str | None = None, **_url_params: Any) -> list[tuple[str, go.Figure]]:
    """The page's charts as (file stem, figure), in page order; [] for an unknown code."""
    canonical = resolve(code)
    if canonical is None:
        return []
    ds = get_dataset()
    out: list[tuple[str, go.Figure]] = []
    for _, row in _indicator_rows(ds, canonical).iterrows():
        iid = row["indicator_id"]
        timeline, bars = _figures(ds, row, series_table(ds, iid))
        out += [(f"{FILE_PREFIX}_{iid}_serie", timeline), (f"{FILE_PREFIX}_{iid}_avance", bars)]
    return out


# --------------------------------------------------------------------------- layout pieces


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def cells_table(cells: pd.DataFrame, unit: str) -> html.Div:
    """Every cell of the indicator in Annex 6.1: raw text, value and why a value is missing."""
    ordered = cells.assign(
        _order=cells["series"].map({s: i for i, s in enumerate(SERIES_ORDER)})
    ).sort_values(["_order", "year"])
    rows = []
    for cell in ordered.itertuples(index=False):
        missing = bool(cell.missing_reason)
        value_unit = "porcentaje" if cell.series.startswith("reported_") else unit
        reason = MISSING_LABELS.get(cell.missing_reason, cell.missing_reason) if missing else ""
        rows.append(
            html.Tr(
                [
                    html.Th(_capitalize(SERIES_LABELS.get(cell.series, cell.series)), scope="row"),
                    html.Td(str(cell.year)),
                    html.Td(html.Code(cell.raw) if cell.raw else html.I("(vacía)")),
                    html.Td("—" if missing else fmt_value(float(cell.value), value_unit)),
                    html.Td(reason, className="cell-missing" if missing else None),
                    html.Td(cell.note or ""),
                ],
                className="row-missing" if missing else None,
            )
        )
    header = table_header(
        ("Serie", "Año", "Texto en el reporte", "Valor", "Motivo del vacío", "Nota")
    )
    return responsive_table(
        f"Celdas del Anexo 6.1 ({unit_label(unit)}), tal como se imprimen",
        header,
        rows,
        "table table-sm cells-table mb-0",
    )


def _avance_summary(row: pd.Series) -> str:
    parts = []
    for tipo, label in (("tipo1", "Tipo 1"), ("tipo2", "Tipo 2")):
        rep, comp = row[f"{tipo}_reported"], row[f"{tipo}_computed"]
        rep_text = "no informado" if pd.isna(rep) else f"{rep:,.0f}%"
        comp_text = row[f"{tipo}_reason"] if pd.isna(comp) else f"{comp:,.1f}%"
        flag = ""
        if not pd.isna(rep) and not pd.isna(comp) and not agrees(rep, comp, 0):
            flag = " ⚠ No coinciden."
        parts.append(f"Avance {label}: reportado {rep_text}, recalculado {comp_text}.{flag}")
    return " ".join(parts)


def _indicator_section(ds: Dataset, row: pd.Series) -> html.Article:
    iid = row["indicator_id"]
    unit = row["unit"]
    cells = series_table(ds, iid)
    timeline, bars = _figures(ds, row, cells)
    ind = ds.indicators.set_index("indicator_id").loc[iid]
    facts = [
        ("Unidad de medida", unit_label(unit)),
        ("Fuente del indicador", ind["source"] or "PESEM 2015-2021"),
        ("Procedencia de los datos", ind["provenance"]),
        ("Unidad orgánica responsable", ind["responsible_units"] or "—"),
        ("Unidad ejecutora (UE)", ind["executing_unit"] or "—"),
    ]
    return html.Article(
        [
            *indicator_heading(
                row,
                "h4",
                f" · valor obtenido {ASSESSED_YEAR}: "
                f"{fmt_value(row[f'achieved_{ASSESSED_YEAR}'], unit)}",
            ),
            html.Dl(
                [item for term, text in facts for item in (html.Dt(term), html.Dd(text))],
                className="indicator-facts",
            ),
            timeline_card(
                Ids.TIMELINE.value,
                iid,
                timeline,
                filename=f"{FILE_PREFIX}_{iid}_serie",
                summary=f"Línea de base {fmt_value(row['baseline_value'], unit)} "
                f"({row['baseline_year']}); valor obtenido {ASSESSED_YEAR} "
                f"{fmt_value(row[f'achieved_{ASSESSED_YEAR}'], unit)}; "
                f"estado: {row['status_label']} ({row['status_reason']}).",
                table=values_table(cells, unit, row["baseline_year"]),
            ),
            chart_card(
                {"type": Ids.AVANCE.value, "index": iid},
                bars,
                title=f"{iid} · ¿Coincide el avance {ASSESSED_YEAR} reportado con el recalculado?",
                filename=f"{FILE_PREFIX}_{iid}_avance",
                summary=_avance_summary(row),
                table=pd.DataFrame(
                    {
                        "Avance": ["Tipo 1", "Tipo 2"],
                        "Reportado (%)": [row["tipo1_reported"], row["tipo2_reported"]],
                        "Recalculado (%)": [
                            None
                            if pd.isna(row["tipo1_computed"])
                            else round(row["tipo1_computed"], 2),
                            None
                            if pd.isna(row["tipo2_computed"])
                            else round(row["tipo2_computed"], 2),
                        ],
                        "Motivo si no es calculable": [row["tipo1_reason"], row["tipo2_reason"]],
                    }
                ),
            ),
            html.H4("Todas las celdas del reporte", className="h6 mt-3"),
            cells_table(cells, unit),
        ],
        className="indicator-block mb-5",
    )


def _pager(ds: Dataset, code: str) -> html.Nav:
    codes = list(ds.aes["aes_code"])
    index = codes.index(code)
    links: list[Any] = []
    if index > 0:
        prev = codes[index - 1]
        links.append(
            dcc.Link(
                f"← Anterior: {prev}", href=f"/aes/{prev}", className="btn btn-outline-primary"
            )
        )
    else:
        links.append(html.Span())
    if index < len(codes) - 1:
        nxt = codes[index + 1]
        links.append(
            dcc.Link(f"Siguiente: {nxt} →", href=f"/aes/{nxt}", className="btn btn-outline-primary")
        )
    return html.Nav(
        links,
        id=Ids.PAGER,
        className="aes-pager d-flex justify-content-between my-4",
        **{"aria-label": "Acción estratégica anterior y siguiente"},
    )


@code_layout(
    PAGE,
    "No existe la acción estratégica «{code}». Las acciones estratégicas del PESEM se escriben "
    "como AES.01.03 y están listadas en la página de cada objetivo.",
)
def layout(canonical: str) -> html.Div:
    """The page of an existing AES (code_layout answers an unknown code with the 404 content)."""
    ds = get_dataset()
    aes = ds.aes.set_index("aes_code").loc[canonical]
    oes_code = aes["oes_code"]
    oes_name = ds.oes.set_index("oes_code").at[oes_code, "name"]
    rows = _indicator_rows(ds, canonical)

    description: list[Any] = [html.P(aes["description"], className="lead aes-description")]
    body = aes["description_body"]
    if body and body != aes["description"]:
        description.append(
            html.Div(
                [
                    html.Span("Inconsistencia del reporte: ", className="fw-bold"),
                    "en el cuerpo del reporte (sección 3) esta acción se redacta así: ",
                    html.Q(body),
                ],
                className="description-differs",
            )
        )

    if rows.empty:
        indicators: list[Any] = [
            html.P(NO_INDICATOR_TEXT, id=Ids.NO_INDICATOR, className="no-indicator")
        ]
    else:
        indicators = [_indicator_section(ds, row) for _, row in rows.iterrows()]

    n = len(rows)
    return html.Div(
        [
            *code_page_header(
                [("Resumen", "/"), (oes_code, f"/oes/{oes_code}"), (canonical, None)],
                canonical,
                " Acción estratégica sectorial",
            ),
            html.P(
                ["Del ", dcc.Link(f"{oes_code}", href=f"/oes/{oes_code}"), f": {oes_name}"],
                className="text-body-secondary",
            ),
            *description,
            html.Section(
                [
                    html.H2(
                        "Indicador" if n == 1 else ("Indicadores" if n else "Indicador"),
                        className="h3",
                    ),
                    *indicators,
                ],
                id=Ids.INDICATORS,
                className="mb-4",
            ),
            code_findings_box(
                find_all(ds),
                canonical,
                Ids.FINDINGS,
                "No se detectaron inconsistencias en los datos de esta acción estratégica.",
            ),
            narrative_section(
                "Análisis descriptivo del reporte",
                ds.narrative.get(canonical, "El reporte no incluye análisis para esta acción."),
                Ids.NARRATIVE,
            ),
            _pager(ds, canonical),
        ],
        className="page-aes",
    )
