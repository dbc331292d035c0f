"""Presenter deck (issue 16): key messages, every page's deck, the whole report, SVG ZIP, errors.

Structure tests of every page use a stand-in renderer (a tiny PNG per chart): what is checked
there is the deck, not the pictures. The real renderer draws one page deck and the whole
report once per module (``real_decks``), and LibreOffice converts one of them.
"""

from __future__ import annotations

import io
import math
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dash
import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER

import app as dashboard
from components.routing import page_for
from pesem import covid, key_messages
from pesem.loader import get_dataset, load_dataset
from tests.browser.slide_download import png_size
from tests.test_report_variants import translator, variant_dir
from web import deck, slides
from web.deck import cache, content, pptx_file

DS = get_dataset()
META = DS.meta
PNG_1PX = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
TITLE_TYPES = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE}
REAL_PAGE = "/oes/OES.02"


def chart_pages() -> list[str]:
    """Every page address with a registered ``export_figures``, each code, and query variants."""
    paths = ["/", "/covid", "/covid?vista=abs&alcance=todos", "/perspectiva", "/unidades"]
    paths += ["/explorar", "/explorar?oes=OES.02&nivel=AES"]
    paths += [f"/oes/{code}" for code in DS.oes["oes_code"]]
    paths += [f"/aes/{code}" for code in DS.aes["aes_code"]]
    return paths


def split(address: str) -> tuple[str, dict[str, str]]:
    path, _, query = address.partition("?")
    return path, dict(pair.split("=") for pair in query.split("&") if pair)


def deck_of(data: bytes) -> Any:
    return Presentation(io.BytesIO(data))


def slide_title(slide: Any) -> str:
    title = slide.shapes.title
    assert title is not None and title.is_placeholder, "no title placeholder"
    assert title.placeholder_format.type in TITLE_TYPES
    return title.text_frame.text


def pictures(slide: Any) -> list[Any]:
    return [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]


def check_deck(data: bytes, charts: int) -> Any:
    """The issue's checks: 16:9, cover + one slide per chart, titles, pictures, notes."""
    presentation = deck_of(data)
    assert presentation.slide_width * 9 == presentation.slide_height * 16
    assert len(presentation.slides) == charts + 1
    for slide in presentation.slides:
        assert slide_title(slide).strip()
    for slide in list(presentation.slides)[1:]:
        [picture] = pictures(slide)
        assert pptx_file.alt_text(picture).startswith(slide_title(slide))
        notes = slide.notes_slide.notes_text_frame.text
        assert META.source in notes and "Datos del gráfico" in notes
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        assert META.source in texts  # the source line on the slide itself
    return presentation


@pytest.fixture
def fake_render(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[int]:
    """A stand-in renderer (one tiny PNG per figure) and an empty cache; counts the calls."""
    calls: list[int] = []

    def render(figures: Any, options: Any = None) -> list[bytes]:
        calls.append(len(figures))
        return [PNG_1PX] * len(figures)

    monkeypatch.setattr(slides, "render_pngs", render)
    monkeypatch.setattr(slides, "chromium_path", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(deck, "chromium_path", lambda: "/usr/bin/chromium")
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "decks"))
    return calls


@pytest.fixture(scope="module")
def client() -> Any:
    return dashboard.server.test_client()


# --------------------------------------------------------------------------- key messages


def row(iid: str) -> dict[str, Any]:
    return DS.summary.set_index("indicator_id").loc[iid].to_dict()


def test_indicator_message_is_the_issue_example():
    summary = DS.summary.set_index("indicator_id")
    expected = (
        f"Valor {META.year}: 6.05 · −45.7 % frente a {META.previous_year} · "
        f"211 % de la meta {META.plan_end}"
    )
    assert summary.loc["OES.02-1", "reference_year"] == META.plan_end
    assert key_messages.indicator_message(row("OES.02-1"), META) == expected


def test_indicator_message_names_the_yearly_target_and_missing_values():
    message = key_messages.indicator_message(row("AES.01.03-1"), META)
    assert message.endswith(f"28 % del logro esperado {META.year}")
    missing = {"unit": "numero", "missing_current_reason": "celda «ND»", "degree": float("nan")}
    assert key_messages.indicator_message(missing, META) == (
        f"Sin valor {META.year} (celda «ND») · sin valor {META.previous_year} para comparar"
    )


