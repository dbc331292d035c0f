"""Page bundles (components.page_bundles, web.page_bundles): AG Grid's script only with /explorar.

And no link can miss it. The Dash output format the script dropping relies on is checked in
tests/test_compat.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import dash
import dash_bootstrap_components as dbc
import pytest
from dash import dcc, html

import app as dashboard
from components.page_bundles import (
    CHUNKS,
    DEFAULT_PRELOAD,
    DEFERRED,
    needs_full_load,
    page_bundles,
)
from tests.conftest import page_variants
from web.page_bundles import strip_scripts

GRID_SCRIPT = DEFERRED["dash_ag_grid"]
TABLE_SCRIPT = DEFERRED["dash_table"]


def _scripts(path: str) -> list[str]:
    response = dashboard.server.test_client().get(path)
    return re.findall(r'<script src="([^"]+)"', response.get_data(as_text=True))


def test_strip_scripts_drops_only_the_deferred_libraries_not_kept():
    tags = "\n".join(
        f'<script src="{src}"></script>'
        for src in (
            "/_dash-component-suites/dash/deps/react@18.v4.min.js",
            GRID_SCRIPT + "v35_3_0m1.min.js",
            TABLE_SCRIPT + "v7_4_1m1.js",
            "/assets/pesem.js?m=1",
        )
    )
    assert GRID_SCRIPT not in strip_scripts(tags, frozenset())
    assert TABLE_SCRIPT not in strip_scripts(tags, frozenset())
    stripped = strip_scripts(tags, frozenset())
    assert "react@18" in stripped and "/assets/pesem.js" in stripped
    kept = strip_scripts(tags, frozenset({"dash_ag_grid"}))
    assert GRID_SCRIPT in kept and TABLE_SCRIPT not in kept


@pytest.mark.parametrize("path", ["/", "/covid", "/oes/OES.01", "/unidades", "/no-existe"])
def test_pages_without_a_grid_do_not_load_the_grid_library(path):
    scripts = _scripts(path)
    assert any("dash_renderer" in src for src in scripts)
    assert not any(GRID_SCRIPT in src or TABLE_SCRIPT in src for src in scripts)


@pytest.mark.parametrize("path", ["/explorar", "/explorar?unidad=DGC&estado=cumplido"])
def test_the_explorer_loads_the_grid_library_before_the_renderer(path):
    scripts = _scripts(path)
    grid = [i for i, src in enumerate(scripts) if GRID_SCRIPT in src]
    renderer = [i for i, src in enumerate(scripts) if "dash_renderer" in src]
    assert grid and renderer and grid[0] < renderer[0]


def test_only_the_explorer_renders_a_deferred_library():
    with_bundles = [p["path"] for p in dash.page_registry.values() if page_bundles(p)]
    assert with_bundles == ["/explorar"]
    assert needs_full_load("/explorar") and needs_full_load("/explorar?unidad=DGC")
    assert not needs_full_load("/") and not needs_full_load("/oes/OES.01")


def _links(node: Any) -> Iterator[Any]:
    if isinstance(node, list | tuple):
        for child in node:
            yield from _links(child)
        return
    if isinstance(node, dcc.Link | dbc.NavLink | html.A):
        yield node
    children = getattr(node, "children", None)
    if children is not None:
        yield from _links(children)


def _all_layouts() -> Iterator[tuple[str, Any]]:
    yield "shell", dashboard.app.layout
    for page in dash.page_registry.values():
        for params in page_variants(page):
            yield f"{page['module']} {params}", page["layout"](**params)


def test_every_link_to_the_explorer_loads_a_new_document():
    """A client-side link would render the grid in a document without its library."""
    checked = 0
    for where, layout in _all_layouts():
        for link in _links(layout):
            href = getattr(link, "href", None)
            if not isinstance(href, str) or not href.startswith("/") or not needs_full_load(href):
                continue
            checked += 1
            if isinstance(link, dcc.Link):
                assert getattr(link, "refresh", False) is True, (where, href)
            elif isinstance(link, dbc.NavLink):
                assert getattr(link, "external_link", False) is True, (where, href)
    assert checked >= 3  # navbar, /unidades' cards and text, the 404 page's list


@pytest.mark.parametrize(("path", "preloads"), [("/", True), ("/covid", True), ("/nope", False)])
def test_pages_with_charts_preload_the_chart_scripts(path, preloads):
    html_text = dashboard.server.test_client().get(path).get_data(as_text=True)
    head = html_text.split("</head>", 1)[0]
    for url in CHUNKS["graph"]:
        assert (f'<link rel="preload" href="{url}" as="script">' in head) is preloads, url


def test_the_explorer_announces_no_lazy_chunk():
    """Its grid and chart sit below the fold: announcing their chunks delayed its first paint."""
    head = dashboard.server.test_client().get("/explorar").get_data(as_text=True).split("</head>")
    assert 'rel="preload"' not in head[0]
    assert "dash_ag_grid/dash_ag_grid." in head[1]  # the grid's main bundle is served


def _component_types(node: Any) -> Iterator[type]:
    if isinstance(node, list | tuple):
        for child in node:
            yield from _component_types(child)
        return
    yield type(node)
    children = getattr(node, "children", None)
    if children is not None:
        yield from _component_types(children)


@pytest.mark.parametrize("page", list(dash.page_registry.values()), ids=lambda p: p["module"])
def test_every_page_preloads_exactly_the_chunks_it_renders(page):
    rendered: set[type] = set()
    for params in page_variants(page):
        rendered |= set(_component_types(page["layout"](**params)))
    needed = {
        name
        for name, kind in (("graph", dcc.Graph), ("markdown", dcc.Markdown))
        if kind in rendered
    }
    if "preload" in page:  # a page may leave out a chunk it renders far below the fold
        assert set(page["preload"]) <= needed
    else:
        assert set(DEFAULT_PRELOAD) == needed
