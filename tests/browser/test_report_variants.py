"""Any report, any year, any sector (issue 13), as a visitor sees it.

The seed report with every year moved forward and another sector name is imported and served
next to the original. Every page but /covid must read the same once the original's years and
names are moved the same way: same statuses, counts, avances and findings, the variant's own
labels. (The domain half of the property: ``tests/test_report_variants.py``.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pesem.loader import Dataset, load_dataset
from tests.conftest import DASH_SETTLED_JS
from tests.test_report_variants import translator

ROOT = Path(__file__).resolve().parents[2]


def _paths(ds: Dataset) -> list[str]:
    """Every page but /covid: summary, each OES, each AES with indicators, the other pages."""
    aes = sorted(set(ds.indicators["aes_code"]) - {""})
    oes = sorted(ds.oes["oes_code"])
    return ["/", *(f"/oes/{c}" for c in oes), *(f"/aes/{c}" for c in aes)] + [
        "/perspectiva",
        "/explorar",
        "/unidades",
        "/calidad",
    ]


ORIGINAL = load_dataset(ROOT / "data")
PATHS = _paths(ORIGINAL)


LINE_ENDS_JS = "() => document.querySelectorAll('svg tspan.line').forEach((t) => t.append(' '))"


def visible_text(browser: Any, url: str) -> str:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="es-PE")
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_load_state("networkidle")
        page.wait_for_function(DASH_SETTLED_JS)
        # words, not line breaks: a chart's texts are wrapped to a phone's width, so a longer
        # name of the other report breaks its lines elsewhere (plotly draws each line as a
        # <tspan class="line">, read back without a space between them)
        page.evaluate(LINE_ENDS_JS)
        return " ".join(page.locator("body").inner_text().split())
    finally:
        context.close()


@pytest.mark.parametrize("path", PATHS)
def test_every_page_reads_the_same_with_its_own_labels(
    browser: Any, live_server: str, variant: tuple[Dataset, str], path: str
) -> None:
    variant_ds, variant_url = variant
    translate = translator(ORIGINAL, variant_ds)
    expected = translate(visible_text(browser, live_server + path))
    shown = visible_text(browser, variant_url + path)
    assert str(variant_ds.meta.year) in shown
    assert shown == expected