def test_numbers_as_the_report_prints_them():
    assert key_messages.fmt_value(37368.0, "numero") == "37,368"
    assert key_messages.fmt_value(83.33, "porcentaje") == "83.33 %"
    assert key_messages.fmt_value(-0.5, "ratio") == "−0.50"
    assert key_messages.fmt_pct(15.415, 1, signed=True) == "+15.4 %"
    assert key_messages.fmt_pct(None) == "—"


def test_avance_message_flags_a_reported_avance_that_does_not_recompute():
    message = key_messages.avance_message(row("AES.04.01-1"), META)
    assert f"Avance Tipo 1 {META.year}: 33 % reportado, 38 % recalculado (no coincide)" in message
    assert "Tipo 2" in message and "−71 % reportado, −100 % recalculado" in message
    assert "no coincide" not in key_messages.avance_message(row("AES.03.01-2"), META)


def test_counts_and_covid_messages_count_the_data():
    counts = DS.summary["status"].value_counts()
    text = key_messages.status_counts_message(DS.summary, DS.status_rules)
    assert text.startswith(f"{len(DS.summary)} indicadores: {counts['cumplido']} Cumplido")
    comp = covid.comparison(DS)
    fell = int((comp["change_direction"] == "fell").sum())
    years = covid.period(META)
    message = key_messages.covid_message(comp, years.before, years.pandemic)
    assert message.startswith(f"{fell} de {len(comp)} indicadores bajaron de {years.before}")
    empty = comp.iloc[0:0]
    assert "mayor caída" not in key_messages.covid_message(empty, years.before, years.pandemic)


def test_outlook_and_units_messages_use_the_final_year():
    table = pd.DataFrame({"progress_status": ["meta_alcanzada", "deterioro", "sustancial"]})
    message = key_messages.outlook_message(table, META)
    assert message.startswith("Al ritmo observado, 2 de 3 indicadores")
    assert f"meta {META.plan_end}" in message and "1 en deterioro" in message
    units = pd.DataFrame({"unit": ["DGA"], "indicators": [4], "rezagado": [3]})
    assert "DGA tiene más indicadores (4), 3 rezagados" in key_messages.units_message(units, META)


@pytest.mark.parametrize("address", chart_pages())
def test_every_chart_of_every_page_has_a_key_message(address):
    path, params = split(address)
    try:
        charts = slides.page_charts(path, params, dashboard.is_page_path)
    except slides.HttpError as error:  # an AES without charts
        assert error.status == 404 and error.message == slides.NO_CHARTS_MESSAGE
        return
    for spec in content.chart_slides(charts, params, DS):
        assert spec.message, spec.stem
        assert spec.title and "<" not in spec.title


# --------------------------------------------------------------------------- every page's deck


def test_every_page_deck(client, fake_render):
    """Every page with charts: the deck opens with python-pptx and passes the issue's checks."""
    checked = 0
    for address in chart_pages():
        path, params = split(address)
        response = client.get(slides.DECK_ROUTE, query_string={"pagina": path, **params})
        if response.status_code == 404:
            assert response.get_data(as_text=True).strip() == slides.NO_CHARTS_MESSAGE
            assert path.startswith("/aes/")
            continue
        assert response.status_code == 200, (address, response.data[:200])
        charts = slides.page_charts(path, params, dashboard.is_page_path)
        presentation = check_deck(response.data, len(charts))
        titles = [slide_title(s) for s in list(presentation.slides)[1:]]
        assert titles == [s.title for s in content.chart_slides(charts, params, DS)]
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="{slides.deck_filename(path)}"'
        )
        checked += 1
    assert checked >= 10
    assert all(n >= 1 for n in fake_render)  # one render call per deck, never one per chart


def test_cover_has_the_report_page_year_and_source(client, fake_render):
    data = client.get(slides.DECK_ROUTE, query_string={"pagina": "/oes/OES.01"}).data
    cover = deck_of(data).slides[0]
    text = "\n".join(s.text_frame.text for s in cover.shapes if s.has_text_frame)
    name = DS.oes.set_index("oes_code").loc["OES.01", "name"]
    assert slide_title(cover) == "Objetivo estratégico sectorial OES.01"
    for part in (META.title, str(META.year), META.source, " ".join(name.split())):
        assert part in text


