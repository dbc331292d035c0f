"""Analyst explorer: filters over the indicator summary, their URL form, facets and file names.

The explorer page keeps its whole state in the URL query string, so a copied link restores the
same view. This module is the domain side of that page (no Dash):

* :class:`Filters` — the filter state (responsible units, OES, level, semáforo status, year range);
* :func:`parse_query` / :func:`to_query` — URL query string ↔ :class:`Filters`; anything invalid or
  unknown in a query is ignored and explained in a Spanish notice, never an error (the page);
* :func:`parse_query_strict` — the same vocabulary, but the first unknown key or value raises a
  :class:`QueryError` naming it and the valid values (the API and the downloads);
* :func:`apply` — the indicators that pass the filters (an indicator owned by several units,
  ``"DGA, DGE, DAO, DAM"``, passes when any of them is selected);
* :func:`facet_counts` — every option of every filter, with how many indicators it would show;
* :func:`unit_summary` — one row per responsible unit: indicators owned, semáforo counts, changes;
* :func:`download_name` — the file name of a filtered download (safe characters only).

Query keys (Spanish, as the UI): ``unidad``, ``oes``, ``nivel``, ``estado`` and ``progreso``
(the plan outlook's category, :mod:`pesem.outlook`), repeatable or comma separated, and
``desde`` / ``hasta`` (single years within :func:`year_bounds`: from the plan's baseline year
to its final year).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote

import pandas as pd

from pesem.export import tidy_long
from pesem.loader import Dataset
from pesem.metrics import split_units
from pesem.outlook import LABELS as PROGRESS_LABELS
from pesem.outlook import PROGRESS_STATUSES, with_outlook
from pesem.report import ReportMeta
from pesem.status import DEFAULT_RULES, STATUSES
from pesem.status import label as status_label
from pesem.vocabulary import LEVEL_LABELS, LEVELS

KEY_UNITS, KEY_OES, KEY_LEVELS, KEY_STATUSES = "unidad", "oes", "nivel", "estado"
KEY_PROGRESS = "progreso"
KEY_FROM, KEY_TO = "desde", "hasta"
#: Query keys in the order :func:`to_query` writes them.
QUERY_KEYS = (KEY_UNITS, KEY_OES, KEY_LEVELS, KEY_STATUSES, KEY_PROGRESS, KEY_FROM, KEY_TO)
_MULTI_KEYS = {
    KEY_UNITS: "units",
    KEY_OES: "oes",
    KEY_LEVELS: "levels",
    KEY_STATUSES: "statuses",
    KEY_PROGRESS: "progress",
}
#: Column of the outlook's category: a summary filtered by ``progreso`` must carry it
#: (:func:`pesem.outlook.with_outlook`).
PROGRESS_COLUMN = "progress_status"
_SHOWN_CHARS = 40


def _as_tuple(values: Iterable[str] | str | None) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        return (values,)
    return tuple(dict.fromkeys(str(v) for v in values))


def year_bounds(meta: ReportMeta) -> tuple[int, int]:
    """The years the explorer spans: the plan's baseline year (the year before it starts, the
    usual baseline of its indicators) to the plan's final year."""
    return meta.plan_start - 1, meta.plan_end


@dataclass(frozen=True)
class Filters:
    """The explorer's filter state. Empty tuples mean "all"; a year None means "no bound".

    Multi-valued fields keep the order in which they were chosen (duplicates dropped), so the
    URL follows the user's selection. :func:`parse_query` writes a year at the bound of the
    report's range (:func:`year_bounds`) as None, so one view has one form.
    """

    units: tuple[str, ...] = ()
    oes: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    progress: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in _MULTI_KEYS.values():
            object.__setattr__(self, name, _as_tuple(getattr(self, name)))
        for name in ("year_from", "year_to"):
            value = getattr(self, name)
            object.__setattr__(self, name, None if value is None else int(value))

    def includes(self, year: int) -> bool:
        """Whether ``year`` lies in the filter's year range."""
        after_start = self.year_from is None or self.year_from <= year
        return after_start and (self.year_to is None or year <= self.year_to)

    def span(self, bounds: tuple[int, int]) -> tuple[int, int]:
        """The year range as two years, an open end filled from ``bounds``."""
        low, high = bounds
        return (
            low if self.year_from is None else self.year_from,
            high if self.year_to is None else self.year_to,
        )


