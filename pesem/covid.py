"""COVID-19 impact: every indicator in the pandemic year against the year before, what came after,
and what the report's narrative says about it.

The pandemic year is a fact of the world (:data:`PANDEMIC_YEAR`), not of the report: /covid
compares it with the year before (:data:`BEFORE_YEAR`) whatever year the report assesses. A report
whose achieved years go past the pandemic year also shows whether each indicator recovered its
pre-pandemic level (:func:`recovery`). Everything else about the report (its assessed year, its
plan's years, its names) comes from ``ds.meta``.

Changes use :func:`pesem.formulas.change`, the formula behind the change columns of
:func:`pesem.metrics.indicator_summary` (which compares the report's own two years). The
qualitative side reads the report's own "Análisis descriptivo" text (``ds.narrative``) and picks
the sentences that mention the pandemic or its effects (activities postponed, cancelled or moved
online).

No Dash import: pages and figure builders call these functions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import parse_qsl, urlencode

import pandas as pd

from pesem import vocabulary
from pesem.formulas import EPSILON, change, is_missing
from pesem.loader import Dataset
from pesem.metrics import MISSING_LABELS
from pesem.report import ReportMeta

#: The year of the COVID-19 pandemic: a fact of the world, the same for every report.
PANDEMIC_YEAR: Final = 2020
#: The last year before the pandemic, the level /covid compares with.
BEFORE_YEAR: Final = PANDEMIC_YEAR - 1


@dataclass(frozen=True)
class Period:
    """The years /covid shows for one report (see :func:`period`)."""

    before: int  # BEFORE_YEAR
    pandemic: int  # PANDEMIC_YEAR
    later: tuple[int, ...]  # the report's achieved years after the pandemic year (may be none)
    achieved: tuple[int, ...]  # every achieved year of the report (the trend charts' years)
    assessed: int  # the year the report assesses (meta.year)
    final: int  # the plan's final year (meta.plan_end)

    @property
    def latest(self) -> int | None:
        """The last year after the pandemic the report has, or None."""
        return self.later[-1] if self.later else None


def period(meta: ReportMeta) -> Period:
    """The years of /covid for the report described by ``meta``."""
    later = tuple(y for y in meta.achieved_years if y > PANDEMIC_YEAR)
    return Period(BEFORE_YEAR, PANDEMIC_YEAR, later, meta.achieved_years, meta.year, meta.plan_end)


def covers_pandemic(meta: ReportMeta) -> bool:
    """Whether the report's years (plan start to assessed year) include the pandemic year."""
    return meta.plan_start <= PANDEMIC_YEAR <= meta.year


def missing_years(ds: Dataset) -> tuple[int, ...]:
    """The years of the comparison (before, pandemic) for which the report has no achieved value.

    Empty when /covid can compare; otherwise the page explains what is missing.
    """
    values = ds.values
    achieved = values[(values["series"] == "achieved") & values["value"].notna()]
    present = set(achieved["year"]) & set(ds.meta.achieved_years)
    return tuple(y for y in (BEFORE_YEAR, PANDEMIC_YEAR) if y not in present)


#: Values of ``change_direction`` (year before → pandemic year), in display order.
CHANGE_DIRECTIONS = ("fell", "rose", "equal", "not_comparable")
CHANGE_LABELS = {
    "fell": "Bajó",
    "rose": "Subió",
    "equal": "Sin variación",
    "not_comparable": "No comparable",
}
#: Text icons so that colour never carries the direction alone.
CHANGE_ICONS = {"fell": "▼", "rose": "▲", "equal": "=", "not_comparable": "○"}

#: The indicator columns every frame of this module starts with.
INDICATOR_COLUMNS = [
    "indicator_id",
    "level",
    "oes_code",
    "aes_code",
    "code",
    "seq",
    "name",
    "unit",
    "direction",
]
COMPARISON_COLUMNS = [
    *INDICATOR_COLUMNS,
    "achieved_before",
    "achieved_pandemic",
    "raw_before",
    "raw_pandemic",
    "missing_before_reason",
    "missing_pandemic_reason",
    "change_abs",
    "change_pct",
    "change_reason",
    "change_direction",
    "change_label",
    "change_icon",
    "note",
]
#: What a cell that the report does not print at all is said to be.
NOT_IN_REPORT = "no figura en el reporte"

# --------------------------------------------------------------------------- numbers


def _indicators(ds: Dataset) -> pd.DataFrame:
    """Every indicator in annex order (each OES's own indicators, then its AES in code order)."""
    frame = ds.indicators.copy()
    frame["code"] = frame["aes_code"].where(frame["aes_code"] != "", frame["oes_code"])
    frame["_order"] = (frame["level"] != vocabulary.OBJECTIVE).astype(int)
    frame = frame.sort_values(["oes_code", "_order", "aes_code", "seq"], kind="stable")
    return frame[INDICATOR_COLUMNS].reset_index(drop=True)


