"""Import a CEPLAN PESEM follow-up report (text with markdown tables) into ``data/``.

Usage::

    python -m pesem.importer REPORT.md --out data/

Every sector and year uses the same CEPLAN layout, so the report is read by structure, never by
line numbers or known values:

* top-level sections ``1. Resumen ejecutivo`` … ``6. Anexos`` and the ``Anexo 6.1`` heading;
* table header rows (``OES / AES | … | Código | Descripción | | Valor | Año | 2016 …`` in the
  annex and the AES body tables, ``Indicador | LB | LOGROS ESPERADOS …`` in the OES body tables);
* the codes ``OES.NN`` / ``AES.NN.NN`` in the first column (a blank code cell continues the code
  above: a second indicator of the same OES/AES);
* the headings ``Análisis descriptivo del OES.NN`` and ``Acción estratégica NN.NN:``.

Numbers are never edited: each cell is kept verbatim in ``raw`` and parsed into ``value``
(percentages on the 0–100 scale). Disagreements between the annex, the body tables and the text
are kept, logged, and explained in ``note`` where useful; the dashboard reports them as findings.
The output is deterministic (same input, byte-identical files). See ``data/README.md``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import logging
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

log = logging.getLogger("pesem.importer")

# --------------------------------------------------------------------------------------------
# Vocabulary of the CEPLAN layout
# --------------------------------------------------------------------------------------------

#: Top-level sections, in the order they appear (the table of contents is a table, not matched).
SECTIONS: tuple[tuple[str, str], ...] = (
    ("resumen_ejecutivo", r"1\.\s*Resumen ejecutivo\b"),
    ("oes", r"2\.\s*Avance y an[aá]lisis de los Objetivos Estrat[eé]gicos Sectoriales"),
    ("aes", r"3\.\s*Avance y an[aá]lisis de las Acciones Estrat[eé]gicas Sectoriales"),
    ("conclusiones", r"4\.\s*Conclusiones\b"),
    ("recomendaciones", r"5\.\s*Recomendaciones\b"),
    ("anexos", r"6\.\s*Anexos\b"),
)
SECTION_NUMBERS = {key: str(i) for i, (key, _) in enumerate(SECTIONS, start=1)}
SECTION_TITLES = {
    "resumen_ejecutivo": "Sección 1 (Resumen ejecutivo)",
    "conclusiones": "Sección 4 (Conclusiones)",
    "recomendaciones": "Sección 5 (Recomendaciones)",
}
ANNEX_RE = re.compile(r"^\s*Anexo\s+6\.1\b")
OES_ANALYSIS_RE = re.compile(
    r"^\s*(?:[•·*-]\s*)?An[aá]lisis descriptivo del (OES)\.?\s*(\d{1,2})\b"
)
AES_HEADING_RE = re.compile(r"^\s*Acci[oó]n estrat[eé]gica\s+(\d{2})\.(\d{2})\s*:\s*(.*)$")
# Lines that end an AES narrative besides the next AES heading.
AES_STOP_RE = re.compile(r"^\s*(?:\||Tabla\s+\d|(?:[•·*-]\s*)?An[aá]lisis descriptivo)")
CODE_RE = re.compile(r"^(OES|AES)\.(\d{2})(?:\.(\d{2}))?$")
OES_TITLE_RE = re.compile(r"^OES\.?\s*(\d{1,2})\.")
OES_ROW_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\s+(.*)$")
FUENTE_RE = re.compile(r"\s*\bFuente\s*:\s*")
YEAR_RE = re.compile(r"^(19|20)\d{2}$")

SERIES_ORDER = ("baseline", "expected", "achieved", "reported_tipo1", "reported_tipo2")
MISSING_ND = "sin_meta"
MISSING_DASH = "sin_dato"
MISSING_BLANK = "vacio"
MISSING_TYPO = "error_tipografico"

ANNEX_NAME = "Anexo 6.1 (sección 6)"

#: Desired direction is curated, not printed: every indicator is "more is better" unless listed
#: here (indicator_id -> "descendente"). See data/README.md, "Direction rule".
DIRECTION_OVERRIDES: dict[str, str] = {}

#: One numeric cell of a table: the columns values.csv (annex) and body_values.csv (body) share.
CELL_COLUMNS = ("indicator_id", "series", "year", "raw", "value", "missing_reason")
OUTPUT_COLUMNS = {
    "oes.csv": ("oes_code", "name"),
    "aes.csv": ("aes_code", "oes_code", "description", "description_body"),
    "indicators.csv": (
        "indicator_id",
        "level",
        "oes_code",
        "aes_code",
        "seq",
        "name",
        "name_body",
        "source",
        "unit",
        "direction",
        "executing_unit",
        "responsible_units",
        "provenance",
    ),
    "values.csv": (*CELL_COLUMNS, "note"),
    "body_values.csv": ("table", *CELL_COLUMNS),
    "claims.csv": (
        "claim_id",
        "indicator_id",
        "kind",
        "year",
        "value",
        "text",
        "location",
    ),
}

STATUS_RULES_YAML = """\
# Semáforo (traffic light) of an indicator: data/status_rules.yaml, read by pesem/status.py.
#
# Rule: degree of achievement = valor obtenido / logro esperado x 100 for the year assessed
# (oriented so that >= 100 always means "target met"; pesem/status.py documents how a missing
# target for that year falls back to the plan's final target and how `descendente` indicators
# are handled).
#   degree >= thresholds.cumplido   -> cumplido
#   degree >= thresholds.en_riesgo  -> en_riesgo
#   otherwise                       -> rezagado
#   no logro esperado at all        -> sin_meta
#   no valor obtenido               -> sin_dato
#
# Labels are Spanish; every status has a text icon so colour never carries the status alone.
# Colours: Okabe-Ito palette (colour-blind safe); the two "no data" states share a neutral grey.
# Curated file: the importer creates it with these defaults when missing and never overwrites it.
thresholds:
  cumplido: 90
  en_riesgo: 70
labels:
  cumplido:
    label: Cumplido
    icon: "✔"
    color: "#009E73"
  en_riesgo:
    label: En riesgo
    icon: "▲"
    color: "#E69F00"
  rezagado:
    label: Rezagado
    icon: "✖"
    color: "#D55E00"
  sin_meta:
    label: Sin meta
    icon: "○"
    color: "#999999"
  sin_dato:
    label: Sin dato
    icon: "—"
    color: "#999999"