@dataclass(frozen=True)
class Vocabulary:
    """The values a query may name, taken from the dataset (canonical spelling), and its years."""

    units: tuple[str, ...]
    oes: tuple[str, ...]
    years: tuple[int, int]
    levels: tuple[str, ...] = LEVELS
    statuses: tuple[str, ...] = STATUSES
    progress: tuple[str, ...] = PROGRESS_STATUSES
    _lookup: dict[str, dict[str, str]] = field(default_factory=dict, compare=False)

    def canonical(self, kind: str, value: str) -> str | None:
        """The canonical spelling of ``value`` for ``kind`` (case-insensitive), or None."""
        if not self._lookup:
            for name in _MULTI_KEYS.values():
                self._lookup[name] = {v.casefold(): v for v in getattr(self, name)}
        return self._lookup[kind].get(value.strip().casefold())


def vocabulary(ds: Dataset) -> Vocabulary:
    """Known responsible units (alphabetical), OES codes (report order) and years of ``ds``."""
    units = sorted({u for text in ds.indicators["responsible_units"] for u in split_units(text)})
    return Vocabulary(units=tuple(units), oes=tuple(ds.oes["oes_code"]), years=year_bounds(ds.meta))


def _shown(value: str) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


Query = str | Mapping[str, Any] | Iterable[tuple[str, str]] | None


def _pairs(query: Query) -> list[tuple[str, str]]:
    """``(key, value)`` pairs of a query string (``?a=1&a=2``), a mapping or pairs already."""
    if query is None:
        return []
    if isinstance(query, list | tuple):
        return [(str(key), "" if value is None else str(value)) for key, value in query]
    if isinstance(query, Mapping):
        pairs: list[tuple[str, str]] = []
        for key, value in query.items():
            values = value if isinstance(value, list | tuple) else [value]
            pairs.extend((str(key), "" if v is None else str(v)) for v in values)
        return pairs
    text = str(query).strip()
    if text.startswith("?"):
        text = text[1:]
    text = text.split("#", 1)[0]
    return parse_qsl(text, keep_blank_values=True)


def _parse_year(key: str, raw: str, bounds: tuple[int, int], notices: list[str]) -> int | None:
    text = raw.strip()
    if not re.fullmatch(r"\d{1,4}", text):
        notices.append(f"«{_shown(raw)}» no es un año válido para «{key}»; se ignoró.")
        return None
    year = int(text)
    low, high = bounds
    if not low <= year <= high:
        notices.append(f"El año {year} («{key}») está fuera del rango {low}–{high}; se ignoró.")
        return None
    return year


def _invalid_value_notice(key: str, value: str, vocab: Vocabulary) -> str:
    if key == KEY_UNITS:
        return f"La unidad responsable «{_shown(value)}» no figura en los datos; se ignoró."
    if key == KEY_OES:
        return f"El objetivo «{_shown(value)}» no existe ({', '.join(vocab.oes)}); se ignoró."
    if key == KEY_LEVELS:
        return f"El nivel «{_shown(value)}» no es válido (use OES o AES); se ignoró."
    if key == KEY_PROGRESS:
        return (
            f"La perspectiva «{_shown(value)}» no es válida ({', '.join(vocab.progress)}); "
            "se ignoró."
        )
    return f"El estado «{_shown(value)}» no es válido ({', '.join(vocab.statuses)}); se ignoró."


