"""Which component libraries and lazy chunks each page renders (the policy; web/ applies it).

Dash writes the main bundle of every imported component library into every page's HTML. Two of
them are dead weight on most pages: dash-ag-grid's (1.3 MB, 0.36 MB compressed, plus its parse
time: the largest script after plotly.js) renders only on ``/explorar``, and Dash's built-in
DataTable bundle renders nowhere. A page names the libraries it renders with the registry key
``bundles`` (``register_page(..., bundles=("dash_ag_grid",))``); the index HTML of any other
URL leaves their scripts out (:mod:`web.page_bundles`).

The Dash renderer cannot load a library's main bundle later, so a document that started on
another page must never *client-side* navigate to a page with ``bundles``: links to such a page
are full page loads (:func:`needs_full_load`; the navbar and page links use it, and
``tests/test_page_bundles.py`` walks every layout for a client-side link to one).

Pages also announce the lazily loaded chunks they render with ``<link rel="preload">``
(registry key ``preload``, :data:`CHUNKS`; default: dcc.Graph's chunk and plotly.js). With
static charts (web/chart_images.py) the server leaves dcc.Graph's chunks out: a card shows the
chart's picture and loads plotly.js only when the reader asks for the interactive chart.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from components.routing import page_for

#: Libraries left out of pages that do not list them, and the path fragment of their script.
DEFERRED: Mapping[str, str] = {
    "dash_ag_grid": "/_dash-component-suites/dash_ag_grid/dash_ag_grid.",
    "dash_table": "/_dash-component-suites/dash/dash_table/bundle.",
}

#: Scripts Dash writes into every page that no page needs: @babel/polyfill 7 (ES2015+ and
#: regenerator for old browsers, e.g. IE 11; every browser the app supports has them natively).
#: Left out on every page: Lighthouse mobile, same run, TBT -75 to -180 ms, performance +1 to +5
#: on /, /covid and /explorar (the polyfill's promise carried the renderer's long tasks).
UNNEEDED: tuple[str, ...] = ("/_dash-component-suites/dash/deps/polyfill@",)

#: Lazy chunks of dcc components, fetched only once the page's layout has arrived and the
#: component mounts (dcc.Graph: its chunk, then plotly.js). A page lists the ones it renders
#: with the registry key ``preload`` (default ``("graph",)``); they are announced in its head
#: and download alongside the other scripts instead of after the layout (~100 ms earlier charts
#: on a first visit on loopback, seconds on a slow network).
CHUNKS: Mapping[str, tuple[str, ...]] = {
    "graph": (
        "/_dash-component-suites/dash/dcc/async-graph.js",
        "/_dash-component-suites/plotly/package_data/plotly.min.js",
    ),
    "markdown": ("/_dash-component-suites/dash/dcc/async-markdown.js",),
}
DEFAULT_PRELOAD: tuple[str, ...] = ("graph",)


def page_bundles(page: Mapping[str, Any] | None) -> frozenset[str]:
    """The deferred libraries a registered page renders (its ``bundles`` key)."""
    return frozenset((page or {}).get("bundles") or ()) & frozenset(DEFERRED)


def needs_full_load(path: str) -> bool:
    """Whether a link to ``path`` must load a new document (its page renders a deferred library)."""
    return bool(page_bundles(page_for(path)[0]))


def page_preloads(
    page: Mapping[str, Any] | None, leave_out: frozenset[str] = frozenset()
) -> list[str]:
    """Script URLs a page's head announces: its dcc chunks, but not those named in
    ``leave_out``. (AG Grid's lazy chunk is not announced: the grid mounts only when the reader
    nears it, and preloading it cost /explorar's first paint 1.5 s of Lighthouse mobile FCP.)"""
    names = page.get("preload", DEFAULT_PRELOAD) if page else ()
    return [url for name in names if name not in leave_out for url in CHUNKS[name]]