def _missing_text(reason: str, note: str) -> str:
    """Why a cell has no value, in Spanish (the wording of :mod:`pesem.metrics`)."""
    text = MISSING_LABELS.get(reason, reason)
    return f"{text}: {note}" if note else text


def achieved_cells(ds: Dataset, year: int) -> pd.DataFrame:
    """The achieved cells of ``year``, indexed by indicator: ``value``, ``raw``, ``reason``.

    ``reason`` says in Spanish why a cell has no value (``""`` when it has one); an indicator
    the report does not print for that year has no row.
    """
    values = ds.values
    cells = values[(values["series"] == "achieved") & (values["year"] == year)]
    reasons = [
        "" if not is_missing(value) else _missing_text(reason, note)
        for value, reason, note in zip(
            cells["value"], cells["missing_reason"], cells["note"], strict=True
        )
    ]
    frame = cells[["indicator_id", "value", "raw"]].assign(reason=reasons)
    return frame.set_index("indicator_id")


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
            for year, key in ((BEFORE_YEAR, "before"), (PANDEMIC_YEAR, "pandemic"))
            if row[f"missing_{key}_reason"]
        ]
        detail = "; ".join(missing)
        return f"No comparable — {detail}" if detail else "No comparable"
    if is_missing(row["change_pct"]) and row["change_reason"]:
        return f"Variación % {row['change_reason']}"
    return ""


def _add_year(frame: pd.DataFrame, ds: Dataset, year: int, key: str) -> None:
    cells = achieved_cells(ds, year)
    ids = frame["indicator_id"]
    frame[f"achieved_{key}"] = pd.to_numeric(ids.map(cells["value"]), errors="coerce")
    frame[f"raw_{key}"] = ids.map(cells["raw"]).fillna("")
    frame[f"missing_{key}_reason"] = ids.map(cells["reason"]).fillna(NOT_IN_REPORT)


def comparison(ds: Dataset) -> pd.DataFrame:
    """Every indicator (OES and AES) in the year before the pandemic and in the pandemic year.

    Columns: see :data:`COMPARISON_COLUMNS`. ``achieved_before`` / ``achieved_pandemic`` are the
    values of :data:`BEFORE_YEAR` and :data:`PANDEMIC_YEAR`; ``raw_*`` the cells as printed in
    Annex 6.1 (``s``, ``---``…); ``change_abs`` / ``change_pct`` / ``change_reason`` come from
    :func:`pesem.formulas.change`; ``change_direction`` is ``fell`` / ``rose`` / ``equal`` /
    ``not_comparable`` (from the absolute change, as :func:`pesem.metrics.change_counts`
    counts); ``note`` explains a row that cannot be compared. Rows keep the annex order.
    """
    frame = _indicators(ds)
    _add_year(frame, ds, BEFORE_YEAR, "before")
    _add_year(frame, ds, PANDEMIC_YEAR, "pandemic")
    years = (BEFORE_YEAR, PANDEMIC_YEAR)
    changes = [
        change(None if is_missing(b) else b, None if is_missing(a) else a, years)
        for b, a in zip(frame["achieved_before"], frame["achieved_pandemic"], strict=True)
    ]
    frame["change_abs"] = pd.to_numeric([c[0].value for c in changes], errors="coerce")
    frame["change_pct"] = pd.to_numeric([c[1].value for c in changes], errors="coerce")
    frame["change_reason"] = [c[1].reason or "" for c in changes]
    frame["change_direction"] = frame["change_abs"].map(_change_direction)
    frame["change_label"] = frame["change_direction"].map(CHANGE_LABELS)
    frame["change_icon"] = frame["change_direction"].map(CHANGE_ICONS)
    frame["note"] = frame.apply(_note, axis=1) if len(frame) else pd.Series(dtype=str)
    return frame[COMPARISON_COLUMNS]


def filter_scope(comp: pd.DataFrame, scope: str) -> pd.DataFrame:
    """``scope`` ``"oes"`` keeps the OES indicators; anything else (``"todos"``) keeps every row."""
    if scope == "oes":
        return comp[comp["level"] == vocabulary.OBJECTIVE].reset_index(drop=True)
    return comp.reset_index(drop=True)


