"""Per page index HTML: a library's script only with the pages that render it; chunk preloads.

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

from components.page_bundles import DEFERRED, UNNEEDED, page_bundles, page_preloads
from components.routing import page_for
from web import chart_images
from web.compat import drop_scripts

#: Chunks not announced while charts start as pictures (plotly.js loads on "Interactuar").
STATIC_CHART_CHUNKS = frozenset({"graph"})


def preload_links(urls: list[str], prefix: str = "/") -> str:
    """``<link rel="preload" as="script">`` tags for ``urls`` under ``prefix``."""
    return "".join(
        f'<link rel="preload" href="{prefix.rstrip("/")}{url}" as="script">' for url in urls
    )


def strip_scripts(scripts: str, keep: frozenset[str]) -> str:
    """Dash's script tags without the unneeded ones and the deferred libraries not in ``keep``."""
    deferred = [DEFERRED[name] for name in DEFERRED if name not in keep]
    return drop_scripts(scripts, [*UNNEEDED, *deferred])


def install(app: Dash) -> None:
    """Make ``app``'s index HTML carry only the deferred libraries of the requested page."""
    interpolate = app.interpolate_index

    def interpolate_index(**kwargs: Any) -> str:
        page = page_for(request.path)[0] if has_request_context() else None
        kwargs["scripts"] = strip_scripts(kwargs.get("scripts", ""), page_bundles(page))
        prefix = app.config.requests_pathname_prefix or "/"
        static = chart_images.enabled() and (page or {}).get("static_charts") is not False
        leave_out = STATIC_CHART_CHUNKS if static else frozenset()
        kwargs["css"] = kwargs.get("css", "") + preload_links(
            page_preloads(page, leave_out), prefix
        )
        return interpolate(**kwargs)

    app.interpolate_index = interpolate_index  # type: ignore[method-assign]
