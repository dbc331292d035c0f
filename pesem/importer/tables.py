"""Reading the report's structure: sections, markdown tables, table layouts and indicator rows.

The layout is found from the text itself, never from line numbers or known values: section
headings, header rows (``OES / AES | … | Código | Descripción | | Valor | Año | 2016 …`` in the
annex and the AES body tables, ``Indicador | LB | LOGROS ESPERADOS …`` in the OES body tables) and
the plan codes in the first column (a blank code cell continues the code above).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pesem import vocabulary

from .errors import ReportFormatError, at_line
from .text import as_year, is_blank, last_line, normalize

log = logging.getLogger("pesem.importer")

ANNEX_RE = re.compile(rf"^\s*{vocabulary.ANNEX_HEADING}")
OBJECTIVE_TITLE_RE = re.compile(vocabulary.OBJECTIVE_TABLE_TITLE)
OBJECTIVE_ROW_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\s+(.*)$")


# ------------------------------------------------------------------------------------------
# Sections
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """Lines ``[start, end)`` of the report (0-based)."""

    start: int
    end: int


def _heading_line(lines: Sequence[str], regex: re.Pattern[str], start: int) -> int | None:
    """First line from ``start`` matching ``regex`` outside a table (the contents are a table)."""
    return next(
        (
            i
            for i in range(start, len(lines))
            if regex.match(lines[i]) and not lines[i].lstrip().startswith("|")
        ),
        None,
    )


def find_sections(lines: Sequence[str]) -> dict[str, Span]:
    """Locate the six top-level sections (in order) and Annex 6.1; the heading line included."""
    starts: list[tuple[str, int]] = []
    position = 0
    for key, pattern in vocabulary.SECTIONS:
        found = _heading_line(lines, re.compile(rf"^\s*{pattern}", re.IGNORECASE), position)
        if found is None:
            raise ReportFormatError(
                f"the heading '{vocabulary.SECTION_HEADINGS[key]}' (section "
                f"{vocabulary.SECTION_NUMBERS[key]} of {len(vocabulary.SECTIONS)}) "
                f"at this line or below",
                line=position + 1,
                found=f"no such heading up to the end of the file (line {last_line(lines)})",
            )
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
        raise ReportFormatError(
            f"the heading 'Anexo 6.1' (the indicators' table) after '"
            f"{vocabulary.SECTION_HEADINGS['anexos']}' on this line",
            line=spans["anexos"].start + 1,
            found=f"no such heading up to the end of the file (line {last_line(lines)})",
        )
    spans["anexos"] = Span(spans["anexos"].start, annex)
    spans["anexo_6_1"] = Span(annex, len(lines))
    return spans


# ------------------------------------------------------------------------------------------
# Markdown tables
# ------------------------------------------------------------------------------------------


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
    """A markdown table: first line (0-based), caption (text line above), rows and their lines."""

    line: int
    caption: str
    rows: tuple[tuple[str, ...], ...]
    row_lines: tuple[int, ...] = ()

    def numbered_rows(self) -> list[tuple[int, tuple[str, ...]]]:
        """(1-based line number, cells) of every row."""
        lines = self.row_lines or tuple(self.line for _ in self.rows)
        return [(n + 1, row) for n, row in zip(lines, self.rows, strict=True)]


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
        rows: list[tuple[str, ...]] = []
        numbers: list[int] = []
        while i < span.end and lines[i].lstrip().startswith("|"):
            cells = split_row(lines[i])
            if not is_separator(cells):
                rows.append(tuple(cells))
                numbers.append(i)
            i += 1
        tables.append(Table(start, caption_before(lines, start), tuple(rows), tuple(numbers)))
    return tables


# ------------------------------------------------------------------------------------------
# Table layouts: which column holds what
# ------------------------------------------------------------------------------------------


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


def _row_text(cells: Sequence[str]) -> str:
    """A row as a message shows it: ``'| Código | Descripción |'``."""
    return repr("| " + " | ".join(cells) + " |")


def header_index(cells: Sequence[str], prefix: str) -> int | None:
    """First column whose normalized text starts with ``prefix`` (normalized)."""
    target = normalize(prefix)
    return next((i for i, c in enumerate(cells) if c and normalize(c).startswith(target)), None)


def require_header(cells: Sequence[str], prefix: str) -> int:
    """Like :func:`header_index`, but a missing cell is a :class:`ReportFormatError`."""
    index = header_index(cells, prefix)
    if index is None:
        raise ReportFormatError(f"a header cell {prefix!r} in this row", found=_row_text(cells))
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
                f"{count} run(s) of increasing years from column {start + 1} of this row",
                found=_row_text(cells),
            )
        runs.append(tuple(run))
    return runs, col


def code_layout(header: Sequence[str], years_row: Sequence[str]) -> Layout:
    """Layout of the annex and of the AES body tables (``Código | Descripción | | Valor | Año``).

    The years row (``Código …``) is aligned with the data; the group row above it is not always
    (the second annex table shifts it by one), so it is used only to know which groups exist.
    """
    valor = require_header(years_row, "Valor")
    ano = require_header(years_row, "Año")
    has_expected = header_index(header, "Logros esperados") is not None
    runs, after = year_runs(years_row, ano + 1, 2 if has_expected else 1)
    name = header_index(header, "Nombre del Indicador")
    has_units = header_index(header, "Unidad orgánica") is not None
    return Layout(
        code=require_header(years_row, "Código"),
        description=require_header(years_row, "Descripción"),
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


def _increasing(years: Sequence[int]) -> bool:
    return all(b > a for a, b in zip(years, years[1:], strict=False))


def oes_layout(header: Sequence[str], years_row: Sequence[str]) -> Layout:
    """Layout of the OES body tables (``Indicador | LB | LOGROS ESPERADOS | … | UE responsable``).

    Here the group row is aligned with the data and the years row may be shifted by one cell
    (its first year, ``2014``, is the baseline year, not a column of its own), so positions
    come from the group row and only the sequence of years is taken from the years row.
    """
    lb = require_header(header, "LB")
    exp_start = require_header(header, "Logros esperados")
    ach_start = require_header(header, "Valor obtenido")
    tipo1 = require_header(header, "Avance Tipo 1")
    years = [y for y in (as_year(c) for c in years_row) if y is not None]
    n_exp, n_ach = ach_start - exp_start, tipo1 - ach_start
    if len(years) < 1 + n_exp + n_ach:
        raise ReportFormatError(
            f"{1 + n_exp + n_ach} years in this row (baseline, expected, achieved)",
            found=_row_text(years_row),
        )
    exp_years = years[1 : 1 + n_exp]
    ach_years = years[1 + n_exp : 1 + n_exp + n_ach]
    if not (_increasing(exp_years) and _increasing(ach_years)):
        raise ReportFormatError("increasing years in this row", found=_row_text(years_row))
    return Layout(
        name=require_header(header, "Indicador"),
        baseline_value=lb,
        baseline_year_label=years[0],
        expected=tuple(zip(range(exp_start, ach_start), exp_years, strict=True)),
        achieved=tuple(zip(range(ach_start, tipo1), ach_years, strict=True)),
        tipo1=tipo1,
        tipo2=require_header(header, "Avance Tipo 2"),
        executing_unit=header_index(header, "UE"),
    )


# ------------------------------------------------------------------------------------------
# Indicator rows of a table
# ------------------------------------------------------------------------------------------


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


def cell_at(row: Sequence[str], col: int | None) -> str:
    """The cell at ``col``; empty when the column is unknown or the row is short."""
    return row[col] if col is not None and col < len(row) else ""


def row_cells(row: Sequence[str], layout: Layout, report_year: int) -> list[Cell]:
    """The numeric cells of a data row, in contract order."""
    if layout.baseline_year is not None:
        year_text = cell_at(row, layout.baseline_year)
        base_year = as_year(year_text)
        if base_year is None:
            raise ReportFormatError(
                f"the baseline's year in column {layout.baseline_year + 1}", found=repr(year_text)
            )
    else:
        base_year = layout.baseline_year_label
    cells = [Cell("baseline", int(base_year or 0), cell_at(row, layout.baseline_value))]
    cells += [Cell("expected", year, cell_at(row, col)) for col, year in layout.expected]
    cells += [Cell("achieved", year, cell_at(row, col)) for col, year in layout.achieved]
    cells.append(Cell("reported_tipo1", report_year, cell_at(row, layout.tipo1)))
    cells.append(Cell("reported_tipo2", report_year, cell_at(row, layout.tipo2)))
    return cells


def has_indicator(row: Sequence[str], layout: Layout) -> bool:
    """False for a code row whose indicator cell is ``---`` (AES without proxy indicator)."""
    name = cell_at(row, layout.name)
    return bool(name) and not re.fullmatch(r"-+", name)


@dataclass
class _CodeTableState:
    """What :func:`parse_code_table` knows while it walks down the rows."""

    header: Sequence[str] | None = None
    layout: Layout | None = None
    code: str | None = None
    seq: int = 0


def _code_row(
    row: Sequence[str], state: _CodeTableState, name: str, report_year: int
) -> tuple[RowIndicator | None, CodeEntry | None]:
    """Read one row of a code table: a header row updates ``state``; a data row gives its items."""
    first = normalize(row[0]) if row else ""
    if first.startswith(vocabulary.CODE_TABLE_HEADER):
        state.header = row
        return None, None
    if first == "codigo" and state.header is not None:
        state.layout = code_layout(state.header, row)
        return None, None
    layout = state.layout
    if layout is None:
        return None, None
    code_cell = cell_at(row, layout.code)
    entry = None
    if vocabulary.CODE_RE.match(code_cell):
        state.code, state.seq = code_cell, 0
        entry = CodeEntry(code_cell, cell_at(row, layout.description), name)
    elif code_cell:  # group row such as "Acciones Estratégicas del OES.01"
        return None, None
    if state.code is None or not has_indicator(row, layout):
        return None, entry
    state.seq += 1
    indicator = RowIndicator(
        code=state.code,
        seq=state.seq,
        name_cell=cell_at(row, layout.name),
        cells=row_cells(row, layout, report_year),
        table=name,
        executing_unit=cell_at(row, layout.executing_unit),
        responsible_units=cell_at(row, layout.responsible_units),
    )
    return indicator, entry


def parse_code_table(
    table: Table, name: str, report_year: int
) -> tuple[list[RowIndicator], list[CodeEntry]]:
    """Indicators and OES/AES entries of an annex or AES body table."""
    indicators: list[RowIndicator] = []
    entries: list[CodeEntry] = []
    state = _CodeTableState()
    for line, row in table.numbered_rows():
        with at_line(line):
            indicator, entry = _code_row(row, state, name, report_year)
        if entry is not None:
            entries.append(entry)
        if indicator is not None:
            indicators.append(indicator)
    if state.layout is None:
        raise ReportFormatError(
            f"a header row starting with 'Código' in the table '{name}' starting here",
            line=table.line + 1,
        )
    return indicators, entries


def layout_pending(row: Sequence[str]) -> bool:
    """True for the years row under an OES table header (no text, only years)."""
    return any(as_year(c) for c in row) and not any(c and as_year(c) is None for c in row)


def parse_oes_table(table: Table, name: str, report_year: int) -> list[RowIndicator]:
    """Indicators of an OES body table (``N.M Indicator name`` rows under ``OES. N.`` titles)."""
    indicators: list[RowIndicator] = []
    layout: Layout | None = None
    header: Sequence[str] | None = None
    current: str | None = None
    for line, row in table.numbered_rows():
        first = row[0] if row else ""
        title = OBJECTIVE_TITLE_RE.match(first)
        if title:
            current, header = vocabulary.objective_code(title.group(1)), None
        elif normalize(first) == "indicador":
            header = row
        elif header is not None and layout_pending(row):
            with at_line(line):
                layout, header = oes_layout(header, row), None
        elif (match := OBJECTIVE_ROW_RE.match(first)) and layout is not None:
            code = vocabulary.objective_code(match.group(1))
            if current and code != current:
                log.warning("%s: row %r sits under %s", name, first, current)
            with at_line(line):
                cells = row_cells(row, layout, report_year)
            indicators.append(
                RowIndicator(
                    code=code,
                    seq=int(match.group(2)),
                    name_cell=match.group(3).strip(),
                    cells=cells,
                    table=name,
                    executing_unit=cell_at(row, layout.executing_unit),
                )
            )
    return indicators


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
