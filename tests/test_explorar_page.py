"""pages/explorar.py and pages/unidades.py without a browser: layout and callbacks called directly.

The callbacks are the functions returned by ``@callback``; ``ctx.triggered`` is set through Dash's
callback context variable, as the renderer would.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from dash import no_update
from dash.exceptions import PreventUpdate

import app  # noqa: F401  (the Dash app must exist before pages register themselves)
from components import explorer
from pages import explorar, unidades
from pages.explorar import Ids
from pesem import explore
from pesem.explore import Filters
from pesem.loader import get_dataset
from tests.page_helpers import by_class, by_id, mounted_grid, run_callback, text_of

DATA = Path(__file__).resolve().parents[1] / "data"


def _csv_rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _owned_by(unit: str) -> list[str]:
    return [
        r["indicator_id"]
        for r in _csv_rows("indicators.csv")
        if unit in [u.strip() for u in r["responsible_units"].split(",")]
    ]


DGC = _owned_by("DGC")
#: The year slider's two ends: the report's whole range.
ALL_YEARS = list(explore.year_bounds(get_dataset().meta))
ALL_IDS = [r["indicator_id"] for r in _csv_rows("indicators.csv")]


def _sync(
    triggered: list[str],
    search="",
    units=None,
    oes=None,
    levels=None,
    statuses=None,
    years=None,
    clear=0,
    progress=None,
    pathname="/explorar",
    stored=None,
):
    return run_callback(
        explorar.sync_filters,
        triggered,
        search,
        units or [],
        oes or [],
        levels or [],
        statuses or [],
        progress or [],
        years or ALL_YEARS,
        clear,
        pathname,
        stored if stored is not None else explore.to_store(Filters()),
    )


# --------------------------------------------------------------------------- layout


def test_layout_from_query_is_filtered():
    page = explorar.layout(unidad="DGC", nivel="AES")
    grid = mounted_grid(page, explorar.GRID_IDS)
    expected = [i for i in DGC if i.startswith("AES")]
    assert [r["indicator_id"] for r in grid.rowData] == expected
    assert by_id(page, Ids.UNITS.value).value == ["DGC"]
    assert by_id(page, Ids.LEVELS.value).value == ["AES"]
    assert by_id(page, Ids.NOTICES.value).children == []
    assert by_id(page, Ids.COUNT.value).children.startswith(f"{len(expected)} indicadores")
    assert by_id(page, Ids.STORE.value).data["units"] == ["DGC"]


def test_location_already_holds_the_address_of_the_view():
    # Set, the Location does not copy the browser's address when it mounts: no sync_filters
    # round trip on a first visit. Its search is the URL's, as the browser would have copied it.
    location = by_id(explorar.layout(unidad=["DGC", "DAC"], nivel="AES"), Ids.LOCATION.value)
    assert (location.pathname, location.refresh) == ("/explorar", False)
    assert location.search == "?unidad=DGC&unidad=DAC&nivel=AES"
    assert by_id(explorar.layout(), Ids.LOCATION.value).search == ""


def test_clear_after_a_link_with_garbage_pushes_the_empty_query():
    page = explorar.layout(unidad="NOEXISTE")
    search = by_id(page, Ids.LOCATION.value).search
    out = _sync([f"{Ids.CLEAR.value}.n_clicks"], search=search, clear=1)
    assert out[0] == "" and out[-2] == []  # the URL loses the garbage, and so does the notice


def _label(option: dict) -> str:
    label = option["label"]
    return label if isinstance(label, str) else text_of(label)


def test_filters_are_labelled_checklists_and_the_grid_is_one_tab_stop():
    page = explorar.layout(unidad="DGC")
    for component_id in (Ids.UNITS, Ids.OES, Ids.LEVELS, Ids.STATUSES):
        checklist = by_id(page, component_id.value)
        assert type(checklist).__name__ == "Checklist", component_id
        assert checklist.options and all("(" in _label(o) for o in checklist.options)
    slider = by_id(page, Ids.YEARS.value)
    assert slider.allow_direct_input is False
    assert [slider.min, slider.max] == ALL_YEARS == slider.value  # the report's whole range
    options = mounted_grid(page, explorar.GRID_IDS).dashGridOptions
    assert options["tabToNextCell"] == {"function": "false"}
    assert options["tabToNextHeader"] == {"function": "false"}


def test_pinned_columns_are_grouped():
    """A pinned area without a column group gets an empty (invalid) header group row."""
    for col in explorar.column_defs(Filters()):
        if "children" not in col:
            assert "pinned" not in col, col["field"]
    groups = {
        col["headerName"]: [child.get("pinned") for child in col["children"]]
        for col in explorar.column_defs(Filters())
        if "children" in col
    }
    assert groups["Indicador"] == ["left", "left"]
    assert groups["Estado 2020"] == ["right"]


def test_layout_with_garbage_shows_notice_and_everything():
    page = explorar.layout(unidad="NOEXISTE", desde="1900", x="%%%")
    grid = mounted_grid(page, explorar.GRID_IDS)
    assert [r["indicator_id"] for r in grid.rowData] == ALL_IDS
    text = text_of(by_id(page, Ids.NOTICES.value))
    assert "NOEXISTE" in text and "1900" in text and "«x»" in text
    assert by_id(page, Ids.UNITS.value).value == []


def test_grid_rows_keep_numbers_and_print_them_as_the_report():
    rows = {r["indicator_id"]: r for r in explorar.view(Filters(units=("DGC",)))["row_data"]}
    row = rows["AES.03.04-1"]
    assert row["achieved_2020"] == 37368.0
    assert row["achieved_2020__txt"] == "37,368"
    pct = rows["AES.03.01-2"]
    assert isinstance(pct["baseline_value"], float)
    assert pct["baseline_value__txt"].endswith("%")
    missing = rows["OES.03-1"]  # ND cells keep the report's marker, no number
    assert missing["expected_2020"] is None and missing["expected_2020__txt"] == "ND"
    assert row["status_text"].split(" ", 1)[1] in {
        "Cumplido",
        "En riesgo",
        "Rezagado",
        "Sin meta",
        "Sin dato",
    }


def test_year_range_restricts_year_columns():
    def fields(columns):
        out = []
        for col in columns:
            out += fields(col["children"]) if "children" in col else [col["field"]]
        return out

    cols = fields(explorar.column_defs(Filters(year_from=2019, year_to=2020)))
    assert "expected_2019" in cols and "achieved_2020" in cols
    assert "expected_2018" not in cols and "expected_2021" not in cols
    assert "baseline_value" in cols and "tipo1_computed" in cols
    for field in ("indicator_id", "name", "unit_label", "status_text", "responsible_units"):
        assert field in cols


# --------------------------------------------------------------------------- sync callback


def test_widget_change_pushes_canonical_query():
    out = _sync(
        [f"{Ids.UNITS.value}.value"], units=["DGC", "DAC"], levels=["AES"], years=[2016, 2021]
    )
    search, units, oes, levels, statuses, progress, years, notices, store = out
    assert search == "?unidad=DGC&unidad=DAC&nivel=AES&desde=2016"
    assert units is no_update and levels is no_update and years is no_update
    assert store["units"] == ["DGC", "DAC"] and store["year_from"] == 2016
    assert notices == []


def test_same_query_is_not_pushed_again():
    out = _sync(
        [f"{Ids.UNITS.value}.value"],
        search="?unidad=DGC",
        units=["DGC"],
        stored=explore.to_store(Filters(units=("DGC",))),
    )
    assert all(item is no_update for item in out)


def test_url_change_sets_widgets_without_rewriting_url():
    out = _sync(
        [f"{Ids.LOCATION.value}.search"],
        search="?unidad=DGC&nivel=AES",
        units=["DGC"],
        levels=["AES", "OES"],
    )
    search, units, oes, levels, statuses, progress, years, notices, store = out
    assert search is no_update  # back/forward must not add a history entry
    assert units is no_update
    assert levels == ["AES"]
    assert store["levels"] == ["AES"]
    assert notices == []


def test_url_with_garbage_sets_notice_and_keeps_url():
    out = _sync(
        [f"{Ids.LOCATION.value}.search"],
        search="?unidad=NOEXISTE&desde=1900&x=%%%",
        units=["DGC"],
        stored=explore.to_store(Filters(units=("DGC",))),
    )
    search, units, *_, notices, store = out
    assert search is no_update
    assert units == []
    text = text_of(notices[0])
    assert "NOEXISTE" in text and "1900" in text
    assert store == explore.to_store(Filters())


def test_tampered_widget_values_are_dropped():
    out = _sync([f"{Ids.UNITS.value}.value"], units=["DGC", "<script>", 7], years=["a", None])
    search, *_, store = out
    assert search == "?unidad=DGC"
    assert store["units"] == ["DGC"]


def test_clear_button_resets_filters():
    out = _sync(
        [f"{Ids.CLEAR.value}.n_clicks"],
        search="?unidad=DGC",
        units=["DGC"],
        years=[2016, 2020],
        clear=1,
        stored=explore.to_store(Filters(units=("DGC",))),
    )
    search, units, *_, years, notices, store = out
    assert search == ""
    assert units == [] and years == ALL_YEARS
    assert store == explore.to_store(Filters())


def test_sync_ignores_other_pages():
    with pytest.raises(PreventUpdate):
        _sync([f"{Ids.LOCATION.value}.search"], search="", pathname="/unidades")


@pytest.mark.parametrize("pathname", [None, 7, ["/explorar"], "", "explorar", "//explorar/x"])
def test_sync_rejects_malformed_pathname(pathname):
    with pytest.raises(PreventUpdate):
        _sync([f"{Ids.UNITS.value}.value"], units=["DGC"], pathname=pathname)


# --------------------------------------------------------------------------- view & count


def test_update_view_follows_the_store():
    filters = Filters(units=("DGC",), year_from=2020)
    store = explore.to_store(filters)
    out = run_callback(explorar.update_view, [f"{Ids.STORE.value}.data"], store)
    units_opts, oes_opts, levels_opts, status_opts, progress_opts = out[:5]
    grid, chart, count, query = out[5:]
    rows = grid["rowData"]
    assert [r["indicator_id"] for r in rows] == DGC
    assert [c["headerName"] for c in grid["columnDefs"]][:2] == ["Indicador", "Unidad de medida"]
    assert any(o["value"] == "DGC" and o["label"] == f"DGC ({len(DGC)})" for o in units_opts)
    assert chart is not None
    assert count == f"{len(DGC)} indicadores (de {len(ALL_IDS)})"
    assert query == "unidad=DGC&desde=2020"  # the download form's filters
    assert len(explorar.update_view(None)[5]["rowData"]) == len(ALL_IDS)


def test_count_text():
    assert explorer.count_text(0, 24) == "Ningún indicador (de 24)"
    assert explorer.count_text(1, 24) == "1 indicador (de 24)"
    assert explorer.count_text(5, 24, 2).endswith(
        "· 2 visibles con los filtros de columna de la tabla"
    )


# --------------------------------------------------------------------------- downloads
# The page's form POSTs the filter query ("q") and what the grid's column filters leave
# visible ("ids", empty = all) to the download route: tested here as the browser sends it.


def _form(kind: str, filters: Filters, ids: str = "") -> Any:
    page = explorar.layout(**dict(explore_pairs(filters)))
    form = by_id(page, Ids.DOWNLOAD_FORM.value)
    assert form.method == "POST"
    button = by_id(page, Ids.CSV.value if kind == "csv" else Ids.XLSX.value)
    fields = {
        by_id(page, Ids.QUERY_FIELD.value).name: by_id(page, Ids.QUERY_FIELD.value).value,
        by_id(page, Ids.VISIBLE_FIELD.value).name: ids,
    }
    return app.server.test_client().post(button.formAction, data=fields)


def explore_pairs(filters: Filters) -> list[tuple[str, str]]:
    from urllib.parse import parse_qsl

    return parse_qsl(explorar.download_query(filters))


def test_csv_download_is_exactly_the_filtered_view():
    response = _form("csv", Filters(units=("DGC",), year_from=2019, year_to=2020))
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition == 'attachment; filename="pesem-rree-2020_indicadores_DGC_2019-2020.csv"'
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert sorted({r["indicator_id"] for r in rows}) == sorted(DGC)
    assert {r["year"] for r in rows if r["series"] != "baseline"} == {"2019", "2020"}
    names = {r["indicator_id"]: r["name"] for r in _csv_rows("indicators.csv")}
    for row in rows:
        assert row["indicator_name"] == names[row["indicator_id"]]  # accents intact
    assert any(ch in "".join(names[i] for i in DGC) for ch in "áéíóúñ")
    float(next(r for r in rows if r["value"])["value"])  # numbers are numbers


def test_xlsx_download_is_exactly_the_filtered_view():
    response = _form("xlsx", Filters(units=("DGC",)))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(
        '"pesem-rree-2020_indicadores_DGC.xlsx"'
    )
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    records = [
        dict(zip(header, [c.value for c in row], strict=True)) for row in sheet.iter_rows(min_row=2)
    ]
    assert sorted({r["indicator_id"] for r in records}) == sorted(DGC)
    assert all(isinstance(r["value"], int | float) for r in records if r["value"] is not None)


def test_download_follows_grid_column_filters():
    def ids_of(response: Any) -> set[str]:
        text = response.get_data().decode("utf-8-sig")
        return {r["indicator_id"] for r in csv.DictReader(io.StringIO(text))}

    dgc = Filters(units=("DGC",))
    # OES.01-1 is not DGC's: the grid can never widen the filtered view
    assert ids_of(_form("csv", dgc, ids=f"{DGC[1]},OES.01-1")) == {DGC[1]}
    assert ids_of(_form("csv", dgc, ids="")) == set(DGC)  # no column filter: everything filtered
    assert ids_of(_form("csv", dgc, ids="-")) == set()  # column filters hide every row


# --------------------------------------------------------------------------- figures


def test_export_figures():
    ((stem, figure),) = explorar.export_figures(unidad="DGC")
    assert stem == "pesem-rree-2020_explorar_cumplimiento_DGC"
    assert list(figure.data[0].y) == DGC
    ((stem, figure),) = explorar.export_figures(unidad="NOEXISTE")
    assert stem == "pesem-rree-2020_explorar_cumplimiento"
    assert len(figure.data[0].y) == len(ALL_IDS)
    ((stem, figure),) = explorar.export_figures(estado="sin_dato", unidad="DGC")
    assert not figure.data  # empty state, not an error
    ((stem, figure),) = unidades.export_figures()
    assert stem == "pesem-rree-2020_unidades_estado"
    assert figure.data


def test_unidades_links_lead_to_the_filtered_explorer():
    links = [link.href for link in by_class(unidades.layout(), "uni-link")]
    units = {
        u.strip() for r in _csv_rows("indicators.csv") for u in r["responsible_units"].split(",")
    }
    assert sorted(links) == sorted(f"/explorar?unidad={u}" for u in units)
