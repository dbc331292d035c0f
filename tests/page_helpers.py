"""Helpers for testing pages without a browser: walk a layout's component tree, run a callback.

A tree is what a page's ``layout()`` or a callback returns: a component, a list of them, text.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextvars import copy_context
from html.parser import HTMLParser
from typing import Any

import dash
import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html
from dash._callback_context import context_value
from dash._utils import AttributeDict


def _is_text(node: Any) -> bool:
    return isinstance(node, str | int | float)


#: HTML attributes and the html component props they become.
_PROPS = {"class": "className", "colspan": "colSpan", "rowspan": "rowSpan", "for": "htmlFor"}
_VOID = {"br", "hr", "img", "input", "source", "wbr", "col", "area", "embed"}


class _IslandParser(HTMLParser):
    """An island's HTML (components/static_html.py) back into html components."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[list[Any]] = [[]]
        self.open: list[tuple[str, dict[str, Any]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        props = {_PROPS.get(k, k): (v if v is not None else True) for k, v in attrs if k != "style"}
        if tag in _VOID:
            self.stack[-1].append(getattr(html, tag.capitalize())(**props))
            return
        self.open.append((tag, props))
        self.stack.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or not self.open:
            return
        name, props = self.open.pop()
        children = self.stack.pop()
        self.stack[-1].append(getattr(html, name.capitalize())(children, **props))

    def handle_data(self, data: str) -> None:
        self.stack[-1].append(data)


def island_children(node: Any) -> Any:
    """The children of ``node``: an island's (its ``data-island`` HTML) as html components."""
    children = getattr(node, "children", None)
    markup = getattr(node, "data-island", None)
    if children is None and isinstance(markup, str):
        parser = _IslandParser()
        parser.feed(markup)
        return parser.stack[0]
    return children


def walk(tree: Any) -> Iterator[Any]:
    """Every component of a tree (depth first, document order), including the root."""
    if tree is None or _is_text(tree):
        return
    if isinstance(tree, list | tuple):
        for child in tree:
            yield from walk(child)
        return
    yield tree
    yield from walk(getattr(tree, "title", None))  # an AccordionItem's title may be components
    yield from walk(island_children(tree))


def text_of(tree: Any) -> str:
    """All the text of a tree in document order, whitespace collapsed to single spaces.

    Markdown source counts as text, and so does an AccordionItem's ``title`` (its heading);
    tooltips (the ``title`` text of other components) do not.
    """
    parts: list[str] = []

    def collect(node: Any) -> None:
        if node is None:
            return
        if _is_text(node):
            parts.append(str(node))
        elif isinstance(node, list | tuple):
            for child in node:
                collect(child)
        else:
            title = getattr(node, "title", None)
            if not _is_text(title) or isinstance(node, dbc.AccordionItem):
                collect(title)  # an AccordionItem's title is its heading; others' are tooltips
            collect(island_children(node))

    collect(tree)
    return " ".join(" ".join(parts).split())


def by_id(tree: Any, component_id: Any) -> Any:
    """The first component of the tree whose ``id`` is ``component_id`` (StopIteration if none)."""
    return next(n for n in walk(tree) if getattr(n, "id", None) == component_id)


def mounted_grid(tree: Any, ids: Any) -> Any:
    """The explorer's grid as the browser mounts it from its two stores (``ids``: GridIds);
    building it as a ``dag.AgGrid`` checks every prop name."""
    import dash_ag_grid as dag

    options, data = by_id(tree, ids.options).data, by_id(tree, ids.data).data
    assert (options["namespace"], options["type"]) == ("dash_ag_grid", "AgGrid")
    assert options["props"]["id"] == ids.grid
    return dag.AgGrid(**options["props"], **data)


def by_class(tree: Any, name: str) -> list[Any]:
    """The components of the tree that have the CSS class ``name``."""
    return [n for n in walk(tree) if name in (getattr(n, "className", None) or "").split()]


def graphs(tree: Any) -> list[dcc.Graph]:
    """The charts of the tree, in page order."""
    return [n for n in walk(tree) if isinstance(n, dcc.Graph)]


def graph_figure(tree: Any, graph_id: Any) -> go.Figure:
    """The figure of the chart ``graph_id``."""
    graph = next(g for g in graphs(tree) if getattr(g, "id", None) == graph_id)
    return go.Figure(graph.figure)


def png_names(tree: Any) -> list[str]:
    """The PNG file names (without ``.png``) of the tree's charts, in page order."""
    return [g.config["toImageButtonOptions"]["filename"] for g in graphs(tree)]


def links(tree: Any) -> list[str]:
    """The ``href`` of every link of the tree (``dcc.Link`` and ``html.A``), in page order."""
    return [n.href for n in walk(tree) if isinstance(n, dcc.Link | html.A)]


def registration(module: str) -> dict[str, Any]:
    """What ``register_page`` recorded for the page module ``module`` (e.g. ``"pages.covid"``)."""
    return next(p for p in dash.page_registry.values() if p["module"] == module)


def nav_entry(module: str) -> tuple[str, int, bool, str, str]:
    """A registered page's (path, order, nav, nav_label, title); a title function is called as
    Dash calls it for a page without path variables."""
    page = registration(module)
    title = page["title"]() if callable(page["title"]) else page["title"]
    return page["path"], page["order"], page["nav"], page["nav_label"], title


def run_callback(
    func: Any, triggered: list[str], *args: Any, outputs_list: list[Any] | None = None
) -> Any:
    """Call ``func`` as Dash would after the ``triggered`` prop ids changed.

    ``outputs_list``: what ``ctx.outputs_list`` holds (pattern-matching outputs: one
    ``{"id": ..., "property": ...}`` per matched component).
    """

    def inner() -> Any:
        context_value.set(
            AttributeDict(
                triggered_inputs=[{"prop_id": p, "value": None} for p in triggered],
                outputs_list=outputs_list or [],
            )
        )
        return func(*args)

    return copy_context().run(inner)
