"""pesem.explore: filters, URL round trip, facets, per-unit summary and download names.

Expected sets are computed independently from the data files with the csv module, not with
pandas or pesem, so a bug shared by the loader and the explorer cannot hide itself.
"""

from __future__ import annotations

import csv
import dataclasses
import re
from pathlib import Path

import pytest

from pesem import explore, outlook
from pesem.explore import Filters
from pesem.loader import get_dataset

DATA = Path(__file__).resolve().parents[1] / "data"
META = get_dataset().meta


def _indicator_rows() -> list[dict[str, str]]:
    with (DATA / "indicators.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _owned_by(unit: str) -> list[str]:
    """Indicator ids whose responsible_units cell names ``unit`` (report order)."""
    return [
        row["indicator_id"]
        for row in _indicator_rows()
        if unit in [u.strip() for u in row["responsible_units"].split(",")]
    ]


def _all_units() -> set[str]:
    return {
        u.strip() for row in _indicator_rows() for u in row["responsible_units"].split(",") if u
    }


# --------------------------------------------------------------------------- apply


def test_filter_by_dgc_gives_exactly_the_dgc_indicators(summary):
    expected = _owned_by("DGC")
    assert expected, "DGC owns indicators in data/indicators.csv"
    got = explore.apply(summary, Filters(units=("DGC",)))
    assert list(got["indicator_id"]) == expected


@pytest.mark.parametrize("unit", sorted(_all_units()))
def test_every_unit_filter_matches_the_csv(summary, unit):
    got = explore.apply(summary, Filters(units=(unit,)))
    assert list(got["indicator_id"]) == _owned_by(unit)


def test_indicator_owned_by_several_units_appears_under_each(summary):
    shared = [
        row
        for row in _indicator_rows()
        if len([u for u in row["responsible_units"].split(",") if u.strip()]) > 1
    ]
    assert shared, "the report has indicators owned by several units (DGA, DGE, DAO, DAM)"
    for row in shared:
        for unit in (u.strip() for u in row["responsible_units"].split(",")):
            ids = set(explore.apply(summary, Filters(units=(unit,)))["indicator_id"])
            assert row["indicator_id"] in ids, (row["indicator_id"], unit)


def test_several_units_are_alternatives_and_shared_rows_appear_once(summary):
    got = list(explore.apply(summary, Filters(units=("DGA", "DAM")))["indicator_id"])
    expected = [
        i
        for i in (r["indicator_id"] for r in _indicator_rows())
        if i in set(_owned_by("DGA")) | set(_owned_by("DAM"))
    ]
    assert got == expected
    assert len(got) == len(set(got))


def test_filters_combine(summary):
    rows = _indicator_rows()
    expected = [
        r["indicator_id"] for r in rows if r["oes_code"] == "OES.02" and r["level"] == "AES"
    ]
    got = explore.apply(summary, Filters(oes=("OES.02",), levels=("AES",)))
    assert list(got["indicator_id"]) == expected
    by_status = explore.apply(summary, Filters(statuses=("cumplido",)))
    assert set(by_status["status"]) == {"cumplido"}
    none = explore.apply(summary, Filters(units=("DGC",), oes=("OES.01",)))
    assert none.empty


def test_year_range_does_not_remove_indicators(summary):
    assert len(explore.apply(summary, Filters(year_from=2019, year_to=2020))) == len(summary)


# --------------------------------------------------------------------------- URL


@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(units=("DGC",)),
        Filters(
            units=("DGC", "DAC"),
            oes=("OES.03",),
            levels=("AES",),
            statuses=("rezagado",),
            year_from=2016,
            year_to=2020,
        ),
        Filters(statuses=("en_riesgo", "sin_dato"), year_to=2019),
        Filters(oes=("OES.04", "OES.01"), year_from=2021),
    ],
)
def test_round_trip(ds, filters):
    parsed, notices = explore.parse_query(explore.to_query(filters), ds)
    assert parsed == filters
    assert notices == []


def test_to_query_is_stable_and_only_non_defaults(ds):
    filters = Filters(
        statuses=("rezagado",),
        year_to=2020,
        levels=("AES",),
        oes=("OES.03",),
        units=("DGC", "DAC"),
        year_from=2016,
    )
    assert explore.to_query(filters) == (
        "?unidad=DGC&unidad=DAC&oes=OES.03&nivel=AES&estado=rezagado&desde=2016&hasta=2020"
    )
    assert explore.to_query(Filters()) == ""
    low, high = explore.year_bounds(ds.meta)
    whole_range, _ = explore.parse_query(f"desde={low}&hasta={high}", ds)
    assert explore.to_query(whole_range) == ""
    assert explore.to_query(Filters(year_to=2020)) == "?hasta=2020"


