"""Import a CEPLAN follow-up report (text with markdown tables) into a data folder.

Usage::

    python -m pesem.importer REPORT.md --out data/

Every sector and year uses the same CEPLAN layout, so the report is read by structure, never by
line numbers or known values. The import is a chain of steps, each a module of its own:

1. read (:mod:`.document`, :mod:`.tables`, :mod:`.metadata`, :mod:`.narratives`): sections,
   tables and their layouts, indicator rows, the cover's metadata and the prose;
2. rows (:mod:`.rows`): oes, aes, indicators, values and body_values rows;
3. notes (:mod:`.notes`): typos, body tables that disagree, avances that do not recompute;
4. claims (:mod:`.claims`): the numbers the text states;
5. write (:mod:`.output`): the whole folder, swapped in only when complete.

Numbers are never edited: each cell is kept verbatim in ``raw`` and parsed into ``value``.
The output is deterministic (same input, byte-identical files). See ``data/README.md``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pesem import vocabulary
from pesem.rules import default_rules_text

from .claims import claim_rows
from .cli import main
from .document import Report, parse_report, read_report
from .errors import ReportFormatError
from .metadata import default_executing_unit, read_metadata, report_yaml, sector_short
from .narratives import WHOLE_SECTIONS, narrative_files
from .output import NARRATIVE_DIR, OUTPUT_COLUMNS, csv_text, write_data_folder
from .rows import (
    DIRECTION_OVERRIDES,
    aes_rows,
    body_rows,
    indicator_rows,
    infer_unit,
    oes_rows,
    value_rows,
)
from .tables import Cell, find_sections, find_tables, year_runs
from .text import classify_cell

__all__ = [
    "DIRECTION_OVERRIDES",
    "Cell",
    "Report",
    "ReportFormatError",
    "build_outputs",
    "classify_cell",
    "default_rules_text",
    "find_sections",
    "find_tables",
    "infer_unit",
    "main",
    "parse_report",
    "read_metadata",
    "read_report",
    "run",
    "sector_short",
    "year_runs",
]

log = logging.getLogger("pesem.importer")


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
    unit = default_executing_unit([i["executing_unit"] for i in indicators])
    files = {"report.yaml": report_yaml(report.meta, unit, report.source_name, report.sha256)}
    for name, rows in tables.items():
        files[name] = csv_text(OUTPUT_COLUMNS[name], rows)
    sections = {key: report.span_lines(key) for key in WHOLE_SECTIONS}
    actions = {e.code for e in report.annex_entries if e.code.startswith(vocabulary.ACTION)}
    prose = narrative_files(report.oes_narratives, report.aes_narratives, sections, actions)
    for name, text in prose.items():
        files[f"{NARRATIVE_DIR}/{name}"] = text
    return files


def run(report_path: Path, out: Path) -> dict[str, str]:
    """Import ``report_path`` into the folder ``out``; return what was written (path → text).

    Nothing is written unless the whole report could be read: ``out`` is replaced in one step,
    keeping its curated files (``status_rules.yaml``, ``README.md``).
    """
    files = build_outputs(read_report(Path(report_path)))
    write_data_folder(files, Path(out))
    return files
