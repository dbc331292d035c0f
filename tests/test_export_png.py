"""Presenter export: the slide layout (components/export.py) and the charts ZIP (png_zip.py).

The ZIP tests render with kaleido on /usr/bin/chromium (once per chart: each page's ZIP is
fetched once per module and the route keeps it in its cache).
"""

from __future__ import annotations

import copy
import io
import json
import os
import re
import struct
import sys
import zipfile
from collections.abc import Iterator
from typing import Any

import numpy as np
import plotly.graph_objects as go
import pytest

import app as dashboard
from components import png_zip
from components.export import (
    MIN_FONT_SIZE,
    MIN_TITLE_SIZE,
    SLIDE_HEIGHT,
    SLIDE_WIDTH,
    is_source_annotation,
    slide_figure,
    slide_patch,
)
from components.graph import SLIDE_PATCH_ATTRIBUTE, chart_card
from components.routing import page_for
from components.theme import MIN_LEGIBLE_FONT_SIZE, SOURCE_LINE, apply_theme

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ZIP_PAGES = ["/", "/oes/OES.01", "/aes/AES.03.04", "/covid"]
STEM = re.compile(r"^pesem-rree-2020_[A-Za-z0-9._-]+$")

apply_theme()


# --------------------------------------------------------------------------- helpers


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from the IHDR chunk (first chunk, right after the signature)."""
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    return struct.unpack(">II", data[16:24])


def font_sizes(node: Any) -> list[float]:
    """Every ``*font.size`` in a figure's JSON."""
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


def apply_patch(figure: dict, patch: list) -> dict:
    """What assets/pesem.js does with a slide patch (set each value, None deletes)."""
    out = copy.deepcopy(figure)
    for path, value in patch:
        node: Any = out
        for key, following in zip(path[:-1], path[1:], strict=True):
            present = key < len(node) if isinstance(node, list) else key in node
            child = node[key] if present else None
            if not isinstance(child, dict | list):
                child = [] if isinstance(following, int) else {}
                node[key] = child
            node = child
        if value is None:
            node.pop(path[-1], None)
        else:
            node[path[-1]] = copy.deepcopy(value)
    return out


def wire(fig: go.Figure) -> dict:
    import plotly.io as pio

    return json.loads(pio.to_json(fig, validate=False))


def line_chart(**layout: Any) -> go.Figure:
    fig = go.Figure(
        [
            go.Scatter(x=[2016, 2017, 2018, 2019, 2020], y=[1, 3, 2, 4, 5], name="Valor obtenido"),
            go.Scatter(x=[2016, 2020], y=[2, 4], name="Logro esperado"),
        ]
    )
    fig.update_layout(yaxis_title="Número", height=420, **layout)
    return fig


def page_figures(path: str) -> list[tuple[str, go.Figure]]:
    page, variables = page_for(path)
    return sys.modules[page["module"]].export_figures(**variables)


# --------------------------------------------------------------------------- slide_figure


def test_slide_adds_title_source_size_and_big_fonts():
    fig = line_chart()
    slide = slide_figure(fig, title="Conexiones consulares 2016-2020")
    assert slide.layout.title.text == "Conexiones consulares 2016-2020"
    assert slide.layout.title.font.size >= MIN_TITLE_SIZE
    assert (slide.layout.width, slide.layout.height) == (SLIDE_WIDTH, SLIDE_HEIGHT)
    assert slide.layout.autosize is False
    [source] = sources(slide)
    assert source.text == SOURCE_LINE
    assert source.font.size >= 18
    assert slide.layout.font.size >= MIN_FONT_SIZE
    sizes = font_sizes(slide.to_plotly_json())
    assert sizes and min(sizes) >= MIN_FONT_SIZE
    # legend, units and traces untouched
    assert len(slide.data) == 2 and slide.layout.showlegend is not False
    assert slide.layout.yaxis.title.text == "Número"
    # room under the plot for the source line
    assert slide.layout.margin.b >= -source.yshift + 18


