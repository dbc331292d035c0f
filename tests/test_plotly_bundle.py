"""The vendored partial plotly.js bundle draws every trace the pages build.

dcc.Graph gets plotly.js' *basic* bundle (web/plotly_bundle.py); a trace type outside it
would render as an empty chart without any server error, so every figure every page can show or
export is checked here.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dash
import plotly.graph_objects as go
import pytest
from plotly.basedatatypes import BaseTraceType
from plotly.offline import get_plotlyjs_version

import app  # noqa: F401  (registers the pages)
from pesem.covid import KEY_MODE, KEY_SCOPE, MODES, SCOPES
from tests.conftest import page_variants
from web import vendor
from web.plotly_bundle import BUNDLE, BUNDLE_TRACE_TYPES


def _figures_in(node: Any) -> Iterator[Any]:
    """Every ``figure`` prop in a component tree."""
    if isinstance(node, list | tuple):
        for child in node:
            yield from _figures_in(child)
        return
    props = getattr(node, "__dict__", {})
    if "figure" in props and props["figure"] is not None:
        yield props["figure"]
    yield from _figures_in(props.get("children") or [])


def _trace_types(figure: Any) -> set[str]:
    data = figure.data if isinstance(figure, go.Figure) else (figure or {}).get("data", [])
    return {(t.type if isinstance(t, BaseTraceType) else t.get("type", "scatter")) for t in data}


def _pages() -> list[dict[str, Any]]:
    return [p for p in dash.page_registry.values() if callable(p.get("layout"))]


def _params(page: dict[str, Any]) -> list[dict[str, Any]]:
    return page_variants(page)


def test_the_vendored_bundle_is_plotly_basic_at_the_python_packages_version():
    body = (Path(vendor.__file__).parent / BUNDLE).read_bytes()
    # the version plotly's Python package reports for the plotly.js it ships (and kaleido uses)
    assert f"plotly.js (basic - minified) v{get_plotlyjs_version()}".encode() in body[:200]
    assert b"cdn.plot.ly" not in body  # the one edit: topojsonURL points at /assets


@pytest.mark.parametrize("page", _pages(), ids=lambda p: p["module"])
def test_every_chart_of_every_page_uses_a_trace_type_of_the_bundle(page):
    seen: set[str] = set()
    for params in _params(page):
        for figure in _figures_in(page["layout"](**params)):
            seen |= _trace_types(figure)
    assert seen <= BUNDLE_TRACE_TYPES, f"{page['module']}: {seen - BUNDLE_TRACE_TYPES}"


def test_every_exported_and_redrawn_covid_view_stays_in_the_bundle():
    from pages import covid

    seen: set[str] = set()
    for mode, scope in itertools.product(MODES, SCOPES):
        for _, figure in covid.export_figures(**{KEY_MODE: mode, KEY_SCOPE: scope}):
            seen |= _trace_types(figure)
        for figure in _figures_in(list(covid.update(mode, scope))):
            seen |= _trace_types(figure)
    assert seen, "the COVID page exports charts"
    assert seen <= BUNDLE_TRACE_TYPES


def test_a_trace_outside_the_bundle_is_caught():
    figure = go.Figure(go.Heatmap(z=[[1, 2]]))
    assert not _trace_types(figure) <= BUNDLE_TRACE_TYPES
