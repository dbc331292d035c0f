"""Step 1, read: the report text → a :class:`Report` (metadata, sections, table rows, prose)."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from pesem import vocabulary

from .errors import ReportFormatError
from .metadata import read_metadata
from .narratives import aes_narratives, oes_narratives
from .tables import (
    CodeEntry,
    RowIndicator,
    Span,
    fill_from_above,
    find_sections,
    find_tables,
    parse_code_table,
    parse_oes_table,
)
from .text import FUENTE_RE, last_line, normalize

log = logging.getLogger("pesem.importer")


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
        return int(str(self.meta["year"]))

    def span_lines(self, key: str) -> list[str]:
        """Lines of a section, heading line excluded."""
        span = self.spans[key]
        return self.lines[span.start + 1 : span.end]


def decode(data: bytes) -> str:
    """The report's text (UTF-8, optional BOM, any line ends → ``\\n``)."""
    if not data.strip():
        raise ReportFormatError(
            "a CEPLAN follow-up report (cover, sections 1-6 and Annex 6.1)",
            line=1,
            found="an empty file",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReportFormatError(
            "UTF-8 text (a report converted to markdown)",
            line=data.count(b"\n", 0, exc.start) + 1,
            found=f"byte {data[exc.start : exc.start + 1]!r} at position {exc.start}",
        ) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_report(data: bytes, source_name: str) -> Report:
    """Structure a report's bytes; every step that can fail runs here, before any write."""
    text = decode(data)
    lines = text.split("\n")
    meta = read_metadata(text)
    report = Report(
        source_name=source_name,
        sha256=hashlib.sha256(data).hexdigest(),
        lines=lines,
        spans=find_sections(lines),
        meta=meta,
    )
    read_annex(report)
    read_body_tables(report)
    read_narratives(report)
    return report


def read_report(path: Path) -> Report:
    """Read and structure a report text file; errors name the file and the line."""
    data = path.read_bytes()
    try:
        return parse_report(data, path.name)
    except ReportFormatError as exc:
        raise exc.in_file(str(path)) from None


def read_annex(report: Report) -> None:
    """All indicator rows and OES/AES entries of Annex 6.1 (possibly split in several tables)."""
    span = report.spans["anexo_6_1"]
    tables = find_tables(report.lines, span)
    if not tables:
        raise ReportFormatError(
            "the Annex 6.1 table of indicators below this heading",
            line=span.start + 1,
            found=f"no table up to the end of the file (line {last_line(report.lines)})",
        )
    for table in tables:
        rows, entries = parse_code_table(table, vocabulary.ANNEX_NAME, report.year)
        report.annex += rows
        report.annex_entries += entries
    if not report.annex:
        raise ReportFormatError(
            "indicator rows (a plan code, an indicator name and its values) in Annex 6.1",
            line=span.start + 1,
            found="none",
        )
    fill_from_above(report.annex)
    log.info(
        "annex: %d tables, %d codes, %d indicators",
        len(tables),
        len(report.annex_entries),
        len(report.annex),
    )


def table_name(section_key: str, caption: str) -> str:
    """``'Sección 3, Tabla 2. AES del OES.01'``."""
    return f"Sección {vocabulary.SECTION_NUMBERS[section_key]}, {caption}"


def _merged_rows_warning(name: str, rows: list[RowIndicator]) -> None:
    for row in rows:
        if len(FUENTE_RE.findall(row.name_cell)) > 1:
            log.warning(
                "%s: row %s merges several indicators in one row; its numbers are attributed to %s",
                name,
                row.code,
                row.indicator_id,
            )


def read_body_tables(report: Report) -> None:
    """Indicator rows of the OES tables (section 2) and the AES tables (section 3)."""
    for key in ("oes", "aes"):
        for table in find_tables(report.lines, report.spans[key]):
            name = table_name(key, table.caption)
            first_cells = {normalize(r[0]) for r in table.rows if r}
            if "indicador" in first_cells:
                report.body += parse_oes_table(table, name, report.year)
            elif vocabulary.CODE_TABLE_HEADER in first_cells:
                rows, entries = parse_code_table(table, name, report.year)
                _merged_rows_warning(name, rows)
                report.body += rows
                report.body_entries += entries
            else:
                log.info("skipping table without indicator header: %s", name)
    log.info("body tables: %d indicator rows", len(report.body))


def read_narratives(report: Report) -> None:
    """OES analysis texts (section 2) and AES narratives (section 3)."""
    report.oes_narratives = oes_narratives(report.lines, report.spans["oes"])
    report.aes_narratives, report.aes_headings = aes_narratives(report.lines, report.spans["aes"])
