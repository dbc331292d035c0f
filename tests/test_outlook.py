"""pesem.outlook: the Open SDG progress measure, on hand-computed cases and every edge case.

The expected rates below are computed by hand (the formula written out with the report's
numbers), not with pesem.outlook's own helpers.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from pesem import outlook
from pesem.loader import get_dataset
from pesem.outlook import Point, measure

DS = get_dataset()
META = DS.meta
FINAL = META.plan_end


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return outlook.outlook(DS).set_index("indicator_id")


# --------------------------------------------------------------------------- worked example


def test_worked_example_aes_02_05(table: pd.DataFrame) -> None:
    """Baseline 42, 76 achieved in the assessed year, target 80 in the final year."""
    row = table.loc["AES.02.05-1"]
    assert (row["base_value"], row["current_value"], row["target_value"]) == (42, 76, 80)
    assert row["target_year"] == FINAL and row["current_year"] == META.year
    years_observed = META.year - int(row["base_year"])
    years_required = FINAL - int(row["base_year"])
    assert (years_observed, years_required) == (5, 6)
    assert row["cagr_observed"] == pytest.approx((76 / 42) ** (1 / 5) - 1)
    assert round(row["cagr_observed"] * 100, 1) == 12.6
    assert round(row["cagr_required"] * 100, 1) == 11.3
    assert round(row["progress_ratio"], 2) == 1.11
    assert row["progress_status"] == "sustancial"
    assert "+12.6 %" in row["progress_reason"] and "+11.3 %" in row["progress_reason"]


@pytest.mark.parametrize(
    ("indicator_id", "observed", "required", "ratio", "status"),
    [
        # 2 (base) -> 7 in 4 years, target 24 in 5: (7/2)^(1/4)-1, (24/2)^(1/5)-1
        ("AES.01.03-1", 0.3678, 0.6438, 0.571, "limitado"),
        # 10 -> 11 in 10 years, target 15 in 11
        ("AES.01.07-1", 0.00958, 0.03755, 0.255, "limitado"),
        # 1556 -> 829 in 5 years, target 1595 in 6: falls while it should rise
        ("AES.02.01-1", -0.11832, 0.004134, -28.62, "deterioro"),
        # 11 -> 6 in 4 years, target 19 in 5
        ("AES.04.01-1", -0.14061, 0.11551, -1.217, "deterioro"),
    ],
)
def test_report_cases_by_hand(
    table: pd.DataFrame,
    indicator_id: str,
    observed: float,
    required: float,
    ratio: float,
    status: str,
) -> None:
    row = table.loc[indicator_id]
    assert row["cagr_observed"] == pytest.approx(observed, abs=5e-4)
    assert row["cagr_required"] == pytest.approx(required, abs=5e-4)
    assert row["progress_ratio"] == pytest.approx(ratio, rel=2e-3)
    assert row["progress_status"] == status


def test_report_statuses(table: pd.DataFrame) -> None:
    """The categories of the report's 24 indicators, as worked out by hand."""
    expected = {
        "meta_alcanzada": {
            "OES.01-2",  # 0.33 = target 0.33
            "AES.01.11-1",  # 8 >= 7
            "OES.02-1",  # 6.05 >= 2.87
            "OES.03-1",  # 2 >= 1.58
            "AES.03.01-2",  # 9.48 = 9.48
            "AES.03.04-1",  # 37,368 >= 18,182
            "OES.04-1",  # 83.33 >= 54
            "AES.04.01-2",  # 0 >= 0
        },
        "sustancial": {"AES.02.05-1"},
        "moderado": set(),
        "limitado": {"AES.01.03-1", "AES.01.07-1", "OES.02-3", "AES.02.06-1"},
        "deterioro": {
            "OES.01-1",
            "AES.01.04-1",
            "AES.01.08-1",
            "AES.02.01-1",
            "AES.02.01-2",
            "AES.04.01-1",
        },
        # base 0 (four of them) or current 0 (AES.01.10-1)
        "no_calculable": {
            "AES.01.10-1",
            "AES.01.10-2",
            "AES.01.14-1",
            "OES.02-2",
            "AES.03.01-1",
        },
    }
    for status, ids in expected.items():
        assert set(table.index[table["progress_status"] == status]) == ids, status
    assert outlook.progress_counts(table.reset_index()) == {k: len(v) for k, v in expected.items()}