"""

STOPWORDS = frozenset(
    {
        *("a", "al", "ante", "con", "de", "del", "e", "el", "en", "la", "las", "lo", "los"),
        *("o", "para", "por", "que", "se", "su", "sus", "un", "una", "y"),
        *("numero", "porcentaje", "fuente", "pei", "pesem"),
    }
)
SPANISH_NUMBERS = {
    "un": 1,
    "uno": 1,
    "una": 1,
    "dos": 2,
    "tres": 3,
    "cuatro": 4,
    "cinco": 5,
    "seis": 6,
    "siete": 7,
    "ocho": 8,
    "nueve": 9,
    "diez": 10,
}
MONTHS = frozenset(
    {
        *("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto"),
        *("septiembre", "setiembre", "octubre", "noviembre", "diciembre"),
    }
)


class ReportFormatError(ValueError):
    """The report text does not follow the expected CEPLAN layout."""


# --------------------------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------------------------


def strip_accents(text: str) -> str:
    """``'Análisis'`` → ``'Analisis'`` (NFKD, combining marks removed)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalize(text: str) -> str:
    """Lower-case, accents stripped, whitespace collapsed: for comparisons only."""
    return " ".join(strip_accents(text).lower().split())


def keywords(text: str) -> list[str]:
    """Meaningful words of a text (normalized, stop-words and 1–2 letter words removed)."""
    words = re.findall(r"[a-z0-9]+", normalize(text))
    return [w for w in words if len(w) > 2 and w not in STOPWORDS]


def stems(text: str, size: int = 5) -> set[str]:
    """Crude stems (first ``size`` letters) of the keywords of at least ``size`` letters."""
    return {w[:size] for w in keywords(text) if len(w) >= size}


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the keyword sets of two texts (0–1)."""
    ka, kb = set(keywords(a)), set(keywords(b))
    if not ka or not kb:
        return 0.0
    return len(ka & kb) / len(ka | kb)


def same_wording(a: str, b: str) -> bool:
    """True when two texts differ at most in whitespace."""
    return " ".join(a.split()) == " ".join(b.split())


def is_blank(line: str) -> bool:
    """True for an empty or whitespace-only line."""
    return not line.strip()


def collapse_blank_runs(lines: Sequence[str]) -> str:
    """Join lines, reducing every run of blank lines (page breaks) to one; strip the ends."""
    out: list[str] = []
    for line in lines:
        if is_blank(line):
            if out and out[-1] != "":
                out.append("")
        else:
            out.append(line)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n" if out else ""


def as_year(text: str) -> int | None:
    """The year in a header cell such as ``'2016'``; None for anything else."""
    text = text.strip()
    return int(text) if YEAR_RE.match(text) else None


def parse_number(text: str) -> float | None:
    """Parse ``'72.2%'``, ``'-1652%'``, ``'37,368'``, ``'0.33'``; None if not a number.

    Percent cells keep the 0–100 scale (``'6.5%'`` → 6.5). A comma is read as a thousands
    separator when it groups three digits, else as a decimal comma.
    """
    text = text.strip().replace("\u2212", "-").replace(" ", "")
    text = text[:-1] if text.endswith("%") else text
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", text):
        text = text.replace(",", "")
    elif re.fullmatch(r"-?\d+,\d+", text):
        text = text.replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        return None
    return float(text)


def classify_cell(raw: str) -> tuple[float | None, str]:
    """A table cell → (value, missing_reason); exactly one of the two is set."""
    text = raw.strip()
    if not text:
        return None, MISSING_BLANK
    if text.upper() == "ND":
        return None, MISSING_ND
    if re.fullmatch(r"-{2,}|[—–]", text):
        return None, MISSING_DASH
    value = parse_number(text)
    if value is None:
        return None, MISSING_TYPO
    return value, ""


def format_number(value: float | None) -> str:
    """Shortest faithful text for a number: ``37368``, ``0.33``, ``-6.5``; empty for None."""
    if value is None:
        return ""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def oes_code(number: int | str) -> str:
    """``1`` → ``'OES.01'``."""
    return f"OES.{int(number):02d}"


def parent_oes(code: str) -> str:
    """``'AES.01.03'`` → ``'OES.01'``; an OES code is its own parent."""
    match = CODE_RE.match(code)
    if not match:
        raise ReportFormatError(f"not an OES/AES code: {code!r}")
    return oes_code(match.group(2))


def split_source(name_cell: str) -> tuple[str, str]:
    """``'Número de X Fuente: PEI 2017-2019'`` → (``'Número de X'``, ``'PEI 2017-2019'``)."""
    parts = FUENTE_RE.split(name_cell.strip(), maxsplit=1)
    name = parts[0].strip()
    source = parts[1].strip() if len(parts) > 1 else ""
    return name, source


# --------------------------------------------------------------------------------------------
# Document structure: sections and tables
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """Lines ``[start, end)`` of the report (0-based)."""

    start: int
    end: int


def find_sections(lines: Sequence[str]) -> dict[str, Span]:
    """Locate the six top-level sections (in order) and Annex 6.1; the heading line included."""
    starts: list[tuple[str, int]] = []
    position = 0
    for key, pattern in SECTIONS:
        regex = re.compile(rf"^\s*{pattern}", re.IGNORECASE)
        found = next(
            (
                i
                for i in range(position, len(lines))
                if regex.match(lines[i]) and not lines[i].lstrip().startswith("|")
            ),
            None,
        )
        if found is None:
            raise ReportFormatError(f"section heading not found: {pattern}")
        starts.append((key, found))
        position = found + 1
    spans = {
        key: Span(start, starts[i + 1][1] if i + 1 < len(starts) else len(lines))
        for i, (key, start) in enumerate(starts)
    }
    annex = next(
        (i for i in range(spans["anexos"].start, len(lines)) if ANNEX_RE.match(lines[i])),
        None,
    )
    if annex is None:
        raise ReportFormatError("heading 'Anexo 6.1' not found after '6. Anexos'")
    spans["anexos"] = Span(spans["anexos"].start, annex)
    spans["anexo_6_1"] = Span(annex, len(lines))
    return spans


def split_row(line: str) -> list[str]:
    """Cells of a markdown table row, stripped (outer pipes removed)."""
    text = line.strip()
    text = text[1:] if text.startswith("|") else text
    text = text[:-1] if text.endswith("|") else text
    return [cell.strip() for cell in text.split("|")]


def is_separator(cells: Sequence[str]) -> bool:
    """True for the ``|---|:--|`` row under a markdown header."""
    return all(re.fullmatch(r":?-{2,}:?", c) for c in cells)


@dataclass(frozen=True)
class Table:
    """A markdown table: its first line number, caption (text line above) and cell rows."""

    line: int
    caption: str
    rows: tuple[tuple[str, ...], ...]


def caption_before(lines: Sequence[str], index: int) -> str:
    """The nearest non-blank line above ``index``, without bullet or trailing parenthesis."""
    for i in range(index - 1, -1, -1):
        if not is_blank(lines[i]):
            text = re.sub(r"^[•·*-]\s*", "", lines[i].strip())
            return re.sub(r"\s*\([^)]*\)\s*$", "", text)
    return ""


def find_tables(lines: Sequence[str], span: Span) -> list[Table]:
    """Every markdown table (consecutive ``|`` lines) inside ``span``, separator rows removed."""
    tables: list[Table] = []
    i = span.start
    while i < span.end:
        if not lines[i].lstrip().startswith("|"):
            i += 1
            continue
        start = i
        rows = []
        while i < span.end and lines[i].lstrip().startswith("|"):
            cells = split_row(lines[i])
            if not is_separator(cells):
                rows.append(tuple(cells))
            i += 1
        tables.append(Table(start, caption_before(lines, start), tuple(rows)))
    return tables


# --------------------------------------------------------------------------------------------
# Table layouts
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """Where each kind of cell sits in the data rows of one table (column indexes)."""

    name: int
    baseline_value: int
    expected: tuple[tuple[int, int], ...]  # (column, year)
    achieved: tuple[tuple[int, int], ...]
    tipo1: int
    tipo2: int
    code: int | None = None
    description: int | None = None
    baseline_year: int | None = None  # column holding the baseline year, if any
    baseline_year_label: int | None = None  # the year printed in the header instead
    executing_unit: int | None = None
    responsible_units: int | None = None


def _index(cells: Sequence[str], prefix: str) -> int | None:
    """First column whose normalized text starts with ``prefix`` (normalized)."""
    target = normalize(prefix)
    return next((i for i, c in enumerate(cells) if c and normalize(c).startswith(target)), None)


def _require(cells: Sequence[str], prefix: str) -> int:
    index = _index(cells, prefix)
    if index is None:
        raise ReportFormatError(f"header cell {prefix!r} not found in {list(cells)}")
    return index


def year_runs(
    cells: Sequence[str], start: int, count: int
) -> tuple[list[tuple[tuple[int, int], ...]], int]:
    """Split header cells from ``start`` into ``count`` runs of strictly increasing years.

    Returns the runs as (column, year) pairs and the first column after the last run.
    """
    runs: list[tuple[tuple[int, int], ...]] = []
    col = start
    while len(runs) < count:
        run: list[tuple[int, int]] = []
        while col < len(cells):
            year = as_year(cells[col])
            if year is None or (run and year <= run[-1][1]):
                break
            run.append((col, year))
            col += 1
        if not run:
            raise ReportFormatError(
                f"expected {count} run(s) of years from column {start}: {list(cells)}"
            )
        runs.append(tuple(run))
    return runs, col


def code_layout(header: Sequence[str], years_row: Sequence[str]) -> Layout:
    """Layout of the annex and of the AES body tables (``Código | Descripción | | Valor | Año``).

    The years row (``Código …``) is aligned with the data; the group row above it is not always
    (the second annex table shifts it by one), so it is used only to know which groups exist.
    """
    valor = _require(years_row, "Valor")
    ano = _require(years_row, "Año")
    has_expected = _index(header, "Logros esperados") is not None
    runs, after = year_runs(years_row, ano + 1, 2 if has_expected else 1)
    name = _index(header, "Nombre del Indicador")
    has_units = _index(header, "Unidad orgánica") is not None
    return Layout(
        code=_require(years_row, "Código"),
        description=_require(years_row, "Descripción"),
        name=name if name is not None else valor - 1,
        baseline_value=valor,
        baseline_year=ano,
        expected=runs[0] if has_expected else (),
        achieved=runs[-1],
        tipo1=after,
        tipo2=after + 1,
        executing_unit=after + 2,
        responsible_units=after + 3 if has_units else None,
    )


def oes_layout(header: Sequence[str], years_row: Sequence[str]) -> Layout:
    """Layout of the OES body tables (``Indicador | LB | LOGROS ESPERADOS | … | UE responsable``).

    Here the group row is aligned with the data and the years row may be shifted by one cell
    (its first year, ``2014``, is the baseline year, not a column of its own), so positions
    come from the group row and only the sequence of years is taken from the years row.
    """
    lb = _require(header, "LB")
    exp_start = _require(header, "Logros esperados")
    ach_start = _require(header, "Valor obtenido")
    tipo1 = _require(header, "Avance Tipo 1")
    years = [y for y in (as_year(c) for c in years_row) if y is not None]
    n_exp, n_ach = ach_start - exp_start, tipo1 - ach_start
    if len(years) < 1 + n_exp + n_ach:
        raise ReportFormatError(f"years row too short for the OES table: {list(years_row)}")
    exp_years = years[1 : 1 + n_exp]
    ach_years = years[1 + n_exp : 1 + n_exp + n_ach]
    for run in (exp_years, ach_years):
        if any(b <= a for a, b in zip(run, run[1:], strict=False)):
            raise ReportFormatError(f"years not increasing in OES header: {list(years_row)}")
    return Layout(
        name=_require(header, "Indicador"),
        baseline_value=lb,
        baseline_year_label=years[0],
        expected=tuple(zip(range(exp_start, ach_start), exp_years, strict=True)),
        achieved=tuple(zip(range(ach_start, tipo1), ach_years, strict=True)),
        tipo1=tipo1,
        tipo2=_require(header, "Avance Tipo 2"),
        executing_unit=_index(header, "UE"),
    )


# --------------------------------------------------------------------------------------------
# Rows of indicators
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One report cell of an indicator."""

    series: str
    year: int
    raw: str