@dataclass
class _Parsed:
    """What :func:`parse_query` has read so far."""

    chosen: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in _MULTI_KEYS})
    years: dict[str, int] = field(default_factory=dict)
    unknown_keys: dict[str, None] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)

    def add_values(self, key: str, raw_value: str, vocab: Vocabulary) -> None:
        """The known values of a multi-valued key (comma separated), repetitions dropped."""
        for part in raw_value.split(","):
            if not part.strip():
                continue
            value = vocab.canonical(_MULTI_KEYS[key], part)
            if value is None:
                self.notices.append(_invalid_value_notice(key, part, vocab))
            elif value in self.chosen[key]:
                self.notices.append(f"«{value}» se repite en «{key}»; se ignoró la repetición.")
            else:
                self.chosen[key].append(value)

    def add_year(self, key: str, raw_value: str, vocab: Vocabulary) -> None:
        """``desde`` or ``hasta``: the first valid one counts."""
        if not raw_value.strip():
            return
        year = _parse_year(key, raw_value, vocab.years, self.notices)
        if year is None:
            return
        if key in self.years:
            self.notices.append(f"«{key}» se repite; se usó {self.years[key]} y se ignoró {year}.")
        else:
            self.years[key] = year

    def add_unknown(self, raw_key: str) -> None:
        if raw_key.strip() and raw_key not in self.unknown_keys:
            self.unknown_keys[raw_key] = None
            self.notices.append(
                f"El parámetro «{_shown(raw_key)}» no es un filtro del explorador; se ignoró."
            )

    def year_range(self, bounds: tuple[int, int]) -> tuple[int | None, int | None]:
        """``desde`` and ``hasta`` in order (swapped when reversed); a bound itself is None."""
        low, high = bounds
        year_from, year_to = self.years.get(KEY_FROM, low), self.years.get(KEY_TO, high)
        if year_from > year_to:
            self.notices.append(
                f"«desde» ({year_from}) era posterior a «hasta» ({year_to}); se intercambiaron."
            )
            year_from, year_to = year_to, year_from
        return (None if year_from == low else year_from), (None if year_to == high else year_to)


def parse_query(query: Query, ds: Dataset | Vocabulary) -> tuple[Filters, list[str]]:
    """The :class:`Filters` a URL query asks for, and a Spanish notice per ignored value.

    ``query`` is the ``search`` string (with or without ``?``), a mapping of key → value(s)
    (what Dash pages pass to ``layout``) or a list of (key, value) pairs. Values are matched
    case-insensitively against the dataset; multi-valued keys may repeat or hold comma-separated
    values. Ignored: unknown keys, unknown units/OES/levels/statuses, years outside the report's
    range (:func:`year_bounds`), repeated values and a repeated ``desde``/``hasta`` (the first one
    counts). A ``desde`` after ``hasta`` is swapped.
    """
    vocab = ds if isinstance(ds, Vocabulary) else vocabulary(ds)
    parsed = _Parsed()
    for raw_key, raw_value in _pairs(query):
        key = raw_key.strip().casefold()
        if key in _MULTI_KEYS:
            parsed.add_values(key, raw_value, vocab)
        elif key in (KEY_FROM, KEY_TO):
            parsed.add_year(key, raw_value, vocab)
        else:
            parsed.add_unknown(raw_key)
    year_from, year_to = parsed.year_range(vocab.years)
    filters = Filters(
        units=tuple(parsed.chosen[KEY_UNITS]),
        oes=tuple(parsed.chosen[KEY_OES]),
        levels=tuple(parsed.chosen[KEY_LEVELS]),
        statuses=tuple(parsed.chosen[KEY_STATUSES]),
        year_from=year_from,
        year_to=year_to,
        progress=tuple(parsed.chosen[KEY_PROGRESS]),
    )
    return filters, parsed.notices


#: How the Spanish error of a strict query names the valid values of each key.
VALID_VALUES_LABEL = {
    KEY_UNITS: "unidades válidas",
    KEY_OES: "objetivos válidos",
    KEY_LEVELS: "niveles válidos",
    KEY_STATUSES: "estados válidos",
    KEY_PROGRESS: "valores de progreso válidos",
    KEY_FROM: "años válidos",
    KEY_TO: "años válidos",
}


class QueryError(ValueError):
    """A strict query's first problem: the key, what was received, the valid values, and a
    Spanish message naming all three (``unidad=DGX no existe; unidades válidas: DAC, …``)."""

    def __init__(self, key: str, received: str, valid: Iterable[str], message: str) -> None:
        self.key, self.received, self.valid = key, received, tuple(valid)
        self.message = message
        super().__init__(message)


