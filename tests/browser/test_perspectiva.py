"""The plan outlook in a real browser: from the summary to /perspectiva through the navbar, its
rows and summary download, then on to the explorer filtered by one category.

The expected categories are the hand-worked ones of tests/test_outlook.py.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from pesem.loader import Dataset, get_dataset
from tests.browser.test_report_variants import visible_text
from tests.conftest import GRID_CODES_JS
from tests.test_report_variants import translator

META = get_dataset().meta
PREFIX = META.file_prefix
ALL_IDS = list(get_dataset().indicators["indicator_id"])
#: Falling while they should rise (or below the pace of a target under the baseline).
DETERIORO = ["OES.01-1", "AES.01.04-1", "AES.01.08-1", "AES.02.01-1", "AES.02.01-2", "AES.04.01-1"]
COUNTS = {
    "meta_alcanzada": 8,
    "sustancial": 1,
    "moderado": 0,
    "limitado": 4,
    "deterioro": 6,
    "no_calculable": 5,
}


def _csv_rows(path: str) -> list[dict[str, str]]:
    raw = Path(path).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_summary_to_outlook_to_filtered_explorer(page):
    page.open("/")
    page.locator("nav.navbar").get_by_role("link", name="Perspectiva", exact=True).click()
    page.wait_for_url(re.compile(r"/perspectiva$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Perspectiva al cierre del plan")
    page.wait_for_function("() => document.querySelector('#out-grafico-ritmo .main-svg')")

    # counts: icon + text per category
    for code, n in COUNTS.items():
        item = page.locator(f"#out-conteos li[data-progress='{code}']")
        expect(item).to_contain_text(f"{n} indicador")
    # one row per indicator, the worked example with its paces
    rows = page.locator("#out-tabla tbody tr")
    expect(rows).to_have_count(len(ALL_IDS))
    example = page.locator("#out-tabla tr[data-indicator='AES.02.05-1']")
    for text in ("+12.6 %", "+11.3 %", "1.11", "Progreso sustancial"):
        expect(example).to_contain_text(text)
    deterioro_rows = page.locator("#out-tabla tr[data-progress='deterioro']")
    assert [
        deterioro_rows.nth(i).get_attribute("data-indicator") for i in range(deterioro_rows.count())
    ] == DETERIORO

    with page.expect_download() as info:
        page.get_by_role("button", name="Descargar resumen CSV").click()
    assert info.value.suggested_filename == f"{PREFIX}_resumen.csv"
    downloaded = _csv_rows(info.value.path())
    assert [r["indicator_id"] for r in downloaded] == ALL_IDS
    by_id = {r["indicator_id"]: r for r in downloaded}
    assert by_id["AES.02.05-1"]["progress_status"] == "sustancial"
    assert [r["indicator_id"] for r in downloaded if r["progress_status"] == "deterioro"] == (
        DETERIORO
    )

    # on to the explorer, filtered by the category
    page.locator("#out-conteos li[data-progress='deterioro']").get_by_role("link").click()
    page.wait_for_url(re.compile(r"/explorar\?progreso=deterioro$"))
    page.locator("#exp-tabla").scroll_into_view_if_needed()  # the grid mounts when near
    page.wait_for_function(
        "expected => JSON.stringify((" + GRID_CODES_JS + ")()) === JSON.stringify(expected)",
        arg=DETERIORO,
    )
    expect(page.locator("#exp-progreso input[value='deterioro']")).to_be_checked()
    expect(page.locator("#exp-conteo")).to_have_text(
        f"{len(DETERIORO)} indicadores (de {len(ALL_IDS)})"
    )

    with page.expect_download() as info:
        page.get_by_role("button", name="Descargar resumen CSV").click()
    assert info.value.suggested_filename == f"{PREFIX}_resumen_deterioro.csv"
    assert [r["indicator_id"] for r in _csv_rows(info.value.path())] == DETERIORO
    page.assert_clean()


@pytest.mark.parametrize("path", ["/perspectiva", "/explorar?progreso=deterioro"])
def test_another_report_reads_the_same_with_its_own_years(
    browser: Any, live_server: str, variant: tuple[Dataset, str], path: str
) -> None:
    """Issue 13's property on the outlook: same categories and paces, the variant's years."""
    variant_ds, variant_url = variant
    original = get_dataset()
    expected = translator(original, variant_ds)(visible_text(browser, live_server + path))
    shown = visible_text(browser, variant_url + path)
    assert str(variant_ds.meta.plan_end) in shown
    assert shown == expected
