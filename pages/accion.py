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

from components.cards import narrative_section
from components.charts import avance_bars, indicator_timeline
from components.code_page import (
    CodePage,
    canonical_aes,
    code_findings_box,
    code_page_header,
    indicator_heading,
    timeline_card,
)
from components.format import fmt_value, unit_label
from components.graph import chart_card
from components.navigation import not_found_view
from components.outlook import outlook_note
from components.tables import responsive_table, table_header, values_table
from pesem.findings import SERIES_LABELS
from pesem.formulas import agrees
from pesem.loader import Dataset, get_dataset
from pesem.metrics import MISSING_LABELS, series_table
from pesem.outlook import with_outlook
from pesem.report import ReportMeta

NO_INDICATOR_TEXT = (
    "Esta acción estratégica no tiene indicador en el PESEM; el avance cualitativo se describe "
    "a continuación."
)
UNKNOWN_TEXT = (
    "No existe la acción estratégica «{code}». Las acciones estratégicas del PESEM se escriben "
    "como AES.01.03 y están listadas en la página de cada objetivo."
)
SERIES_ORDER = ("baseline", "expected", "achieved", "reported_tipo1", "reported_tipo2")
CELLS_HEADER = ("Serie", "Año", "Texto en el reporte", "Valor", "Motivo del vacío", "Nota")


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
    canonical_aes,
    lambda: get_dataset().aes["aes_code"],
    "Acción estratégica no encontrada",
    lambda: get_dataset().meta,
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
    # with the outlook's category, shown beside the semáforo
    return with_outlook(ds, ds.summary[ds.summary["aes_code"] == code].sort_values("seq"))


def _stems(meta: ReportMeta, indicator_id: str) -> tuple[str, str]:
    """PNG names of an indicator's timeline and avance charts."""
    prefix = f"{meta.file_prefix}_{indicator_id}"
    return f"{prefix}_serie", f"{prefix}_avance"


def _figures(meta: ReportMeta, row: pd.Series, cells: pd.DataFrame) -> tuple[go.Figure, go.Figure]:
    timeline = indicator_timeline(row, cells, meta=meta)
    title = f"{row['name']} ({row['indicator_id']}): Avance {meta.year}, reportado vs. recalculado"
    return timeline, avance_bars(row.to_frame().T, meta=meta, title=title)


def export_figures(code: str | None = None, **_url_params: Any) -> list[tuple[str, go.Figure]]:
    """The page's charts as (file stem, figure), in page order; [] for an unknown code."""
    canonical = resolve(code)
    if canonical is None:
        return []
    ds = get_dataset()
    out: list[tuple[str, go.Figure]] = []
    for _, row in _indicator_rows(ds, canonical).iterrows():
        iid = row["indicator_id"]
        figures = _figures(ds.meta, row, series_table(ds, iid))
        out += list(zip(_stems(ds.meta, iid), figures, strict=True))
    return out


