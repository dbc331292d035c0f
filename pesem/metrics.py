"""Per-indicator derived tables that pages, exports and the API share.

Everything here is computed from a :class:`~pesem.loader.Dataset` and cached per dataset object
(the dataset is static for the life of a process), so callbacks only filter precomputed frames.
"""

from __future__ import annotations

import functools

import pandas as pd

from pesem import status as status_rules
from pesem.formulas import (
    Result,
    avance_tipo1,
    avance_tipo2,
    change,
    is_missing,
    target_trend,
)
from pesem.loader import Dataset

ASSESSED_YEAR = 2020
PREVIOUS_YEAR = 2019
EXPECTED_YEARS = tuple(range(2016, 2022))
ACHIEVED_YEARS = tuple(range(2016, 2021))

MISSING_LABELS = {
    "sin_meta": "sin logro esperado definido (ND)",
    "sin_dato": "sin dato (---)",
    "vacio": "celda vacía en el reporte",
    "error_tipografico": "error tipográfico en el reporte",
}


def split_units(text: str) -> list[str]:
    """``'DGA, DGE, DAO, DAM'`` → ``['DGA', 'DGE', 'DAO', 'DAM']`` (empty text → ``[]``)."""
    return [u.strip() for u in str(text).split(",") if u.strip()]


def _cells(ds: Dataset) -> dict[tuple[str, str, int], pd.Series]:
    return {
        (row.indicator_id, row.series, int(row.year)): row
        for row in ds.values.itertuples(index=False)
    }


def _value(cells: dict, indicator_id: str, series: str, year: int) -> float | None:
    row = cells.get((indicator_id, series, year))
    if row is None or is_missing(row.value):
        return None
    return float(row.value)


def _missing(cells: dict, indicator_id: str, series: str, year: int) -> str:
    row = cells.get((indicator_id, series, year))
    if row is None:
        return "no figura en el reporte"
    if not is_missing(row.value):
        return ""
    text = MISSING_LABELS.get(row.missing_reason, row.missing_reason)
    return f"{text}: {row.note}" if row.note else text


def _r(result: Result) -> tuple[float | None, str]:
    return result.value, result.reason or ""


@functools.lru_cache(maxsize=16)
def _summary(ds: Dataset) -> pd.DataFrame:
    cells = _cells(ds)
    baseline = ds.values[ds.values["series"] == "baseline"].set_index("indicator_id")
    rules = ds.status_rules
    rows = []
    for ind in ds.indicators.itertuples(index=False):
        iid = ind.indicator_id
        base_value = (
            None if is_missing(baseline.at[iid, "value"]) else float(baseline.at[iid, "value"])
        )
        expected = {y: _value(cells, iid, "expected", y) for y in EXPECTED_YEARS}
        achieved = {y: _value(cells, iid, "achieved", y) for y in ACHIEVED_YEARS}
        a19, a20, e20 = (
            achieved[PREVIOUS_YEAR],
            achieved[ASSESSED_YEAR],
            expected[ASSESSED_YEAR],
        )
        change_abs, change_pct = change(a19, a20)
        t1, t2 = avance_tipo1(a20, e20), avance_tipo2(a20, e20, base_value)
        ref_year, ref_target = ASSESSED_YEAR, e20
        if ref_target is None:
            later = [y for y in EXPECTED_YEARS if y > ASSESSED_YEAR and expected[y] is not None]
            if later:
                ref_year, ref_target = later[-1], expected[later[-1]]
        verdict = status_rules.classify(a20, ref_target, ind.direction, rules)
        reason = verdict.reason
        if verdict.degree is not None and ref_year != ASSESSED_YEAR:
            reason = (
                f"{verdict.degree:.0f}% de la meta {ref_year} "
                f"(no hay logro esperado {ASSESSED_YEAR})"
            )
        elif verdict.degree is not None:
            reason = f"{verdict.degree:.0f}% del logro esperado {ref_year}"
        meta = status_rules.label(verdict.code, rules)
        reported = {
            s: _value(cells, iid, s, ASSESSED_YEAR) for s in ("reported_tipo1", "reported_tipo2")
        }
        rows.append(
            {
                "indicator_id": iid,
                "level": ind.level,
                "oes_code": ind.oes_code,
                "aes_code": ind.aes_code,
                "seq": ind.seq,
                "name": ind.name,
                "source": ind.source,
                "unit": ind.unit,
                "direction": ind.direction,
                "target_trend": target_trend(expected.values()),
                "responsible_units": ind.responsible_units,
                "units_list": split_units(ind.responsible_units),
                "executing_unit": ind.executing_unit,
                "baseline_value": base_value,
                "baseline_year": int(baseline.at[iid, "year"]),
                **{f"expected_{y}": v for y, v in expected.items()},
                **{f"achieved_{y}": v for y, v in achieved.items()},
                "missing_2019_reason": _missing(cells, iid, "achieved", PREVIOUS_YEAR),
                "missing_2020_reason": _missing(cells, iid, "achieved", ASSESSED_YEAR),
                "change_abs": change_abs.value,
                "change_pct": change_pct.value,
                "change_reason": change_pct.reason or "",
                "tipo1_reported": reported["reported_tipo1"],
                "tipo2_reported": reported["reported_tipo2"],
                "tipo1_computed": t1.value,
                "tipo2_computed": t2.value,
                "tipo1_reason": t1.reason or "",
                "tipo2_reason": t2.reason or "",
                "reference_year": ref_year,
                "reference_target": ref_target,
                "degree": verdict.degree,
                "status": verdict.code,
                "status_label": meta["label"],
                "status_icon": meta["icon"],
                "status_color": meta["color"],
                "status_reason": reason,
            }
        )
    frame = pd.DataFrame(rows)
    # Keep missing numbers as NaN (not None) so that numeric operations and sorting behave.
    numeric = [
        c for c in frame.columns if c.startswith(("expected_", "achieved_", "tipo", "change_"))
    ]
    for col in [*numeric, "baseline_value", "reference_target", "degree"]:
        if col not in ("change_reason", "tipo1_reason", "tipo2_reason"):
            frame[col] = pd.to_numeric(frame[col], errors="coerce")
    return frame