@dataclass
class RowIndicator:
    """An indicator row read from a table (annex or body)."""

    code: str  # OES.01 or AES.01.03
    seq: int
    name_cell: str
    cells: list[Cell]
    table: str
    executing_unit: str = ""
    responsible_units: str = ""
    filled_from_above: bool = False

    @property
    def indicator_id(self) -> str:
        """``OES.01-1``, ``AES.01.10-2``."""
        return f"{self.code}-{self.seq}"


@dataclass
class CodeEntry:
    """An OES or AES as listed in a table, with or without indicator."""

    code: str
    description: str
    table: str


def _cell(row: Sequence[str], col: int | None) -> str:
    return row[col] if col is not None and col < len(row) else ""


def row_cells(row: Sequence[str], layout: Layout, report_year: int) -> list[Cell]:
    """The numeric cells of a data row, in contract order."""
    if layout.baseline_year is not None:
        year_text = _cell(row, layout.baseline_year)
        base_year = as_year(year_text)
        if base_year is None:
            raise ReportFormatError(f"baseline year {year_text!r} not a year in {list(row)}")
    else:
        base_year = layout.baseline_year_label
    cells = [Cell("baseline", int(base_year or 0), _cell(row, layout.baseline_value))]
    cells += [Cell("expected", year, _cell(row, col)) for col, year in layout.expected]
    cells += [Cell("achieved", year, _cell(row, col)) for col, year in layout.achieved]
    cells.append(Cell("reported_tipo1", report_year, _cell(row, layout.tipo1)))
    cells.append(Cell("reported_tipo2", report_year, _cell(row, layout.tipo2)))
    return cells


def has_indicator(row: Sequence[str], layout: Layout) -> bool:
    """False for a code row whose indicator cell is ``---`` (AES without proxy indicator)."""
    name = _cell(row, layout.name)
    return bool(name) and not re.fullmatch(r"-+", name)


