"""pages/resumen.py, pages/objetivo.py, pages/accion.py without a browser: layouts, titles, exports.

The layouts are plain functions of the URL code; the component trees are walked and inspected.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from dash import html

import app  # noqa: F401  (the Dash app must exist before pages register themselves)
from components.code_page import canonical_aes, canonical_oes
from components.markdown import markdown_plain_text
from components.navigation import nav_pages, registered_path, site_name, tab_title
from pages import accion, not_found_404, objetivo, resumen
from pesem.findings import find_all
from pesem.metrics import change_counts, status_counts
from tests.page_helpers import (
    by_class,
    by_id,
    graphs,
    links,
    nav_entry,
    png_names,
    registration,
    text_of,
    walk,
)


def report_text(tree: Any) -> str:
    """The text of the one ``report-text`` block (the narrative rendered on the server),
    without whitespace (:func:`text_of` spaces apart the parts of a bold phrase)."""
    (block,) = [c for c in walk(tree) if getattr(c, "className", None) == "report-text"]
    return "".join(text_of(block).split())


def markdown_text(source: str) -> str:
    """The text a reader sees of markdown ``source``, without whitespace (:func:`report_text`)."""
    return "".join(markdown_plain_text(source).split())


def narrative_markdown(tree: Any, section_id: str) -> str:
    """The text rendered in the section ``section_id`` (the verbatim report text)."""
    return report_text(by_id(tree, section_id))


def is_not_found(tree: Any) -> bool:
    return bool(by_class(tree, "not-found"))


# --------------------------------------------------------------------------- codes


@pytest.mark.parametrize("text", ["OES.01", "oes.01", "OES-01", "oes-01", "OES01", "1", "01"])
def test_canonical_oes_variants(text):
    assert canonical_oes(text) == "OES.01"


@pytest.mark.parametrize(
    "text", ["AES.01.03", "aes.01.03", "aes-01-03", "AES0103", "01.03", "1.3", "AES-1-3"]
)
def test_canonical_aes_variants(text):
    assert canonical_aes(text) == "AES.01.03"


@pytest.mark.parametrize("text", ["", None, "OES", "OES.1.2", "xyz", "AES.01.03", "../etc"])
def test_canonical_oes_rejects(text):
    assert canonical_oes(text) is None


@pytest.mark.parametrize("text", ["", None, "AES", "AES.01", "OES.01", "010", "AES.01.03.04"])
def test_canonical_aes_rejects(text):
    assert canonical_aes(text) is None


# --------------------------------------------------------------------------- resumen


def test_resumen_headline_figures(ds, summary):
    tree = resumen.layout()
    text = text_of(tree)
    counts = status_counts(summary)
    assert len(by_class(tree, "kpi-status")) == 5
    for code, n in counts.items():
        (tile,) = by_class(tree, f"kpi-{code}")
        meta = ds.status_rules["labels"][code]
        # the number, then the badge with icon and label (never colour alone)
        assert text_of(tile) == f"{n} {meta['icon']} {meta['label']}"
    changes = change_counts(summary)
    assert str(changes["bajaron"]) in text_of(by_class(tree, "kpi-bajaron")[0])
    assert str(changes["subieron"]) in text_of(by_class(tree, "kpi-subieron")[0])
    findings = find_all(ds)
    link = by_class(tree, "kpi-findings")[0]
    assert str(len(findings)) in text_of(link)
    assert link.href == f"#{resumen.Ids.FINDINGS}"
    assert "Inconsistencias del reporte" in text


def test_resumen_one_card_per_oes_linking_to_its_page(ds, summary):
    tree = resumen.layout()
    cards = by_class(tree, "oes-card")
    assert len(cards) == len(ds.oes) == 4
    for card, code in zip(cards, ds.oes["oes_code"], strict=True):
        assert f"/oes/{code}" in links(card)
        card_text = text_of(card)
        assert code in card_text
        # each OES indicator with its 2020 value, change arrow and status badge
        rows = summary[(summary["oes_code"] == code) & (summary["level"] == "OES")]
        assert len(by_class(card, "oes-indicator")) == len(rows)
        assert len(by_class(card, "status-badge")) == len(rows)
        n_aes = int((ds.aes["oes_code"] == code).sum())
        assert f"{n_aes} AES · " in card_text and "con indicador" in card_text


def test_resumen_oes01_card_values(summary):
    tree = resumen.layout()
    card = text_of(by_class(tree, "oes-card")[0])
    assert "0.31" in card and "↓ -3.1% vs. 2019" in card
    assert "14 AES · 7 con indicador" in card


def test_resumen_aes_line_counts_worst_status(ds, summary):
    line = resumen.aes_line(ds, summary, "OES.01")
    assert line.startswith("14 AES · 7 con indicador · ")
    # AES.01.10 has a "Rezagado" and a "Cumplido" indicator: it counts as rezagada.
    assert resumen.aes_status(summary, "AES.01.10") == "rezagado"
    assert resumen.aes_status(summary, "AES.01.01") is None


def test_resumen_executive_summary_collapsed_and_chart(ds):
    tree = resumen.layout()
    executive = by_id(tree, resumen.Ids.EXEC_SUMMARY)
    assert isinstance(executive, html.Details)
    assert not getattr(executive, "open", False)
    assert report_text(executive) == markdown_text(ds.narrative["resumen_ejecutivo"])
    assert png_names(tree) == ["pesem-rree-2020_resumen_oes"]


def test_resumen_findings_link_to_code_pages(ds):
    tree = resumen.layout()
    box = by_id(tree, resumen.Ids.FINDINGS)
    hrefs = links(box)
    codes = {c for c in find_all(ds)["code"] if c.startswith(("AES", "OES"))}
    assert {f"/{c[:3].lower()}/{c}" for c in codes} == {h for h in hrefs if h != "/calidad"}
    # and to the page that explains every finding, when the app has it
    assert ("/calidad" in hrefs) == (registered_path("/calidad") is not None)


def test_resumen_export_figures():
    figures = resumen.export_figures()
    assert [stem for stem, _ in figures] == ["pesem-rree-2020_resumen_oes"]


# --------------------------------------------------------------------------- objetivo


@pytest.mark.parametrize("variant", ["OES.02", "oes.02", "OES-02", "oes-02", "OES02", "2"])
def test_objetivo_accepts_variants(variant):
    tree = objetivo.layout(code=variant)
    assert not is_not_found(tree)
    assert "OES.02" in text_of(tree)
    assert objetivo.page_title(code=variant) == "OES.02 — PESEM RREE 2020"


@pytest.mark.parametrize("code", ["OES.09", "OES.00", "foo", "", None, "AES.01.01"])
def test_objetivo_unknown_is_not_found(code):
    tree = objetivo.layout(code=code)
    assert is_not_found(tree)
    assert "no encontrad" in objetivo.page_title(code=code).lower()
    assert objetivo.export_figures(code=code) == []


@pytest.mark.parametrize("code", ["OES.01", "OES.02", "OES.03", "OES.04"])
def test_objetivo_charts_tables_and_aes(ds, summary, code):
    tree = objetivo.layout(code=code)
    oes_rows = summary[(summary["oes_code"] == code) & (summary["level"] == "OES")]
    found = graphs(tree)
    assert len(found) == len(oes_rows)
    assert [g.id for g in found] == [
        {"type": objetivo.Ids.TIMELINE, "index": iid} for iid in oes_rows["indicator_id"]
    ]
    assert png_names(tree) == [f"pesem-rree-2020_{iid}_serie" for iid in oes_rows["indicator_id"]]
    assert len(by_class(tree, "values-table")) == len(oes_rows)
    # breadcrumb Resumen › OES.0N
    crumbs = by_class(tree, "breadcrumb")[0]
    assert "Resumen" in text_of(crumbs) and code in text_of(crumbs)
    assert "/" in links(crumbs)
    # AES table: one row per AES, each linking to its page
    aes_codes = list(ds.aes.loc[ds.aes["oes_code"] == code, "aes_code"])
    table = by_class(tree, "aes-table")[0]
    assert [h for h in links(table)] == [f"/aes/{c}" for c in aes_codes]
    # the OES name and narrative
    text = text_of(tree)
    assert ds.oes.set_index("oes_code").at[code, "name"] in text
    assert narrative_markdown(tree, objetivo.Ids.NARRATIVE) == markdown_text(ds.narrative[code])


def test_objetivo_table_shows_report_markers_and_status(ds):
    tree = objetivo.layout(code="OES.01")
    table = text_of(by_class(tree, "values-table")[0])
    assert "ND" in table and "0.33" in table and "0.63" in table
    text = text_of(tree)
    assert "Rezagado" in text and "49% de la meta 2021" in text


def test_objetivo_aes_table_flags_differences(ds):
    tree = objetivo.layout(code="OES.04")
    table = text_of(by_class(tree, "aes-table")[0])
    assert "33% / 37.5%" in table and "⚠ difiere" in table
    assert "Sin indicador" in table


def test_objetivo_export_figures():
    figures = objetivo.export_figures(code="oes-01")
    assert [stem for stem, _ in figures] == [
        "pesem-rree-2020_OES.01-1_serie",
        "pesem-rree-2020_OES.01-2_serie",
    ]
    assert "Intensidad" in figures[0][1].layout.meta["title"]  # the slide's title


# --------------------------------------------------------------------------- accion


@pytest.mark.parametrize(
    "variant", ["AES.03.04", "aes.03.04", "aes-03-04", "AES0304", "03.04", "3.4"]
)
def test_accion_accepts_variants(variant):
    tree = accion.layout(code=variant)
    assert not is_not_found(tree)
    assert accion.page_title(code=variant) == "AES.03.04 — PESEM RREE 2020"


@pytest.mark.parametrize("code", ["AES.09.09", "AES.01.15", "OES.01", "", None, "x"])
def test_accion_unknown_is_not_found(code):
    assert is_not_found(accion.layout(code=code))
    assert "no encontrad" in accion.page_title(code=code).lower()
    assert accion.export_figures(code=code) == []


def test_every_aes_page_renders_its_charts(ds, summary):
    for code in ds.aes["aes_code"]:
        tree = accion.layout(code=code)
        n = int((summary["aes_code"] == code).sum())
        assert len(graphs(tree)) == 2 * n, code
        text = text_of(tree)
        if n == 0:
            assert accion.NO_INDICATOR_TEXT in text
        oes = ds.aes.set_index("aes_code").at[code, "oes_code"]
        crumbs = by_class(tree, "breadcrumb")[0]
        assert links(crumbs) == ["/", f"/oes/{oes}"]
        assert code in text_of(crumbs)
        assert narrative_markdown(tree, accion.Ids.NARRATIVE) == markdown_text(ds.narrative[code])
        assert len(accion.export_figures(code=code)) == 2 * n


def test_accion_indicator_details(ds):
    tree = accion.layout(code="AES.03.04")
    text = text_of(tree)
    assert "Número de connacionales protegidos y asistidos" in text
    assert "PEI 2017-2019; y PEI 2020-2022" in text
    assert "Anexo 6.1 (sección 6), fila AES.03.04" in text
    assert "Cumplido" in text and "206% del logro esperado 2020" in text
    cells = text_of(by_class(tree, "cells-table")[0])
    assert "37368" in cells and "37,368" in cells and "sin dato" in cells
    ids = [g.id for g in graphs(tree)]
    assert ids == [
        {"type": accion.Ids.TIMELINE, "index": "AES.03.04-1"},
        {"type": accion.Ids.AVANCE, "index": "AES.03.04-1"},
    ]
    assert png_names(tree) == [
        "pesem-rree-2020_AES.03.04-1_serie",
        "pesem-rree-2020_AES.03.04-1_avance",
    ]


def test_accion_findings_box_lists_this_codes_findings(ds):
    findings = find_all(ds)
    for code in ("AES.03.04", "AES.04.01", "AES.02.06", "AES.01.01"):
        tree = accion.layout(code=code)
        box = by_id(tree, accion.Ids.FINDINGS)
        own = findings[findings["code"] == code]
        box_text = text_of(box)
        assert "Inconsistencias del reporte" in box_text
        for message in own["message"]:
            assert message in box_text
        if own.empty:
            assert "No se detectaron inconsistencias" in box_text


def test_accion_typo_cell_shows_raw_text(ds):
    tree = accion.layout(code="AES.02.06")
    cells = text_of(by_class(tree, "cells-table")[0])
    assert " s " in f" {cells} " and "error tipográfico" in cells


def test_accion_body_wording_marked_as_inconsistency(ds):
    tree = accion.layout(code="AES.01.06")
    box = by_class(tree, "description-differs")
    assert box and "fundamentación" in text_of(box[0])
    assert not by_class(accion.layout(code="AES.01.05"), "description-differs")


def test_accion_prev_next(ds):
    codes = list(ds.aes["aes_code"])
    first = accion.layout(code=codes[0])
    pager = by_class(first, "aes-pager")[0]
    assert links(pager) == [f"/aes/{codes[1]}"]
    middle = accion.layout(code="AES.01.14")
    assert links(by_class(middle, "aes-pager")[0]) == ["/aes/AES.01.13", "/aes/AES.02.01"]
    last = accion.layout(code=codes[-1])
    assert links(by_class(last, "aes-pager")[0]) == [f"/aes/{codes[-2]}"]


def test_accion_export_figures_order():
    figures = accion.export_figures(code="AES.01.10")
    assert [stem for stem, _ in figures] == [
        "pesem-rree-2020_AES.01.10-1_serie",
        "pesem-rree-2020_AES.01.10-1_avance",
        "pesem-rree-2020_AES.01.10-2_serie",
        "pesem-rree-2020_AES.01.10-2_avance",
    ]
    assert accion.export_figures(code="AES.01.01") == []


# --------------------------------------------------------------------------- registry


def test_pages_registered_as_documented():
    assert nav_entry("pages.resumen") == ("/", 0, True, "Resumen", "Resumen — PESEM RREE 2020")
    for module, template in (("pages.objetivo", "/oes/<code>"), ("pages.accion", "/aes/<code>")):
        assert registration(module)["path_template"] == template
        assert registration(module)["nav"] is False


def test_ids_have_page_prefix():
    assert all(i.value.startswith("res-") for i in resumen.Ids)
    assert all(i.value.startswith("oes-") for i in objetivo.Ids)
    assert all(i.value.startswith("aes-") for i in accion.Ids)


# --------------------------------------------------------------------------- not found, navigation


def test_nav_pages_follow_their_order():
    orders = [page["order"] for page in nav_pages()]
    assert orders == sorted(orders) and orders[0] == 0
    assert all(page["nav"] for page in nav_pages())
    assert "pages.not_found_404" not in {page["module"] for page in nav_pages()}


@pytest.mark.parametrize(
    "tree",
    [not_found_404.layout(), objetivo.layout(code="OES.09"), accion.layout(code="AES.09.09")],
    ids=["404", "oes", "aes"],
)
def test_one_not_found_view_links_every_section_and_objective(ds, tree):
    assert is_not_found(tree)
    (heading,) = [n for n in walk(tree) if isinstance(n, html.H1)]
    assert heading.children == "Página no encontrada"
    hrefs = links(tree)
    assert [p["relative_path"] for p in nav_pages()] == hrefs[: len(nav_pages())]
    assert [f"/oes/{c}" for c in sorted(ds.oes["oes_code"])] == hrefs[len(nav_pages()) :]


def test_unknown_code_says_what_is_missing(ds):
    text = text_of(objetivo.layout(code="OES.09"))
    meta = ds.meta
    assert f"«OES.09». El {meta.plan} del Sector {meta.sector} tiene cuatro: " in text
    assert "«AES.09.09»" in text_of(accion.layout(code="AES.09.09"))


def test_tab_titles_name_the_report(ds):
    assert site_name(ds.meta) == "PESEM RREE 2020"
    later = dataclasses.replace(ds.meta, sector_short="MINCETUR", year=2021, previous_year=2020)
    assert tab_title("Resumen", later) == "Resumen — PESEM MINCETUR 2021"
    assert not_found_404.page_title() == "Página no encontrada · PESEM RR.EE. 2020"


# --------------------------------------------------------------------------- shell


def test_navbar_collapses_below_md_behind_an_accessible_toggler():
    """The menu is behind a real button below md: it names what it controls and says whether
    it is open; a clientside callback (assets/pesem.js, no inline script) opens and closes it,
    closes it when the address changes and marks the current page's link."""
    from dash import dcc

    bar = app.navbar()
    assert "navbar-expand-md" in bar.className.split()
    toggler = by_id(bar, app.NavIds.TOGGLER)
    collapse = by_id(bar, app.NavIds.COLLAPSE)
    assert isinstance(toggler, html.Button) and isinstance(collapse, html.Div)
    attributes = toggler.to_plotly_json()["props"]
    assert attributes["aria-controls"] == app.NavIds.COLLAPSE
    assert attributes["aria-expanded"] == "false" and attributes["aria-label"]
    assert collapse.className == app.COLLAPSE_CLASS  # closed: no "show"
    links = [n for n in walk(collapse) if getattr(n, "href", None)]
    assert [link.children for link in links] == [
        p.get("nav_label") or p["name"] for p in nav_pages()
    ]
    assert all(isinstance(link, dcc.Link) for link in links)
    app.server.test_client().get("/")  # Dash fills its callback map on the first request
    callback = app.app.callback_map[
        f"..{app.NavIds.COLLAPSE}.className...{app.NavIds.TOGGLER}.aria-expanded..."
        '{"index":["ALL"],"type":"navbar-link"}.className..'
    ]
    # run in the browser (no server function), on the toggler's clicks and the address
    assert "callback" not in callback
    inputs = [(str(i["id"]), i["property"]) for i in callback["inputs"]]
    assert inputs == [(app.NavIds.TOGGLER, "n_clicks"), (app.NavIds.LOCATION, "pathname")]
    script = (Path(app.__file__).parent / "assets" / "pesem.js").read_text()
    assert "pesem_navbar" in script and "update:" in script
