"""The report's identity from its cover (plan, year, sector, ministry) and ``report.yaml``.

The keys written are those :class:`pesem.report.ReportMeta` validates (data/README.md lists them),
plus the executing unit and where the data came from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import yaml

from pesem import vocabulary
from pesem.report import REQUIRED_KEYS, ReportMeta, ReportMetaError

from .errors import ReportFormatError
from .text import strip_accents

#: Small words a sector's abbreviation skips (``Comercio Exterior y Turismo`` → ``C.E.T.``).
MINOR_WORDS = frozenset({"y", "e", "de", "del", "la", "las", "los", "el"})
_LINES = re.IGNORECASE | re.MULTILINE
#: Patterns of the cover: (key, pattern, flags, what a reader should find there).
COVER = (
    (
        "plan",
        rf"REPORTE DE SEGUIMIENTO DEL\s+({vocabulary.PLAN_TYPE}\s+\d{{4}}\s*-\s*\d{{4}})",
        _LINES,
        f"its title 'REPORTE DE SEGUIMIENTO DEL {vocabulary.PLAN_TYPE} <start>-<end>'",
    ),
    ("year", r"^\s*A[ñn]o\s+((?:19|20)\d{2})\s*$", _LINES, "its line 'Año <year>'"),
    ("sector", r"^\s*Sector\s*:?\s+(.+?)\s*$", _LINES, "its line 'Sector <name>'"),
    (
        "ministry",
        r"Ministerio rector\s*:\s*(.+?)\s*(?:\*\*|\n\s*\n)",
        re.DOTALL,
        "its line 'Ministerio rector: <ministry>'",
    ),
)
GOVERNMENT_LEVEL_RE = re.compile(r"^\s*Nivel de Gobierno\s*:\s*(.+?)\s*$", re.MULTILINE)
#: report.yaml keys in the order they are written.
KEY_ORDER = (
    *REQUIRED_KEYS,
    "government_level",
    "executing_unit",
    "generated_from",
    "generated_from_sha256",
    "generated_by",
)


def sector_short(sector: str) -> str:
    """Spanish abbreviation of a sector: ``Relaciones Exteriores`` → ``RR.EE.``.

    A plural word gives its initial twice, a singular word its initial once, each followed by a
    dot; small words (y, de, la…) are skipped.
    """
    parts = []
    for word in re.findall(r"\w+", sector):
        if word.lower() in MINOR_WORDS:
            continue
        plural = re.search(r"[aeioáéó]s$", word.lower()) is not None
        parts.append(word[0].upper() * (2 if plural else 1) + ".")
    return "".join(parts)


def file_prefix(plan_type: str, short: str, year: int) -> str:
    """Start of every download's file name: ``pesem-rree-2020``."""
    letters = re.sub(r"[^a-z]", "", strip_accents(short).lower())
    return f"{plan_type.lower()}-{letters}-{year}"


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _cover(text: str) -> tuple[dict[str, str], dict[str, int]]:
    """The cover's fields (whitespace collapsed) and the line each was found on."""
    found: dict[str, str] = {}
    lines: dict[str, int] = {}
    for key, pattern, flags, what in COVER:
        match = re.search(pattern, text, flags)
        if not match:
            raise ReportFormatError(
                f"the cover of a CEPLAN follow-up report, with {what}",
                line=1,
                found=f"no such line in the {len(text.splitlines())} lines of the file",
            )
        found[key] = " ".join(match.group(1).split())
        lines[key] = _line_of(text, match.start(1))
    return found, lines


def read_metadata(text: str) -> dict[str, object]:
    """Plan, period, years, sector (and its abbreviation), ministry, title and file prefix."""
    cover, lines = _cover(text)
    plan = re.sub(r"\s*-\s*", "-", cover["plan"])
    plan_type, period = plan.split(maxsplit=1)
    plan_type = plan_type.upper()
    start, end = (int(y) for y in period.split("-"))
    year = int(cover["year"])
    short = sector_short(cover["sector"])
    title = f"Reporte de seguimiento del {plan_type} {period}, Sector {cover['sector']}, {year}"
    level = GOVERNMENT_LEVEL_RE.search(text)
    meta: dict[str, object] = {
        "plan": f"{plan_type} {period}",
        "plan_type": plan_type,
        "plan_start": start,
        "plan_end": end,
        "year": year,
        "previous_year": year - 1,
        "sector": cover["sector"],
        "sector_short": short,
        "ministry": cover["ministry"],
        "government_level": level.group(1) if level else "",
        "title": title,
        "source": f"Fuente: {title}",
        "file_prefix": file_prefix(plan_type, short, year),
    }
    try:
        ReportMeta.from_mapping(meta)
    except ReportMetaError as exc:
        line = lines["year"] if exc.key in ("year", "previous_year") else lines["plan"]
        raise ReportFormatError(
            f"{exc.key.replace('_', ' ')}: {exc.expected}", line=line, found=repr(exc.found)
        ) from exc
    return meta


def default_executing_unit(units: Sequence[str]) -> str:
    """The most frequent executing unit text (ties: the first in sorted order)."""
    present = [u for u in units if u]
    return max(sorted(set(present)), key=present.count) if present else ""


def report_yaml(meta: dict[str, object], executing_unit: str, source_name: str, sha256: str) -> str:
    """``report.yaml`` text (keys in :data:`KEY_ORDER`)."""
    content = {
        **meta,
        "executing_unit": executing_unit,
        "generated_from": source_name,
        "generated_from_sha256": sha256,
        "generated_by": "python -m pesem.importer",
    }
    ordered = {key: content.get(key, "") for key in KEY_ORDER}
    header = "# Report metadata. Written by pesem.importer; see data/README.md.\n"
    return header + yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True, width=1000)