def test_the_year_range_is_the_reports(ds):
    """From the plan's baseline year to its final year, whatever years the report has."""
    assert explore.year_bounds(ds.meta) == (ds.meta.plan_start - 1, ds.meta.plan_end)
    later = dataclasses.replace(
        ds.meta, plan_start=2018, plan_end=2024, year=2023, previous_year=2022, file_prefix="x"
    )
    vocab = dataclasses.replace(explore.vocabulary(ds), years=explore.year_bounds(later))
    assert explore.parse_query("desde=2017&hasta=2024", vocab) == (Filters(), [])
    filters, notices = explore.parse_query("desde=2015&hasta=2023", vocab)
    assert filters == Filters(year_to=2023)
    assert notices == ["El año 2015 («desde») está fuera del rango 2017–2024; se ignoró."]
    assert explore.download_name(filters, "csv", later) == "x_indicadores_2017-2023.csv"
    assert Filters(year_to=2023).span(explore.year_bounds(later)) == (2017, 2023)


def test_parse_accepts_dash_layout_kwargs_and_case(ds):
    filters, notices = explore.parse_query(
        {"unidad": ["dgc", "DAC"], "nivel": "aes", "estado": "Rezagado", "desde": "2016"}, ds
    )
    assert filters == Filters(
        units=("DGC", "DAC"), levels=("AES",), statuses=("rezagado",), year_from=2016
    )
    assert notices == []
    comma, notices = explore.parse_query("unidad=DGC,DAC&oes=OES.03", ds)
    assert comma == Filters(units=("DGC", "DAC"), oes=("OES.03",))
    assert notices == []


@pytest.mark.parametrize(
    ("query", "expected", "needles"),
    [
        ("?unidad=NOEXISTE", Filters(), ["NOEXISTE"]),
        ("?oes=OES.09&oes=OES.02", Filters(oes=("OES.02",)), ["OES.09"]),
        ("?nivel=XYZ", Filters(), ["XYZ"]),
        ("?estado=verde", Filters(), ["verde"]),
        ("?desde=1900", Filters(), ["1900"]),
        ("?hasta=2030", Filters(), ["2030"]),
        ("?desde=dosmil", Filters(), ["dosmil"]),
        ("?x=%%%", Filters(), ["x"]),
        ("?unidad=DGC&unidad=DGC", Filters(units=("DGC",)), ["DGC"]),
        ("?desde=2016&desde=2018", Filters(year_from=2016), ["2018"]),
        ("?desde=2020&hasta=2016", Filters(year_from=2016, year_to=2020), ["2020", "2016"]),
    ],
)
def test_garbage_is_ignored_with_a_notice(ds, query, expected, needles):
    filters, notices = explore.parse_query(query, ds)
    assert filters == expected
    assert len(notices) == 1, notices
    for needle in needles:
        assert needle in notices[0]
    assert "ignor" in notices[0] or "intercambi" in notices[0]


def test_the_issue_example_url(ds):
    filters, notices = explore.parse_query("?unidad=NOEXISTE&desde=1900&x=%%%", ds)
    assert filters == Filters()
    assert len(notices) == 3


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?",
        "&&&",
        "?=",
        "?unidad=",
        "%",
        "?%zz=%zz",
        "?unidad=<script>alert(1)</script>",
        "?" + "a" * 5000,
        "#frag",
        None,
    ],
)
def test_parse_never_raises(ds, query):
    filters, notices = explore.parse_query(query, ds)
    assert isinstance(filters, Filters)
    assert all(len(n) < 200 for n in notices)


# --------------------------------------------------------------------------- facets & units


def test_facet_counts_follow_the_other_filters(ds, summary):
    facets = explore.facet_counts(summary, Filters(levels=("AES",)), ds)
    units = {o["value"]: o["count"] for o in facets["units"]}
    rows = _indicator_rows()
    for unit in _all_units():
        expected = sum(
            1
            for r in rows
            if r["level"] == "AES"
            and unit in [u.strip() for u in r["responsible_units"].split(",")]
        )
        assert units[unit] == expected, unit
    # the level facet ignores its own selection
    levels = {o["value"]: o["count"] for o in facets["levels"]}
    assert levels == {
        "OES": sum(r["level"] == "OES" for r in rows),
        "AES": sum(r["level"] == "AES" for r in rows),
    }
    assert [o["value"] for o in facets["oes"]] == ["OES.01", "OES.02", "OES.03", "OES.04"]
    assert {o["value"] for o in facets["statuses"]} == {
        "cumplido",
        "en_riesgo",
        "rezagado",
        "sin_meta",
        "sin_dato",
    }
    assert all(o["label"] for facet in facets.values() for o in facet)


def test_unit_summary(summary):
    table = explore.unit_summary(summary)
    assert set(table["unit"]) == _all_units()
    for row in table.to_dict("records"):
        assert row["indicator_ids"] == _owned_by(row["unit"])
        assert row["indicators"] == len(_owned_by(row["unit"]))
        statuses = sum(
            row[c] for c in ("cumplido", "en_riesgo", "rezagado", "sin_meta", "sin_dato")
        )
        assert statuses == row["indicators"]
        assert (
            row["fell"] + row["rose"] + row["unchanged"] + row["not_comparable"]
            == (row["indicators"])
        )
    # shared ownership: OES.01-1 counts for each of its units
    dga = table.set_index("unit").loc["DGA"]
    assert "OES.01-1" in dga["indicator_ids"] and dga["shared"] >= 1
    assert list(table["indicators"]) == sorted(table["indicators"], reverse=True)