def unknown_key_error(key: str, allowed: Iterable[str]) -> QueryError:
    """The error of a query key that is no filter (``allowed``: the keys that are)."""
    allowed = tuple(allowed)
    message = (
        f"El parámetro «{_shown(key)}» no existe; parámetros válidos: {', '.join(allowed)}."
        if allowed
        else f"El parámetro «{_shown(key)}» no existe; esta dirección no acepta parámetros."
    )
    return QueryError(key, key, allowed, message)


def valid_values(key: str, vocab: Vocabulary) -> tuple[str, ...]:
    """The canonical values a multi-valued key accepts (a year key: its bounds' years)."""
    if key in _MULTI_KEYS:
        return tuple(getattr(vocab, _MULTI_KEYS[key]))
    low, high = vocab.years
    return tuple(str(y) for y in range(low, high + 1))


def strict_values(key: str, raw_values: Iterable[str], vocab: Vocabulary) -> tuple[str, ...]:
    """The canonical values of a multi-valued ``key`` (each raw value may hold several, comma
    separated; case-insensitive; blanks and repetitions dropped). Raises :class:`QueryError`."""
    chosen: dict[str, None] = {}
    for raw in raw_values:
        for part in str(raw).split(","):
            if not part.strip():
                continue
            value = vocab.canonical(_MULTI_KEYS[key], part)
            if value is None:
                valid = valid_values(key, vocab)
                message = (
                    f"{key}={_shown(part.strip())} no existe; "
                    f"{VALID_VALUES_LABEL[key]}: {', '.join(valid)}."
                )
                raise QueryError(key, part.strip(), valid, message)
            chosen[value] = None
    return tuple(chosen)


def strict_year(key: str, raw_values: list[str], vocab: Vocabulary) -> int | None:
    """``desde`` / ``hasta``: one whole year within :func:`year_bounds` (blank: no bound)."""
    given = [v.strip() for v in raw_values if v.strip()]
    if not given:
        return None
    low, high = vocab.years
    valid = valid_values(key, vocab)
    if len(given) > 1:
        raise QueryError(
            key, ",".join(given), valid, f"«{key}» se repite ({', '.join(given)}); envíe un año."
        )
    text = given[0]
    if not re.fullmatch(r"\d{1,4}", text) or not low <= int(text) <= high:
        message = (
            f"{key}={_shown(text)} no es un año válido; {VALID_VALUES_LABEL[key]}: {low}–{high}."
        )
        raise QueryError(key, text, valid, message)
    return int(text)


def grouped_pairs(query: Query, allowed: Iterable[str]) -> dict[str, list[str]]:
    """The values of each key of ``query`` (keys case-insensitive), in order; a key not in
    ``allowed`` raises :class:`QueryError`."""
    allowed = tuple(allowed)
    grouped: dict[str, list[str]] = {}
    for raw_key, raw_value in _pairs(query):
        key = raw_key.strip().casefold()
        if key not in allowed:
            raise unknown_key_error(raw_key, allowed)
        grouped.setdefault(key, []).append(raw_value)
    return grouped


def parse_query_strict(
    query: Query, ds: Dataset | Vocabulary, allowed: Iterable[str] = QUERY_KEYS
) -> Filters:
    """The :class:`Filters` of ``query``, refusing instead of ignoring (:class:`QueryError`).

    Same keys, values and case-insensitive matching as :func:`parse_query` (``allowed``
    narrows the keys); an unknown key, an unknown value, a year outside :func:`year_bounds`, a
    repeated ``desde``/``hasta`` or a ``desde`` after ``hasta`` is an error. Blank values and
    repeated values are no error (a blank means "no filter").
    """
    vocab = ds if isinstance(ds, Vocabulary) else vocabulary(ds)
    grouped = grouped_pairs(query, allowed)
    chosen = {key: strict_values(key, grouped.get(key, []), vocab) for key in _MULTI_KEYS}
    year_from = strict_year(KEY_FROM, grouped.get(KEY_FROM, []), vocab)
    year_to = strict_year(KEY_TO, grouped.get(KEY_TO, []), vocab)
    if year_from is not None and year_to is not None and year_from > year_to:
        raise QueryError(
            KEY_FROM,
            str(year_from),
            valid_values(KEY_FROM, vocab),
            f"desde={year_from} es posterior a hasta={year_to}; envíe desde ≤ hasta.",
        )
    low, high = vocab.years
    return Filters(
        units=chosen[KEY_UNITS],
        oes=chosen[KEY_OES],
        levels=chosen[KEY_LEVELS],
        statuses=chosen[KEY_STATUSES],
        progress=chosen[KEY_PROGRESS],
        year_from=None if year_from == low else year_from,
        year_to=None if year_to == high else year_to,
    )