def parse_code_table(
    table: Table, name: str, report_year: int
) -> tuple[list[RowIndicator], list[CodeEntry]]:
    """Indicators and OES/AES entries of an annex or AES body table."""
    indicators: list[RowIndicator] = []
    entries: list[CodeEntry] = []
    layout: Layout | None = None
    header: Sequence[str] | None = None
    code, seq = None, 0
    for row in table.rows:
        first = normalize(row[0]) if row else ""
        if first.startswith("oes / aes"):
            header = row
            continue
        if first == "codigo" and header is not None:
            layout = code_layout(header, row)
            continue
        if layout is None:
            continue
        code_cell = _cell(row, layout.code)
        if CODE_RE.match(code_cell):
            code, seq = code_cell, 0
            entries.append(CodeEntry(code, _cell(row, layout.description), name))
        elif code_cell:  # group row such as "Acciones Estratégicas del OES.01"
            continue
        if code is None or not has_indicator(row, layout):
            continue
        seq += 1
        indicators.append(
            RowIndicator(
                code=code,
                seq=seq,
                name_cell=_cell(row, layout.name),
                cells=row_cells(row, layout, report_year),
                table=name,
                executing_unit=_cell(row, layout.executing_unit),
                responsible_units=_cell(row, layout.responsible_units),
            )
        )
    if layout is None:
        raise ReportFormatError(f"no 'Código' header row in table {name!r}")
    return indicators, entries


def parse_oes_table(table: Table, name: str, report_year: int) -> list[RowIndicator]:
    """Indicators of an OES body table (``N.M Indicator name`` rows under ``OES. N.`` titles)."""
    indicators: list[RowIndicator] = []
    layout: Layout | None = None
    header: Sequence[str] | None = None
    current: str | None = None
    for row in table.rows:
        first = row[0] if row else ""
        title = OES_TITLE_RE.match(first)
        if title:
            current, header = oes_code(title.group(1)), None
        elif normalize(first) == "indicador":
            header = row
        elif header is not None and layout_pending(row):
            layout, header = oes_layout(header, row), None
        elif (match := OES_ROW_RE.match(first)) and layout is not None:
            code = oes_code(match.group(1))
            if current and code != current:
                log.warning("%s: row %r sits under %s", name, first, current)
            indicators.append(
                RowIndicator(
                    code=code,
                    seq=int(match.group(2)),
                    name_cell=match.group(3).strip(),
                    cells=row_cells(row, layout, report_year),
                    table=name,
                    executing_unit=_cell(row, layout.executing_unit),
                )
            )
    return indicators


def layout_pending(row: Sequence[str]) -> bool:
    """True for the years row under an OES table header (no text, only years)."""
    return any(as_year(c) for c in row) and not any(c and as_year(c) is None for c in row)


def fill_from_above(indicators: list[RowIndicator]) -> None:
    """A blank UE / unit cell in a continuation row means "same as the row above" (merged cell)."""
    for prev, ind in zip(indicators, indicators[1:], strict=False):
        if ind.code != prev.code or ind.seq == 1:
            continue
        for attr in ("executing_unit", "responsible_units"):
            if not getattr(ind, attr) and getattr(prev, attr):
                setattr(ind, attr, getattr(prev, attr))
                ind.filled_from_above = True
        if ind.filled_from_above:
            log.warning(
                "%s: blank UE/unidad orgánica filled from the row above (merged cell)",
                ind.indicator_id,
            )


# --------------------------------------------------------------------------------------------
# The report as a whole
# --------------------------------------------------------------------------------------------


@dataclass
class Report:
    """Everything read from the report text, before it is written out."""

    source_name: str
    sha256: str
    lines: list[str]
    spans: dict[str, Span]
    meta: dict[str, object]
    annex: list[RowIndicator] = field(default_factory=list)
    annex_entries: list[CodeEntry] = field(default_factory=list)
    body: list[RowIndicator] = field(default_factory=list)
    body_entries: list[CodeEntry] = field(default_factory=list)
    oes_narratives: dict[str, list[str]] = field(default_factory=dict)
    aes_narratives: dict[str, list[str]] = field(default_factory=dict)
    aes_headings: dict[str, str] = field(default_factory=dict)

    @property
    def year(self) -> int:
        """The year reported on."""
        return int(self.meta["year"])

    def span_lines(self, key: str) -> list[str]:
        """Lines of a section, heading line excluded."""
        span = self.spans[key]
        return self.lines[span.start + 1 : span.end]


def read_metadata(text: str) -> dict[str, object]:
    """Sector, year, plan, ministry and government level from the cover and the annex header."""

    def first(pattern: str, flags: int = re.IGNORECASE | re.MULTILINE) -> str:
        """Group 1 of the first match, whitespace collapsed; ReportFormatError if none."""
        match = re.search(pattern, text, flags)
        if not match:
            raise ReportFormatError(f"metadata not found: {pattern}")
        return " ".join(match.group(1).split())

    year = first(r"^\s*A[ñn]o\s+((?:19|20)\d{2})\s*$")
    plan = first(r"REPORTE DE SEGUIMIENTO DEL\s+(PESEM\s+\d{4}\s*-\s*\d{4})")
    plan = re.sub(r"\s*-\s*", "-", plan).replace("Pesem", "PESEM")
    sector = first(r"^\s*Sector\s*:?\s+(.+?)\s*$")
    meta: dict[str, object] = {"sector": sector, "year": int(year), "plan": plan}
    ministry = re.search(r"Ministerio rector:\s*(.+?)\*\*", text, re.DOTALL)
    level = re.search(r"^\s*Nivel de Gobierno\s*:\s*(.+?)\s*$", text, re.MULTILINE)
    meta["ministry"] = " ".join(ministry.group(1).split()) if ministry else ""
    meta["government_level"] = level.group(1) if level else ""
    return meta


def read_report(path: Path) -> Report:
    """Read and structure a report text file."""
    data = path.read_bytes()
    text = data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    report = Report(
        source_name=path.name,
        sha256=hashlib.sha256(data).hexdigest(),
        lines=lines,
        spans=find_sections(lines),
        meta=read_metadata(text),
    )
    read_annex(report)
    read_body_tables(report)
    read_narratives(report)
    return report


def read_annex(report: Report) -> None:
    """All indicator rows and OES/AES entries of Annex 6.1 (possibly split in several tables)."""
    tables = find_tables(report.lines, report.spans["anexo_6_1"])
    if not tables:
        raise ReportFormatError("Annex 6.1 has no table")
    for table in tables:
        rows, entries = parse_code_table(table, ANNEX_NAME, report.year)
        report.annex += rows
        report.annex_entries += entries
    fill_from_above(report.annex)
    log.info(
        "annex: %d tables, %d codes, %d indicators",
        len(tables),
        len(report.annex_entries),
        len(report.annex),
    )


def table_name(section_key: str, caption: str) -> str:
    """``'Sección 3, Tabla 2. AES del OES.01'``."""
    return f"Sección {SECTION_NUMBERS[section_key]}, {caption}"


