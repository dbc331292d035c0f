"""Any report, any year, any sector (issue 13): the same numbers give the same results.

A variant of the seed report with every year moved forward and another sector name is imported
(``tests/report_variants.py``). Its derived tables must equal the original's once the original's
years and names are moved the same way; only the labels differ. The browser half of this
property lives in ``tests/browser/test_report_variants.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from pesem.loader import Dataset, load_dataset
from pesem.metrics import indicator_summary, status_counts
from tests.report_variants import import_variant, shift_years
from tests.seed import seed_path

SHIFT = 3
SECTOR = "Comercio Exterior y Turismo"
MINISTRY = "Ministerio de Comercio Exterior y Turismo"
#: Summary columns that hold results (numbers, statuses), not labels.
RESULT_COLUMNS = [
    "indicator_id",
    "level",
    "oes_code",
    "aes_code",
    "unit",
    "direction",
    "baseline_value",
    "expected_current",
    "expected_final",
    "achieved_previous",
    "achieved_current",
    "change_abs",
    "change_pct",
    "tipo1_reported",
    "tipo2_reported",
    "tipo1_computed",
    "tipo2_computed",
    "degree",
    "status",
    "status_label",
]


def variant_dir(tmp: Path) -> Path:
    """Import the shifted, renamed seed into ``tmp`` and return its data folder."""
    seed_path()  # fails in CI, skips elsewhere, when the seed is missing
    return import_variant(tmp, years=SHIFT, sector=SECTOR, ministry=MINISTRY)


def translator(original: Dataset, variant: Dataset) -> Callable[[str], str]:
    """Text of the original report → what the variant must say: years moved, names replaced."""
    a, b = original.meta, variant.meta
    names = {
        a.ministry: b.ministry,
        a.sector: b.sector,
        a.sector_short: b.sector_short,
        a.file_prefix: b.file_prefix,
    }
    olds = sorted(names, key=len, reverse=True)

    def translate(text: str) -> str:
        # Names hold years of their own (the file prefix): park them, move years, put back.
        for i, old in enumerate(olds):
            text = text.replace(old, f"\x00{i}\x00")
        text = shift_years(text, SHIFT)
        for i, old in enumerate(olds):
            text = text.replace(f"\x00{i}\x00", names[old])
        return text

    return translate


@pytest.fixture(scope="module")
def original() -> Dataset:
    return load_dataset(Path(__file__).resolve().parents[1] / "data")


@pytest.fixture(scope="module")
def variant(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return load_dataset(variant_dir(tmp_path_factory.mktemp("variant")))


def test_the_variant_describes_itself(original: Dataset, variant: Dataset) -> None:
    a, b = original.meta, variant.meta
    assert (b.year, b.previous_year) == (a.year + SHIFT, a.previous_year + SHIFT)
    assert (b.plan_start, b.plan_end) == (a.plan_start + SHIFT, a.plan_end + SHIFT)
    assert b.expected_years == tuple(y + SHIFT for y in a.expected_years)
    assert (b.sector, b.ministry) == (SECTOR, MINISTRY)
    assert b.file_prefix.endswith(str(b.year)) and b.file_prefix != a.file_prefix
    assert SECTOR in b.source and str(b.year) in b.title


def test_same_statuses_avances_and_changes(original: Dataset, variant: Dataset) -> None:
    a = indicator_summary(original)[RESULT_COLUMNS].reset_index(drop=True)
    b = indicator_summary(variant)[RESULT_COLUMNS].reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    assert status_counts(indicator_summary(variant)) == status_counts(indicator_summary(original))
    years = ["baseline_year", "reference_year"]
    shifted = indicator_summary(original)[years] + SHIFT
    pd.testing.assert_frame_equal(shifted, indicator_summary(variant)[years])


def test_same_reasons_with_moved_years(original: Dataset, variant: Dataset) -> None:
    translate = translator(original, variant)
    columns = ["status_reason", "change_reason", "tipo1_reason", "tipo2_reason"]
    a = indicator_summary(original)[columns].map(translate)
    pd.testing.assert_frame_equal(a, indicator_summary(variant)[columns])


def test_same_findings_with_moved_years(original: Dataset, variant: Dataset) -> None:
    translate = translator(original, variant)
    a, b = original.findings, variant.findings
    assert len(a) == len(b) == 21  # the 2020 report's own findings, no more, no fewer
    for column in ("finding_id", "kind", "indicator_id", "code"):
        assert a[column].tolist() == b[column].tolist(), column
    for column in ("where", "field", "reported", "computed", "message"):
        assert a[column].map(translate).tolist() == b[column].tolist(), column


def test_same_yearly_avances(original: Dataset, variant: Dataset) -> None:
    a, b = original.yearly.copy(), variant.yearly
    a["year"] += SHIFT
    pd.testing.assert_frame_equal(a, b)
