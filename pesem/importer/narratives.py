"""The report's prose: OES analyses (section 2), AES narratives (section 3), sections 1, 4, 5."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence

from pesem import vocabulary

from .tables import Span
from .text import collapse_blank_runs

log = logging.getLogger("pesem.importer")

OBJECTIVE_ANALYSIS_RE = re.compile(rf"^\s*(?:[•·*-]\s*)?{vocabulary.OBJECTIVE_ANALYSIS}")
ACTION_HEADING_RE = re.compile(rf"^\s*{vocabulary.ACTION_HEADING}")
# Lines that end an AES narrative besides the next AES heading.
ACTION_STOP_RE = re.compile(r"^\s*(?:\||Tabla\s+\d|(?:[•·*-]\s*)?An[aá]lisis descriptivo)")
#: Sections copied whole into ``narrative/<key>.md``.
WHOLE_SECTIONS = ("resumen_ejecutivo", "conclusiones", "recomendaciones")


def oes_narratives(lines: Sequence[str], span: Span) -> dict[str, list[str]]:
    """For each ``Análisis descriptivo del OES.NN``: the text after its table."""
    heads = [
        (i, vocabulary.objective_code(m.group(1)))
        for i in range(span.start, span.end)
        if (m := OBJECTIVE_ANALYSIS_RE.match(lines[i]))
    ]
    out: dict[str, list[str]] = {}
    for n, (start, code) in enumerate(heads):
        end = heads[n + 1][0] if n + 1 < len(heads) else span.end
        table_lines = [i for i in range(start, end) if lines[i].lstrip().startswith("|")]
        body_start = (table_lines[-1] + 1) if table_lines else start + 1
        out[code] = list(lines[body_start:end])
    return out


def _action_end(lines: Sequence[str], start: int, end: int) -> int:
    """First line from ``start`` that ends an AES narrative (next heading, table, caption…)."""
    j = start
    while j < end and not ACTION_HEADING_RE.match(lines[j]) and not ACTION_STOP_RE.match(lines[j]):
        j += 1
    return j


def aes_narratives(lines: Sequence[str], span: Span) -> tuple[dict[str, list[str]], dict[str, str]]:
    """For each ``Acción estratégica NN.NN: …`` heading: the lines of its section and the heading.

    A section ends at the next AES heading, a table or table caption, an ``Análisis
    descriptivo`` line or the end of section 3. The heading line itself is not included.
    """
    out: dict[str, list[str]] = {}
    headings: dict[str, str] = {}
    i = span.start
    while i < span.end:
        match = ACTION_HEADING_RE.match(lines[i])
        if not match:
            i += 1
            continue
        code = vocabulary.action_code(match.group(1), match.group(2))
        headings[code] = match.group(3).strip()
        j = _action_end(lines, i + 1, span.end)
        if code in out:
            log.warning("%s: narrative heading appears twice; keeping both parts", code)
            out[code] += [""] + list(lines[i + 1 : j])
        else:
            out[code] = list(lines[i + 1 : j])
        i = j
    return out, headings


def narrative_files(
    oes: Mapping[str, Sequence[str]],
    aes: Mapping[str, Sequence[str]],
    sections: Mapping[str, Sequence[str]],
    annex_actions: set[str],
) -> dict[str, str]:
    """File name → markdown text, for ``data/narrative/``; logs AES without narrative."""
    files: dict[str, str] = {}
    for code, lines in [*sorted(oes.items()), *sorted(aes.items())]:
        files[f"{code}.md"] = collapse_blank_runs(lines)
    for key in WHOLE_SECTIONS:
        files[f"{key}.md"] = collapse_blank_runs(sections[key])
    missing = sorted(annex_actions - set(aes))
    extra = sorted(set(aes) - annex_actions)
    if missing:
        log.error("AES without narrative section: %s", ", ".join(missing))
    if extra:
        log.warning("narrative sections for AES not in the annex: %s", ", ".join(extra))
    log.info(
        "narratives: %d OES, %d of %d AES",
        len(oes),
        len(annex_actions & set(aes)),
        len(annex_actions),
    )
    return files
