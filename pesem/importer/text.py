"""Text helpers of the importer: normalizing, comparing, splitting and parsing report text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

YEAR_RE = re.compile(r"^(19|20)\d{2}$")
FUENTE_RE = re.compile(r"\s*\bFuente\s*:\s*")

#: Why a cell has no value (``missing_reason``); see data/README.md.
MISSING_ND = "sin_meta"
MISSING_DASH = "sin_dato"
MISSING_BLANK = "vacio"
MISSING_TYPO = "error_tipografico"

STOPWORDS = frozenset(
    {
        *("a", "al", "ante", "con", "de", "del", "e", "el", "en", "la", "las", "lo", "los"),
        *("o", "para", "por", "que", "se", "su", "sus", "un", "una", "y"),
        *("numero", "porcentaje", "fuente", "pei", "pesem"),
    }
)


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


def last_line(lines: Sequence[str]) -> int:
    """Number of the file's last line (1-based): the text after a final newline is no line."""
    return len(lines) - 1 if lines and lines[-1] == "" else len(lines)


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


def split_source(name_cell: str) -> tuple[str, str]:
    """``'Número de X Fuente: PEI 2017-2019'`` → (``'Número de X'``, ``'PEI 2017-2019'``)."""
    parts = FUENTE_RE.split(name_cell.strip(), maxsplit=1)
    name = parts[0].strip()
    source = parts[1].strip() if len(parts) > 1 else ""
    return name, source


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