def indicator_summary(ds: Dataset) -> pd.DataFrame:
    """One row per indicator with 2019/2020 values, change, avances and semáforo (a copy)."""
    return _summary(ds).copy()


def series_table(ds: Dataset, indicator_id: str) -> pd.DataFrame:
    """The indicator's report cells (baseline, expected, achieved, reported avances) by year."""
    rows = ds.values[ds.values["indicator_id"] == indicator_id]
    return rows[["series", "year", "value", "raw", "missing_reason", "note"]].reset_index(drop=True)


@functools.lru_cache(maxsize=16)
def _yearly(ds: Dataset) -> pd.DataFrame:
    cells = _cells(ds)
    summary = _summary(ds).set_index("indicator_id")
    rows = []
    for iid in summary.index:
        base = summary.at[iid, "baseline_value"]
        base = None if is_missing(base) else float(base)
        for year in ACHIEVED_YEARS:
            a, e = (
                _value(cells, iid, "achieved", year),
                _value(cells, iid, "expected", year),
            )
            t1, r1 = _r(avance_tipo1(a, e))
            t2, r2 = _r(avance_tipo2(a, e, base))
            rows.append(
                {
                    "indicator_id": iid,
                    "year": year,
                    "achieved": a,
                    "expected": e,
                    "tipo1": t1,
                    "tipo2": t2,
                    "tipo1_reason": r1,
                    "tipo2_reason": r2,
                }
            )
    frame = pd.DataFrame(rows)
    for col in ("achieved", "expected", "tipo1", "tipo2"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce")
    return frame


def yearly_avances(ds: Dataset) -> pd.DataFrame:
    """Avance Tipo 1/2 recomputed for every indicator and year 2016–2020 (a copy)."""
    return _yearly(ds).copy()


def status_counts(summary: pd.DataFrame) -> dict[str, int]:
    """How many indicators fall in each semáforo status (all statuses present, zero included)."""
    counts = summary["status"].value_counts()
    return {code: int(counts.get(code, 0)) for code in status_rules.STATUSES}


def change_counts(summary: pd.DataFrame) -> dict[str, int]:
    """How many indicators fell, rose, stayed equal 2019→2020, and how many cannot be compared."""
    pct = summary["change_abs"]
    return {
        "bajaron": int((pct < 0).sum()),
        "subieron": int((pct > 0).sum()),
        "igual": int((pct == 0).sum()),
        "sin_comparacion": int(pct.isna().sum()),
    }
