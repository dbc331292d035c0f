"""Presenter export: the slide (components/slide.py) and its PNG/ZIP routes (web/slides.py).

The route tests render with kaleido on the system Chromium (one browser per request).
"""

from __future__ import annotations

import io
import os
import re
import struct
import sys
import zipfile
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import dash
import plotly.graph_objects as go
import plotly.io as pio
import pytest

import app as dashboard
from components.graph import CHART_PARAM, PNG_ROUTE, chart_card, graph_config
from components.routing import page_for
from components.slide import (
    MIN_FONT_SIZE,
    SLIDE_HEIGHT,
    SLIDE_TEMPLATE,
    SLIDE_WIDTH,
    TITLE_FONT_SIZE,
    is_source_annotation,
    slide_figure,
)
from components.theme import apply_theme
from pesem.loader import get_dataset
from web import slides

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
META = get_dataset().meta
ZIP_PAGES = ["/", "/oes/OES.01", "/aes/AES.03.04", "/covid"]
#: Every page with charts, and the query variants that change them.
CHART_PAGES = [
    *ZIP_PAGES,
    "/covid?vista=abs&alcance=todos",
    "/unidades",
    "/perspectiva",
    "/explorar",
    "/explorar?oes=OES.02&nivel=AES",
]

apply_theme()


# --------------------------------------------------------------------------- helpers


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from the IHDR chunk (first chunk, right after the signature)."""
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    return struct.unpack(">II", data[16:24])


def font_sizes(node: Any) -> list[float]:
    """Every ``*font.size`` in a figure's JSON (its template included)."""
    found: list[float] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("font") and isinstance(value, dict):
                size = value.get("size")
                if isinstance(size, int | float):
                    found.append(size)
            found += font_sizes(value)
    elif isinstance(node, list):
        for item in node:
            found += font_sizes(item)
    return found


def sources(fig: go.Figure) -> list[Any]:
    return [a for a in fig.layout.annotations if is_source_annotation(a.to_plotly_json())]


def effective(fig: go.Figure, key: str) -> dict[str, Any]:
    """``layout[key]`` as plotly resolves it: the template's values under the figure's own."""
    own = fig.layout[key].to_plotly_json()
    return {**fig.layout.template.layout[key].to_plotly_json(), **own}


def line_chart(**layout: Any) -> go.Figure:
    fig = go.Figure(
        [
            go.Scatter(x=[2016, 2017, 2018, 2019, 2020], y=[1, 3, 2, 4, 5], name="Valor obtenido"),
            go.Scatter(x=[2016, 2020], y=[2, 4], name="Logro esperado"),
        ]
    )
    fig.update_layout(
        yaxis_title="Número",
        height=420,
        margin={"t": 20, "b": 30},
        legend={"orientation": "h", "x": 0, "y": 1, "yanchor": "bottom"},
        **layout,
    )
    return fig


def page_figures(path: str) -> list[tuple[str, go.Figure]]:
    page, variables = page_for(path)
    params = {k: v[0] for k, v in parse_qs(urlsplit(path).query).items()}
    return sys.modules[page["module"]].export_figures(**params, **variables)


def _walk(component: Any) -> Iterator[Any]:
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            yield from _walk(child)


def assert_slide(slide: go.Figure, where: str) -> None:
    """What every slide must have: size, title, one source line, fonts, legend off the plot."""
    assert (slide.layout.width, slide.layout.height) == (SLIDE_WIDTH, SLIDE_HEIGHT), where
    assert slide.layout.autosize is False, where
    assert slide.layout.title.text and "<br" not in slide.layout.title.text, where
    assert effective(slide, "title")["font"]["size"] >= TITLE_FONT_SIZE, where
    assert [s.text for s in sources(slide)] == [META.source], where
    sizes = font_sizes(slide.to_plotly_json())
    assert sizes and min(sizes) >= MIN_FONT_SIZE, (where, sorted(set(sizes))[:3])
    legend = effective(slide, "legend")
    # outside the plot area, right of it, in plot-area coordinates: plotly's automargin makes
    # room for it (it never covers data)
    assert (legend["xref"], legend["xanchor"]) == ("paper", "left"), where
    assert legend["x"] > 1 and legend["orientation"] == "v", where
    # the screen's pixel placement is gone: the template decides
    assert slide.layout.margin.to_plotly_json() == {}, where


# --------------------------------------------------------------------------- slide_figure


