"""Page bundles (components.page_bundles, web.page_bundles): no page carries AG Grid's script.

Its URL is in every page's head, for assets/pesem.js to load it when the grid nears the screen
(browser: tests/browser/test_explorar.py). The Dash output format the script dropping relies on
is checked in tests/test_compat.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import dash
import pytest
from dash import dcc

import app as dashboard
from components import explorer
from components.page_bundles import (
    CHUNKS,
    DEFAULT_PRELOAD,
    LIBRARY_META,
    ON_DEMAND,
    UNNEEDED,
    library_meta,
)
from tests.conftest import page_variants
from web.page_bundles import strip_scripts

GRID_SCRIPT = ON_DEMAND["dash_ag_grid"]
META_JS = re.compile(
    rf'<meta name="{LIBRARY_META}" data-library="(?P<name>[^"]+)" content="(?P<url>[^"]+)">'
)


def _html(path: str) -> str:
    return dashboard.server.test_client().get(path).get_data(as_text=True)


def _scripts(path: str) -> list[str]:
    return re.findall(r'<script src="([^"]+)"', _html(path))


def test_strip_scripts_drops_the_on_demand_and_unneeded_scripts_only():
    kept = ("/_dash-component-suites/dash/deps/react@18.v4.min.js", "/assets/pesem.js?m=1")
    dropped = (GRID_SCRIPT + "v35_3_0m1.min.js", *(f + "v7_4_1m1.js" for f in UNNEEDED))
    tags = "\n".join(f'<script src="{src}"></script>' for src in (*kept, *dropped))
    stripped = strip_scripts(tags)
    assert all(src in stripped for src in kept)
    assert not any(src in stripped for src in dropped)


def test_library_meta_escapes_its_values():
    assert library_meta("x", '/a"b') == (
        f'<meta name="{LIBRARY_META}" data-library="x" content="/a&quot;b">'
    )


@pytest.mark.parametrize(
    "path", ["/", "/covid", "/oes/OES.01", "/explorar", "/explorar?unidad=DGC", "/no-existe"]
)
def test_no_page_carries_the_grid_script_and_every_head_says_where_it_is(path):
    """Any page may lead client-side to the explorer, whose grid then loads its library."""
    page_html = _html(path)
    scripts = _scripts(path)
    assert any("dash_renderer" in src for src in scripts)
    assert not any(GRID_SCRIPT in src for src in scripts)
    head = page_html.split("</head>", 1)[0]
    notes = {m["name"]: m["url"] for m in META_JS.finditer(head)}
    assert set(notes) == set(ON_DEMAND)
    assert GRID_SCRIPT in notes["dash_ag_grid"]


def test_the_grid_script_named_in_the_head_is_served():
    url = META_JS.search(_html("/explorar"))["url"]
    response = dashboard.server.test_client().get(url)
    assert response.status_code == 200
    assert "javascript" in response.headers["Content-Type"]
    assert b"dash_ag_grid" in response.get_data()


def test_the_grid_slot_names_the_library_its_grid_is_drawn_with():
    """pesem.js loads the library the slot names before the grid is built from its options."""
    ids = explorer.GridIds("g", "s", "n", "d", "o")
    slot = explorer.grid_slot(ids, [], []).children[-1]
    options = explorer.grid_options(ids.grid)
    assert slot.to_plotly_json()["props"]["data-mount-needs"] == explorer.GRID_LIBRARY
    assert options["namespace"] == explorer.GRID_LIBRARY in ON_DEMAND
    assert slot.to_plotly_json()["props"]["data-mount-failed"] == explorer.GRID_FAILED


@pytest.mark.parametrize(("path", "preloads"), [("/", True), ("/covid", True), ("/nope", False)])
def test_pages_with_charts_preload_the_chart_scripts(path, preloads):
    head = _html(path).split("</head>", 1)[0]
    for url in CHUNKS["graph"]:
        assert (f'<link rel="preload" href="{url}" as="script">' in head) is preloads, url


def test_the_explorer_announces_no_lazy_chunk():
    """Its grid and chart sit below the fold: announcing their chunks delayed its first paint."""
    head = _html("/explorar").split("</head>")[0]
    assert 'rel="preload"' not in head


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
