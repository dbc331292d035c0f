"""The explorer in a real browser: filter, grid rows, downloads, shareable URL, back button.

Expected indicator sets come from data/indicators.csv read with the csv module.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl

DATA = Path(__file__).resolve().parents[2] / "data"

GRID_CODES_JS = """() => Array.from(
    document.querySelectorAll('.exp-grid .ag-pinned-left-cols-container .ag-row')
  )
  .sort((a, b) => Number(a.getAttribute('row-index')) - Number(b.getAttribute('row-index')))
  .map(row => row.querySelector('[col-id="indicator_id"]').innerText.trim())"""

WAIT_CODES_JS = f"""(expected) => {{
  const codes = ({GRID_CODES_JS})();
  return JSON.stringify(codes) === JSON.stringify(expected);
}}"""


def _indicators() -> list[dict[str, str]]:
    with (DATA / "indicators.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _owned_by(unit: str, level: str | None = None) -> list[str]:
    return [
        r["indicator_id"]
        for r in _indicators()
        if unit in [u.strip() for u in r["responsible_units"].split(",")]
        and (level is None or r["level"] == level)
    ]


NAMES = {r["indicator_id"]: r["name"] for r in _indicators()}
ALL_IDS = [r["indicator_id"] for r in _indicators()]
DGC = _owned_by("DGC")


def _wait_grid(page, expected: list[str]) -> list[str]:
    page.wait_for_function(WAIT_CODES_JS, arg=expected)
    # AG Grid may redraw its rows once more right after (e.g. when the count updates): read
    # until the rows settle rather than trusting one snapshot.
    codes: list[str] = []
    for _ in range(50):
        codes = page.evaluate(GRID_CODES_JS)
        if codes == expected:
            break
        page.wait_for_timeout(200)
    return codes


def _box(page, checklist_id: str, value: str):
    """The checkbox of ``value`` in the filter checklist ``checklist_id``."""
    return page.locator(f"#{checklist_id} input[type=checkbox][value='{value}']")


def _pick(page, checklist_id: str, value: str) -> None:
    _box(page, checklist_id, value).check()


def _wait_url(page, suffix: str) -> None:
    page.wait_for_function(
        "s => window.location.pathname + window.location.search === s", arg=suffix
    )


def test_filter_by_dgc_grid_and_downloads(page):
    page.open("/explorar")
    assert _wait_grid(page, ALL_IDS) == ALL_IDS
    _pick(page, "exp-unidad", "DGC")
    _wait_url(page, "/explorar?unidad=DGC")
    assert _wait_grid(page, DGC) == DGC
    assert page.locator("#exp-conteo").inner_text().startswith(f"{len(DGC)} indicadores")

    with page.expect_download() as info:
        page.get_by_role("button", name="Descargar CSV").click()
    download = info.value
    assert download.suggested_filename == "pesem-rree-2020_indicadores_DGC.csv"
    raw = Path(download.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert sorted({r["indicator_id"] for r in rows}) == sorted(DGC)
    for row in rows:
        assert row["indicator_name"] == NAMES[row["indicator_id"]]  # accents intact
    assert any(ch in row["indicator_name"] for row in rows for ch in "áéíóúñ")

    with page.expect_download() as info:
        page.get_by_role("button", name="Descargar Excel").click()
    download = info.value
    assert download.suggested_filename == "pesem-rree-2020_indicadores_DGC.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes())).worksheets[0]
    header = [c.value for c in sheet[1]]
    records = [dict(zip(header, [c.value for c in r], strict=True)) for r in sheet.iter_rows(2)]
    assert sorted({r["indicator_id"] for r in records}) == sorted(DGC)
    for record in records:
        assert record["indicator_name"] == NAMES[record["indicator_id"]]
    assert all(isinstance(r["value"], int | float) for r in records if r["value"] is not None)

    full = page.get_by_role("link", name="CSV", exact=True)
    assert full.get_attribute("href") == "/download/indicators.csv"
    page.assert_clean()


def test_grid_column_filter_narrows_the_count_and_the_download(page):
    """The grid's own column filters run in the browser; the form then sends the visible ids."""
    page.open("/explorar?unidad=DGC")
    assert _wait_grid(page, DGC) == DGC
    target = DGC[0]
    word = max(NAMES[target].split(), key=len)  # a word of one DGC indicator's name
    visible = [i for i in DGC if word.casefold() in NAMES[i].casefold()]
    assert 0 < len(visible) < len(DGC), "pick a word that narrows the DGC rows"
    floating = page.locator('.ag-floating-filter[col-id="name"] input').first
    floating.fill(word)
    assert _wait_grid(page, visible) == visible
    page.wait_for_function(
        "n => document.querySelector('#exp-conteo-visibles').innerText.includes(n + ' visibles')",
        arg=str(len(visible)),
    )
    with page.expect_download() as info:
        page.get_by_role("button", name="Descargar CSV").click()
    raw = Path(info.value.path()).read_bytes()
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert sorted({r["indicator_id"] for r in rows}) == sorted(visible)
    # clearing the column filter: the whole filtered view again, and no "visibles" note
    floating.fill("")
    assert _wait_grid(page, DGC) == DGC
    page.wait_for_function("() => document.querySelector('#exp-conteo-visibles').innerText === ''")
    with page.expect_download() as info:
        page.get_by_role("button", name="Descargar CSV").click()
    raw = Path(info.value.path()).read_bytes()
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert sorted({r["indicator_id"] for r in rows}) == sorted(DGC)
    page.assert_clean()


def test_copied_url_restores_view_and_back_steps_through_filters(page):
    dgc_aes = _owned_by("DGC", "AES")
    page.open("/explorar?unidad=DGC&nivel=AES")
    assert _wait_grid(page, dgc_aes) == dgc_aes
    assert _box(page, "exp-unidad", "DGC").is_checked()
    assert _box(page, "exp-nivel", "AES").is_checked()
    assert not _box(page, "exp-nivel", "OES").is_checked()

    # a further filter, then back: the previous filter comes back, and back again
    _pick(page, "exp-nivel", "OES")
    _wait_url(page, "/explorar?unidad=DGC&nivel=AES&nivel=OES")
    assert _wait_grid(page, DGC) == DGC
    page.go_back()
    _wait_url(page, "/explorar?unidad=DGC&nivel=AES")
    assert _wait_grid(page, dgc_aes) == dgc_aes
    page.wait_for_function(
        "() => !document.querySelector(\"#exp-nivel input[value='OES']\").checked"
    )
    assert _box(page, "exp-nivel", "AES").is_checked()
    page.go_forward()
    _wait_url(page, "/explorar?unidad=DGC&nivel=AES&nivel=OES")
    assert _wait_grid(page, DGC) == DGC
    page.assert_clean()


def test_invalid_query_shows_notice_and_unfiltered_data(page):
    response = page.open("/explorar?unidad=NOEXISTE&desde=1900&x=%%%")
    assert response.status == 200
    notice = page.locator(".exp-notices")
    notice.wait_for()
    text = notice.inner_text()
    assert "NOEXISTE" in text and "1900" in text
    assert _wait_grid(page, ALL_IDS) == ALL_IDS
    page.assert_clean()


def test_unidades_links_lead_to_the_filtered_explorer(page):
    page.open("/unidades")
    card = page.locator(".uni-card", has=page.locator(".uni-code", has_text="DGC")).first
    card.locator("a.uni-link").click()
    _wait_url(page, "/explorar?unidad=DGC")
    assert _wait_grid(page, DGC) == DGC
    assert _box(page, "exp-unidad", "DGC").is_checked()
    page.assert_clean()