def test_slide_template_is_registered():
    assert SLIDE_TEMPLATE in pio.templates
    template = pio.templates[SLIDE_TEMPLATE].layout
    assert template.font.size >= MIN_FONT_SIZE and template.title.font.size == TITLE_FONT_SIZE
    assert template.title.automargin is True


def test_slide_adds_title_source_size_and_big_fonts():
    fig = line_chart()
    slide = slide_figure(fig, title="Conexiones consulares")
    assert slide.layout.title.text == "Conexiones consulares"
    assert_slide(slide, "line chart")
    # content untouched: traces, names, axis title
    assert [t.name for t in slide.data] == ["Valor obtenido", "Logro esperado"]
    assert slide.layout.yaxis.title.text == "Número"
    # the figure's own template is kept under the slide's
    assert slide.layout.template.layout.colorway == pio.templates["pesem"].layout.colorway


def test_slide_is_pure_and_keeps_the_figure_title_and_replaces_its_source():
    fig = line_chart(title={"text": "Título propio", "font": {"size": 12}})
    fig.add_annotation(text="Fuente: antigua", x=1, y=0, xref="paper", yref="paper", yshift=-50)
    fig.add_annotation(text="nota", x=0, y=1, xref="paper", yref="paper", font={"size": 10})
    before = fig.to_plotly_json()
    slide = slide_figure(fig, title="Otro título", source="Fuente: la del informe")
    assert fig.to_plotly_json() == before  # the page's figure is not modified
    assert slide.layout.title.text == "Título propio"
    assert [a.text for a in slide.layout.annotations] == ["nota", "Fuente: la del informe"]
    assert slide.layout.annotations[0].font.size == MIN_FONT_SIZE


def test_slide_without_theme_or_title():
    fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]), layout={"template": "none"})
    slide = slide_figure(fig, title="Barras")
    assert_slide(slide, "bare figure")


def test_multi_line_title_becomes_title_and_subtitle():
    """plotly places a title anchored at the top by its first line (the others would be cut
    off): the lines after the first go to title.subtitle."""
    slide = slide_figure(line_chart(), title="Grado de cumplimiento<br><sup>Unidad: DGC</sup>")
    assert slide.layout.title.text == "Grado de cumplimiento"
    assert slide.layout.title.subtitle.text == "Unidad: DGC"
    own = line_chart(
        title={
            "text": "Propio<br>Segunda línea",
            "subtitle": {"text": "Sub", "font": {"size": 9}},
            "yref": "container",
            "y": 0.98,
        }
    )
    slide = slide_figure(own)
    assert (slide.layout.title.text, slide.layout.title.subtitle.text) == (
        "Propio",
        "Segunda línea<br>Sub",
    )
    assert slide.layout.title.y is None  # placement from the slide template
    # the subtitle's font from the slide template too (the screen's 9 px is dropped)
    assert slide.layout.title.subtitle.font.size is None
    assert slide.layout.template.layout.title.subtitle.font.size >= MIN_FONT_SIZE
    assert not slide_figure(line_chart(), title="Una línea").layout.title.subtitle.text


@pytest.mark.parametrize("path", CHART_PAGES)
def test_every_page_chart_has_a_complete_slide(path):
    charts = page_figures(path)
    assert charts, f"{path}: export_figures returned no chart"
    for stem, fig in charts:
        assert stem.startswith(f"{META.file_prefix}_"), stem
        assert_slide(slide_figure(fig), stem)


# --------------------------------------------------------------------------- chart card


def test_chart_card_links_to_the_server_slide():
    with dashboard.server.test_request_context("/"):
        card = chart_card("g", line_chart(), title="Mi gráfico", filename="prefijo_x_y")
    [link] = [c for c in _walk(card) if getattr(c, "children", None) == "Descargar PNG"]
    assert type(link).__name__ == "A" and link.role == "button"
    assert link.href == f"{dash.get_relative_path(PNG_ROUTE)}?{CHART_PARAM}=prefijo_x_y"
    assert link.download == "prefijo_x_y.png"
    props = link.to_plotly_json()["props"]
    assert props["data-png-chart"] == props["data-filename"] == "prefijo_x_y"
    [graph] = [c for c in _walk(card) if type(c).__name__ == "Graph"]
    assert graph.config == graph_config("prefijo_x_y")


def test_modebar_camera_saves_the_screen_chart_at_slide_size():
    options = graph_config("a b.png")["toImageButtonOptions"]
    assert options == {"format": "png", "filename": "a-b", "width": 1600, "height": 900, "scale": 2}


