"""Variants of the seed report for the "any report, any year, any sector" tests (issue 13).

``shifted_report_text`` moves every year of the report forward and renames its sector and
ministry; ``import_variant`` imports such a variant into a temporary data folder. The numbers
(values, counts, percentages) stay as they are, so every derived result must stay the same.
"""

from __future__ import annotations

import re
from pathlib import Path

from pesem import importer

from .seed import seed_path

#: A year in running text: 19xx/20xx standing alone (not inside 2,019, 20201 or 2020.5), or the
#: year of a date written 31.12.2021.
YEAR_TOKEN = re.compile(r"(?:(?<![\d.,])|(?<=\b\d\d\.\d\d\.))(?:19|20)\d{2}(?!\d|[.,]\d)")
#: A table cell holding a number only: a value (or a year, when it sits in a year position).
NUMBER_CELL = re.compile(r"^-?[\d.,]+%?$")
YEAR_CELL = re.compile(r"^(?:19|20)\d{2}$")


def shift_years(text: str, years: int) -> str:
    """Every year token of running text (see :data:`YEAR_TOKEN`) moved by ``years``."""
    return YEAR_TOKEN.sub(lambda m: str(int(m.group()) + years), text)


def _cells(line: str) -> list[str]:
    return line.strip().strip("|").split("|")


def _is_header(cells: list[str]) -> bool:
    """The ``Código | … | Año | 2016 …`` row, or an OES table's row of years only."""
    texts = [c.strip() for c in cells if c.strip()]
    first = cells[0].strip().lower() if cells else ""
    return (
        first.startswith("c")
        and first.endswith("digo")
        or (bool(texts) and all(YEAR_CELL.match(t) for t in texts))
    )


def _shift_row(cells: list[str], years: int, header: bool, year_column: int | None) -> str:
    """A table row with its years moved: header years, the baseline's year, years in text.

    Number cells of data rows are values (counts such as 2019 stay 2019), except the
    baseline's year column.
    """
    out = []
    for i, cell in enumerate(cells):
        bare = cell.strip()
        if NUMBER_CELL.match(bare):
            shift = (header or i == year_column) and YEAR_CELL.match(bare)
            out.append(cell.replace(bare, str(int(bare) + years)) if shift else cell)
        else:
            out.append(shift_years(cell, years))
    return "|" + "|".join(out) + "|"


def _shift_table_line(line: str, years: int, state: dict[str, int | None]) -> str:
    cells = _cells(line)
    if all(re.fullmatch(r"\s*:?-{2,}:?\s*", c) for c in cells):
        return line  # the |---| separator
    header = _is_header(cells)
    if header and cells[0].strip().lower().endswith("digo"):
        names = [c.strip() for c in cells]
        state["year_column"] = names.index("Año") if "Año" in names else None
    indent = line[: len(line) - len(line.lstrip())]
    return indent + _shift_row(cells, years, header, state["year_column"])


def _flexible(name: str) -> re.Pattern[str]:
    """A name as a pattern that also matches it broken over lines (the cover wraps names)."""
    return re.compile(r"\s+".join(re.escape(word) for word in name.split()))


def shifted_report_text(text: str, years: int, sector: str, ministry: str) -> str:
    """The report with every year moved by ``years`` and its sector and ministry renamed.

    Years move in the table headers, the baselines' year column, the cover (``Año 2020``), the
    plan period (``2015-2021``), names such as ``PEI 2017-2019`` and the narrative; values in
    the tables never move, even when they look like a year.
    """
    meta = importer.read_metadata(text)
    text = _flexible(str(meta["ministry"])).sub(ministry, text)
    text = _flexible(str(meta["sector"])).sub(sector, text)
    state: dict[str, int | None] = {"year_column": None}
    lines = []
    for line in text.split("\n"):
        if line.lstrip().startswith("|"):
            lines.append(_shift_table_line(line, years, state))
        else:
            state["year_column"] = None  # a table ends at the first line outside it
            lines.append(shift_years(line, years))
    return "\n".join(lines)


def import_variant(
    tmp_dir: Path,
    years: int = 1,
    sector: str = "Comercio Exterior y Turismo",
    ministry: str = "Ministerio de Comercio Exterior y Turismo",
) -> Path:
    """Write the shifted, renamed seed report into ``tmp_dir`` and import it; the data folder."""
    text = seed_path().read_text(encoding="utf-8")
    report = Path(tmp_dir) / f"reporte-variante-{years:+d}.md"
    report.write_text(shifted_report_text(text, years, sector, ministry), encoding="utf-8")
    out = Path(tmp_dir) / "data"
    importer.run(report, out)
    return out
