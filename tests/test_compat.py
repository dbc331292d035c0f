"""web/compat.py: each thing Dash does not promise, checked on the real app (fails on upgrade)."""

from __future__ import annotations

import pytest

import app as dashboard
from components.page_bundles import ON_DEMAND, UNNEEDED
from web.compat import drop_scripts, script_sources


@pytest.fixture(scope="module")
def dash_scripts() -> str:
    """The ``scripts`` HTML Dash hands ``interpolate_index`` (every library's tag, before ours)."""
    seen: dict[str, str] = {}
    installed = dashboard.app.interpolate_index  # web.page_bundles' override

    def capture(**kwargs: str) -> str:
        seen["scripts"] = kwargs.get("scripts", "")  # as Dash.index passes them, unstripped
        return installed(**kwargs)

    dashboard.app.interpolate_index = capture
    try:
        assert dashboard.server.test_client().get("/").status_code == 200
    finally:
        dashboard.app.interpolate_index = installed
    return seen["scripts"]


@pytest.mark.parametrize("library", sorted(ON_DEMAND))
def test_dash_writes_one_script_tag_per_on_demand_library(dash_scripts, library):
    """If Dash changes its script tags, the on-demand loading must fail here, not silently."""
    sources = script_sources(dash_scripts)
    assert any("dash_renderer" in src for src in sources), dash_scripts[:500]
    assert sum(ON_DEMAND[library] in src for src in sources) == 1, sources
    without = drop_scripts(dash_scripts, [ON_DEMAND[library]])
    assert ON_DEMAND[library] not in without
    assert len(script_sources(without)) == len(sources) - 1


@pytest.mark.parametrize("fragment", UNNEEDED)
def test_the_unneeded_scripts_are_in_dashs_index_and_not_in_ours(dash_scripts, fragment):
    """Dash still writes them (else the fragment went stale), and no page we serve has them."""
    assert sum(fragment in src for src in script_sources(dash_scripts)) == 1, dash_scripts[:500]
    for path in ("/", "/explorar", "/nope"):
        served = dashboard.server.test_client().get(path).get_data(as_text=True)
        assert fragment not in served, path