def test_fonts_and_language(client, fake_render):
    data = client.get(slides.DECK_ROUTE, query_string={"pagina": "/"}).data
    fonts = {
        run.font.name
        for slide in deck_of(data).slides
        for shape in slide.shapes
        if shape.has_text_frame
        for paragraph in shape.text_frame.paragraphs
        for run in paragraph.runs
    }
    assert fonts == {"Calibri"}


def test_whole_report_order(client, fake_render):
    response = client.get(slides.DECK_ROUTE)
    assert response.status_code == 200
    assert slides.deck_filename(None) in response.headers["Content-Disposition"]
    presentation = deck_of(response.data)
    titles = [slide_title(s) for s in presentation.slides]
    assert titles[0] == META.title
    assert titles[1].startswith(f"Resumen {META.year}")
    assert titles[-1] == "Fuente"
    oes_codes = list(DS.oes["oes_code"])
    positions = [
        next(i for i, t in enumerate(titles) if t.startswith(f"{c} · ")) for c in oes_codes
    ]
    assert positions == sorted(positions)
    covid_charts = slides.page_charts("/covid", {}, dashboard.is_page_path)
    first_covid = titles.index(content.chart_slides(covid_charts, {}, DS)[0].title)
    outlook = next(i for i, t in enumerate(titles) if f"meta {META.plan_end}" in t)
    findings = [i for i, t in enumerate(titles) if t.startswith("Inconsistencias del reporte")]
    assert positions[-1] < first_covid < outlook < findings[0] < len(titles) - 1
    assert len(findings) == math.ceil(len(DS.findings) / 6)
    listed = "\n".join(presentation.slides[i].notes_slide.notes_text_frame.text for i in findings)
    assert all(f"{fid}:" in listed for fid in DS.findings["finding_id"])
    # every OES slide lists its indicators in a native table
    oes_slide = presentation.slides[positions[0]]
    [table] = [s.table for s in oes_slide.shapes if s.has_table]
    ids = list(DS.summary.loc[DS.summary["oes_code"] == oes_codes[0], "indicator_id"])
    assert [table.cell(r, 0).text for r in range(1, len(table.rows))] == ids
    assert fake_render == [sum(1 for s in presentation.slides if pictures(s))]


# --------------------------------------------------------------------------- cache and ETag


def test_deck_is_cached_per_data_version_and_revalidated(client, fake_render, tmp_path):
    query = {"pagina": "/oes/OES.01"}
    first = client.get(slides.DECK_ROUTE, query_string=query)
    assert fake_render == [2]
    second = client.get(slides.DECK_ROUTE, query_string=query)
    assert fake_render == [2] and second.data == first.data  # from the disk cache
    etag = first.headers["ETag"]
    assert etag.startswith('W/"') and first.headers["Cache-Control"] == "public, no-cache"
    again = client.get(slides.DECK_ROUTE, query_string=query, headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.data
    other = client.get(slides.DECK_ROUTE, query_string={"pagina": "/oes/OES.03"})
    assert other.headers["ETag"] != etag
    files = list((tmp_path / "decks").rglob("*.pptx"))
    assert len(files) == 2 and {f.parent.name for f in files} == {deck.data_version(DS.data_dir)}


def test_zip_is_revalidated_without_rendering(client, fake_render):
    query = {"pagina": "/oes/OES.01", "formato": "svg"}
    first = client.get(slides.ZIP_ROUTE, query_string=query)
    assert first.status_code == 200 and fake_render == [2]
    assert first.headers["Content-Disposition"] == (
        f'attachment; filename="{META.file_prefix}_OES.01_graficos-svg.zip"'
    )
    etag = first.headers["ETag"]
    again = client.get(slides.ZIP_ROUTE, query_string=query, headers={"If-None-Match": etag})
    assert again.status_code == 304 and fake_render == [2]
    png = client.get(slides.ZIP_ROUTE, query_string={"pagina": "/oes/OES.01"})
    assert png.headers["ETag"] != etag and fake_render == [2, 2]


def test_cache_keeps_the_newest_files(monkeypatch, tmp_path):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(cache, "MAX_FILES", 3)
    for index in range(5):
        cache.get_or_build("v1", f"key{index}", lambda index=index: bytes([index]))
        os.utime(cache.path_for("v1", f"key{index}"), (index, index))
    assert sorted(p.read_bytes() for p in (tmp_path / "v1").iterdir()) == [
        b"\x02",
        b"\x03",
        b"\x04",
    ]
    assert cache.get_or_build("v2", "key0", lambda: b"new") == b"new"  # another data version


def test_an_unwritable_cache_still_answers(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_bytes(b"")
    monkeypatch.setenv(cache.CACHE_ENV, str(blocker))  # a file: no folder can be made in it
    assert cache.get_or_build("v1", "k", lambda: b"deck") == b"deck"


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"pagina": "/no-existe"}, slides.UNKNOWN_PAGE_MESSAGE),
        ({"pagina": "/oes/OES.09"}, slides.UNKNOWN_PAGE_MESSAGE),
        ({"pagina": ""}, slides.UNKNOWN_PAGE_MESSAGE),
        ({"pagina": "/calidad"}, slides.NO_CHARTS_MESSAGE),
        ({"pagina": "/aes/AES.01.01"}, slides.NO_CHARTS_MESSAGE),
    ],
)
def test_deck_bad_page_is_404_with_a_message(client, fake_render, query, message):
    response = client.get(slides.DECK_ROUTE, query_string=query)
    assert response.status_code == 404
    assert response.get_data(as_text=True).strip() == message
    assert fake_render == []