def test_slide_is_pure_and_keeps_the_figure_title_and_source():
    fig = line_chart(title={"text": "Título propio"})
    fig.add_annotation(
        text=SOURCE_LINE, x=1, y=0, xref="paper", yref="paper", yshift=-50, showarrow=False
    )
    before = fig.to_plotly_json()
    slide = slide_figure(fig, title="Otro título")
    assert fig.to_plotly_json() == before  # the page's figure is not modified
    assert slide.layout.title.text == "Título propio"
    [source] = sources(slide)
    assert source.font.size >= 18
    assert source.yshift < -50  # pixel offsets grow with the text
    assert slide.layout.margin.b >= -source.yshift + 18


def test_slide_without_theme_or_title():
    fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]), layout={"template": "none"})
    slide = slide_figure(fig)
    assert (slide.layout.width, slide.layout.height) == (1600, 900)
    assert len(sources(slide)) == 1
    assert min(font_sizes(slide.to_plotly_json())) >= MIN_FONT_SIZE


def test_multi_line_title_becomes_title_and_subtitle():
    """plotly clips a multi-line title anchored at the top: the lines after the first go to
    title.subtitle, and the margin makes room for both."""
    one_line = slide_figure(line_chart(), title="Grado de cumplimiento")
    slide = slide_figure(line_chart(), title="Grado de cumplimiento<br><sup>Unidad: DGC</sup>")
    assert slide.layout.title.text == "Grado de cumplimiento"
    assert slide.layout.title.subtitle.text == "Unidad: DGC"
    assert MIN_FONT_SIZE <= slide.layout.title.subtitle.font.size < slide.layout.title.font.size
    assert slide.layout.margin.t > one_line.layout.margin.t
    assert not one_line.layout.title.subtitle.text
    # a title longer than a line is wrapped the same way, words intact
    long = slide_figure(line_chart(), title=" ".join(["indicador"] * 20))
    assert "<br" not in long.layout.title.text
    text = f"{long.layout.title.text} {long.layout.title.subtitle.text}".replace("<br>", " ")
    assert text.split() == ["indicador"] * 20
    # and a figure's own multi-line title too (what the ZIP renders)
    own = line_chart(
        title={"text": "Propio<br>Segunda línea", "yref": "container", "y": 0.98, "yanchor": "top"}
    )
    slide = slide_figure(own)
    assert (slide.layout.title.text, slide.layout.title.subtitle.text) == (
        "Propio",
        "Segunda línea",
    )
    patch = slide_patch(own)
    assert apply_patch(wire(own), patch) == wire(slide)


def test_slide_patch_turns_the_screen_figure_into_the_slide():
    fig = line_chart()
    fig.add_scatter(
        x=np.arange(3), y=np.array([1.0, 2.0, 3.0]), marker={"size": np.array([8, 10, 12])}
    )
    patch = slide_patch(fig, title="Un título")
    assert all(path[0] in ("data", "layout") for path, _ in patch)
    assert apply_patch(wire(fig), patch) == wire(slide_figure(fig, title="Un título"))
    assert len(json.dumps(patch)) < 20_000


@pytest.mark.parametrize("height", [2_000, 20_000, 80_000])
def test_slide_of_a_very_tall_chart_keeps_legible_fonts(height):
    """Two stacked panels 80,000 px tall (a chart of thousands of rows) are zoomed to ~0.01 to
    fit the slide: fonts shrink with them but never below MIN_LEGIBLE_FONT_SIZE (they used to
    round to 0 px, which plotly rejects with a ValueError)."""
    fig = go.Figure(
        [
            go.Scatter(x=[1, 2], y=[1, 2], textfont={"size": 12}, text=["a", "b"]),
            go.Scatter(x=[1, 2], y=[2, 1], xaxis="x2", yaxis="y2"),
        ]
    )
    fig.update_layout(
        height=height,
        title={"text": "Muy alto"},
        yaxis={"domain": [0, 0.45]},
        yaxis2={"domain": [0.55, 1]},
        xaxis2={"anchor": "y2"},
        annotations=[{"text": "nota", "font": {"size": 10}, "showarrow": False}],
    )
    slide = slide_figure(fig)
    sizes = font_sizes(slide.to_plotly_json())
    assert sizes and min(sizes) >= MIN_LEGIBLE_FONT_SIZE
    assert slide.layout.title.font.size >= MIN_LEGIBLE_FONT_SIZE
    assert apply_patch(wire(fig), slide_patch(fig)) == wire(slide)


