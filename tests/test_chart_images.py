"""Static charts without a browser: cache names and files, the route, the card, what is rendered.

web/chart_images.py renders each page's default-state charts ahead of time into a folder; a
chart card (components/graph.py) shows those pictures when they are all there, else the
interactive dcc.Graph. The browser side is tests/browser/test_static_charts.py.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import dash
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from dash import Dash, dcc, html
from flask import Flask

import app as dashboard
from components import graph
from components.graph import chart_card, graph_config
from components.page_bundles import CHUNKS
from tests.page_helpers import walk
from web import chart_images
from web.chart_images import NAME, WIDTHS, ImageStore, figure_key, svg_name


def small_figure(values: tuple[int, int] = (1, 2)) -> go.Figure:
    return go.Figure(go.Bar(x=["a", "b"], y=list(values)), layout={"height": 300})


def fill(store: ImageStore, text: str, height: int) -> str:
    """Put every file of a figure in ``store`` (pictures are placeholders); its key."""
    key = figure_key(text)
    for name in store.names(key, height):
        store.write(name, b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    return key


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ImageStore]:
    yield ImageStore(tmp_path / "charts")
    graph.use_static_charts(None)  # the card's source is global: leave none behind


# --------------------------------------------------------------------------- names and files


def test_a_figure_is_named_by_its_content():
    text = pio.to_json(small_figure(), validate=False)
    key = figure_key(text)
    assert re.fullmatch(r"[0-9a-f]{32}", key)
    assert figure_key(pio.to_json(small_figure(), validate=False)) == key
    assert figure_key(pio.to_json(small_figure((1, 3)), validate=False)) != key
    for name in (svg_name(key, 340, 300), f"{key}.json"):
        assert NAME.match(name)


def test_the_store_answers_only_when_every_file_is_there(store):
    text = pio.to_json(small_figure(), validate=False)
    assert store.static_chart(text, 300) is None
    key = figure_key(text)
    *first, last = store.names(key, 300)
    for name in first:
        store.write(name, b"x")
    assert store.static_chart(text, 300) is None
    store.write(last, b"x")
    static = store.static_chart(text, 300)
    assert static is not None
    assert static.figure_src == f"/graficos/{key}.json"
    assert [(p.src, p.width, p.height, p.media) for p in static.pictures] == [
        (f"/graficos/{key}-{width}x300.svg", width, 300, media) for width, media in WIDTHS
    ]
    assert static.pictures[-1].media == ""  # the widest is the <img> of every other screen


def test_files_are_written_whole_and_leave_no_temporary_file(store):
    store.write("a.json", b"first")
    store.write("a.json", b"second")
    assert (store.folder / "a.json").read_bytes() == b"second"
    assert [p.name for p in store.folder.iterdir()] == ["a.json"]


def test_nothing_is_rendered_without_chromium(store, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    text = pio.to_json(small_figure(), validate=False)
    assert chart_images.render_missing(store, {figure_key(text): (text, 300)}) == 0
    assert not store.folder.exists() or not any(store.folder.iterdir())


@pytest.mark.slow
def test_a_figure_is_rendered_at_every_width(store):
    text = pio.to_json(small_figure(), validate=False)
    key = figure_key(text)
    assert chart_images.render_missing(store, {key: (text, 300)}) == 1
    for width, _ in WIDTHS:
        svg = (store.folder / svg_name(key, width, 300)).read_text()
        assert svg.startswith("<svg")
        assert f'width="{width}" height="300"' in svg
    assert (store.folder / f"{key}.json").read_text() == text
    assert store.static_chart(text, 300) is not None
    assert chart_images.render_missing(store, {key: (text, 300)}) == 0  # cached


# --------------------------------------------------------------------------- route


@pytest.fixture
def client(store):
    server = Flask(__name__)
    chart_images.register(server, store)
    return server.test_client()


def test_the_route_serves_cached_files_as_immutable(client, store):
    key = fill(store, pio.to_json(small_figure(), validate=False), 300)
    response = client.get(f"/graficos/{svg_name(key, 340, 300)}")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    response = client.get(f"/graficos/{key}.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"


@pytest.mark.parametrize(
    "name",
    [
        "0" * 32 + ".json",  # well formed, not rendered
        "0" * 32 + "-340x300.svg",
        "..%2F..%2Fapp.py",
        "%2E%2E",
        "x.svg",
        "0" * 32 + ".txt",
        "0" * 32 + "-340x300.svg.tmp",
    ],
)
def test_the_route_answers_404_for_anything_else(client, store, name):
    fill(store, pio.to_json(small_figure(), validate=False), 300)
    (store.folder / ("0" * 32 + ".txt")).write_text("not a chart")
    assert client.get(f"/graficos/{name}").status_code == 404


def test_the_app_serves_the_route_under_its_csp():
    response = dashboard.server.test_client().get("/graficos/" + "0" * 32 + ".json")
    assert response.status_code == 404
    policy = response.headers["Content-Security-Policy"]
    assert "img-src 'self'" in policy and "connect-src 'self'" in policy


# --------------------------------------------------------------------------- card


def _card(graph_id="g"):
    return chart_card(
        graph_id,
        small_figure(),
        title="Mi gráfico",
        filename="prefijo_x",
        summary="Sube de 1 a 2.",
        table=None,
    )


def test_without_pictures_the_card_is_the_interactive_chart(store):
    graph.use_static_charts(store.static_chart)  # empty store
    nodes = list(walk(_card()))
    assert [n.id for n in nodes if isinstance(n, dcc.Graph)] == ["g"]
    assert not [n for n in nodes if isinstance(n, html.Img | html.Button)]


def test_with_pictures_the_card_shows_them_and_can_load_the_chart(store):
    key = fill(store, pio.to_json(small_figure(), validate=False), 300)
    graph.use_static_charts(store.static_chart)
    graph_id = {"type": "grafico", "index": "OES.01"}
    nodes = list(walk(_card(graph_id)))
    assert not [n for n in nodes if isinstance(n, dcc.Graph)]
    [img] = [n for n in nodes if isinstance(n, html.Img)]
    assert img.alt == "Gráfico: Mi gráfico"
    assert img.src == f"/graficos/{key}-1100x300.svg"
    assert (img.width, img.height) == (1100, 300)
    sources = [(n.srcSet, n.media) for n in nodes if isinstance(n, html.Source)]
    assert sources == [(f"/graficos/{key}-{w}x300.svg", m) for w, m in WIDTHS[:-1]]
    [button] = [n for n in nodes if isinstance(n, html.Button)]
    assert button.children == graph.INTERACT_LABEL
    assert getattr(button, "aria-label") == "Interactuar con el gráfico «Mi gráfico»"
    [slot] = [n for n in nodes if "chart-static" in (getattr(n, "className", "") or "")]
    assert slot.id == graph.slot_id(graph_id) == getattr(button, "data-chart-activate")
    assert getattr(button, "aria-controls") == slot.id
    assert getattr(slot, "data-figure-src") == f"/graficos/{key}.json"
    assert json.loads(getattr(slot, "data-graph")) == {
        "id": graph_id,
        "config": graph_config("prefijo_x"),
        "className": "chart-graph",
    }
    assert graph.slot_id("a") != graph.slot_id("b")
    links = [n for n in nodes if isinstance(n, html.A)]
    assert [link.children for link in links] == ["Descargar PNG"]
    assert any(getattr(n, "className", "") == "chart-summary" for n in nodes)


def test_install_adds_the_route_and_the_source_of_pictures(monkeypatch, tmp_path):
    monkeypatch.setenv("PESEM_STATIC_CHARTS", "1")
    monkeypatch.setenv("PESEM_CHART_CACHE", str(tmp_path))
    store = ImageStore(tmp_path)
    fill(store, pio.to_json(small_figure(), validate=False), 300)
    app = Dash(__name__)
    try:
        chart_images.install(app)
        assert "/graficos/<name>" in {rule.rule for rule in app.server.url_map.iter_rules()}
        assert not [n for n in walk(_card()) if isinstance(n, dcc.Graph)]
        assert not app.callback_map  # "Interactuar" is assets/pesem.js, not a callback
    finally:
        graph.use_static_charts(None)


def test_turned_off_the_cards_are_interactive_and_nothing_renders(monkeypatch, tmp_path):
    monkeypatch.setenv("PESEM_STATIC_CHARTS", "0")
    monkeypatch.setenv("PESEM_CHART_CACHE", str(tmp_path))
    fill(ImageStore(tmp_path), pio.to_json(small_figure(), validate=False), 300)
    chart_images.install(Dash(__name__))
    assert [n for n in walk(_card()) if isinstance(n, dcc.Graph)]
    assert chart_images.start_prerender() is None


# --------------------------------------------------------------------------- what is rendered


def _forget_built_cards() -> None:
    """Empty the pages' own memos (``functools.lru_cache``: /covid keeps its cards per
    process), as in the fresh process that renders and in a worker started after it."""
    for page in dash.page_registry.values():
        for value in vars(importlib.import_module(page["module"])).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()


@pytest.fixture
def fresh_pages() -> Iterator[None]:
    _forget_built_cards()
    yield
    _forget_built_cards()  # no picture card left for the other tests


def test_every_default_chart_of_every_page_gets_its_pictures(store, fresh_pages):
    """Pictures of :func:`default_figures` turn every chart of every page's default state
    into a picture: no page is left with an interactive chart on first load."""
    figures = chart_images.default_figures()
    assert len(figures) >= 10
    for text, height in figures.values():
        fill(store, text, height)
    _forget_built_cards()
    graph.use_static_charts(store.static_chart)
    pages = chart_images.page_paths()
    assert {page["path"] for page, _ in pages} >= {"/", "/covid"}
    for page, variables in pages:
        layout = importlib.import_module(page["module"]).layout
        tree = layout(**variables) if callable(layout) else layout
        left = [n.id for n in walk(tree) if isinstance(n, dcc.Graph)]
        assert not left, (page["path"], variables, left)


def test_a_page_served_before_its_pictures_exist_gets_them_once_rendered(store, fresh_pages):
    """Right after a start the workers answer while the pictures are being rendered: the
    server's memos (layouts, /covid's views) must not keep those interactive cards."""
    figures = chart_images.default_figures(["/", "/covid"])
    graph.use_static_charts(store.static_chart, store.version)
    registry = {page["path"]: page for page in dash.page_registry.values()}

    def graphs(path: str) -> list:
        return [n for n in walk(registry[path]["layout"]()) if isinstance(n, dcc.Graph)]

    before = store.version()
    assert graphs("/") and graphs("/covid")  # no pictures yet: interactive
    for text, height in figures.values():
        fill(store, text, height)
    assert store.version() != before
    assert not graphs("/") and not graphs("/covid")


@pytest.mark.parametrize(("enabled", "preloaded"), [("1", False), ("0", True)])
def test_plotly_is_preloaded_only_when_charts_are_not_pictures(monkeypatch, enabled, preloaded):
    monkeypatch.setenv("PESEM_STATIC_CHARTS", enabled)
    head = dashboard.server.test_client().get("/").get_data(as_text=True).split("</head>")[0]
    for url in CHUNKS["graph"]:
        assert (f'href="{url}"' in head) is preloaded, url


def test_every_page_is_rendered():
    """/explorar too: with its grid deferred, plotly.js was most of its phone's first visit
    (Lighthouse mobile, same sitting: 65-70 with the interactive chart, 91-92 with a picture)."""
    paths = {page["path"] for page in dash.page_registry.values()}
    assert {page["path"] for page, _ in chart_images.page_paths()} == paths
    assert "/explorar" in paths


@pytest.mark.parametrize("enabled", ["1", "0"])
def test_the_explorer_does_not_preload_plotly_for_its_chart_below_the_grid(monkeypatch, enabled):
    """Its chart is far below the fold: even interactive, the preload delayed the first paint
    (Lighthouse mobile FCP 3.3 -> 1.1 s without it, same run)."""
    monkeypatch.setenv("PESEM_STATIC_CHARTS", enabled)
    head = dashboard.server.test_client().get("/explorar").get_data(as_text=True)
    for url in CHUNKS["graph"]:
        assert f'href="{url}"' not in head.split("</head>")[0], url


def test_one_prerender_at_a_time_per_cache_folder(monkeypatch, tmp_path):
    """Replicas started together share the folder: while one renders, the lock is held (the
    next one waits, then finds the pictures on disk and renders nothing)."""
    import fcntl

    monkeypatch.setenv("PESEM_CHART_CACHE", str(tmp_path))
    monkeypatch.setattr(chart_images, "default_figures", lambda only=(): {})
    seen: list[str] = []

    def render_missing(store: ImageStore, figures: dict) -> int:
        with (tmp_path / ".prerender.lock").open("a") as other:
            try:
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                seen.append("held")
        return 0

    monkeypatch.setattr(chart_images, "render_missing", render_missing)
    assert chart_images.prerender() == 0
    assert seen == ["held"]
    with (tmp_path / ".prerender.lock").open("a") as after:  # released once done
        fcntl.flock(after, fcntl.LOCK_EX | fcntl.LOCK_NB)