def test_targets_below_baseline_are_flagged_and_linked(table: pd.DataFrame) -> None:
    """Final target below the baseline on a more-is-better indicator: flagged with its finding."""
    flagged = table[table["target_below_base"]]
    assert set(flagged.index) == {"OES.01-1", "AES.01.08-1", "OES.03-1", "OES.04-1"}
    findings = DS.findings.set_index("indicator_id")
    for iid, row in flagged.iterrows():
        assert findings.at[iid, "kind"] == "meta_bajo_linea_base"
        assert row["target_finding_id"] == findings.at[iid, "finding_id"]
    # computed as defined all the same: OES.01-1 0.69 -> 0.31 while the target asks 0.63
    assert table.at["OES.01-1", "progress_status"] == "deterioro"
    assert (table.loc[~table["target_below_base"], "target_finding_id"] == "").all()


def test_current_is_the_latest_achieved_value() -> None:
    row = {f"achieved_{y}": None for y in META.achieved_years}
    row[f"achieved_{META.previous_year}"] = 5.0
    assert outlook.latest_achieved(row, META.achieved_years) == Point(5.0, META.previous_year)
    row[f"achieved_{META.year}"] = float("nan")
    assert outlook.latest_achieved(row, META.achieved_years) == Point(5.0, META.previous_year)
    row[f"achieved_{META.year}"] = 7.0
    assert outlook.latest_achieved(row, META.achieved_years) == Point(7.0, META.year)
    empty = {f"achieved_{y}": None for y in META.achieved_years}
    assert outlook.latest_achieved(empty, META.achieved_years) == Point(None, None)


def test_same_statuses_for_a_report_one_year_later() -> None:
    """Nothing depends on a year literal: every year moved by one gives the same outlook."""
    shifted = dataclasses.replace(
        META,
        plan_start=META.plan_start + 1,
        plan_end=META.plan_end + 1,
        year=META.year + 1,
        previous_year=META.previous_year + 1,
    )
    summary = DS.summary.copy()
    summary["baseline_year"] += 1
    summary = summary.rename(
        columns={f"achieved_{y}": f"achieved_{y + 1}" for y in META.achieved_years}
    )
    moved = outlook.outlook_table(summary, shifted, DS.findings)
    original = outlook.outlook(DS)
    assert list(moved["progress_status"]) == list(original["progress_status"])
    assert (moved["target_year"] == shifted.plan_end).all()
    pd.testing.assert_series_equal(moved["progress_ratio"], original["progress_ratio"])


# --------------------------------------------------------------------------- edge cases

BASE = Point(40.0, 2000)


def test_no_final_target() -> None:
    result = measure(BASE, Point(50.0, 2005), Point(None, 2010), 1)
    assert result.status == "no_calculable"
    assert "Sin meta final 2010" in result.reason
    assert (result.cagr_observed, result.cagr_required, result.ratio) == (None, None, None)


def test_no_current_value() -> None:
    result = measure(BASE, Point(None, None), Point(60.0, 2010), 1)
    assert result.status == "no_calculable"
    assert "Sin valor obtenido" in result.reason


def test_no_baseline() -> None:
    result = measure(Point(None, 2000), Point(50.0, 2005), Point(60.0, 2010), 1)
    assert result.status == "no_calculable"
    assert "Sin línea de base" in result.reason


@pytest.mark.parametrize("base_value", [0.0, -3.0])
def test_base_not_positive(base_value: float) -> None:
    result = measure(Point(base_value, 2000), Point(5.0, 2005), Point(10.0, 2010), 1)
    assert result.status == "no_calculable"
    assert "≤ 0" in result.reason and "no se sustituye" in result.reason
    assert result.ratio is None


@pytest.mark.parametrize("current_value", [0.0, -1.0])
def test_current_not_positive(current_value: float) -> None:
    result = measure(BASE, Point(current_value, 2005), Point(60.0, 2010), 1)
    assert result.status == "no_calculable"
    assert "Valor obtenido 2005" in result.reason and "≤ 0" in result.reason


