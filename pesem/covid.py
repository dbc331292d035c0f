"""COVID-19 impact: every indicator 2019 vs. 2020, and what the report's narrative says about it.

Numbers come from :func:`pesem.metrics.indicator_summary` (the same ``change_abs`` /
``change_pct`` / ``change_reason`` every page uses); nothing is recomputed here. The qualitative
side reads the report's own "Análisis descriptivo" text (``ds.narrative``) and picks the sentences
that mention the pandemic or its effects (activities postponed, cancelled or moved online).

No Dash import: pages and figure builders call these functions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pandas as pd

from pesem.formulas import EPSILON, is_missing
from pesem.loader import Dataset, get_dataset
from pesem.metrics import indicator_summary

# TEMPORARY (issue 13 migration): owners replace these with ds.meta.
_META = get_dataset().meta
ASSESSED_YEAR, PREVIOUS_YEAR = _META.year, _META.previous_year
EXPECTED_YEARS, ACHIEVED_YEARS = _META.expected_years, _META.achieved_years


#: Values of ``change_direction`` (2019 → 2020), in display order.
CHANGE_DIRECTIONS = ("fell", "rose", "equal", "not_comparable")
CHANGE_LABELS = {
    "fell": "Bajó",
    "rose": "Subió",
    "equal": "Sin variación",
    "not_comparable": "No comparable",
}
#: Text icons so that colour never carries the direction alone.
CHANGE_ICONS = {"fell": "▼", "rose": "▲", "equal": "=", "not_comparable": "○"}

COMPARISON_COLUMNS = [
    "indicator_id",
    "level",
    "oes_code",
    "aes_code",
    "code",
    "seq",
    "name",
    "unit",
    "direction",
    "achieved_2019",
    "achieved_2020",
    "raw_2019",
    "raw_2020",
    "missing_previous_reason",
    "missing_current_reason",
    "change_abs",
    "change_pct",
    "change_reason",
    "change_direction",
    "change_label",
    "change_icon",
    "note",
]
#: The columns :func:`comparison` adds; the others are :func:`pesem.metrics.indicator_summary`'s.
_DERIVED_COLUMNS = frozenset(
    {"code", "raw_2019", "raw_2020", "change_direction", "change_label", "change_icon", "note"}
)

# --------------------------------------------------------------------------- numbers


def _raw_cells(ds: Dataset, year: int) -> pd.Series:
    achieved = ds.values[(ds.values["series"] == "achieved") & (ds.values["year"] == year)]
    return achieved.set_index("indicator_id")["raw"]


def _change_direction(change_abs: float | None) -> str:
    if is_missing(change_abs):
        return "not_comparable"
    if abs(change_abs) < EPSILON:
        return "equal"
    return "rose" if change_abs > 0 else "fell"


def _note(row: pd.Series) -> str:
    """Why a change cannot be computed (or why only the absolute one can), in Spanish."""
    if row["change_direction"] == "not_comparable":
        missing = [
            f"{year}: {row[f'missing_{key}_reason']}"
            for year, key in ((PREVIOUS_YEAR, "previous"), (ASSESSED_YEAR, "current"))
            if row[f"missing_{key}_reason"]
        ]
        detail = "; ".join(missing)
        return f"No comparable — {detail}" if detail else "No comparable"
    if is_missing(row["change_pct"]) and row["change_reason"]:
        return f"Variación % {row['change_reason']}"
    return ""


def comparison(ds: Dataset) -> pd.DataFrame:
    """Every indicator (OES and AES) with its 2019 and 2020 values and the change between them.

    Columns: see :data:`COMPARISON_COLUMNS`. ``change_direction`` is ``fell`` / ``rose`` /
    ``equal`` / ``not_comparable`` (from the absolute change, as
    :func:`pesem.metrics.change_counts` counts); ``raw_2019`` / ``raw_2020`` are the cells as
    printed in Annex 6.1 (``s``, ``---``…); ``note`` explains a row that cannot be compared.
    Rows keep the annex order (OES, then its AES).
    """
    summary = indicator_summary(ds)
    frame = summary[[c for c in COMPARISON_COLUMNS if c not in _DERIVED_COLUMNS]].copy()
    frame["code"] = frame["aes_code"].where(frame["aes_code"] != "", frame["oes_code"])
    frame["raw_2019"] = frame["indicator_id"].map(_raw_cells(ds, PREVIOUS_YEAR)).fillna("")
    frame["raw_2020"] = frame["indicator_id"].map(_raw_cells(ds, ASSESSED_YEAR)).fillna("")
    frame["change_direction"] = frame["change_abs"].map(_change_direction)
    frame["change_label"] = frame["change_direction"].map(CHANGE_LABELS)
    frame["change_icon"] = frame["change_direction"].map(CHANGE_ICONS)
    frame["note"] = frame.apply(_note, axis=1) if len(frame) else pd.Series(dtype=str)
    # Annex order: each OES's own indicators first, then its AES in code order.
    frame["_order"] = frame["level"].map({"OES": 0, "AES": 1})
    frame = frame.sort_values(["oes_code", "_order", "aes_code", "seq"], kind="stable")
    return frame[COMPARISON_COLUMNS].reset_index(drop=True)


def filter_scope(comp: pd.DataFrame, scope: str) -> pd.DataFrame:
    """``scope`` ``"oes"`` keeps the OES indicators; anything else (``"todos"``) keeps every row."""
    if scope == "oes":
        return comp[comp["level"] == "OES"].reset_index(drop=True)
    return comp.reset_index(drop=True)


def by_oes(comp: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """``comp`` split per OES, in annex order: ``[(oes_code, rows of that OES), ...]``."""
    codes = list(dict.fromkeys(comp["oes_code"]))
    return [(code, comp[comp["oes_code"] == code].reset_index(drop=True)) for code in codes]


# --------------------------------------------------------------------------- /covid URL query

#: Query keys of the /covid page: ``?vista=abs&alcance=todos``.
KEY_MODE = "vista"
KEY_SCOPE = "alcance"
#: Accepted values, the default first: ``vista`` (% change or absolute values) and ``alcance``
#: (the OES indicators only, or every indicator).
MODES = ("pct", "abs")
SCOPES = ("oes", "todos")
DEFAULT_MODE = MODES[0]
DEFAULT_SCOPE = SCOPES[0]


def _query_values(query: str | Mapping[str, Any] | None, key: str) -> list[Any]:
    if query is None:
        return []
    if isinstance(query, str):
        return [v for k, v in parse_qsl(query.lstrip("?"), keep_blank_values=True) if k == key]
    value = query.get(key)
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _choice(values: Iterable[Any], allowed: tuple[str, ...]) -> str:
    """The first value that is one of ``allowed`` (case and spaces ignored), else the default."""
    for value in values:
        if not isinstance(value, str):
            continue
        folded = value.strip().casefold()
        if folded in allowed:
            return folded
    return allowed[0]


def parse_view(query: str | Mapping[str, Any] | None) -> tuple[str, str]:
    """``(mode, scope)`` asked for by a URL query (the ``search`` string, with or without ``?``,
    or the mapping Dash passes to ``layout``). Unknown keys and invalid values are ignored: the
    default (``"pct"``, ``"oes"``) is used instead, never an error."""
    return (
        _choice(_query_values(query, KEY_MODE), MODES),
        _choice(_query_values(query, KEY_SCOPE), SCOPES),
    )


def view_query(mode: Any, scope: Any) -> str:
    """The canonical query of a view: ``"?vista=abs&alcance=todos"``; ``""`` for the default.

    Only non-default values are written (invalid ones count as the default).
    """
    mode, scope = _choice([mode], MODES), _choice([scope], SCOPES)
    pairs = [(KEY_MODE, mode)] if mode != DEFAULT_MODE else []
    if scope != DEFAULT_SCOPE:
        pairs.append((KEY_SCOPE, scope))
    return "?" + urlencode(pairs) if pairs else ""


def _extreme(rows: pd.DataFrame) -> dict:
    row = rows.iloc[0]
    return {
        "indicator_id": row["indicator_id"],
        "code": row["code"],
        "name": row["name"],
        "unit": row["unit"],
        "achieved_2019": row["achieved_2019"],
        "achieved_2020": row["achieved_2020"],
        "change_abs": row["change_abs"],
        "change_pct": row["change_pct"],
    }


def headline(comp: pd.DataFrame, level: str | None = None, top: int = 3) -> dict:
    """Counts of indicators that fell / rose / stayed equal / cannot be compared, and extremes.

    ``level`` ``"OES"`` or ``"AES"`` restricts to that level (``None``: all indicators).
    Returns ``{"total", "fell", "rose", "equal", "not_comparable", "largest_fall",
    "largest_rise", "falls", "rises"}``: the extremes are ranked by % change (the only change
    comparable across units); ``largest_*`` is ``None`` when there is none, ``falls`` /
    ``rises`` hold up to ``top`` of them, biggest first.
    """
    rows = comp if level is None else comp[comp["level"] == level]
    counts = rows["change_direction"].value_counts()
    out: dict = {"total": len(rows)}
    out.update({key: int(counts.get(key, 0)) for key in CHANGE_DIRECTIONS})
    with_pct = rows[rows["change_pct"].notna()]
    falls = with_pct[with_pct["change_pct"] < 0].sort_values("change_pct", kind="stable")
    rises = with_pct[with_pct["change_pct"] > 0].sort_values(
        "change_pct", ascending=False, kind="stable"
    )
    out["falls"] = [_extreme(falls.iloc[[i]]) for i in range(min(top, len(falls)))]
    out["rises"] = [_extreme(rises.iloc[[i]]) for i in range(min(top, len(rises)))]
    for key, ranked in (("largest_fall", falls), ("largest_rise", rises)):
        if ranked.empty:
            out[key] = None
            continue
        best = _extreme(ranked.iloc[[0]])
        tied = ranked[(ranked["change_pct"] - best["change_pct"]).abs() < EPSILON]
        best["ties"] = [i for i in tied["indicator_id"] if i != best["indicator_id"]]
        out[key] = best
    return out


def trend_rows(ds: Dataset, indicator_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Achieved values 2016–2020 and the targets used by the trend chart, one row per year.

    Columns: ``indicator_id, code, oes_code, level, name, unit, year, achieved, raw,
    missing_reason, expected_2020, expected_2021``. ``expected_2020`` is the 2020 target
    (logro esperado) when the plan defines one; ``expected_2021`` the plan's final target.
    """
    summary = indicator_summary(ds)
    if indicator_ids is not None:
        wanted = list(indicator_ids)
        summary = summary[summary["indicator_id"].isin(wanted)]
        summary = (
            summary.set_index("indicator_id")
            .loc[[i for i in wanted if i in set(summary["indicator_id"])]]
            .reset_index()
        )
    achieved = ds.values[ds.values["series"] == "achieved"].set_index(["indicator_id", "year"])
    rows = []
    for ind in summary.itertuples(index=False):
        for year in ACHIEVED_YEARS:
            key = (ind.indicator_id, year)
            cell = achieved.loc[key] if key in achieved.index else None
            rows.append(
                {
                    "indicator_id": ind.indicator_id,
                    "code": ind.aes_code or ind.oes_code,
                    "oes_code": ind.oes_code,
                    "level": ind.level,
                    "name": ind.name,
                    "unit": ind.unit,
                    "year": year,
                    "achieved": getattr(ind, f"achieved_{year}"),
                    "raw": "" if cell is None else cell["raw"],
                    "missing_reason": "" if cell is None else cell["missing_reason"],
                    "expected_2020": ind.expected_2020,
                    "expected_2021": ind.expected_2021,
                }
            )
    columns = [
        "indicator_id",
        "code",
        "oes_code",
        "level",
        "name",
        "unit",
        "year",
        "achieved",
        "raw",
        "missing_reason",
        "expected_2020",
        "expected_2021",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    for col in ("achieved", "expected_2020", "expected_2021"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce")
    return frame


# --------------------------------------------------------------------------- narrative

#: Passage tags, in priority order (a passage gets the first that applies).
PASSAGE_TAGS = ("postponed_cancelled", "online", "other")
PASSAGE_TAG_LABELS = {
    "postponed_cancelled": "Postergado o cancelado",
    "online": "Pasó a modalidad virtual",
    "other": "Otra mención de la pandemia",
}

# Patterns run on text without accents, in lower case (see _fold).
_PANDEMIC = (
    r"covid",
    r"coronavirus",
    r"pandemi\w*",
    r"post-?pandemia",
    r"emergencia sanitaria",
    r"crisis sanitaria",
    r"situacion sanitaria",
    r"cuarentena\w*",
    r"confinamiento\w*",
    r"cierre de fronteras",
    r"aislamiento social",
)
_POSTPONED = (
    r"posterg\w*",
    r"aplaz\w*",
    r"diferir\w*",
    r"difiri\w*",
    r"suspend\w*",
    r"suspension\w*",
    r"cancel\w*",
    r"receso",
    r"declin\w*",
    r"recalendariz\w*",
    r"quedo pendiente",
    r"quedado pendiente",
    r"no logro reunirse",
    r"no se (?:pudo|pudieron) (?:concretar|llevar a cabo|realizar)",
    r"no se realizaron",
)
_ONLINE = (
    r"virtual\w*",
    r"videoconferencia\w*",
    r"webinar\w*",
    r"plataformas? digital\w*",
    r"herramientas digitales",
    r"teletrabajo",
    r"semipresencial\w*",
)


def _compile(patterns: Iterable[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b")


PANDEMIC_RE = _compile(_PANDEMIC)
POSTPONED_RE = _compile(_POSTPONED)
ONLINE_RE = _compile(_ONLINE)

PASSAGE_COLUMNS = [
    "code",
    "level",
    "oes_code",
    "passage_no",
    "context",
    "text",
    "tag",
    "tag_label",
    "postponed_cancelled",
    "online",
    "explicit",
    "keywords",
]


def _fold(text: str) -> str:
    """Lower case without accents (``Pandemia`` → ``pandemia``, ``suspensión`` → ``suspension``).

    Only combining marks are dropped, so positions in the folded text match the original for
    the Latin text of the report (each accented letter decomposes to letter + one mark).
    """
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@dataclass(frozen=True)
class Match:
    """What a passage mentions: the pandemic itself, postponements, the move online."""

    explicit: bool
    postponed_cancelled: bool
    online: bool
    keywords: tuple[str, ...]

    @property
    def any(self) -> bool:
        return self.explicit or self.postponed_cancelled or self.online

    @property
    def tag(self) -> str:
        if self.postponed_cancelled:
            return "postponed_cancelled"
        if self.online:
            return "online"
        return "other"


def classify_text(text: str) -> Match:
    """Which pandemic-related words ``text`` contains (accent- and case-insensitive)."""
    folded = _fold(text)
    found = {
        name: sorted({m.group(0) for m in regex.finditer(folded)})
        for name, regex in (
            ("explicit", PANDEMIC_RE),
            ("postponed", POSTPONED_RE),
            ("online", ONLINE_RE),
        )
    }
    keywords = tuple(dict.fromkeys(k for words in found.values() for k in words))
    return Match(
        explicit=bool(found["explicit"]),
        postponed_cancelled=bool(found["postponed"]),
        online=bool(found["online"]),
        keywords=keywords,
    )


_BULLET_RE = re.compile(r"^\s*(?:[-*•✓]\s+|o\s+(?=[A-ZÁÉÍÓÚÑ])|\d+\.\s+|[a-z]\)\s+)+")
_HEADING_RE = re.compile(r"^\s*(?:#+\s+|[a-z]\.\s+)")
# Sentence end: . ! ? followed by space and an upper-case letter, quote or opening bracket.
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+(?=[«\"“(¿¡]?[A-ZÁÉÍÓÚÑ0-9])")
_ABBREVIATIONS = ("EE.UU.", "Sr.", "Sra.", "Dr.", "Dra.", "N°.", "No.", "Av.", "aprox.", "Ud.")


def _plain(text: str) -> str:
    """Markdown emphasis and escapes removed, whitespace collapsed."""
    text = text.replace("\\$", "$").replace("**", "").replace("__", "")
    text = re.sub(r"(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)", "", text)
    return re.sub(r"\s+", " ", text).strip()


def _is_heading(block: str) -> bool:
    """A sub-heading of the narrative: ``a. Argentina:``, ``Irlanda:``, ``### …``, ``**…**``."""
    stripped = block.strip()
    if stripped.startswith("#"):
        return True
    plain = _plain(_BULLET_RE.sub("", stripped))
    if not plain:
        return False
    if plain.endswith(":") and len(plain) <= 120:
        return True
    bold_only = re.fullmatch(r"(?:[a-z]\.\s+)?\*\*[^*]+\*\*:?", stripped)
    return bool(bold_only)


def paragraphs(markdown: str) -> list[str]:
    """Paragraphs and bullet items, with paragraphs broken by a page break joined again.

    The report's text was extracted from a PDF: a sentence can be cut by a page break
    (``…ventiladores mecánicos`` / ``(500), equipos médicos…``). A block that does not end a
    sentence and is followed by one that is not a new bullet or heading is joined to it.
    """
    blocks: list[str] = []
    for raw_block in re.split(r"\n\s*\n", markdown):
        lines = [ln for ln in raw_block.splitlines() if ln.strip()]
        current: list[str] = []
        for line in lines:
            if _BULLET_RE.match(line) or _HEADING_RE.match(line) or _is_heading(line):
                if current:
                    blocks.append(" ".join(current))
                current = [line.strip()]
            else:
                current.append(line.strip())
        if current:
            blocks.append(" ".join(current))
    joined: list[str] = []
    for block in blocks:
        previous = joined[-1] if joined else ""
        continues = (
            previous
            and not _is_heading(previous)
            and re.search(r"[a-záéíóúñü,(\-–]$", _plain(previous))
            and not _BULLET_RE.match(block)
            and not _HEADING_RE.match(block)
            and not block.lstrip().startswith("#")
        )
        if continues:
            joined[-1] = f"{previous} {block.strip()}"
        else:
            joined.append(block)
    return joined


def split_sentences(text: str) -> list[str]:
    """Spanish sentences of a paragraph (keeps ``EE.UU.`` and similar abbreviations intact)."""
    protected = text
    for i, abbr in enumerate(_ABBREVIATIONS):
        protected = protected.replace(abbr, f"\x00{i}\x00")
    parts = _SENTENCE_END_RE.split(protected)
    out = []
    for part in parts:
        for i, abbr in enumerate(_ABBREVIATIONS):
            part = part.replace(f"\x00{i}\x00", abbr)
        if part.strip():
            out.append(part.strip())
    return out


def _passages_of(code: str, markdown: str) -> list[dict]:
    out: list[dict] = []
    context = ""
    for block in paragraphs(markdown):
        if _is_heading(block):
            context = _plain(_BULLET_RE.sub("", block)).rstrip(":")
            continue
        body = _plain(_BULLET_RE.sub("", block))
        # A bullet that opens with a bold lead ("Defensa de la democracia en Venezuela: …").
        lead = re.match(r"^\s*(?:[-*•]\s+)?\*\*([^*]{3,120}?):?\*\*:?", block)
        local_context = _plain(lead.group(1)).rstrip(":") if lead else context
        for sentence in split_sentences(body):
            found = classify_text(sentence)
            if not found.any:
                continue
            out.append(
                {
                    "code": code,
                    "context": local_context,
                    "text": sentence,
                    "tag": found.tag,
                    "tag_label": PASSAGE_TAG_LABELS[found.tag],
                    "postponed_cancelled": found.postponed_cancelled,
                    "online": found.online,
                    "explicit": found.explicit,
                    "keywords": ", ".join(found.keywords),
                }
            )
    return out


def pandemic_passages(ds: Dataset) -> pd.DataFrame:
    """The sentences of each AES and OES narrative that mention the pandemic or its effects.

    One row per sentence, columns :data:`PASSAGE_COLUMNS`: ``code`` (``AES.03.04``), ``level``,
    ``oes_code``, ``passage_no`` (1… within the code), ``context`` (the sub-heading the sentence
    sits under, e.g. ``Chile``), ``text``, ``tag`` (``postponed_cancelled`` / ``online`` /
    ``other``) with its Spanish ``tag_label``, the flags ``postponed_cancelled`` and ``online``,
    ``explicit`` (the sentence names the pandemic itself, not only a postponement or a virtual
    meeting) and the matched ``keywords``. Codes come in plan order (OES, then its AES).
    """
    parent = dict(zip(ds.aes["aes_code"], ds.aes["oes_code"], strict=True))
    codes = [*ds.oes["oes_code"], *ds.aes["aes_code"]]
    ordered = sorted(
        (c for c in codes if c in ds.narrative),
        key=lambda c: (parent.get(c, c), c.startswith("AES"), c),
    )
    rows = []
    for code in ordered:
        found = _passages_of(code, ds.narrative[code])
        for number, row in enumerate(found, start=1):
            row.update(
                {
                    "level": "AES" if code.startswith("AES") else "OES",
                    "oes_code": parent.get(code, code),
                    "passage_no": number,
                }
            )
            rows.append(row)
    return pd.DataFrame(rows, columns=PASSAGE_COLUMNS)


def postponed_or_online_count(passages: pd.DataFrame) -> int:
    """Number of AES whose narrative reports activities postponed/cancelled or moved online."""
    if passages.empty:
        return 0
    aes = passages[passages["level"] == "AES"]
    hit = aes[aes["postponed_cancelled"].astype(bool) | aes["online"].astype(bool)]
    return int(hit["code"].nunique())


def summary_passages(ds: Dataset, section: str = "resumen_ejecutivo") -> list[str]:
    """The paragraphs of a report section (default: the executive summary) naming the pandemic."""
    text = ds.narrative.get(section, "")
    out = []
    for block in paragraphs(text):
        if _is_heading(block):
            continue
        body = _plain(_BULLET_RE.sub("", block))
        if PANDEMIC_RE.search(_fold(body)):
            out.append(body)
    return out