def read_body_tables(report: Report) -> None:
    """Indicator rows of the OES tables (section 2) and the AES tables (section 3)."""
    for key in ("oes", "aes"):
        for table in find_tables(report.lines, report.spans[key]):
            name = table_name(key, table.caption)
            first_cells = {normalize(r[0]) for r in table.rows if r}
            if "indicador" in first_cells:
                report.body += parse_oes_table(table, name, report.year)
            elif "oes / aes" in first_cells:
                rows, entries = parse_code_table(table, name, report.year)
                for row in rows:
                    if len(FUENTE_RE.findall(row.name_cell)) > 1:
                        log.warning(
                            "%s: row %s merges several indicators in one row; "
                            "its numbers are attributed to %s",
                            name,
                            row.code,
                            row.indicator_id,
                        )
                report.body += rows
                report.body_entries += entries
            else:
                log.info("skipping table without indicator header: %s", name)
    log.info("body tables: %d indicator rows", len(report.body))


def read_narratives(report: Report) -> None:
    """OES analysis texts (section 2) and AES narratives (section 3)."""
    report.oes_narratives = oes_narratives(report.lines, report.spans["oes"])
    report.aes_narratives, report.aes_headings = aes_narratives(report.lines, report.spans["aes"])


def oes_narratives(lines: Sequence[str], span: Span) -> dict[str, list[str]]:
    """For each ``Análisis descriptivo del OES.NN``: the text after its table."""
    heads = [
        (i, oes_code(m.group(2)))
        for i in range(span.start, span.end)
        if (m := OES_ANALYSIS_RE.match(lines[i]))
    ]
    out: dict[str, list[str]] = {}
    for n, (start, code) in enumerate(heads):
        end = heads[n + 1][0] if n + 1 < len(heads) else span.end
        table_lines = [i for i in range(start, end) if lines[i].lstrip().startswith("|")]
        body_start = (table_lines[-1] + 1) if table_lines else start + 1
        out[code] = list(lines[body_start:end])
    return out


def aes_narratives(lines: Sequence[str], span: Span) -> tuple[dict[str, list[str]], dict[str, str]]:
    """For each ``Acción estratégica NN.NN: …`` heading: the lines of its section and the heading.

    A section ends at the next AES heading, a table or table caption, an ``Análisis
    descriptivo`` line or the end of section 3. The heading line itself is not included.
    """
    out: dict[str, list[str]] = {}
    headings: dict[str, str] = {}
    i = span.start
    while i < span.end:
        match = AES_HEADING_RE.match(lines[i])
        if not match:
            i += 1
            continue
        code = f"AES.{match.group(1)}.{match.group(2)}"
        headings[code] = match.group(3).strip()
        j = i + 1
        while (
            j < span.end and not AES_HEADING_RE.match(lines[j]) and not AES_STOP_RE.match(lines[j])
        ):
            j += 1
        if code in out:
            log.warning("%s: narrative heading appears twice; keeping both parts", code)
            out[code] += [""] + list(lines[i + 1 : j])
        else:
            out[code] = list(lines[i + 1 : j])
        i = j
    return out, headings


# --------------------------------------------------------------------------------------------
# Output tables
# --------------------------------------------------------------------------------------------


def oes_rows(report: Report) -> list[dict[str, str]]:
    """``oes.csv``: the OES of the annex, in report order."""
    return [
        {"oes_code": e.code, "name": e.description}
        for e in report.annex_entries
        if e.code.startswith("OES")
    ]


def aes_rows(report: Report) -> list[dict[str, str]]:
    """``aes.csv``: every AES of the annex; ``description_body`` when the body table differs."""
    body = {e.code: e.description for e in report.body_entries}
    rows = []
    for entry in report.annex_entries:
        if not entry.code.startswith("AES"):
            continue
        body_text = body.get(entry.code, "")
        differs = bool(body_text) and not same_wording(body_text, entry.description)
        if differs:
            log.warning(
                "%s: description differs between the annex and the body table",
                entry.code,
            )
        heading = report.aes_headings.get(entry.code, "")
        if heading and not same_wording(heading, entry.description):
            log.warning("%s: narrative heading differs from the annex description", entry.code)
        rows.append(
            {
                "aes_code": entry.code,
                "oes_code": parent_oes(entry.code),
                "description": entry.description,
                "description_body": body_text if differs else "",
            }
        )
    return rows


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


