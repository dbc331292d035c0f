"""Notes on annex cells: typos, body tables that disagree, avances that do not recompute.

Each function returns Spanish text for the ``note`` column of ``values.csv``; the numbers
themselves are never changed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence

from pesem import vocabulary

from .document import Report
from .tables import RowIndicator
from .text import MISSING_TYPO, classify_cell, normalize, sentences, split_source

log = logging.getLogger("pesem.importer")

#: (indicator_id, series, year) → a long-form cell row.
CellKey = tuple[str, str, str]
AnnexCells = Mapping[CellKey, dict[str, str]]
BodyCells = Mapping[CellKey, list[dict[str, str]]]


def shown(raw: str) -> str:
    """A cell as quoted in a note: ``«28%»``, or ``(vacía)`` for an empty cell."""
    return f"«{raw}»" if raw else "(vacía)"


def _differs(row: dict[str, str], other: dict[str, str]) -> bool:
    if other["value"] and row["value"]:
        return abs(float(other["value"]) - float(row["value"])) > 1e-9
    return bool(other["value"]) != bool(row["value"]) or (
        MISSING_TYPO in (row["missing_reason"], other["missing_reason"])
        and other["raw"] != row["raw"]
    )


def body_difference_notes(row: dict[str, str], body: Sequence[dict[str, str]]) -> list[str]:
    """Notes for body-table cells that disagree with the annex cell."""
    notes = []
    for other in body:
        if _differs(row, other):
            log.warning(
                "%s %s %s: annex %r vs %s %r",
                row["indicator_id"],
                row["series"],
                row["year"],
                row["raw"],
                other["table"],
                other["raw"],
            )
            notes.append(f"{other['table']} imprime {shown(other['raw'])}.")
    return notes


def twins(report: Report, ind: RowIndicator) -> list[RowIndicator]:
    """Other annex indicators with the same name (e.g. an AES reusing an OES indicator)."""
    name = normalize(split_source(ind.name_cell)[0])
    return [
        o for o in report.annex if o is not ind and normalize(split_source(o.name_cell)[0]) == name
    ]


def unchanged_sentence(report: Report, code: str) -> str:
    """A narrative sentence saying the value did not change from the previous year, if any."""
    text = " ".join(report.aes_narratives.get(code, []) + report.oes_narratives.get(code, []))
    for sentence in sentences(text):
        if re.search(r"no se registraron cambios|no (?:experiment|present)\w+ variaci", sentence):
            return sentence
    return ""


def _twin_note(
    report: Report,
    ind: RowIndicator,
    row: dict[str, str],
    twin: RowIndicator,
    annex_cells: AnnexCells,
    body_cells: BodyCells,
) -> list[str]:
    """What a twin indicator prints for the same cell, and the narrative that confirms it."""
    twin_key = (twin.indicator_id, row["series"], row["year"])
    twin_cell = annex_cells.get(twin_key)
    if not twin_cell or not twin_cell["value"]:
        return []
    tables = [vocabulary.ANNEX_NAME] + [
        b["table"] for b in body_cells.get(twin_key, []) if b["value"] == twin_cell["value"]
    ]
    parts = [
        f"El mismo indicador figura como {twin.indicator_id} con {twin_cell['raw']} en "
        f"{row['year']} ({'; '.join(tables)})."
    ]
    sentence = unchanged_sentence(report, ind.code)
    following = annex_cells.get((ind.indicator_id, row["series"], str(int(row["year"]) + 1)))
    if sentence and following and following["value"] == twin_cell["value"]:
        parts.append(
            f"La narrativa de la {ind.code} dice «{sentence}» y el valor de "
            f"{int(row['year']) + 1} es {following['raw']}: el valor de {row['year']} era "
            f"{twin_cell['raw']}."
        )
    return parts


def typo_note(
    report: Report,
    ind: RowIndicator,
    row: dict[str, str],
    annex_cells: AnnexCells,
    body_cells: BodyCells,
) -> str:
    """Explain a non-numeric cell with what the rest of the report says about that cell."""
    key = (row["indicator_id"], row["series"], row["year"])
    same = [b["table"] for b in body_cells.get(key, []) if b["raw"] == row["raw"]]
    parts = [
        f"Celda impresa {shown(row['raw'])}, no es un número"
        + (f" (igual en {'; '.join(same)})" if same else "")
        + "; se deja sin valor."
    ]
    for twin in twins(report, ind):
        parts += _twin_note(report, ind, row, twin, annex_cells, body_cells)
    return " ".join(parts)


def _avance_numbers(
    ind: RowIndicator, year: str, annex_cells: AnnexCells
) -> tuple[list[dict[str, str]], tuple[float, float, float, float, float]] | None:
    """Cells and numbers (LB, V, M, Tipo 1, Tipo 2) behind an indicator's avances of ``year``."""
    base = next(c for c in ind.cells if c.series == "baseline")
    cells = [
        annex_cells.get((ind.indicator_id, series, year))
        for series in ("achieved", "expected", "reported_tipo1", "reported_tipo2")
    ]
    lb = classify_cell(base.raw)[0]
    present = [c for c in cells if c and c["value"]]
    if lb is None or len(present) < len(cells):
        return None
    v, m, t1, t2 = (float(c["value"]) for c in present)
    return present, (lb, v, m, t1, t2)


def recompute_notes(ind: RowIndicator, row: dict[str, str], annex_cells: AnnexCells) -> list[str]:
    """On the Tipo 1 cell: when both reported avances miss the printed target, name one that fits.

    Tipo 1 = V/M×100 and Tipo 2 = (V−LB)/(M−LB)×100; solving each for M and finding the same
    whole number shows the avances were computed with another target than the one printed.
    """
    if row["series"] != "reported_tipo1":
        return []
    year = row["year"]
    found = _avance_numbers(ind, year, annex_cells)
    if found is None:
        return []
    cells, (lb, v, m, t1, t2) = found
    if min(abs(m), abs(m - lb), abs(t1), abs(t2)) < 1e-9:
        return []
    if abs(v / m * 100 - t1) <= 0.5 or abs((v - lb) / (m - lb) * 100 - t2) <= 0.5:
        return []
    fit = round(v / (t1 / 100))
    if round(lb + (v - lb) / (t2 / 100)) != fit or fit in (m, lb) or fit == 0:
        return []
    raw = [c["raw"] for c in cells]
    note = (
        f"{raw[2]} y {raw[3]} no se obtienen con el logro esperado {year} impreso ({raw[1]}): "
        f"resulta {v / m * 100:.1f}% y {(v - lb) / (m - lb) * 100:.1f}%; ambos coinciden con un "
        f"logro esperado de {fit} ({v / fit * 100:.1f}% y {(v - lb) / (fit - lb) * 100:.1f}%)."
    )
    log.warning("%s: %s", ind.indicator_id, note)
    return [note]