@pytest.mark.parametrize("formato", ["gif", "pdf", "SVG", ""])
def test_zip_unknown_format_is_404(client, formato):
    response = client.get(slides.ZIP_ROUTE, query_string={"pagina": "/", "formato": formato})
    assert response.status_code == 404
    assert response.get_data(as_text=True).strip() == slides.UNKNOWN_FORMAT_MESSAGE


def test_deck_without_chromium_is_503(client, monkeypatch):
    monkeypatch.setattr(deck, "chromium_path", lambda: None)
    monkeypatch.setattr(slides, "chromium_path", lambda: None)
    response = client.get(slides.DECK_ROUTE, query_string={"pagina": "/"})
    assert response.status_code == 503
    assert response.get_data(as_text=True).strip() == slides.NO_CHROMIUM_MESSAGE


# --------------------------------------------------------------------------- the bar


def test_bar_has_the_deck_button_beside_the_zip(monkeypatch):
    monkeypatch.setattr(slides, "chromium_path", lambda: "/usr/bin/chromium")
    with dashboard.server.test_request_context("/"):
        [bar] = slides.bar_children("/oes/OES.01", "", dashboard.is_page_path)
        [home] = slides.bar_children("/", "", dashboard.is_page_path)
    zip_link, deck_link, status = bar.children
    assert zip_link.children == slides.BUTTON_LABEL and deck_link.children == slides.DECK_LABEL
    assert deck_link.href == f"{slides.DECK_ROUTE}?pagina=%2Foes%2FOES.01"
    assert deck_link.download == f"{META.file_prefix}_OES.01_presentacion.pptx"
    assert getattr(status, "aria-live") == "polite" and status.role == "status"
    whole = home.children[2]
    assert whole.children == slides.WHOLE_DECK_LABEL and whole.href == slides.DECK_ROUTE
    assert whole.download == f"{META.file_prefix}_reporte_presentacion.pptx"


def test_deck_script_is_an_asset():
    script = Path(dashboard.app.config.assets_folder) / "pesem.js"
    text = script.read_text(encoding="utf-8")
    assert "a[data-deck]" in text and "aria-busy" in text and "data-busy-label" in text


# --------------------------------------------------------------------------- real rendering


@pytest.fixture(scope="module")
def real_decks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, bytes]]:
    """A page deck, the whole report's deck and the page's SVG ZIP, rendered for real once."""
    if slides.chromium_path() is None:
        pytest.fail("Chromium is needed to render the decks (make browser)")
    folder = tmp_path_factory.mktemp("decks")
    saved = os.environ.get(cache.CACHE_ENV)
    os.environ[cache.CACHE_ENV] = str(folder)
    try:
        client = dashboard.server.test_client()
        out = {
            "page": client.get(slides.DECK_ROUTE, query_string={"pagina": REAL_PAGE}),
            "whole": client.get(slides.DECK_ROUTE),
            "svg": client.get(
                slides.ZIP_ROUTE, query_string={"pagina": REAL_PAGE, "formato": "svg"}
            ),
        }
    finally:
        if saved is None:
            os.environ.pop(cache.CACHE_ENV, None)
        else:
            os.environ[cache.CACHE_ENV] = saved
    for name, response in out.items():
        assert response.status_code == 200, (name, response.data[:300])
    yield {name: response.data for name, response in out.items()}