def to_query(filters: Filters) -> str:
    """The query string for ``filters`` (``?unidad=DGC&oes=OES.03&desde=…``), ``""`` if none.

    Keys always come in the order of :data:`QUERY_KEYS`; only non-default values are written.
    """
    pairs: list[tuple[str, str]] = []
    for key, attr in _MULTI_KEYS.items():
        pairs.extend((key, v) for v in getattr(filters, attr))
    if filters.year_from is not None:
        pairs.append((KEY_FROM, str(filters.year_from)))
    if filters.year_to is not None:
        pairs.append((KEY_TO, str(filters.year_to)))
    if not pairs:
        return ""
    return "?" + "&".join(f"{k}={quote(v, safe='.-_')}" for k, v in pairs)


def values_query(
    units: Any, oes: Any, levels: Any, statuses: Any, years: Any, progress: Any = None
) -> Query:
    """The query of the explorer's widget values (checked boxes, the year slider's two ends).

    Anything malformed (a bool, a one-ended range) means "no filter", never an error: the
    values are then validated by :func:`parse_query` like a URL's.
    """

    def as_list(value: Any) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list | tuple):
            return []
        return [str(v) for v in value if v is not None]

    query: dict[str, list[str]] = {
        KEY_UNITS: as_list(units),
        KEY_OES: as_list(oes),
        KEY_LEVELS: as_list(levels),
        KEY_STATUSES: as_list(statuses),
        KEY_PROGRESS: as_list(progress),
    }
    if isinstance(years, list | tuple) and len(years) == 2:
        query[KEY_FROM] = as_list(years[:1])
        query[KEY_TO] = as_list(years[1:])
    return query


def to_store(filters: Filters) -> dict[str, Any]:
    """JSON form of ``filters`` (the explorer keeps it in the browser)."""
    return {
        "units": list(filters.units),
        "oes": list(filters.oes),
        "levels": list(filters.levels),
        "statuses": list(filters.statuses),
        "year_from": filters.year_from,
        "year_to": filters.year_to,
        "progress": list(filters.progress),
    }


def from_store(data: Any, ds: Dataset | Vocabulary) -> Filters:
    """The :class:`Filters` of a :func:`to_store` form, validated (defaults when malformed)."""
    if not isinstance(data, dict):
        return Filters()
    years = [data.get("year_from"), data.get("year_to")]
    query = values_query(
        data.get("units"),
        data.get("oes"),
        data.get("levels"),
        data.get("statuses"),
        years,
        data.get("progress"),
    )
    return parse_query(query, ds)[0]


def caption(filters: Filters) -> str:
    """The filters in words: ``"Unidad: DGC · Nivel: AES"`` (``"Todos los indicadores"``)."""
    parts = []
    for label, values in (
        ("Unidad", filters.units),
        ("OES", filters.oes),
        ("Nivel", filters.levels),
        ("Estado", [s.replace("_", " ") for s in filters.statuses]),
        ("Progreso", [PROGRESS_LABELS[p]["label"] for p in filters.progress]),
    ):
        if values:
            parts.append(f"{label}: {', '.join(values)}")
    return " · ".join(parts) or "Todos los indicadores"


def _units_column(summary: pd.DataFrame) -> pd.Series:
    if "units_list" in summary.columns:
        return summary["units_list"]
    return summary["responsible_units"].map(split_units)


