"""web/compat.py: each thing Dash does not promise, checked on the real app (fails on upgrade)."""

from __future__ import annotations

import pytest
from dash import Dash

import app as dashboard
from components.page_bundles import DEFERRED
from web.compat import drop_scripts, script_sources


@pytest.fixture(scope="module")
def dash_scripts() -> str:
    """The ``scripts`` HTML Dash hands ``interpolate_index`` for a page with every library."""
    seen: dict[str, str] = {}
    with dashboard.server.test_request_context("/explorar"):
        Dash.interpolate_index(dashboard.app)  # the class's, not the page-bundles override
        original = dashboard.app.interpolate_index

        def capture(**kwargs: str) -> str:
            seen["scripts"] = kwargs.get("scripts", "")
            return original(**kwargs)

        dashboard.app.interpolate_index = capture
        try:
            dashboard.server.test_client().get("/explorar")
        finally:
            dashboard.app.interpolate_index = original
    return seen["scripts"]


@pytest.mark.parametrize("library", sorted(DEFERRED))
def test_dash_writes_one_script_tag_per_deferred_library(dash_scripts, library):
    """If Dash changes its script tags, the per-page bundles must fail here, not silently."""
    sources = script_sources(dash_scripts)
    assert any("dash_renderer" in src for src in sources), dash_scripts[:500]
    assert sum(DEFERRED[library] in src for src in sources) == 1, sources
    without = drop_scripts(dash_scripts, [DEFERRED[library]])
    assert DEFERRED[library] not in without
    assert len(script_sources(without)) == len(sources) - 1