def test_chart_card_carries_the_slide_patch():
    card = chart_card("g", line_chart(), title="Mi gráfico", filename="pesem-rree-2020_x_y")
    [figure] = [c for c in _walk(card) if type(c).__name__ == "Figure"]
    patch = json.loads(figure.to_plotly_json()["props"][SLIDE_PATCH_ATTRIBUTE])
    assert [["layout", "width"], 1600] in patch
    assert any(
        path[:2] == ["layout", "title"] and "Mi gráfico" in json.dumps(value, ensure_ascii=False)
        for path, value in patch
    )


def test_chart_card_slide_title_overrides_the_card_heading_in_the_png():
    card = chart_card(
        "g",
        line_chart(),
        title="Grado de cumplimiento",
        filename="pesem-rree-2020_explorar_cumplimiento_OES.02",
        slide_title="Grado de cumplimiento<br><sup>OES: OES.02</sup>",
    )
    [figure] = [c for c in _walk(card) if type(c).__name__ == "Figure"]
    assert "OES: OES.02" in figure.to_plotly_json()["props"][SLIDE_PATCH_ATTRIBUTE]
    assert figure.to_plotly_json()["props"]["aria-label"] == "Grado de cumplimiento"


def _walk(component: Any):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            yield from _walk(child)


@pytest.mark.parametrize("path", ZIP_PAGES)
def test_every_page_chart_has_a_complete_slide(path):
    charts = page_figures(path)
    assert charts, f"{path}: export_figures returned no chart"
    for stem, fig in charts:
        assert STEM.match(stem), stem
        slide = slide_figure(fig)
        assert slide.layout.title.text, f"{stem}: no title"
        assert len(sources(slide)) == 1, f"{stem}: source line"
        assert slide.layout.title.font.size >= MIN_TITLE_SIZE
        assert (slide.layout.width, slide.layout.height) == (1600, 900)
        patch = slide_patch(fig)
        assert apply_patch(wire(fig), patch) == wire(slide), stem


# --------------------------------------------------------------------------- ZIP route


def _need_chromium() -> None:
    if png_zip.chromium_path() is None:
        message = "Chromium not found: the ZIP of charts cannot be rendered"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="module")
def client():
    return dashboard.server.test_client()


@pytest.fixture(scope="module")
def zips(client) -> Iterator[dict[str, Any]]:
    _need_chromium()
    png_zip.cache.clear()
    try:
        yield {path: client.get(png_zip.ROUTE, query_string={"pagina": path}) for path in ZIP_PAGES}
    finally:
        png_zip.renderer.stop()  # the browser is not needed by the rest of the session


@pytest.mark.parametrize("path", ZIP_PAGES)
def test_zip_has_one_slide_png_per_chart(zips, path):
    response = zips[path]
    assert response.status_code == 200, response.data[:200]
    assert response.mimetype == "application/zip"
    assert png_zip.zip_filename(path) in response.headers["Content-Disposition"]
    stems = [stem for stem, _ in page_figures(path)]
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        names = archive.namelist()
        assert names == [f"{stem}.png" for stem in stems] + ["README.txt"]
        for name in names[:-1]:
            assert png_size(archive.read(name)) == (3200, 1800), name
        readme = archive.read("README.txt").decode("utf-8")
    assert SOURCE_LINE in readme
    assert re.search(r"Generado el \d{4}-\d{2}-\d{2} \d{2}:\d{2}", readme)
    assert all(f"{stem}.png" in readme for stem in stems)