def test_target_equal_to_base() -> None:
    result = measure(BASE, Point(30.0, 2005), Point(40.0, 2010), 1)
    assert result.status == "no_calculable"
    assert "igual a la línea de base" in result.reason


@pytest.mark.parametrize("current_year", [2000, 1999])
def test_current_year_not_after_base_year(current_year: int) -> None:
    result = measure(BASE, Point(45.0, current_year), Point(60.0, 2010), 1)
    assert result.status == "no_calculable"
    assert "no es posterior a la línea de base" in result.reason


@pytest.mark.parametrize(
    ("current", "target", "direction"),
    [
        (60.0, 60.0, 1),  # more is better: equal counts as reached
        (75.0, 60.0, 1),
        (30.0, 30.0, -1),  # less is better
        (20.0, 30.0, -1),
    ],
)
def test_target_reached_both_directions(current: float, target: float, direction: int) -> None:
    result = measure(BASE, Point(current, 2005), Point(target, 2010), direction)
    assert result.status == "meta_alcanzada"
    assert "ya alcanza la meta 2010" in result.reason


def test_reached_wins_over_undefined_rates() -> None:
    """A reached target needs no rate: base 0, current 0, target 0 is reached."""
    result = measure(Point(0.0, 2000), Point(0.0, 2005), Point(0.0, 2010), 1)
    assert result.status == "meta_alcanzada"


def test_descending_indicator_on_track() -> None:
    """Less is better: 40 -> 30 in 5 years, target 25 in 10 years."""
    result = measure(BASE, Point(30.0, 2005), Point(25.0, 2010), -1)
    observed = (30 / 40) ** (1 / 5) - 1  # -5.6 % a year
    required = (25 / 40) ** (1 / 10) - 1  # -4.6 % a year
    assert result.cagr_observed == pytest.approx(observed)
    assert result.cagr_required == pytest.approx(required)
    assert result.ratio == pytest.approx(-observed / abs(required))
    assert result.ratio == pytest.approx(1.218, abs=1e-3)
    assert result.status == "sustancial"


def test_descending_indicator_getting_worse() -> None:
    """Less is better and it rises: deterioro."""
    result = measure(BASE, Point(44.0, 2005), Point(25.0, 2010), -1)
    assert result.ratio is not None and result.ratio < 0
    assert result.status == "deterioro"


@pytest.mark.parametrize(
    ("current", "status"),
    [
        # target 80 in 10 years from 40: required (2)^(1/10)-1 = 7.18 % a year
        (40 * 1.0718**5, "sustancial"),  # ratio 1.0
        (40 * 1.05**5, "moderado"),  # 5 % / 7.18 % = 0.70
        (40 * 1.02**5, "limitado"),  # 0.28
        (39.0, "deterioro"),
    ],
)
def test_thresholds(current: float, status: str) -> None:
    assert measure(BASE, Point(current, 2005), Point(80.0, 2010), 1).status == status


@pytest.mark.parametrize(
    ("ratio", "status"),
    [
        (0.95, "sustancial"),
        (0.9499, "moderado"),
        (0.6, "moderado"),
        (0.5999, "limitado"),
        (0.0, "limitado"),
        (-0.0001, "deterioro"),
    ],
)
def test_classify_boundaries(ratio: float, status: str) -> None:
    assert outlook.classify(ratio) == status


def test_labels_have_icon_and_text() -> None:
    assert set(outlook.LABELS) == set(outlook.PROGRESS_STATUSES)
    icons = [outlook.label(code)["icon"] for code in outlook.PROGRESS_STATUSES]
    assert len(set(icons)) == len(icons) and all(icons)
    assert all(outlook.label(code)["label"] for code in outlook.PROGRESS_STATUSES)


def test_with_outlook_keeps_rows_and_order() -> None:
    merged = outlook.with_outlook(DS)
    assert list(merged["indicator_id"]) == list(DS.summary["indicator_id"])
    assert {"progress_status", "progress_ratio", "status"} <= set(merged.columns)
    part = DS.summary.iloc[[3, 1]]
    assert list(outlook.with_outlook(DS, part).index) == list(part.index)
