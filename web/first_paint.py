"""The first paint: the requested page as plain HTML in the index, before any script runs.

On a phone the Dash renderer draws a page only after ~400 KB of scripts, the layout and the
router's answer: Lighthouse mobile put the largest paint at ~3.8 s on every page, 0.6 s after a
chartless Dash page, and no change to the pages could move it. The server knows which page the
URL asks for, so it writes that page, the same components the router answers with (the shell
and the page layout, from the same memo), as HTML into the index. The reader sees the
page at once; when the renderer has drawn its own copy, two CSS rules (assets/app.css, "first
paint") hide the server's copy and show the renderer's in the same frame; assets/pesem.js then
removes the copy from the document. Without JavaScript the page stays readable.

The copy is written by :func:`components.static_html.to_html` (no ids: the renderer's copy owns
them); :func:`install` wires it into Dash's public ``interpolate_index``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Final

import dash
from dash import Dash, dcc, html
from dash.development.base_component import Component
from flask import has_request_context, request

from components.navigation import NAV_LINK
from components.routing import is_page_path as is_page
from components.routing import page_for
from components.static_html import to_html

log = logging.getLogger(__name__)

#: Class of the server's copy, and the class every page's root carries in the renderer's tree
#: (added by :func:`install`): the CSS swaps the two when the renderer's page exists.
COPY_CLASS: Final = "first-paint"
PAGE_CLASS: Final = "pesem-page"

# --------------------------------------------------------------------------- the index


def _page_class(build: Any) -> Callable[..., Any]:
    """A registry layout whose root carries :data:`PAGE_CLASS` (what the CSS waits for)."""

    def layout(**kwargs: Any) -> Any:
        return html.Div(build(**kwargs) if callable(build) else build, className=PAGE_CLASS)

    return layout


def _query() -> dict[str, Any]:
    """The request's query as the router passes it to a layout (a list for repeated keys)."""
    return {k: v[0] if len(v) == 1 else v for k, v in request.args.lists()}


def _with(node: Component, **props: Any) -> Component:
    return type(node)(**{**node.to_plotly_json()["props"], **props})


def _fill(node: Any, page: Any, path: str) -> Any:
    """The shell with the page layout in ``dash.page_container`` and the navbar's link to
    ``path`` marked active (in the renderer's copy, the navbar's callback)."""
    if node is dash.page_container:
        return page
    if isinstance(node, list | tuple):
        return [_fill(child, page, path) for child in node]
    if not isinstance(node, Component):
        return node
    if isinstance(node, dcc.Link) and node.className == NAV_LINK and node.href == path:
        return _with(node, className=f"{NAV_LINK} active")
    children = getattr(node, "children", None)
    if children is None or isinstance(children, str | int | float):
        return node
    return _with(node, children=_fill(children, page, path))


def page_html(app: Dash, path: str) -> str:
    """The copy of the page at ``path`` (with the request's query), or "" for an unknown page."""
    page, variables = page_for(path)
    if not page or not is_page(path):
        return ""
    layout = page["layout"](**variables, **_query())
    shell = to_html(_fill(app.layout, layout, path))
    return f'<div class="{COPY_CLASS}">{shell}</div>'


def install(app: Dash) -> None:
    """Mark every page's root for the CSS and write the page's copy into the index HTML."""
    for page in dash.page_registry.values():
        page["layout"] = _page_class(page.get("layout"))
    interpolate = app.interpolate_index

    def interpolate_index(**kwargs: Any) -> str:
        if has_request_context():
            try:
                copy = page_html(app, request.path)
            except Exception:  # a copy is a bonus: the renderer still draws the page
                log.exception("first paint of %s failed", request.path)
                copy = ""
            kwargs["app_entry"] = copy + kwargs.get("app_entry", "")
        return interpolate(**kwargs)

    app.interpolate_index = interpolate_index  # type: ignore[method-assign]