def by_oes(comp: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """``comp`` split per OES, in annex order: ``[(oes_code, rows of that OES), ...]``."""
    codes = list(dict.fromkeys(comp["oes_code"]))
    return [(code, comp[comp["oes_code"] == code].reset_index(drop=True)) for code in codes]


def _extreme(rows: pd.DataFrame) -> dict:
    row = rows.iloc[0]
    keys = ("indicator_id", "code", "name", "unit", "achieved_before", "achieved_pandemic")
    return {key: row[key] for key in (*keys, "change_abs", "change_pct")}


def _ranked_extreme(ranked: pd.DataFrame) -> dict | None:
    """The first row of ``ranked`` with the ids of the rows tied with it (``ties``)."""
    if ranked.empty:
        return None
    best = _extreme(ranked.iloc[[0]])
    tied = ranked[(ranked["change_pct"] - best["change_pct"]).abs() < EPSILON]
    best["ties"] = [i for i in tied["indicator_id"] if i != best["indicator_id"]]
    return best


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
    out["largest_fall"] = _ranked_extreme(falls)
    out["largest_rise"] = _ranked_extreme(rises)
    return out


# --------------------------------------------------------------------------- recovery

#: Values of ``state`` in :func:`recovery`, in display order.
RECOVERY_STATES = ("recovered", "not_recovered", "not_hit", "not_comparable")
RECOVERY_LABELS = {
    "recovered": f"Recuperó su nivel de {BEFORE_YEAR}",
    "not_recovered": f"Aún no recupera su nivel de {BEFORE_YEAR}",
    "not_hit": f"No empeoró en {PANDEMIC_YEAR}",
    "not_comparable": "No comparable",
}
RECOVERY_ICONS = {"recovered": "▲", "not_recovered": "▼", "not_hit": "=", "not_comparable": "○"}
RECOVERY_COLUMNS = [
    *INDICATOR_COLUMNS,
    "achieved_before",
    "achieved_pandemic",
    "latest_year",
    "achieved_latest",
    "recovered_year",
    "index_pandemic",
    "index_latest",
    "state",
    "state_label",
    "state_icon",
]
PATH_COLUMNS = ["indicator_id", "year", "achieved", "raw", "reason", "index"]


def is_better_or_equal(value: float, reference: float, direction: str) -> bool:
    """Whether ``value`` is at least as good as ``reference``: ``descendente`` means less is
    better, anything else more is better."""
    if direction == "descendente":
        return value <= reference + EPSILON
    return value >= reference - EPSILON


def oriented_index(value: float | None, before: float | None, direction: str) -> float | None:
    """``value`` as an index of the year before the pandemic (= 100), turned so that more is
    better: 120 is 20 % better than before, for a ``descendente`` indicator too (20 % less).
    None when a value is missing or the value before is 0."""
    if is_missing(value) or is_missing(before) or abs(before) < EPSILON:
        return None
    pct = (value - before) / abs(before) * 100.0
    return 100.0 + (-pct if direction == "descendente" else pct)


def recovery_path(ds: Dataset) -> pd.DataFrame:
    """Every indicator's achieved value the year before, the pandemic year and each later year.

    Long form, one row per indicator and year (annex order, then year), columns
    :data:`PATH_COLUMNS`: ``achieved`` (NaN when missing), ``raw`` as printed, ``reason`` why a
    value is missing (Spanish), ``index`` from :func:`oriented_index`.
    """
    years = period(ds.meta)
    indicators = _indicators(ds)[["indicator_id", "direction"]]
    parts = []
    for year in (years.before, years.pandemic, *years.later):
        cells = achieved_cells(ds, year)
        ids = indicators["indicator_id"]
        parts.append(
            indicators.assign(
                year=year,
                achieved=pd.to_numeric(ids.map(cells["value"]), errors="coerce"),
                raw=ids.map(cells["raw"]).fillna(""),
                reason=ids.map(cells["reason"]).fillna(NOT_IN_REPORT),
            )
        )
    frame = pd.concat(parts).sort_index(kind="stable").reset_index(drop=True)
    before = frame["indicator_id"].map(
        frame[frame["year"] == years.before].set_index("indicator_id")["achieved"]
    )
    frame["index"] = pd.to_numeric(
        [
            oriented_index(v, b, d)
            for v, b, d in zip(frame["achieved"], before, frame["direction"], strict=True)
        ],
        errors="coerce",
    )
    return frame[PATH_COLUMNS]


def _state(before: Any, pandemic: Any, later: list[tuple[int, float]], direction: str) -> dict:
    """Recovery of one indicator: ``later`` holds its (year, value) after the pandemic year."""
    latest_year, latest = later[-1] if later else (None, None)
    out: dict = {"latest_year": latest_year, "achieved_latest": latest, "recovered_year": None}
    if is_missing(before) or is_missing(pandemic):
        return {**out, "state": "not_comparable"}
    if is_better_or_equal(pandemic, before, direction):
        return {**out, "state": "not_hit"}
    if latest_year is None:
        return {**out, "state": "not_comparable"}
    back = [y for y, v in later if is_better_or_equal(v, before, direction)]
    recovered = is_better_or_equal(latest, before, direction)
    out["recovered_year"] = back[0] if back else None
    return {**out, "state": "recovered" if recovered else "not_recovered"}


def recovery(ds: Dataset) -> pd.DataFrame:
    """Did each indicator recover its pre-pandemic level in the report's later years?

    One row per indicator (annex order), columns :data:`RECOVERY_COLUMNS`. ``state``:
    ``not_hit`` when the pandemic year was not worse than the year before (direction-aware:
    ``descendente`` means less is better); for the others, ``recovered`` when its latest value
    after the pandemic is back at (or better than) the year before, else ``not_recovered``;
    ``not_comparable`` when a value is missing. ``latest_year`` / ``achieved_latest``: that
    latest value; ``recovered_year``: the first later year back at the level;
    ``index_*``: :func:`oriented_index` of the pandemic and latest values.
    """
    frame = comparison(ds)[[*INDICATOR_COLUMNS, "achieved_before", "achieved_pandemic"]]
    path = recovery_path(ds)
    later = path[(path["year"] > PANDEMIC_YEAR) & path["achieved"].notna()]
    by_id = {
        iid: list(zip(g["year"], g["achieved"], strict=True))
        for iid, g in later.groupby("indicator_id", sort=False)
    }
    states = pd.DataFrame(
        [
            _state(b, p, by_id.get(iid, []), d)
            for iid, b, p, d in zip(
                frame["indicator_id"],
                frame["achieved_before"],
                frame["achieved_pandemic"],
                frame["direction"],
                strict=True,
            )
        ],
        index=frame.index,
    )
    frame = pd.concat([frame, states], axis=1)
    for col in ("latest_year", "achieved_latest", "recovered_year"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce")
    frame["index_pandemic"] = _indexes(frame, "achieved_pandemic")
    frame["index_latest"] = _indexes(frame, "achieved_latest")
    frame["state_label"] = frame["state"].map(RECOVERY_LABELS)
    frame["state_icon"] = frame["state"].map(RECOVERY_ICONS)
    return frame[RECOVERY_COLUMNS]


def _indexes(frame: pd.DataFrame, column: str) -> pd.Series:
    values = [
        oriented_index(v, b, d)
        for v, b, d in zip(frame[column], frame["achieved_before"], frame["direction"], strict=True)
    ]
    return pd.to_numeric(pd.Series(values, index=frame.index, dtype=object), errors="coerce")


def recovery_counts(rec: pd.DataFrame) -> dict[str, int]:
    """How many indicators are in each recovery state, plus ``total`` and ``hit`` (worse in the
    pandemic year than the year before: recovered or not)."""
    counts = rec["state"].value_counts()
    out = {state: int(counts.get(state, 0)) for state in RECOVERY_STATES}
    return {"total": len(rec), "hit": out["recovered"] + out["not_recovered"], **out}


# --------------------------------------------------------------------------- trends

TREND_COLUMNS = [
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
    "expected_current",
    "expected_final",
]


def trend_rows(ds: Dataset, indicator_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Achieved values of every achieved year of the report and the targets the trend chart
    marks, one row per indicator and year (indicators in the order given, else annex order).

    Columns :data:`TREND_COLUMNS`: ``missing_reason`` is the report's code (``sin_dato``…);
    ``expected_current`` is the target (logro esperado) of the assessed year when the plan
    defines one, ``expected_final`` the plan's final target.
    """
    indicators = _indicators(ds)
    if indicator_ids is not None:
        wanted = [i for i in dict.fromkeys(indicator_ids) if i in set(indicators["indicator_id"])]
        indicators = indicators.set_index("indicator_id").loc[wanted].reset_index()
    targets = ds.summary.set_index("indicator_id")[["expected_current", "expected_final"]]
    values = ds.values
    achieved = values[values["series"] == "achieved"].set_index(["indicator_id", "year"])
    years = list(ds.meta.achieved_years)
    grid = pd.MultiIndex.from_product([indicators["indicator_id"], years])
    cells = achieved.reindex(grid)
    frame = indicators.loc[indicators.index.repeat(len(years))].reset_index(drop=True)
    frame["year"] = years * len(indicators)
    frame["achieved"] = pd.to_numeric(cells["value"].to_numpy(), errors="coerce")
    frame["raw"] = cells["raw"].fillna("").to_numpy()
    frame["missing_reason"] = cells["missing_reason"].fillna("").to_numpy()
    for col in ("expected_current", "expected_final"):
        frame[col] = pd.to_numeric(frame["indicator_id"].map(targets[col]), errors="coerce")
    return frame[TREND_COLUMNS]


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
        key=lambda c: (parent.get(c, c), c in parent, c),
    )
    rows = []
    for code in ordered:
        found = _passages_of(code, ds.narrative[code])
        for number, row in enumerate(found, start=1):
            row.update(
                {
                    "level": vocabulary.ACTION if code in parent else vocabulary.OBJECTIVE,
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
    aes = passages[passages["level"] == vocabulary.ACTION]
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