def test_unit_summary_fell_vs_2019(summary):
    table = explore.unit_summary(summary).set_index("unit")
    with (DATA / "values.csv").open(encoding="utf-8", newline="") as handle:
        achieved = {
            (r["indicator_id"], r["year"]): r["value"]
            for r in csv.DictReader(handle)
            if r["series"] == "achieved"
        }
    for unit in _all_units():
        fell = 0
        for iid in _owned_by(unit):
            a19, a20 = achieved[(iid, "2019")], achieved[(iid, "2020")]
            if a19 and a20 and float(a20) < float(a19):
                fell += 1
        assert table.loc[unit, "fell"] == fell, unit


# --------------------------------------------------------------------------- file names


def test_download_name():
    assert (
        explore.download_name(Filters(units=("DGC",), oes=("OES.03",)), "csv", META)
        == "pesem-rree-2020_indicadores_DGC_OES.03.csv"
    )
    assert explore.download_name(Filters(), ".xlsx", META) == "pesem-rree-2020_indicadores.xlsx"
    name = explore.download_name(
        Filters(units=("DGC", "DAC"), statuses=("en_riesgo",), year_from=2016, year_to=2020),
        "xlsx",
        META,
    )
    assert name == "pesem-rree-2020_indicadores_DGC-DAC_en-riesgo_2016-2020.xlsx"


def test_download_name_is_safe_and_bounded():
    nasty = Filters(units=("../../etc/passwd", "Ñandú ü", 'a"b'), oes=("x" * 400,))
    name = explore.download_name(nasty, "c/s v", META)
    assert re.fullmatch(r"[A-Za-z0-9._-]+", name), name
    assert len(name) <= 120
    assert ".." not in name  # no path traversal pieces
    assert "Nandu-u" in name
    assert "/" not in name


# --------------------------------------------------------------------------- export frame


def test_export_frame_restricts_years_and_keeps_baseline(ds):
    ids = _owned_by("DGC")
    frame = explore.export_frame(ds, ids, Filters(units=("DGC",), year_from=2019, year_to=2020))
    assert set(frame["indicator_id"]) == set(ids)
    years = frame.loc[frame["series"] != "baseline", "year"]
    assert set(years) == {2019, 2020}
    assert (frame["series"] == "baseline").sum() == len(ids)


# --------------------------------------------------------------------------- progreso (outlook)


def test_progress_filter_round_trip_and_case(ds):
    filters, notices = explore.parse_query("?PROGRESO=Deterioro,META_ALCANZADA&nivel=aes", ds)
    assert notices == []
    assert filters.progress == ("deterioro", "meta_alcanzada")
    assert explore.to_query(filters) == "?nivel=AES&progreso=deterioro&progreso=meta_alcanzada"
    assert explore.parse_query(explore.to_query(filters), ds)[0] == filters
    assert explore.from_store(explore.to_store(filters), ds) == filters
    assert explore.caption(filters) == "Nivel: AES · Progreso: Deterioro, Meta alcanzada"


def test_unknown_progress_is_ignored_with_a_notice(ds):
    filters, notices = explore.parse_query("progreso=rapido&progreso=sustancial", ds)
    assert filters.progress == ("sustancial",)
    assert len(notices) == 1 and "rapido" in notices[0] and "sustancial" in notices[0]


def test_progress_filter_on_the_outlook_summary(ds):
    summary = outlook.with_outlook(ds)
    rows = explore.apply(summary, Filters(progress=("no_calculable",), oes=("OES.02",)))
    assert list(rows["indicator_id"]) == ["OES.02-2"]  # baseline 0
    facets = explore.facet_counts(summary, Filters(oes=("OES.02",)), ds)
    progress = {o["value"]: o["count"] for o in facets["progress"]}
    assert progress == {
        "meta_alcanzada": 1,
        "sustancial": 1,
        "moderado": 0,
        "limitado": 2,
        "deterioro": 2,
        "no_calculable": 1,
    }
    assert "progress" not in explore.facet_counts(ds.summary, Filters(), ds)


def test_progress_in_download_names_and_selection(ds):
    filters = Filters(levels=("OES",), progress=("deterioro",))
    assert (
        explore.download_name(filters, "csv", META)
        == f"{META.file_prefix}_indicadores_OES_deterioro.csv"
    )
    assert (
        explore.download_name(filters, "csv", META, kind="resumen")
        == f"{META.file_prefix}_resumen_OES_deterioro.csv"
    )
    # the plain summary (no outlook columns) is completed before filtering
    chosen, ids = explore.download_selection(
        ds, ds.summary, [("q", "progreso=deterioro&nivel=oes")]
    )
    assert chosen == filters and ids == ["OES.01-1"]