def _mask(summary: pd.DataFrame, filters: Filters, skip: str = "") -> pd.Series:
    mask = pd.Series(True, index=summary.index)
    if filters.units and skip != "units":
        wanted = set(filters.units)
        mask &= _units_column(summary).map(lambda units: bool(wanted.intersection(units)))
    if filters.oes and skip != "oes":
        mask &= summary["oes_code"].isin(filters.oes)
    if filters.levels and skip != "levels":
        mask &= summary["level"].isin(filters.levels)
    if filters.statuses and skip != "statuses":
        mask &= summary["status"].isin(filters.statuses)
    if filters.progress and skip != "progress":
        mask &= summary[PROGRESS_COLUMN].isin(filters.progress)
    return mask


def apply(summary: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The rows of ``summary`` (one per indicator, report order kept) that pass ``filters``.

    Values inside one filter are alternatives (OR); different filters combine (AND). The year
    range does not remove indicators, only year columns (see :meth:`Filters.includes`). A
    ``progress`` filter needs the outlook's columns (:func:`pesem.outlook.with_outlook`).
    """
    return summary[_mask(summary, filters)]


def _status_meta(code: str, ds: Dataset | None) -> dict[str, str]:
    return status_label(code, ds.status_rules if ds is not None else DEFAULT_RULES)


def facet_counts(
    summary: pd.DataFrame, filters: Filters, ds: Dataset | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Options of every filter with the number of indicators each would show.

    Each facet is counted with all the *other* filters applied (the usual faceted search), so
    the count says how many indicators you get by adding that option. Every known option is
    listed, zero included. Returns ``{"units" | "oes" | "levels" | "statuses": [{"value",
    "label", "count"}, ...]}``, plus ``"progress"`` when ``summary`` carries the outlook's
    columns; ``label`` is Spanish display text without the count.
    """
    units_col = _units_column(summary)
    facets: dict[str, list[dict[str, Any]]] = {}

    rows = summary[_mask(summary, filters, skip="units")]
    unit_counts: dict[str, int] = {}
    for units in units_col.loc[rows.index]:
        for unit in units:
            unit_counts[unit] = unit_counts.get(unit, 0) + 1
    all_units = sorted({u for units in units_col for u in units})
    facets["units"] = [{"value": u, "label": u, "count": unit_counts.get(u, 0)} for u in all_units]

    rows = summary[_mask(summary, filters, skip="oes")]
    oes_counts = rows["oes_code"].value_counts()
    oes_table = ds.oes if ds is not None else pd.DataFrame(columns=["oes_code", "name"])
    names = dict(zip(oes_table["oes_code"], oes_table["name"], strict=True))
    codes = list(oes_table["oes_code"]) or sorted(summary["oes_code"].unique())
    facets["oes"] = [
        {
            "value": code,
            "label": f"{code} — {names[code]}" if code in names else code,
            "count": int(oes_counts.get(code, 0)),
        }
        for code in codes
    ]

    rows = summary[_mask(summary, filters, skip="levels")]
    level_counts = rows["level"].value_counts()
    facets["levels"] = [
        {"value": lv, "label": LEVEL_LABELS[lv], "count": int(level_counts.get(lv, 0))}
        for lv in LEVELS
    ]

    rows = summary[_mask(summary, filters, skip="statuses")]
    status_counts = rows["status"].value_counts()
    facets["statuses"] = [
        {
            "value": code,
            "label": f"{_status_meta(code, ds)['icon']} {_status_meta(code, ds)['label']}",
            "count": int(status_counts.get(code, 0)),
        }
        for code in STATUSES
    ]
    if PROGRESS_COLUMN in summary.columns:
        rows = summary[_mask(summary, filters, skip="progress")]
        progress_counts = rows[PROGRESS_COLUMN].value_counts()
        facets["progress"] = [
            {
                "value": code,
                "label": f"{PROGRESS_LABELS[code]['icon']} {PROGRESS_LABELS[code]['label']}",
                "count": int(progress_counts.get(code, 0)),
            }
            for code in PROGRESS_STATUSES
        ]
    return facets


def unit_summary(summary: pd.DataFrame) -> pd.DataFrame:
    """One row per responsible unit: what it owns and how it is doing.

    Columns: ``unit``, ``indicators`` (how many it owns, alone or shared), ``shared`` (how many of
    those are shared with other units), ``indicator_ids`` (list, report order), ``oes_codes``
    (list), one column per status code (``cumplido`` … ``sin_dato``), ``fell`` / ``rose`` /
    ``unchanged`` / ``not_comparable`` (value of the assessed year vs the previous one). Sorted
    by indicators owned (descending), then unit code.
    """
    units_col = _units_column(summary)
    rows = []
    all_units = sorted({u for units in units_col for u in units})
    for unit in all_units:
        mine = summary[units_col.map(lambda units, u=unit: u in units)]
        change = mine["change_abs"]
        counts = mine["status"].value_counts()
        rows.append(
            {
                "unit": unit,
                "indicators": len(mine),
                "shared": int(units_col.loc[mine.index].map(len).gt(1).sum()),
                "indicator_ids": list(mine["indicator_id"]),
                "oes_codes": list(dict.fromkeys(mine["oes_code"])),
                **{code: int(counts.get(code, 0)) for code in STATUSES},
                "fell": int((change < 0).sum()),
                "rose": int((change > 0).sum()),
                "unchanged": int((change == 0).sum()),
                "not_comparable": int(change.isna().sum()),
            }
        )
    columns = [
        "unit",
        "indicators",
        "shared",
        "indicator_ids",
        "oes_codes",
        *STATUSES,
        "fell",
        "rose",
        "unchanged",
        "not_comparable",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(
        ["indicators", "unit"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


def _safe(text: str) -> str:
    """ASCII letters, digits, ``.`` and ``-`` only (accents dropped, no ``..``)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    cleaned = re.sub(r"[^A-Za-z0-9.]+", "-", ascii_text)
    return re.sub(r"\.{2,}", ".", cleaned).strip("-.")


def _name_parts(filters: Filters, bounds: tuple[int, int]) -> list[str]:
    """Units, OES, levels, statuses, progress (each joined with ``-``), then the year range."""
    parts = []
    for attr in ("units", "oes", "levels", "statuses", "progress"):
        values = [v for v in (_safe(v) for v in getattr(filters, attr)) if v]
        if values:
            parts.append("-".join(values))
    if (filters.year_from, filters.year_to) != (None, None):
        year_from, year_to = filters.span(bounds)
        parts.append(f"{year_from}-{year_to}")
    return parts


def download_name(
    filters: Filters, ext: str, meta: ReportMeta, max_length: int = 120, kind: str = "indicadores"
) -> str:
    """``{file_prefix}_indicadores_DGC_OES.03.csv``: the filters in the name, safe characters.

    ``meta`` gives the prefix of every download (``meta.file_prefix``) and the year range;
    ``kind`` names the file's content (``resumen`` for one row per indicator).
    A name longer than ``max_length`` ends with ``_varios`` instead of its tail.
    """
    suffix = "." + _safe(ext.lstrip(".")).lower() if ext.strip(".") else ""
    parts = [f"{meta.file_prefix}_{kind}", *_name_parts(filters, year_bounds(meta))]
    stem = "_".join(parts)
    if len(stem) + len(suffix) > max_length:
        keep = max_length - len(suffix) - len("_varios")
        stem = stem[:keep].rstrip("-_.") + "_varios"
    return stem + suffix


def figure_stem(filters: Filters, meta: ReportMeta) -> str:
    """PNG name of the explorer's chart: ``{file_prefix}_explorar_cumplimiento[_filters]``."""
    name = download_name(filters, "", meta)
    return (
        f"{meta.file_prefix}_explorar_cumplimiento" + name[len(f"{meta.file_prefix}_indicadores") :]
    )


def export_frame(ds: Dataset, indicator_ids: Iterable[str], filters: Filters) -> pd.DataFrame:
    """The tidy long rows of a filtered download: those indicators, years in range.

    Expected and achieved values are kept for years in ``filters``' range; the baseline row is
    always kept (like the explorer's baseline column), whatever its year.
    """
    frame = tidy_long(ds, list(indicator_ids))
    in_range = frame["year"].map(filters.includes)
    return frame[(frame["series"] == "baseline") | in_range].reset_index(drop=True)


#: Form/query field of a filtered download listing the indicators left visible by the grid's
#: own column filters (comma separated); absent or empty means "every filtered indicator".
KEY_VISIBLE = "ids"
#: Form field holding a whole explorer query (``unidad=DGC&nivel=AES``): the download form sends
#: the page's filters in one field, so it never depends on how many values they have.
KEY_QUERY = "q"


def visible_ids(summary: pd.DataFrame, filters: Filters, visible: str | None = None) -> list[str]:
    """Indicator ids of a filtered view, in report order, narrowed to ``visible`` when given.

    ``visible`` is the comma-separated list the explorer sends when the grid's column filters
    hide rows; unknown ids in it are ignored (a download never shows more than the filters).
    """
    ids = list(apply(summary, filters)["indicator_id"])
    if visible is None or not visible.strip():
        return ids
    keep = {part.strip() for part in visible.split(",")}
    return [i for i in ids if i in keep]


#: Every key a download accepts: the explorer's filters, a whole query and the visible ids.
DOWNLOAD_KEYS = (*QUERY_KEYS, KEY_QUERY, KEY_VISIBLE)
#: The :data:`KEY_VISIBLE` value of a grid whose column filters leave no row visible.
NO_VISIBLE_ROW = "-"


def strict_visible(visible: str | None, ds: Dataset) -> str | None:
    """``visible`` checked: every id an indicator of ``ds`` (or :data:`NO_VISIBLE_ROW`)."""
    if visible is None:
        return None
    known = tuple(ds.indicators["indicator_id"])
    for part in visible.split(","):
        value = part.strip()
        if value and value != NO_VISIBLE_ROW and value not in known:
            message = (
                f"{KEY_VISIBLE}={_shown(value)} no existe; indicadores válidos: {', '.join(known)}."
            )
            raise QueryError(KEY_VISIBLE, value, known, message)
    return visible


def download_selection(
    ds: Dataset, summary: pd.DataFrame, query: Query, *, strict: bool = False
) -> tuple[Filters, list[str]]:
    """The filters and indicator ids (report order) of the download an explorer view asks for.

    ``query`` is the explorer's URL query (filter keys, see :func:`parse_query`), or a
    :data:`KEY_QUERY` field holding one, plus, optionally, :data:`KEY_VISIBLE`. Invalid filter
    values are ignored as on the page, or, with ``strict``, refused (:class:`QueryError`, see
    :func:`parse_query_strict`; keys: :data:`DOWNLOAD_KEYS`). The outlook's columns are added
    to ``summary`` when missing, so ``progreso`` filters any download.
    """
    all_pairs: list[tuple[str, str]] = []
    for key, value in _pairs(query):
        is_query = key.strip().casefold() == KEY_QUERY
        all_pairs.extend(_pairs(value) if is_query else [(key, value)])
    pairs = [(k, v) for k, v in all_pairs if k.strip().casefold() != KEY_VISIBLE]
    visible = next((v for k, v in all_pairs if k.strip().casefold() == KEY_VISIBLE), None)
    if strict:
        filters = parse_query_strict(pairs, ds, DOWNLOAD_KEYS)
        visible = strict_visible(visible, ds)
    else:
        filters, _ = parse_query(pairs, ds)
    if filters.progress and PROGRESS_COLUMN not in summary.columns:
        summary = with_outlook(ds, summary)
    return filters, visible_ids(summary, filters, visible)


def filtered_download(
    ds: Dataset, summary: pd.DataFrame, query: Query, ext: str, *, strict: bool = False
) -> tuple[pd.DataFrame, str]:
    """The tidy long rows and file name of the download an explorer view asks for
    (:func:`download_selection`, ``strict`` as there)."""
    filters, ids = download_selection(ds, summary, query, strict=strict)
    frame = export_frame(ds, ids, filters)
    return frame, download_name(filters, ext, ds.meta)
