"""Step 2, rows: a :class:`Report` → the rows of oes, aes, indicators, values and body_values."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from pesem import vocabulary

from .document import Report
from .notes import body_difference_notes, recompute_notes, typo_note
from .tables import Cell, RowIndicator
from .text import (
    FUENTE_RE,
    MISSING_TYPO,
    classify_cell,
    format_number,
    normalize,
    same_wording,
    split_source,
)

log = logging.getLogger("pesem.importer")

Row = dict[str, str]

#: Desired direction is curated, not printed: every indicator is "more is better" unless listed
#: here (indicator_id -> "descendente"). See data/README.md, "Direction rule".
DIRECTION_OVERRIDES: dict[str, str] = {}


def oes_rows(report: Report) -> list[Row]:
    """``oes.csv``: the OES of the annex, in report order."""
    return [
        {"oes_code": e.code, "name": e.description}
        for e in report.annex_entries
        if e.code.startswith(vocabulary.OBJECTIVE)
    ]


def _action_row(report: Report, code: str, description: str, body_text: str) -> Row:
    differs = bool(body_text) and not same_wording(body_text, description)
    if differs:
        log.warning("%s: description differs between the annex and the body table", code)
    heading = report.aes_headings.get(code, "")
    if heading and not same_wording(heading, description):
        log.warning("%s: narrative heading differs from the annex description", code)
    return {
        "aes_code": code,
        "oes_code": vocabulary.parent_objective(code),
        "description": description,
        "description_body": body_text if differs else "",
    }


def aes_rows(report: Report) -> list[Row]:
    """``aes.csv``: every AES of the annex; ``description_body`` when the body table differs."""
    body = {e.code: e.description for e in report.body_entries}
    return [
        _action_row(report, e.code, e.description, body.get(e.code, ""))
        for e in report.annex_entries
        if e.code.startswith(vocabulary.ACTION)
    ]


def infer_unit(name: str, cells: Iterable[Cell]) -> str:
    """CEPLAN unit of measure from the indicator's name, else from its cells (data/README.md).

    ``Porcentaje …`` → porcentaje, ``Número …`` → numero, ``Tasa …`` → tasa; otherwise
    porcentaje when a baseline/expected/achieved cell carries ``%``, else ratio. The reported
    avances always carry ``%`` and are not considered.
    """
    first = normalize(name).split(" ", 1)[0]
    by_name = {"porcentaje": "porcentaje", "numero": "numero", "tasa": "tasa"}
    if first in by_name:
        return by_name[first]
    measured = (c.raw for c in cells if not c.series.startswith("reported_"))
    return "porcentaje" if any(r.strip().endswith("%") for r in measured) else "ratio"


def provenance(ind: RowIndicator) -> str:
    """``'Anexo 6.1 (sección 6), fila AES.01.03'`` (+ order and fill-in remarks)."""
    text = f"{ind.table}, fila {ind.code}"
    if ind.seq > 1:
        text += f", indicador {ind.seq}"
    if ind.filled_from_above:
        text += (
            "; UE y unidad orgánica en blanco en el anexo (celda combinada): "
            "se toman de la fila anterior"
        )
    return text


def body_names(report: Report) -> dict[str, str]:
    """Indicator names as the body tables print them (first table wins; merged rows skipped)."""
    names: dict[str, str] = {}
    for ind in report.body:
        if len(FUENTE_RE.findall(ind.name_cell)) <= 1:
            names.setdefault(ind.indicator_id, split_source(ind.name_cell)[0])
    return names


def _wording(text: str) -> str:
    return " ".join(text.split()).casefold()


def indicator_row(ind: RowIndicator, body_name: str) -> Row:
    """One ``indicators.csv`` row (``name_body`` only when the body's wording differs)."""
    name, source = split_source(ind.name_cell)
    if body_name and _wording(body_name) == _wording(name):
        body_name = ""
    is_action = ind.code.startswith(vocabulary.ACTION)
    return {
        "indicator_id": ind.indicator_id,
        "level": vocabulary.ACTION if is_action else vocabulary.OBJECTIVE,
        "oes_code": vocabulary.parent_objective(ind.code),
        "aes_code": ind.code if is_action else "",
        "seq": str(ind.seq),
        "name": name,
        "name_body": body_name,
        "source": source,
        "unit": infer_unit(name, ind.cells),
        "direction": DIRECTION_OVERRIDES.get(ind.indicator_id, "ascendente"),
        "executing_unit": ind.executing_unit,
        "responsible_units": ind.responsible_units,
        "provenance": provenance(ind),
    }


def indicator_rows(report: Report) -> list[Row]:
    """``indicators.csv``: one row per indicator of the annex, in annex order."""
    in_body = body_names(report)
    return [indicator_row(ind, in_body.get(ind.indicator_id, "")) for ind in report.annex]


def cell_rows(ind: RowIndicator) -> list[Row]:
    """Long-form rows (without note/table) of one indicator's cells."""
    rows = []
    for cell in ind.cells:
        value, reason = classify_cell(cell.raw)
        rows.append(
            {
                "indicator_id": ind.indicator_id,
                "series": cell.series,
                "year": str(cell.year),
                "raw": cell.raw,
                "value": format_number(value),
                "missing_reason": reason,
            }
        )
    return rows


def body_rows(report: Report) -> list[Row]:
    """``body_values.csv``: the cells of the body tables, in report order."""
    return [{"table": ind.table, **row} for ind in report.body for row in cell_rows(ind)]


def _key(row: Row) -> tuple[str, str, str]:
    return row["indicator_id"], row["series"], row["year"]


def value_rows(report: Report) -> list[Row]:
    """``values.csv``: every cell of the annex, with notes on typos and disagreements."""
    annex_cells = {_key(r): r for ind in report.annex for r in cell_rows(ind)}
    body_cells: dict[tuple[str, str, str], list[Row]] = {}
    for row in body_rows(report):
        body_cells.setdefault(_key(row), []).append(row)
    rows = []
    for ind in report.annex:
        for row in cell_rows(ind):
            notes = []
            if row["missing_reason"] == MISSING_TYPO:
                notes.append(typo_note(report, ind, row, annex_cells, body_cells))
            notes += body_difference_notes(row, body_cells.get(_key(row), []))
            notes += recompute_notes(ind, row, annex_cells)
            rows.append({**row, "note": " ".join(n for n in notes if n)})
    return rows