@pytest.mark.slow  # real Chromium renders and LibreOffice: not in make test-fast
def test_real_page_deck_pictures(real_decks):
    charts = slides.page_charts(REAL_PAGE, {}, dashboard.is_page_path)
    presentation = check_deck(real_decks["page"], len(charts))
    for slide in list(presentation.slides)[1:]:
        [picture] = pictures(slide)
        width, height = png_size(picture.image.blob)
        assert (width, height) == (
            content.PICTURE_WIDTH * content.PICTURE_SCALE,
            content.PICTURE_HEIGHT * content.PICTURE_SCALE,
        )
        assert picture.width * height == pytest.approx(picture.height * width, rel=0.01)


@pytest.mark.slow  # real Chromium renders and LibreOffice: not in make test-fast
def test_real_whole_deck_opens(real_decks):
    presentation = deck_of(real_decks["whole"])
    assert presentation.slide_width * 9 == presentation.slide_height * 16
    assert all(slide_title(s).strip() for s in presentation.slides)


@pytest.mark.slow  # real Chromium renders and LibreOffice: not in make test-fast
def test_svg_zip_has_the_png_zip_names(real_decks):
    charts = slides.page_charts(REAL_PAGE, {}, dashboard.is_page_path)
    with zipfile.ZipFile(io.BytesIO(real_decks["svg"])) as archive:
        names = [n for n in archive.namelist() if n != "README.txt"]
        assert names == [f"{stem}.svg" for stem, _ in charts]
        for name in names:
            svg = archive.read(name).decode("utf-8")
            assert svg.lstrip().startswith("<svg") and "</svg>" in svg
        assert "SVG" in archive.read("README.txt").decode("utf-8")


@pytest.mark.slow  # real Chromium renders and LibreOffice: not in make test-fast
def test_libreoffice_converts_the_deck(real_decks, tmp_path):
    """LibreOffice (Debian's libreoffice-impress, `make browser`) reads the deck: one PDF page
    per slide."""
    soffice, pdfinfo = shutil.which("soffice"), shutil.which("pdfinfo")
    if soffice is None or pdfinfo is None:
        pytest.fail("soffice and pdfinfo are needed: make browser installs them")
    source = tmp_path / "deck.pptx"
    source.write_bytes(real_decks["page"])
    profile = (tmp_path / "profile").as_uri()  # its own profile: no clash with another soffice
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
        + ["--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    info = subprocess.run(
        [pdfinfo, str(tmp_path / "deck.pdf")], check=True, capture_output=True, text=True
    ).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))
    assert pages == len(deck_of(real_decks["page"]).slides)


def test_page_registry_pages_with_charts_are_all_covered():
    """chart_pages() above lists every page module with ``export_figures``."""
    with_charts = {
        page["path"]
        if "path_template" not in page or not page.get("path_template")
        else page["path_template"].split("<")[0]
        for page in dash.page_registry.values()
        if slides.export_function(page) is not None
    }
    listed = {split(a)[0] for a in chart_pages()}
    for path in with_charts:
        assert any(p == path or p.startswith(path) for p in listed), path
    page, _ = page_for("/oes/OES.01")
    assert slides.export_function(page) is not None


def test_key_messages_follow_another_report(tmp_path_factory):
    """Issue 13's property for the deck's texts: a report with every year moved and another
    sector gets the same messages, years and names moved."""
    variant = load_dataset(variant_dir(tmp_path_factory.mktemp("variant")))
    translate = translator(DS, variant)
    pairs = zip(DS.summary.to_dict("records"), variant.summary.to_dict("records"), strict=True)
    for a, b in pairs:
        for message in (key_messages.indicator_message, key_messages.avance_message):
            assert translate(message(a, META)) == message(b, variant.meta)
    assert translate(content.summary_slide(DS).title) == content.summary_slide(variant).title
    oes = str(DS.oes["oes_code"].iloc[0])
    assert content.oes_slide(DS, oes).rows == content.oes_slide(variant, oes).rows
    assert translate(content.closing(DS).lines[0]) == content.closing(variant).lines[0]
