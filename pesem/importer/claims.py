"""Step 4, claims: the numbers the text states, attributed to indicators (``claims.csv``).

Regular expressions find the stated values (achieved values, year-on-year changes, counts) and a
fuzzy match of the quoted indicator names says which indicator a sentence is about; see
data/README.md, ``claims.csv``, for the rules.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pesem import vocabulary

from .document import Report
from .errors import ReportFormatError
from .rows import oes_rows
from .text import (
    YEAR_RE,
    format_number,
    normalize,
    paragraphs,
    parse_number,
    sentences,
    similarity,
    stems,
)

log = logging.getLogger("pesem.importer")

Row = dict[str, str]

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
OBJECTIVE_MENTION_RE = re.compile(rf"\b{vocabulary.OBJECTIVE}\.?\s*0?(\d{{1,2}})\b")
COUNT_RE = re.compile(r"(?<![\d.,°º])(\d{1,3}(?:,\d{3})+|\d+)(?![\d.,]*\d)\s+(\w+)")
SPANISH_NUMBERS = {
    **{"un": 1, "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5},
    **{"seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10},
}
MONTHS = frozenset(
    {
        *("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto"),
        *("septiembre", "setiembre", "octubre", "noviembre", "diciembre"),
    }
)
#: Counts over the OES indicators stated in the conclusions: kind → pattern (group 1 the count).
CONCLUSION_PATTERNS = (
    ("count_oes", r"\b(\w+) objetivos estrat[eé]gicos"),
    ("count_indicators", r"trav[eé]s de (\w+) indicadores"),
    ("count_decreased", r"\b(\w+) de ellos (?:cayeron|disminuyeron|bajaron)"),
    (
        "count_increased",
        r"\b(\w+) (?:experiment[oó]|present[oó]|tuvo) un (?:incremento|crecimiento|aumento)",
    ),
    ("count_unchanged", r"\b(el restante|\w+) se mantuvo igual"),
)
CLAIM_COLUMNS = ("claim_id", "indicator_id", "kind", "year", "value", "text", "location")


@dataclass(frozen=True)
class Claim:
    """A number stated in the text about an indicator (or about the set of OES indicators)."""

    indicator_id: str
    kind: str
    year: int
    value: float
    text: str
    location: str


def to_float(number: str) -> float:
    """Parse a number written in the text (``'37,369'``, ``'6.5'``)."""
    value = parse_number(number)
    if value is None:
        raise ReportFormatError(f"a number in the text, found {number!r}")
    return value


def stated_year(sentence: str, default: int) -> int:
    """The year a sentence states a value for (``en el año 2020``), else ``default``."""
    match = re.search(r"\b(?:en|durante)\s+(?:el\s+)?(?:año\s+)?((?:19|20)\d{2})\b", sentence)
    return int(match.group(1)) if match else default


def best_indicator(quote: str, candidates: Sequence[Row]) -> str | None:
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


def _changes(sentence: str) -> list[float]:
    """Signed changes in % a sentence states (a fall is negative, "no variation" is 0)."""
    changes = []
    for match in CHANGE_RE.finditer(sentence):
        sign = -1 if re.match(DECREASE, match.group("kw"), re.I) else 1
        changes.append(sign * to_float(match.group("num")))
    if NO_CHANGE_RE.search(sentence):
        changes.append(0.0)
    return changes


def sentence_claims(
    sentence: str, named: Sequence[str], by_id: Mapping[str, Row], year: int
) -> list[tuple[str, str, int, float]]:
    """(indicator_id, kind, year, value) for the numbers a sentence states."""
    out: list[tuple[str, str, int, float]] = []
    for match in ACHIEVED_RE.finditer(sentence):
        listed = re.findall(rf"{NUM}%?", match.group("list"))
        values = [to_float(v.rstrip("%")) for v in listed]
        when = stated_year(sentence, year)
        out += [(i, "achieved", when, v) for i, v in attribute(values, named, sentence)]
    changes = _changes(sentence)
    out += [(i, "change_pct", year, v) for i, v in attribute(changes, named, sentence)]
    for match in SHARE_OF_RE.finditer(sentence):
        for iid in named:
            ind = by_id[iid]
            if ind["unit"] == "porcentaje" and stems(match.group("noun")) & stems(ind["name"]):
                value = to_float(match.group("num"))
                out.append((iid, "achieved", stated_year(sentence, year), value))
    return out


def check_quoted_oes(
    quotes: Sequence[str], code: str | None, oes: Mapping[str, str], location: str
) -> None:
    """Warn when a paragraph about one OES quotes the name of another OES."""
    if code is None:
        return
    for quote in quotes:
        best = max(oes, key=lambda c: similarity(quote, oes[c]))
        if best != code and similarity(quote, oes[best]) >= 0.8:
            log.warning("%s: text about %s quotes the name of %s", location, code, best)


def oes_claims(
    paras: Sequence[str],
    location: str,
    indicators: Sequence[Row],
    oes: Mapping[str, str],
    year: int,
    context: str | None = None,
) -> list[Claim]:
    """Claims about OES indicators in the executive summary or an OES analysis."""
    by_id = {i["indicator_id"]: i for i in indicators}
    claims = []
    for para in paras:
        mention = OBJECTIVE_MENTION_RE.search(para)
        code = context or (vocabulary.objective_code(mention.group(1)) if mention else None)
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


def stated_counts(sentence: str) -> list[float]:
    """Counts in a sentence: numbers followed by a word, except years, dates and ordinals."""
    out = []
    for match in COUNT_RE.finditer(sentence):
        number, word = match.group(1), normalize(match.group(2))
        if YEAR_RE.match(number) or word in ("de", "y", "al", "a") or word in MONTHS:
            continue
        out.append(to_float(number))
    return out


def aes_count_claims(
    code: str, lines: Sequence[str], indicators: Sequence[Row], year: int
) -> list[Claim]:
    """Counts stated for the report year in an AES narrative about one of its indicators.

    A sentence qualifies when it names the report year (``en el año 2020``), shares at least two
    word stems with exactly one ``numero`` indicator of the AES, and states exactly one count
    (years, days of a month and ordinals excluded).
    """
    own = [i for i in indicators if i["aes_code"] == code and i["unit"] == "numero"]
    year_re = re.compile(rf"\b(?:en|durante)\s+(?:el\s+)?(?:año\s+)?{year}\b", re.I)
    location = f"Sección 3, Acción estratégica {code[len(vocabulary.ACTION) + 1 :]}"
    claims = []
    for para in paragraphs(lines):
        for sentence in sentences(para):
            if not year_re.search(sentence):
                continue
            words = stems(sentence)
            hits = [i for i in own if len(stems(i["name"]) & words) >= 2]
            counts = stated_counts(sentence)
            if len(hits) == 1 and len(counts) == 1:
                claims.append(
                    Claim(hits[0]["indicator_id"], "achieved", year, counts[0], sentence, location)
                )
    return claims


def spelled_count(word: str) -> int | None:
    """``'cinco'`` → 5, ``'el restante'`` → 1, ``'7'`` → 7; None for any other word."""
    word = normalize(word)
    if word == "el restante":
        return 1
    number = SPANISH_NUMBERS.get(word)
    if number is None and word.isdigit():
        number = int(word)
    return number


def conclusion_claims(paras: Sequence[str], year: int) -> list[Claim]:
    """Counts over the OES indicators stated in the conclusions (indicator_id empty)."""
    location = vocabulary.SECTION_TITLES["conclusiones"]
    claims = []
    for para in paras:
        for sentence in sentences(para):
            for kind, pattern in CONCLUSION_PATTERNS:
                for match in re.finditer(pattern, sentence, re.IGNORECASE):
                    number = spelled_count(match.group(1))
                    if number is not None:
                        claims.append(Claim("", kind, year, float(number), sentence, location))
    return claims


def claims_of(report: Report, indicators: Sequence[Row]) -> list[Claim]:
    """Claims of the executive summary, OES analyses, AES texts and conclusions, in that order."""
    year = report.year
    oes = {r["oes_code"]: r["name"] for r in oes_rows(report)}
    oes_level = [i for i in indicators if i["level"] == vocabulary.OBJECTIVE]
    claims = oes_claims(
        paragraphs(report.span_lines("resumen_ejecutivo")),
        vocabulary.SECTION_TITLES["resumen_ejecutivo"],
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
    return claims


def claim_rows(report: Report, indicators: Sequence[Row]) -> list[Row]:
    """``claims.csv`` rows, numbered ``C01``, ``C02``… in reading order."""
    rows = [
        {
            "claim_id": f"C{n:02d}",
            "indicator_id": claim.indicator_id,
            "kind": claim.kind,
            "year": str(claim.year),
            "value": format_number(claim.value),
            "text": claim.text,
            "location": claim.location,
        }
        for n, claim in enumerate(claims_of(report, indicators), start=1)
    ]
    log.info("claims: %d", len(rows))
    return rows
