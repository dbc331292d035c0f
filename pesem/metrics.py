"""Per-indicator derived tables that pages, exports and the API share.

The ``build_*`` functions run once, when a :class:`~pesem.loader.Dataset` is built (it stores
their frames); the public accessors hand out copies, so callbacks only filter precomputed frames.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from pesem.loader import Dataset

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


def _reference(expected: dict[int, float | None], year: int) -> tuple[int, float | None]:
    """The status's target: the assessed year's, else the plan's last defined later target."""
    if expected.get(year) is not None:
        return year, expected[year]
    later = [y for y in sorted(expected) if y > year and expected[y] is not None]
    return (later[-1], expected[later[-1]]) if later else (year, None)


def _status_reason(verdict: status_rules.Status, ref_year: int, year: int) -> str:
    if verdict.degree is None:
        return verdict.reason
    if ref_year != year:
        return f"{verdict.degree:.0f}% de la meta {ref_year} (no hay logro esperado {year})"
    return f"{verdict.degree:.0f}% del logro esperado {ref_year}"


def build_summary(ds: Dataset) -> pd.DataFrame:
    """One row per indicator (see :func:`indicator_summary`); run once per dataset."""
    cells = _cells(ds)
    baseline = ds.values[ds.values["series"] == "baseline"].set_index("indicator_id")
    rules = ds.status_rules
    meta = ds.meta
    year, previous = meta.year, meta.previous_year
    rows = []
    for ind in ds.indicators.itertuples(index=False):
        iid = ind.indicator_id
        base_value = (
            None if is_missing(baseline.at[iid, "value"]) else float(baseline.at[iid, "value"])
        )
        expected = {y: _value(cells, iid, "expected", y) for y in meta.expected_years}
        achieved = {y: _value(cells, iid, "achieved", y) for y in meta.achieved_years}
        a_prev, a_cur, e_cur = achieved.get(previous), achieved.get(year), expected.get(year)
        change_abs, change_pct = change(a_prev, a_cur, (previous, year))
        t1, t2 = avance_tipo1(a_cur, e_cur), avance_tipo2(a_cur, e_cur, base_value)
        ref_year, ref_target = _reference(expected, year)
        verdict = status_rules.classify(a_cur, ref_target, ind.direction, rules)
        reason = _status_reason(verdict, ref_year, year)
        look = status_rules.label(verdict.code, rules)
        reported = {s: _value(cells, iid, s, year) for s in ("reported_tipo1", "reported_tipo2")}
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
                "expected_current": e_cur,
                "expected_final": expected.get(meta.plan_end),
                "achieved_previous": a_prev,
                "achieved_current": a_cur,
                "missing_previous_reason": _missing(cells, iid, "achieved", previous),
                "missing_current_reason": _missing(cells, iid, "achieved", year),
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
                "status_label": look["label"],
                "status_icon": look["icon"],
                "status_color": look["color"],
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
    """One row per indicator: current and previous values, change, avances, semáforo (a copy)."""
    return ds.summary.copy()


def series_table(ds: Dataset, indicator_id: str) -> pd.DataFrame:
    """The indicator's report cells (baseline, expected, achieved, reported avances) by year."""
    rows = ds.values[ds.values["indicator_id"] == indicator_id]
    return rows[["series", "year", "value", "raw", "missing_reason", "note"]].reset_index(drop=True)


def build_yearly(ds: Dataset) -> pd.DataFrame:
    """Avances of every indicator and year (see :func:`yearly_avances`); run once per dataset."""
    cells = _cells(ds)
    summary = ds.summary.set_index("indicator_id")
    rows = []
    for iid in summary.index:
        base = summary.at[iid, "baseline_value"]
        base = None if is_missing(base) else float(base)
        for year in ds.meta.achieved_years:
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
    """Avance Tipo 1/2 recomputed for every indicator and achieved year (a copy)."""
    return ds.yearly.copy()


def status_counts(summary: pd.DataFrame) -> dict[str, int]:
    """How many indicators fall in each semáforo status (all statuses present, zero included)."""
    counts = summary["status"].value_counts()
    return {code: int(counts.get(code, 0)) for code in status_rules.STATUSES}


def change_counts(summary: pd.DataFrame) -> dict[str, int]:
    """How many indicators fell, rose, stayed equal since the previous year, or cannot compare."""
    pct = summary["change_abs"]
    return {
        "bajaron": int((pct < 0).sum()),
        "subieron": int((pct > 0).sum()),
        "igual": int((pct == 0).sum()),
        "sin_comparacion": int(pct.isna().sum()),
    }
