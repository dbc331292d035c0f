"""Which scripts each page carries: libraries loaded on demand, unneeded scripts, chunk preloads.

The policy; :mod:`web.page_bundles` applies it to the index HTML.

Dash writes the main bundle of every imported component library into every page's HTML.
dash-ag-grid's (1.3 MB, 0.36 MB compressed) renders only in ``/explorar``'s grid, which mounts
only when the reader nears it (:func:`components.explorer.grid_slot`). So no page carries its
script: the head names its URL (:func:`library_meta`) and ``assets/pesem.js`` loads it when a
box that needs it (``data-mount-needs``) nears the screen, before the grid is mounted. The
renderer resolves a component's library only when it draws one, so a library that arrives
later works, and any page can link client-side to ``/explorar``. Lighthouse mobile, same run,
3 runs each, medians, on ``/explorar``: TBT 512 -> 339 ms, performance 87 -> 92 (evaluating the
bundle at load was one task of ~150 ms at 4x CPU).

Pages also announce the lazily loaded chunks they render with ``<link rel="preload">``
(registry key ``preload``, :data:`CHUNKS`; default: dcc.Graph's chunk and plotly.js). With
static charts (web/chart_images.py) the server leaves dcc.Graph's chunks out: a card shows the
chart's picture and loads plotly.js only when the reader asks for the interactive chart.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

#: Libraries no page carries as a script: (name, the path fragment of their script). Their
#: ``window`` name is the library name; a box with ``data-mount-needs="<name>"`` loads it.
ON_DEMAND: Mapping[str, str] = {
    "dash_ag_grid": "/_dash-component-suites/dash_ag_grid/dash_ag_grid.",
}

#: Scripts Dash writes into every page that no page needs:
#: - @babel/polyfill 7 (ES2015+ and regenerator for old browsers, e.g. IE 11; every browser the
#:   app supports has them natively). Lighthouse mobile, same run: TBT -75 to -180 ms,
#:   performance +1 to +5 on /, /covid and /explorar (its promise carried the renderer's tasks);
#: - Dash's DataTable bundle: no page renders a DataTable.
UNNEEDED: tuple[str, ...] = (
    "/_dash-component-suites/dash/deps/polyfill@",
    "/_dash-component-suites/dash/dash_table/bundle.",
)

#: The ``<meta name>`` that carries an on-demand library's script URL (read by assets/pesem.js).
LIBRARY_META = "pesem-library"


def library_meta(name: str, url: str) -> str:
    """The head's note of where an on-demand library's script is (``assets/pesem.js`` reads it)."""
    return f'<meta name="{LIBRARY_META}" data-library="{escape(name)}" content="{escape(url)}">'


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


def page_preloads(
    page: Mapping[str, Any] | None, leave_out: frozenset[str] = frozenset()
) -> list[str]:
    """Script URLs a page's head announces: its dcc chunks, but not those named in
    ``leave_out``. (AG Grid's lazy chunk is not announced: the grid mounts only when the reader
    nears it, and preloading it cost /explorar's first paint 1.5 s of Lighthouse mobile FCP.)"""
    names = page.get("preload", DEFAULT_PRELOAD) if page else ()
    return [url for name in names if name not in leave_out for url in CHUNKS[name]]