# --------------------------------------------------------------------------- routes


def _need_chromium() -> None:
    if slides.chromium_path() is None:
        message = "Chromium not found: the slides cannot be rendered"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="module")
def client():
    return dashboard.server.test_client()


@pytest.fixture(scope="module")
def zips(client) -> dict[str, Any]:
    _need_chromium()
    return {path: client.get(slides.ZIP_ROUTE, query_string={"pagina": path}) for path in ZIP_PAGES}


@pytest.mark.parametrize("path", ZIP_PAGES)
def test_zip_has_one_slide_png_per_chart(zips, path):
    response = zips[path]
    assert response.status_code == 200, response.data[:200]
    assert response.mimetype == "application/zip"
    name = slides.zip_filename(path)
    assert re.fullmatch(rf"{re.escape(META.file_prefix)}_[A-Za-z0-9._-]+_graficos\.zip", name)
    assert f'filename="{name}"' in response.headers["Content-Disposition"]
    stems = [stem for stem, _ in page_figures(path)]
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        names = archive.namelist()
        assert names == [f"{stem}.png" for stem in stems] + ["README.txt"]
        for member in names[:-1]:
            assert png_size(archive.read(member)) == (3200, 1800), member
        readme = archive.read("README.txt").decode("utf-8")
    assert META.source in readme and META.plan in readme
    assert re.search(r"Generado el \d{4}-\d{2}-\d{2} \d{2}:\d{2}", readme)
    assert all(f"{stem}.png" in readme for stem in stems)


def test_png_route_gives_the_zip_member_byte_for_byte(client, zips):
    stem = page_figures("/covid")[-1][0]
    response = client.get(PNG_ROUTE, query_string={"pagina": "/covid", "grafico": stem})
    assert response.status_code == 200, response.data[:200]
    assert response.mimetype == "image/png"
    assert f'filename="{stem}.png"' in response.headers["Content-Disposition"]
    assert png_size(response.data) == (3200, 1800)
    with zipfile.ZipFile(io.BytesIO(zips["/covid"].data)) as archive:
        assert archive.read(f"{stem}.png") == response.data


def test_png_route_renders_the_page_query(client):
    _need_chromium()
    [(stem, _)] = page_figures("/explorar?oes=OES.02")
    query = {"pagina": "/explorar", "grafico": stem, "oes": "OES.02"}
    response = client.get(PNG_ROUTE, query_string=query)
    assert response.status_code == 200, response.data[:200]
    assert png_size(response.data) == (3200, 1800)
    # that chart exists only with its filters
    del query["oes"]
    assert client.get(PNG_ROUTE, query_string=query).status_code == 404


@pytest.mark.parametrize("route", [slides.ZIP_ROUTE, PNG_ROUTE])
@pytest.mark.parametrize(
    "pagina",
    ["/no-existe", "/oes/OES.09", "", "../../etc/passwd", "oes/OES.01", "/" + "x" * 400],
)
def test_unknown_page_is_404(client, route, pagina):
    response = client.get(route, query_string={"pagina": pagina, "grafico": "x"})
    assert response.status_code == 404
    assert response.get_data(as_text=True).strip() == slides.UNKNOWN_PAGE_MESSAGE


@pytest.mark.parametrize("route", [slides.ZIP_ROUTE, PNG_ROUTE])
def test_without_pagina_is_404(client, route):
    assert client.get(route).status_code == 404


@pytest.mark.parametrize("grafico", ["", "no-existe", "../resumen_oes", None])
def test_unknown_chart_is_404(client, grafico):
    query = {"pagina": "/"} | ({} if grafico is None else {"grafico": grafico})
    response = client.get(PNG_ROUTE, query_string=query)
    assert response.status_code == 404
    assert response.get_data(as_text=True).strip() == slides.UNKNOWN_CHART_MESSAGE


@pytest.mark.parametrize("route", [slides.ZIP_ROUTE, PNG_ROUTE])
def test_page_without_charts_is_404_with_a_message(client, route):
    response = client.get(route, query_string={"pagina": "/calidad", "grafico": "x"})
    assert response.status_code == 404
    assert response.get_data(as_text=True).strip() == slides.NO_CHARTS_MESSAGE


