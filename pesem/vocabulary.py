"""The vocabulary of CEPLAN's follow-up layout: plan codes, their patterns, section names.

One place for it: a PESEM report speaks of OES/AES; an institutional plan (PEI) uses the same
layout with OEI/AEI. Supporting another plan type means changing this module only.
"""

from __future__ import annotations

import re
from typing import Final

#: Code prefix of a strategic objective and of a strategic action (``OES.01``, ``AES.01.03``).
OBJECTIVE: Final = "OES"
ACTION: Final = "AES"
LEVELS: Final = (OBJECTIVE, ACTION)
LEVEL_LABELS: Final = {
    OBJECTIVE: "OES (objetivo estratégico)",
    ACTION: "AES (acción estratégica)",
}

#: Full-string patterns of a code and of an indicator id (code, dash, order within the code).
OBJECTIVE_RE: Final = rf"^{OBJECTIVE}\.\d{{2}}$"
ACTION_RE: Final = rf"^{ACTION}\.\d{{2}}\.\d{{2}}$"
INDICATOR_RE: Final = rf"^({OBJECTIVE}\.\d{{2}}|{ACTION}\.\d{{2}}\.\d{{2}})-\d+$"
#: A code cell of a report table: group 1 the level, 2 the objective number, 3 the action number.
CODE_RE: Final = re.compile(rf"^({OBJECTIVE}|{ACTION})\.(\d{{2}})(?:\.(\d{{2}}))?$")


def objective_code(number: int | str) -> str:
    """``1`` → ``'OES.01'``."""
    return f"{OBJECTIVE}.{int(number):02d}"


def action_code(objective: int | str, number: int | str) -> str:
    """``(1, 3)`` → ``'AES.01.03'``."""
    return f"{ACTION}.{int(objective):02d}.{int(number):02d}"


def parent_objective(code: str) -> str:
    """``'AES.01.03'`` or ``'OES.01'`` → ``'OES.01'``."""
    match = CODE_RE.match(code)
    if not match:
        raise ValueError(f"not a plan code: {code!r}")
    return objective_code(match.group(2))


#: Top-level sections of a follow-up report, in order: key → heading pattern.
SECTIONS: Final[tuple[tuple[str, str], ...]] = (
    ("resumen_ejecutivo", r"1\.\s*Resumen ejecutivo\b"),
    ("oes", r"2\.\s*Avance y an[aá]lisis de los Objetivos Estrat[eé]gicos Sectoriales"),
    ("aes", r"3\.\s*Avance y an[aá]lisis de las Acciones Estrat[eé]gicas Sectoriales"),
    ("conclusiones", r"4\.\s*Conclusiones\b"),
    ("recomendaciones", r"5\.\s*Recomendaciones\b"),
    ("anexos", r"6\.\s*Anexos\b"),
)
#: The same headings as printed, for messages (what the importer looked for).
SECTION_HEADINGS: Final = {
    "resumen_ejecutivo": "1. Resumen ejecutivo",
    "oes": "2. Avance y análisis de los Objetivos Estratégicos Sectoriales",
    "aes": "3. Avance y análisis de las Acciones Estratégicas Sectoriales",
    "conclusiones": "4. Conclusiones",
    "recomendaciones": "5. Recomendaciones",
    "anexos": "6. Anexos",
}
SECTION_NUMBERS: Final = {key: str(i) for i, (key, _) in enumerate(SECTIONS, start=1)}
#: How the dashboard names a section when it cites it.
SECTION_TITLES: Final = {
    "resumen_ejecutivo": "Sección 1 (Resumen ejecutivo)",
    "oes": "Sección 2 (Objetivos estratégicos)",
    "aes": "Sección 3 (Acciones estratégicas)",
    "conclusiones": "Sección 4 (Conclusiones)",
    "recomendaciones": "Sección 5 (Recomendaciones)",
    "anexos": "Sección 6 (Anexos)",
}
ANNEX_NAME: Final = "Anexo 6.1 (sección 6)"

#: Plan type as printed on the cover (``REPORTE DE SEGUIMIENTO DEL PESEM 2015-2021``).
PLAN_TYPE: Final = "PESEM"
#: The annex the indicator values are read from, and its heading.
ANNEX_HEADING: Final = r"Anexo\s+6\.1\b"
#: Heading of an objective's analysis in section 2 (group 1: the objective number).
OBJECTIVE_ANALYSIS: Final = rf"An[aá]lisis descriptivo del {OBJECTIVE}\.?\s*(\d{{1,2}})\b"
#: Heading of an action's narrative in section 3 (groups: objective, action, wording).
ACTION_HEADING: Final = r"Acci[oó]n estrat[eé]gica\s+(\d{2})\.(\d{2})\s*:\s*(.*)$"
#: Title row of an objective's table in section 2 (``OES. 1. Posicionar …``; group 1: number).
OBJECTIVE_TABLE_TITLE: Final = rf"^{OBJECTIVE}\.?\s*(\d{{1,2}})\."
#: First header cell of the annex and the action tables (normalized: lower case, no accents).
CODE_TABLE_HEADER: Final = f"{OBJECTIVE} / {ACTION}".lower()