def test_renders_take_tenths_of_a_second_once_started(zips):
    timings = png_zip.renderer.timings
    assert len(timings) >= 8
    warm = sorted(timings[1:])
    assert warm[len(warm) // 2] < 2.0, timings  # median of the warm renders


@pytest.mark.parametrize(
    "pagina",
    ["/no-existe", "/oes/OES.09", "", "../../etc/passwd", "oes/OES.01", "/" + "x" * 400],
)
def test_zip_unknown_page_is_404(client, pagina):
    response = client.get(png_zip.ROUTE, query_string={"pagina": pagina})
    assert response.status_code == 404
    assert "desconocida" in response.get_data(as_text=True)


def test_zip_without_pagina_is_404(client):
    assert client.get(png_zip.ROUTE).status_code == 404


def test_zip_of_a_page_without_charts_is_404_with_a_message(client):
    response = client.get(png_zip.ROUTE, query_string={"pagina": "/calidad"})
    assert response.status_code == 404
    assert response.get_data(as_text=True).strip() == png_zip.NO_CHARTS_MESSAGE


def test_zip_without_chromium_is_503(client, monkeypatch):
    monkeypatch.setattr(png_zip, "chromium_path", lambda: None)
    response = client.get(png_zip.ROUTE, query_string={"pagina": "/oes/OES.01"})
    assert response.status_code == 503
    assert png_zip.NO_CHROMIUM_MESSAGE in response.get_data(as_text=True)
    # and the button says so instead of linking to a failing download
    [bar] = png_zip.bar_children("/oes/OES.01", "", dashboard.is_page_path)
    parts = list(_walk(bar))
    [button] = [c for c in parts if type(c).__name__ == "Button"]
    assert button.disabled is True and button.children == "Descargar todos los gráficos"
    assert png_zip.NO_CHROMIUM_MESSAGE in [c.children for c in parts if type(c).__name__ == "Span"]
    assert not [c for c in parts if type(c).__name__ == "A"]


def test_zip_of_a_browser_that_fails_is_503(client, monkeypatch):
    def broken(figures):
        raise png_zip.RenderError("boom")

    monkeypatch.setattr(png_zip.renderer, "render", broken)
    png_zip.cache.clear()
    response = client.get(png_zip.ROUTE, query_string={"pagina": "/unidades"})
    assert response.status_code == 503


# --------------------------------------------------------------------------- shell button


def test_shell_has_the_bar_before_the_pages():
    ids = [getattr(c, "id", None) for c in _walk(dashboard.app.layout)]
    assert png_zip.BAR_ID in ids
    assert ids.index(png_zip.BAR_ID) < ids.index("_pages_location")


@pytest.mark.parametrize(
    ("pathname", "search", "expected"),
    [
        ("/", "", "pagina=%2F"),
        ("/oes/OES.01", "", "pagina=%2Foes%2FOES.01"),
        ("/explorar", "?oes=OES.02&nivel=AES", "pagina=%2Fexplorar&oes=OES.02&nivel=AES"),
    ],
)
def test_button_links_to_the_zip_of_the_page(monkeypatch, pathname, search, expected):
    monkeypatch.setattr(png_zip, "chromium_path", lambda: "/usr/bin/chromium")
    [bar] = png_zip.bar_children(pathname, search, dashboard.is_page_path)
    link = bar.children
    assert link.children == "Descargar todos los gráficos"
    assert link.href == f"{png_zip.ROUTE}?{expected}"
    assert link.download == png_zip.zip_filename(pathname)


@pytest.mark.parametrize("pathname", ["/calidad", "/no-existe", "/oes/OES.09", None])
def test_no_button_without_charts(pathname):
    assert png_zip.bar_children(pathname, "", dashboard.is_page_path) == []