def test_without_chromium_is_503_and_the_zip_button_says_why(client, monkeypatch):
    monkeypatch.setattr(slides, "chromium_path", lambda: None)
    stem = page_figures("/")[0][0]
    for route in (slides.ZIP_ROUTE, PNG_ROUTE):
        response = client.get(route, query_string={"pagina": "/", "grafico": stem})
        assert response.status_code == 503
        assert slides.NO_CHROMIUM_MESSAGE in response.get_data(as_text=True)
    with dashboard.server.test_request_context("/"):
        [bar] = slides.bar_children("/oes/OES.01", "", dashboard.is_page_path)
    parts = list(_walk(bar))
    buttons = [c for c in parts if type(c).__name__ == "Button"]
    assert [b.children for b in buttons] == [slides.BUTTON_LABEL, slides.DECK_LABEL]
    assert all(b.disabled is True for b in buttons)
    assert slides.NO_CHROMIUM_MESSAGE in [c.children for c in parts if type(c).__name__ == "Span"]
    assert not [c for c in parts if type(c).__name__ == "A"]


def test_a_renderer_that_fails_is_503(client, monkeypatch):
    def broken(figures, options=None):
        raise slides.RenderError("boom")

    monkeypatch.setattr(slides, "render_pngs", broken)
    stem = page_figures("/unidades")[0][0]
    for route in (slides.ZIP_ROUTE, PNG_ROUTE):
        response = client.get(route, query_string={"pagina": "/unidades", "grafico": stem})
        assert response.status_code == 503
        assert response.get_data(as_text=True).strip() == slides.RENDER_FAILED_MESSAGE


def test_a_browser_that_cannot_start_is_a_render_error(monkeypatch, tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("BROWSER_PATH", str(fake))
    assert slides.chromium_path() == str(fake)
    with pytest.raises(slides.RenderError):
        slides.render_pngs([slide_figure(line_chart(), title="x")])
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "missing"))
    assert slides.chromium_path() is None


# --------------------------------------------------------------------------- shell button


def _registry_layout(path: str, **query: str) -> list[Any]:
    page, variables = page_for(path)
    with dashboard.server.test_request_context("/"):
        return list(_walk(page["layout"](**variables, **query)))


def _bars(nodes: list[Any]) -> list[Any]:
    return [n for n in nodes if "png-zip" in (getattr(n, "className", "") or "")]


def test_the_bar_opens_every_page_with_charts_and_follows_its_query(monkeypatch):
    """In the page's layout (router and first paint alike), not a callback on the URL."""
    monkeypatch.setattr(slides, "chromium_path", lambda: "/usr/bin/chromium")
    nodes = _registry_layout("/oes/OES.02")
    [bar] = _bars(nodes)
    assert nodes.index(bar) < min(i for i, n in enumerate(nodes) if type(n).__name__ == "H1")
    assert bar.children[0].href == f"{slides.ZIP_ROUTE}?pagina=%2Foes%2FOES.02"
    [bar] = _bars(_registry_layout("/covid", vista="abs", alcance="todos"))
    url = urlsplit(bar.children[0].href)
    assert url.path == slides.ZIP_ROUTE
    assert parse_qs(url.query) == {"pagina": ["/covid"], "vista": ["abs"], "alcance": ["todos"]}
    assert not _bars(_registry_layout("/calidad"))  # no charts, no bar
    assert not _bars(_registry_layout("/oes/OES.09"))  # not a page: its 404 content only
    assert not [c for c in dashboard.app.callback_map if "png-zip" in c]


@pytest.mark.parametrize(
    ("pathname", "search", "expected"),
    [
        ("/", "", "pagina=%2F"),
        ("/oes/OES.01", "", "pagina=%2Foes%2FOES.01"),
        ("/explorar", "?oes=OES.02&nivel=AES", "pagina=%2Fexplorar&oes=OES.02&nivel=AES"),
        ("/covid", "?vista=abs&grafico=x&pagina=/y", "pagina=%2Fcovid&vista=abs"),
    ],
)
def test_button_links_to_the_zip_of_the_page(monkeypatch, pathname, search, expected):
    monkeypatch.setattr(slides, "chromium_path", lambda: "/usr/bin/chromium")
    with dashboard.server.test_request_context("/"):
        [bar] = slides.bar_children(pathname, search, dashboard.is_page_path)
    link = bar.children[0]
    assert link.children == slides.BUTTON_LABEL
    assert link.href == f"{slides.ZIP_ROUTE}?{expected}"
    assert link.download == slides.zip_filename(pathname)


@pytest.mark.parametrize("pathname", ["/calidad", "/no-existe", "/oes/OES.09", None])
def test_no_button_without_charts(pathname):
    assert slides.bar_children(pathname, "", dashboard.is_page_path) == []
