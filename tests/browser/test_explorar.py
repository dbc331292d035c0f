"""The explorer in a real browser: filter, grid rows, downloads, shareable URL, back button.

Expected indicator sets come from data/indicators.csv read with the csv module.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
from playwright.sync_api import expect

from components.explorer import GRID_FAILED
from tests.conftest import GRID_CODES_JS

DATA = Path(__file__).resolve().parents[2] / "data"

WAIT_CODES_JS = f"""(expected) => {{
  const slot = document.getElementById('exp-tabla');  // the grid mounts when near the screen
  if (slot) slot.scrollIntoView({{block: 'nearest'}});
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
    """The grid's codes once they are ``expected`` (scrolled to: it mounts when near)."""
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


PINNED_ROWS_JS = """() => ({
    left: document.querySelectorAll('.exp-grid .ag-pinned-left-cols-container .ag-row').length,
    right: document.querySelectorAll('.exp-grid .ag-pinned-right-cols-container .ag-row').length,
})"""


def _pinned_rows(page, wanted: dict[str, int]) -> dict[str, int]:
    """The pinned containers' row counts, once they are ``wanted`` or after 5 s (AG Grid draws
    the pinned rows in its own frames, after the centre's)."""
    rows: dict[str, int] = {}
    for _ in range(50):
        rows = page.evaluate(PINNED_ROWS_JS)
        if rows == wanted:
            break
        page.wait_for_timeout(100)
    return rows


def _named(ids: list[str], word: str) -> list[str]:
    return [i for i in ids if word.casefold() in NAMES[i].casefold()]


def _narrowing_word() -> tuple[str, str]:
    """A unit and a word of the DGC names that narrows DGC's rows and matches some of the
    unit's other indicators."""
    units = sorted({u.strip() for r in _indicators() for u in r["responsible_units"].split(",")})
    words = sorted({w for i in DGC for w in NAMES[i].split() if len(w) > 4})
    for unit in units:
        others = [i for i in _owned_by(unit) if i not in DGC]
        for word in words:
            if 0 < len(_named(DGC, word)) < len(DGC) and _named(others, word):
                return unit, word
    raise AssertionError("no word narrows DGC's rows and also matches another unit's")


def test_grid_mounts_near_the_screen_and_keeps_its_column_filter(page):
    """Below the fold the grid waits; filters picked meanwhile are in it once it mounts, and
    the mounted grid takes new filters without losing its own column filter."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.open("/explorar")
    assert page.locator(".ag-root-wrapper").count() == 0
    expect(page.locator("#exp-tabla")).to_contain_text("Cargando la tabla de indicadores")
    _pick(page, "exp-unidad", "DGC")
    _wait_url(page, "/explorar?unidad=DGC")
    assert page.locator(".ag-root-wrapper").count() == 0
    assert _wait_grid(page, DGC) == DGC  # scrolls to it
    # too narrow for every pinned column: only the code stays pinned
    wanted = {"left": len(DGC), "right": 0}
    assert _pinned_rows(page, wanted) == wanted

    other, word = _narrowing_word()
    page.locator('.ag-floating-filter[col-id="name"] input').first.fill(word)
    assert _wait_grid(page, _named(DGC, word)) == _named(DGC, word)
    _pick(page, "exp-unidad", other)
    _wait_url(page, f"/explorar?unidad=DGC&unidad={other}")
    both = _named([i for i in ALL_IDS if i in DGC or i in _owned_by(other)], word)
    assert len(both) > len(_named(DGC, word))
    assert _wait_grid(page, both) == both
    assert page.locator('.ag-floating-filter[col-id="name"] input').first.input_value() == word
    assert page.locator(".ag-root-wrapper").count() == 1
    page.assert_clean()


def test_grid_library_loads_on_demand_after_a_client_side_link(page):
    """No page carries AG Grid's script: reached client-side from the summary, the explorer
    loads it when the grid nears the screen. A failed load says so, and the next approach
    tries again."""
    page.set_viewport_size({"width": 390, "height": 844})
    script = "**/_dash-component-suites/dash_ag_grid/dash_ag_grid.*"
    page.route(script, lambda route: route.abort())
    page.open("/")
    page.evaluate("() => { window.sameDocument = true; }")
    page.locator("#navbar-toggler").click()
    page.locator("#navbar-collapse .nav-link[href='/explorar']").click()
    page.wait_for_url("**/explorar")
    slot = page.locator("#exp-tabla")
    expect(slot).to_contain_text("Cargando la tabla de indicadores")
    slot.scroll_into_view_if_needed()
    expect(slot).to_contain_text(GRID_FAILED)
    assert page.locator(".ag-root-wrapper").count() == 0

    page.unroute(script)
    page.evaluate("() => window.scrollTo(0, 0)")
    page.wait_for_timeout(300)  # the box leaves the observed area; coming back is a new approach
    assert _wait_grid(page, ALL_IDS) == ALL_IDS  # scrolls to it
    assert page.evaluate("() => window.sameDocument") is True  # no full page load
    page.assert_clean(allow_console=("net::ERR_FAILED",))


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


CUT_TEXTS_JS = """() => Array.from(document.querySelectorAll(
    '.exp-grid .ag-header-cell-text, .exp-grid .ag-header-group-text, .exp-grid .ag-cell-value'
  ))
  .filter((e) => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1)
  .map((e) => e.innerText.slice(0, 40))"""
SCROLL_GRID_JS = """(x) => document.querySelectorAll(
    '.exp-grid .ag-body-horizontal-scroll-viewport, .exp-grid .ag-center-cols-viewport'
  ).forEach((e) => { e.scrollLeft = x; })"""


def test_no_header_or_cell_text_is_cut(page):
    """Headers have fixed heights and only the name sizes its row: every text must still fit."""
    page.open("/explorar")
    _wait_grid(page, ALL_IDS)
    wanted = {"left": len(ALL_IDS), "right": len(ALL_IDS)}
    assert _pinned_rows(page, wanted) == wanted  # wide enough
    cut: set[str] = set()
    width = page.evaluate(
        "() => document.querySelector('.exp-grid .ag-center-cols-container').scrollWidth"
    )
    for x in range(0, width + 300, 300):  # columns out of view are not rendered
        page.evaluate(SCROLL_GRID_JS, x)
        page.wait_for_timeout(150)
        cut |= set(page.evaluate(CUT_TEXTS_JS))
    assert not cut, f"texts cut in the grid: {sorted(cut)}"