def indicator_rows(report: Report) -> list[dict[str, str]]:
    """``indicators.csv``: one row per indicator of the annex (``name_body`` when it differs)."""
    rows = []
    in_body = body_names(report)
    for ind in report.annex:
        name, source = split_source(ind.name_cell)
        body_name = in_body.get(ind.indicator_id, "")
        if body_name and _wording(body_name) == _wording(name):
            body_name = ""
        is_aes = ind.code.startswith("AES")
        rows.append(
            {
                "indicator_id": ind.indicator_id,
                "level": "AES" if is_aes else "OES",
                "oes_code": parent_oes(ind.code),
                "aes_code": ind.code if is_aes else "",
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
        )
    return rows


def cell_rows(ind: RowIndicator) -> list[dict[str, str]]:
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


def body_rows(report: Report) -> list[dict[str, str]]:
    """``body_values.csv``: the cells of the body tables, in report order."""
    rows = []
    for ind in report.body:
        for row in cell_rows(ind):
            rows.append({"table": ind.table, **row})
    return rows


def value_rows(report: Report) -> list[dict[str, str]]:
    """``values.csv``: every cell of the annex, with notes on typos and disagreements."""
    annex_cells = {
        (r["indicator_id"], r["series"], r["year"]): r
        for ind in report.annex
        for r in cell_rows(ind)
    }
    body_cells: dict[tuple[str, str, str], list[dict[str, str]]] = {}
    for row in body_rows(report):
        key = (row["indicator_id"], row["series"], row["year"])
        body_cells.setdefault(key, []).append(row)
    rows = []
    for ind in report.annex:
        for row in cell_rows(ind):
            key = (row["indicator_id"], row["series"], row["year"])
            notes = []
            if row["missing_reason"] == MISSING_TYPO:
                notes.append(typo_note(report, ind, row, annex_cells, body_cells))
            notes += body_difference_notes(row, body_cells.get(key, []))
            if row["series"].startswith("reported_"):
                notes += recompute_notes(ind, row, annex_cells)
            rows.append({**row, "note": " ".join(n for n in notes if n)})
    return rows


def _shown(raw: str) -> str:
    return f"«{raw}»" if raw else "(vacía)"


def body_difference_notes(row: dict[str, str], body: list[dict[str, str]]) -> list[str]:
    """Notes for body-table cells that disagree with the annex cell."""
    notes = []
    for other in body:
        if other["value"] and row["value"]:
            differs = abs(float(other["value"]) - float(row["value"])) > 1e-9
        else:
            differs = bool(other["value"]) != bool(row["value"]) or (
                MISSING_TYPO in (row["missing_reason"], other["missing_reason"])
                and other["raw"] != row["raw"]
            )
        if differs:
            log.warning(
                "%s %s %s: annex %r vs %s %r",
                row["indicator_id"],
                row["series"],
                row["year"],
                row["raw"],
                other["table"],
                other["raw"],
            )
            notes.append(f"{other['table']} imprime {_shown(other['raw'])}.")
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


def typo_note(
    report: Report,
    ind: RowIndicator,
    row: dict[str, str],
    annex_cells: dict[tuple[str, str, str], dict[str, str]],
    body_cells: dict[tuple[str, str, str], list[dict[str, str]]],
) -> str:
    """Explain a non-numeric cell with what the rest of the report says about that cell."""
    key = (row["indicator_id"], row["series"], row["year"])
    same = [b["table"] for b in body_cells.get(key, []) if b["raw"] == row["raw"]]
    parts = [
        f"Celda impresa {_shown(row['raw'])}, no es un número"
        + (f" (igual en {'; '.join(same)})" if same else "")
        + "; se deja sin valor."
    ]
    for twin in twins(report, ind):
        twin_key = (twin.indicator_id, row["series"], row["year"])
        twin_cell = annex_cells.get(twin_key)
        if not twin_cell or not twin_cell["value"]:
            continue
        tables = [ANNEX_NAME] + [
            b["table"] for b in body_cells.get(twin_key, []) if b["value"] == twin_cell["value"]
        ]
        parts.append(
            f"El mismo indicador figura como {twin.indicator_id} con {twin_cell['raw']} en "
            f"{row['year']} ({'; '.join(tables)})."
        )
        sentence = unchanged_sentence(report, ind.code)
        following = annex_cells.get((ind.indicator_id, row["series"], str(int(row["year"]) + 1)))
        if sentence and following and following["value"] == twin_cell["value"]:
            parts.append(
                f"La narrativa de la {ind.code} dice «{sentence}» y el valor de "
                f"{int(row['year']) + 1} es {following['raw']}: el valor de {row['year']} era "
                f"{twin_cell['raw']}."
            )
    return " ".join(parts)


def recompute_notes(
    ind: RowIndicator,
    row: dict[str, str],
    annex_cells: dict[tuple[str, str, str], dict[str, str]],
) -> list[str]:
    """On the Tipo 1 cell: when both reported avances miss the printed target, name one that fits.

    Tipo 1 = V/M×100 and Tipo 2 = (V−LB)/(M−LB)×100; solving each for M and finding the same
    whole number shows the avances were computed with another target than the one printed.
    """
    if row["series"] != "reported_tipo1":
        return []
    iid, year = ind.indicator_id, row["year"]
    base = next(c for c in ind.cells if c.series == "baseline")
    cells = [
        annex_cells.get((iid, series, year))
        for series in ("achieved", "expected", "reported_tipo1", "reported_tipo2")
    ]
    numbers = [float(c["value"]) if c and c["value"] else None for c in cells]
    lb = classify_cell(base.raw)[0]
    if lb is None or None in numbers:
        return []
    v, m, t1, t2 = (float(n) for n in numbers if n is not None)
    if min(abs(m), abs(m - lb), abs(t1), abs(t2)) < 1e-9:
        return []
    if abs(v / m * 100 - t1) <= 0.5 or abs((v - lb) / (m - lb) * 100 - t2) <= 0.5:
        return []
    fit = round(v / (t1 / 100))
    if round(lb + (v - lb) / (t2 / 100)) != fit or fit in (m, lb) or fit == 0:
        return []
    raw = [c["raw"] for c in cells if c]
    note = (
        f"{raw[2]} y {raw[3]} no se obtienen con el logro esperado {year} impreso ({raw[1]}): "
        f"resulta {v / m * 100:.1f}% y {(v - lb) / (m - lb) * 100:.1f}%; ambos coinciden con un "
        f"logro esperado de {fit} ({v / fit * 100:.1f}% y {(v - lb) / (fit - lb) * 100:.1f}%)."
    )
    log.warning("%s: %s", iid, note)
    return [note]


# --------------------------------------------------------------------------------------------
# Narrative files
# --------------------------------------------------------------------------------------------


def narrative_files(report: Report) -> dict[str, str]:
    """File name → markdown text, for ``data/narrative/``."""
    files: dict[str, str] = {}
    for code, lines in sorted(report.oes_narratives.items()):
        files[f"{code}.md"] = collapse_blank_runs(lines)
    for code, lines in sorted(report.aes_narratives.items()):
        files[f"{code}.md"] = collapse_blank_runs(lines)
    for key in ("resumen_ejecutivo", "conclusiones", "recomendaciones"):
        files[f"{key}.md"] = collapse_blank_runs(report.span_lines(key))
    annex_aes = {e.code for e in report.annex_entries if e.code.startswith("AES")}
    missing = sorted(annex_aes - set(report.aes_narratives))
    extra = sorted(set(report.aes_narratives) - annex_aes)
    if missing:
        log.error("AES without narrative section: %s", ", ".join(missing))
    if extra:
        log.warning("narrative sections for AES not in the annex: %s", ", ".join(extra))
    log.info(
        "narratives: %d OES, %d of %d AES",
        len(report.oes_narratives),
        len(annex_aes & set(report.aes_narratives)),
        len(annex_aes),
    )
    return files


# --------------------------------------------------------------------------------------------
# Claims: numbers stated in the text
# --------------------------------------------------------------------------------------------

NUM = r"-?\d+(?:[.,]\d+)*"
DECREASE = r"disminu\w*|ca[ií]das?|descenso|decrec\w*|reducci[oó]n|redujo|baj[oó]"
INCREASE = r"incremento|crecimiento|aument\w*|creci\w+"
CHANGE_RE = re.compile(
    rf"\b(?P<kw>{DECREASE}|{INCREASE})\b(?P<gap>[^.%\d]{{0,40}}?)(?P<num>{NUM})\s*%",
    re.IGNORECASE,
)
NO_CHANGE_RE = re.compile(
    r"\bno (?:experiment|present|registr|mostr|tuv)\w* (?:ninguna )?variaci[oó]n", re.IGNORECASE
)
ACHIEVED_RE = re.compile(
    rf"(?:valor(?:es)? ejecutados?|obtuvo el valor)"
    rf"(?P<gap>(?:[^\d.;%]|\b(?:19|20)\d{{2}}\b){{0,40}}?)\s"
    rf"(?!(?:19|20)\d{{2}}\b(?![.,%]))(?P<list>{NUM}%?(?:\s*(?:,\s*|\s+y\s+){NUM}%?)*)",
    re.IGNORECASE,
)
SHARE_OF_RE = re.compile(
    rf"(?P<num>{NUM})\s*%\s+de\s+(?:los\s+|las\s+)?(?P<noun>\w+)", re.IGNORECASE
)
QUOTE_RE = re.compile(r"[\"“”]([^\"“”]{3,}?)[\"“”]")
OES_MENTION_RE = re.compile(r"\bOES\.?\s*0?(\d{1,2})\b")
COUNT_RE = re.compile(r"(?<![\d.,°º])(\d{1,3}(?:,\d{3})+|\d+)(?![\d.,]*\d)\s+(\w+)")


@dataclass(frozen=True)
class Claim:
    """A number stated in the text about an indicator (or about the set of OES indicators)."""

    indicator_id: str
    kind: str
    year: int
    value: float
    text: str
    location: str


def paragraphs(lines: Sequence[str]) -> list[str]:
    """Paragraphs/bullets of a text, re-joining those a page break cut in the middle."""
    out: list[str] = []
    for line in lines:
        text = line.strip()
        if not text:
            continue
        if out and not re.search(r"[.:;!?*]$", out[-1]) and re.match(r"[a-záéíóúñ(]", text):
            out[-1] += " " + text
        else:
            out.append(text)
    return out


def strip_bullet(text: str) -> str:
    """``'- ✓ El PESEM…'`` → ``'El PESEM…'`` (list markers and check marks removed)."""
    return re.sub(r"^(?:[-•·*✓o]\s+)+", "", text.strip())


def sentences(text: str) -> list[str]:
    """Sentences of a paragraph (split after ``.``/``;`` before an upper-case letter or quote)."""
    parts = re.split(r"(?<=[.;])\s+(?=[A-ZÁÉÍÓÚÑ¿\"“])", strip_bullet(text))
    return [p.strip() for p in parts if p.strip()]


def to_float(number: str) -> float:
    """Parse a number written in the text (``'37,369'``, ``'6.5'``)."""
    value = parse_number(number)
    if value is None:
        raise ReportFormatError(f"not a number: {number!r}")
    return value


def stated_year(sentence: str, default: int) -> int:
    """The year a sentence states a value for (``en el año 2020``), else ``default``."""
    match = re.search(r"\b(?:en|durante)\s+(?:el\s+)?(?:año\s+)?((?:19|20)\d{2})\b", sentence)
    return int(match.group(1)) if match else default


def best_indicator(quote: str, candidates: Sequence[dict[str, str]]) -> str | None:
    """The indicator whose name the quoted text refers to (fuzzy), if unambiguous."""
    scored = sorted(
        ((similarity(quote, c["name"]), c["indicator_id"]) for c in candidates), reverse=True
    )
    if not scored or scored[0][0] < 0.5:
        return None
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None
    return scored[0][1]


def attribute(
    values: Sequence[float], named: Sequence[str], sentence: str
) -> list[tuple[str, float]]:
    """Pair stated values with the indicators named: one each in order, or one for "ambos"."""
    if not values or not named:
        return []
    if len(values) == len(named):
        return list(zip(named, values, strict=True))
    if len(values) == 1 and re.search(r"\b(ambos|ambas|todos|todas)\b", sentence, re.I):
        return [(n, values[0]) for n in named]
    log.info(
        "claim not attributed (%d values, %d indicators): %s", len(values), len(named), sentence
    )
    return []


def sentence_claims(
    sentence: str, named: Sequence[str], by_id: dict[str, dict[str, str]], year: int
) -> list[tuple[str, str, int, float]]:
    """(indicator_id, kind, year, value) for the numbers a sentence states."""
    out: list[tuple[str, str, int, float]] = []
    for match in ACHIEVED_RE.finditer(sentence):
        listed = re.findall(rf"{NUM}%?", match.group("list"))
        values = [to_float(v.rstrip("%")) for v in listed]
        when = stated_year(sentence, year)
        out += [(i, "achieved", when, v) for i, v in attribute(values, named, sentence)]
    changes = []
    for match in CHANGE_RE.finditer(sentence):
        sign = -1 if re.match(DECREASE, match.group("kw"), re.I) else 1
        changes.append(sign * to_float(match.group("num")))
    if NO_CHANGE_RE.search(sentence):
        changes.append(0.0)
    out += [(i, "change_pct", year, v) for i, v in attribute(changes, named, sentence)]
    for match in SHARE_OF_RE.finditer(sentence):
        for iid in named:
            ind = by_id[iid]
            if ind["unit"] == "porcentaje" and stems(match.group("noun")) & stems(ind["name"]):
                value = to_float(match.group("num"))
                out.append((iid, "achieved", stated_year(sentence, year), value))
    return out


def oes_claims(
    paras: Sequence[str],
    location: str,
    indicators: Sequence[dict[str, str]],
    oes: dict[str, str],
    year: int,
    context: str | None = None,
) -> list[Claim]:
    """Claims about OES indicators in the executive summary or an OES analysis."""
    by_id = {i["indicator_id"]: i for i in indicators}
    claims = []
    for para in paras:
        mention = OES_MENTION_RE.search(para)
        code = context or (oes_code(mention.group(1)) if mention else None)
        candidates = [i for i in indicators if code is None or i["oes_code"] == code]
        quotes = QUOTE_RE.findall(para)
        check_quoted_oes(quotes, code, oes, location)
        named = list(dict.fromkeys(q for q in (best_indicator(x, candidates) for x in quotes) if q))
        if not named and code and len(candidates) == 1:
            named = [candidates[0]["indicator_id"]]
        for sentence in sentences(para):
            for iid, kind, when, value in sentence_claims(sentence, named, by_id, year):
                claims.append(Claim(iid, kind, when, value, sentence, location))
    return claims


def check_quoted_oes(
    quotes: Sequence[str], code: str | None, oes: dict[str, str], location: str
) -> None:
    """Warn when a paragraph about one OES quotes the name of another OES."""
    if code is None:
        return
    for quote in quotes:
        best = max(oes, key=lambda c: similarity(quote, oes[c]))
        if best != code and similarity(quote, oes[best]) >= 0.8:
            log.warning("%s: text about %s quotes the name of %s", location, code, best)


def aes_count_claims(
    code: str, lines: Sequence[str], indicators: Sequence[dict[str, str]], year: int
) -> list[Claim]:
    """Counts stated for the report year in an AES narrative about one of its indicators.

    A sentence qualifies when it names the report year (``en el año 2020``), shares at least two
    word stems with exactly one ``numero`` indicator of the AES, and states exactly one count
    (years, days of a month and ordinals excluded).
    """
    own = [i for i in indicators if i["aes_code"] == code and i["unit"] == "numero"]
    claims = []
    year_re = re.compile(rf"\b(?:en|durante)\s+(?:el\s+)?(?:año\s+)?{year}\b", re.I)
    for para in paragraphs(lines):
        for sentence in sentences(para):
            if not year_re.search(sentence):
                continue
            words = stems(sentence)
            hits = [i for i in own if len(stems(i["name"]) & words) >= 2]
            counts = stated_counts(sentence)
            if len(hits) == 1 and len(counts) == 1:
                location = f"Sección 3, Acción estratégica {code[4:]}"
                claims.append(
                    Claim(hits[0]["indicator_id"], "achieved", year, counts[0], sentence, location)
                )
    return claims


def stated_counts(sentence: str) -> list[float]:
    """Counts in a sentence: numbers followed by a word, except years, dates and ordinals."""
    out = []
    for match in COUNT_RE.finditer(sentence):
        number, word = match.group(1), normalize(match.group(2))
        if YEAR_RE.match(number) or word in ("de", "y", "al", "a") or word in MONTHS:
            continue
        out.append(to_float(number))
    return out


def conclusion_claims(paras: Sequence[str], year: int) -> list[Claim]:
    """Counts over the OES indicators stated in the conclusions (indicator_id empty)."""
    patterns = (
        ("count_oes", r"\b(\w+) objetivos estrat[eé]gicos"),
        ("count_indicators", r"trav[eé]s de (\w+) indicadores"),
        ("count_decreased", r"\b(\w+) de ellos (?:cayeron|disminuyeron|bajaron)"),
        (
            "count_increased",
            r"\b(\w+) (?:experiment[oó]|present[oó]|tuvo) un (?:incremento|crecimiento|aumento)",
        ),
        ("count_unchanged", r"\b(el restante|\w+) se mantuvo igual"),
    )
    location = SECTION_TITLES["conclusiones"]
    claims = []
    for para in paras:
        for sentence in sentences(para):
            for kind, pattern in patterns:
                for match in re.finditer(pattern, sentence, re.IGNORECASE):
                    word = normalize(match.group(1))
                    number = 1 if word == "el restante" else SPANISH_NUMBERS.get(word)
                    if number is None and word.isdigit():
                        number = int(word)
                    if number is not None:
                        claims.append(Claim("", kind, year, float(number), sentence, location))
    return claims


def claim_rows(report: Report, indicators: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    """``claims.csv``: claims of the executive summary, OES analyses, AES texts, conclusions."""
    year = report.year
    oes = {r["oes_code"]: r["name"] for r in oes_rows(report)}
    oes_level = [i for i in indicators if i["level"] == "OES"]
    claims = oes_claims(
        paragraphs(report.span_lines("resumen_ejecutivo")),
        SECTION_TITLES["resumen_ejecutivo"],
        oes_level,
        oes,
        year,
    )
    for code, lines in report.oes_narratives.items():
        location = f"Sección 2, Análisis descriptivo del {code}"
        claims += oes_claims(paragraphs(lines), location, oes_level, oes, year, context=code)
    for code, lines in report.aes_narratives.items():
        claims += aes_count_claims(code, lines, indicators, year)
    claims += conclusion_claims(paragraphs(report.span_lines("conclusiones")), year)
    rows = []
    for n, claim in enumerate(claims, start=1):
        rows.append(
            {
                "claim_id": f"C{n:02d}",
                "indicator_id": claim.indicator_id,
                "kind": claim.kind,
                "year": str(claim.year),
                "value": format_number(claim.value),
                "text": claim.text,
                "location": claim.location,
            }
        )
    log.info("claims: %d", len(rows))
    return rows


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def report_yaml(report: Report, indicators: Sequence[dict[str, str]]) -> str:
    """``report.yaml`` text."""
    meta = report.meta
    title = f"Reporte de seguimiento del {meta['plan']}, Sector {meta['sector']}, {meta['year']}"
    units = [i["executing_unit"] for i in indicators if i["executing_unit"]]
    default_unit = max(sorted(set(units)), key=units.count) if units else ""
    content = {
        "sector": meta["sector"],
        "year": meta["year"],
        "plan": meta["plan"],
        "title": title,
        "source": f"Fuente: {title}",
        "ministry": meta["ministry"],
        "government_level": meta["government_level"],
        "executing_unit": default_unit,
        "generated_from": report.source_name,
        "generated_from_sha256": report.sha256,
        "generated_by": "python -m pesem.importer",
    }
    header = "# Report metadata. Written by pesem.importer; see data/README.md.\n"
    return header + yaml.safe_dump(content, sort_keys=False, allow_unicode=True, width=1000)


def csv_text(columns: Sequence[str], rows: Iterable[dict[str, str]]) -> str:
    """CSV text (UTF-8, comma, ``\\n`` line ends, minimal quoting)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    return buffer.getvalue()


def build_outputs(report: Report) -> dict[str, str]:
    """Relative path → file text for every file the importer writes."""
    indicators = indicator_rows(report)
    tables = {
        "oes.csv": oes_rows(report),
        "aes.csv": aes_rows(report),
        "indicators.csv": indicators,
        "values.csv": value_rows(report),
        "body_values.csv": body_rows(report),
        "claims.csv": claim_rows(report, indicators),
    }
    files = {"report.yaml": report_yaml(report, indicators)}
    for name, rows in tables.items():
        files[name] = csv_text(OUTPUT_COLUMNS[name], rows)
    for name, text in narrative_files(report).items():
        files[f"narrative/{name}"] = text
    return files


def write_outputs(files: dict[str, str], out: Path) -> None:
    """Write the files; remove stale narrative files; create status_rules.yaml if missing."""
    (out / "narrative").mkdir(parents=True, exist_ok=True)
    wanted = {out / name for name in files}
    for stale in sorted((out / "narrative").glob("*.md")):
        if stale not in wanted:
            log.info("removing stale %s", stale)
            stale.unlink()
    for name, text in sorted(files.items()):
        (out / name).write_bytes(text.encode("utf-8"))
    rules = out / "status_rules.yaml"
    if not rules.exists():
        rules.write_bytes(STATUS_RULES_YAML.encode("utf-8"))
        log.info("created default %s", rules)


def run(report_path: Path, out: Path) -> dict[str, str]:
    """Import ``report_path`` into ``out``; return what was written (path → text)."""
    report = read_report(report_path)
    files = build_outputs(report)
    write_outputs(files, out)
    return files


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point: ``python -m pesem.importer REPORT.md --out data/``."""
    parser = argparse.ArgumentParser(
        prog="python -m pesem.importer",
        description="Import a CEPLAN PESEM follow-up report (markdown text) into data files.",
    )
    parser.add_argument("report", type=Path, help="report text (markdown tables)")
    parser.add_argument("--out", type=Path, default=Path("data"), help="output folder")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        files = run(args.report, args.out)
    except (OSError, ReportFormatError) as exc:
        log.error("import failed: %s", exc)
        return 1
    counts = {
        name: len(list(csv.reader(io.StringIO(text)))) - 1
        for name, text in files.items()
        if name.endswith(".csv")
    }
    narratives = sum(1 for name in files if name.startswith("narrative/"))
    log.info(
        "wrote %s: %s; %d narrative files",
        args.out,
        ", ".join(f"{k} {v} rows" for k, v in sorted(counts.items())),
        narratives,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