# --------------------------------------------------------------------------- layout pieces


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def _cell_row(cell: Any, unit: str) -> html.Tr:
    missing = bool(cell.missing_reason)
    value_unit = "porcentaje" if cell.series.startswith("reported_") else unit
    reason = MISSING_LABELS.get(cell.missing_reason, cell.missing_reason) if missing else ""
    return html.Tr(
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


def cells_table(cells: pd.DataFrame, unit: str) -> html.Div:
    """Every cell of the indicator in Annex 6.1: raw text, value and why a value is missing."""
    ordered = cells.assign(
        _order=cells["series"].map({s: i for i, s in enumerate(SERIES_ORDER)})
    ).sort_values(["_order", "year"])
    return responsive_table(
        f"Celdas del Anexo 6.1 ({unit_label(unit)}), tal como se imprimen",
        table_header(CELLS_HEADER),
        [_cell_row(cell, unit) for cell in ordered.itertuples(index=False)],
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


def _avance_table(row: pd.Series) -> pd.DataFrame:
    def rounded(value: float) -> float | None:
        return None if pd.isna(value) else round(value, 2)

    return pd.DataFrame(
        {
            "Avance": ["Tipo 1", "Tipo 2"],
            "Reportado (%)": [row["tipo1_reported"], row["tipo2_reported"]],
            "Recalculado (%)": [rounded(row["tipo1_computed"]), rounded(row["tipo2_computed"])],
            "Motivo si no es calculable": [row["tipo1_reason"], row["tipo2_reason"]],
        }
    )


def _facts(ds: Dataset, iid: str, unit: str) -> html.Dl:
    ind = ds.indicators.set_index("indicator_id").loc[iid]
    facts = [
        ("Unidad de medida", unit_label(unit)),
        ("Fuente del indicador", ind["source"] or ds.meta.plan),
        ("Procedencia de los datos", ind["provenance"]),
        ("Unidad orgánica responsable", ind["responsible_units"] or "—"),
        ("Unidad ejecutora (UE)", ind["executing_unit"] or "—"),
    ]
    return html.Dl(
        [item for term, text in facts for item in (html.Dt(term), html.Dd(text))],
        className="indicator-facts",
    )


def _indicator_section(ds: Dataset, row: pd.Series) -> html.Article:
    iid, unit, year = row["indicator_id"], row["unit"], ds.meta.year
    cells = series_table(ds, iid)
    timeline, bars = _figures(ds.meta, row, cells)
    timeline_stem, avance_stem = _stems(ds.meta, iid)
    achieved = fmt_value(row["achieved_current"], unit)
    return html.Article(
        [
            *indicator_heading(
                row,
                "h4",
                html.Span([f" · valor obtenido {year}: {achieved}", outlook_note(row, ds.meta)]),
            ),
            _facts(ds, iid, unit),
            timeline_card(
                Ids.TIMELINE.value,
                iid,
                timeline,
                filename=timeline_stem,
                summary=f"Línea de base {fmt_value(row['baseline_value'], unit)} "
                f"({row['baseline_year']}); valor obtenido {year} {achieved}; "
                f"estado: {row['status_label']} ({row['status_reason']}).",
                table=values_table(cells, unit, row["baseline_year"], ds.meta),
            ),
            chart_card(
                {"type": Ids.AVANCE.value, "index": iid},
                bars,
                title=f"{iid} · ¿Coincide el avance {year} reportado con el recalculado?",
                filename=avance_stem,
                summary=_avance_summary(row),
                table=_avance_table(row),
            ),
            html.H4("Todas las celdas del reporte", className="h6 mt-3"),
            cells_table(cells, unit),
        ],
        className="indicator-block mb-5",
    )


def _pager(ds: Dataset, code: str) -> html.Nav:
    codes = list(ds.aes["aes_code"])
    index = codes.index(code)
    button = "btn btn-outline-primary"
    links: list[Any] = [html.Span()]
    if index > 0:
        prev = codes[index - 1]
        links = [dcc.Link(f"← Anterior: {prev}", href=f"/aes/{prev}", className=button)]
    if index < len(codes) - 1:
        nxt = codes[index + 1]
        links.append(dcc.Link(f"Siguiente: {nxt} →", href=f"/aes/{nxt}", className=button))
    return html.Nav(
        links,
        id=Ids.PAGER,
        className="aes-pager d-flex justify-content-between my-4",
        **{"aria-label": "Acción estratégica anterior y siguiente"},
    )


def _description(aes: pd.Series) -> list[Any]:
    """The AES as the annex words it; the body's other wording flagged as an inconsistency."""
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
    return description


def _indicators(ds: Dataset, rows: pd.DataFrame) -> html.Section:
    if rows.empty:
        content = [html.P(NO_INDICATOR_TEXT, id=Ids.NO_INDICATOR, className="no-indicator")]
    else:
        content = [_indicator_section(ds, row) for _, row in rows.iterrows()]
    heading = "Indicadores" if len(rows) > 1 else "Indicador"
    return html.Section(
        [html.H2(heading, className="h3"), *content], id=Ids.INDICATORS, className="mb-4"
    )


def _page(ds: Dataset, code: str) -> html.Div:
    aes = ds.aes.set_index("aes_code").loc[code]
    oes_code = aes["oes_code"]
    oes_name = ds.oes.set_index("oes_code").at[oes_code, "name"]
    return html.Div(
        [
            *code_page_header(
                [("Resumen", "/"), (oes_code, f"/oes/{oes_code}"), (code, None)],
                code,
                " Acción estratégica sectorial",
            ),
            html.P(
                ["Del ", dcc.Link(f"{oes_code}", href=f"/oes/{oes_code}"), f": {oes_name}"],
                className="text-body-secondary",
            ),
            *_description(aes),
            _indicators(ds, _indicator_rows(ds, code)),
            code_findings_box(
                ds.findings,
                code,
                Ids.FINDINGS,
                "No se detectaron inconsistencias en los datos de esta acción estratégica.",
            ),
            narrative_section(
                "Análisis descriptivo del reporte",
                ds.narrative.get(code, "El reporte no incluye análisis para esta acción."),
                Ids.NARRATIVE,
            ),
            _pager(ds, code),
        ],
        className="page-aes",
    )


def layout(code: str | None = None, **_query: Any) -> html.Div:
    """The page of the AES ``code`` (any accepted spelling); the not-found view if unknown."""
    ds = get_dataset()
    canonical = resolve(code)
    if canonical is None:
        return not_found_view(UNKNOWN_TEXT.format(code=code or ""), ds.oes)
    return _page(ds, canonical)
