"""Per page index HTML: no on-demand library's script (its URL in a meta), chunk preloads.

The policy (which page renders which library and chunk) is :mod:`components.page_bundles`;
this module applies it to the index HTML through Dash's public ``interpolate_index`` override.
Dropping a script tag goes through :func:`web.compat.drop_scripts` (see there why). With static
charts on (:func:`web.chart_images.enabled`) dcc.Graph's chunk and plotly.js are not preloaded:
measured in bench/ (README, "Lighthouse"), they are most of a phone's blocking time.
"""

from __future__ import annotations

from typing import Any

from dash import Dash
from flask import has_request_context, request

from components.page_bundles import ON_DEMAND, UNNEEDED, library_meta, page_preloads
from components.routing import page_for
from web import chart_images
from web.compat import drop_scripts, script_sources

#: Chunks not announced while charts start as pictures (plotly.js loads on "Interactuar").
STATIC_CHART_CHUNKS = frozenset({"graph"})


def preload_links(urls: list[str], prefix: str = "/") -> str:
    """``<link rel="preload" as="script">`` tags for ``urls`` under ``prefix``."""
    return "".join(
        f'<link rel="preload" href="{prefix.rstrip("/")}{url}" as="script">' for url in urls
    )


def strip_scripts(scripts: str) -> str:
    """Dash's script tags without the unneeded ones and the on-demand libraries'."""
    return drop_scripts(scripts, [*UNNEEDED, *ON_DEMAND.values()])


def library_metas(scripts: str) -> str:
    """The head's notes of where each on-demand library's script is (from Dash's tags)."""
    sources = script_sources(scripts)
    return "".join(
        library_meta(name, src)
        for name, fragment in ON_DEMAND.items()
        for src in sources
        if fragment in src
    )


def install(app: Dash) -> None:
    """Make ``app``'s index HTML load the on-demand libraries on demand and preload the page's
    chunks."""
    interpolate = app.interpolate_index

    def interpolate_index(**kwargs: Any) -> str:
        page = page_for(request.path)[0] if has_request_context() else None
        scripts = kwargs.get("scripts", "")
        kwargs["scripts"] = strip_scripts(scripts)
        prefix = app.config.requests_pathname_prefix or "/"
        leave_out = STATIC_CHART_CHUNKS if chart_images.enabled() else frozenset()
        kwargs["css"] = (
            kwargs.get("css", "")
            + library_metas(scripts)
            + preload_links(page_preloads(page, leave_out), prefix)
        )
        return interpolate(**kwargs)

    app.interpolate_index = interpolate_index  # type: ignore[method-assign]
