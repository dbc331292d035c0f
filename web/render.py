"""Charts to image bytes (PNG, SVG…) with kaleido's public API on the system's Chromium.

One renderer for every server-side picture: the PNG slides and their ZIP (web/slides.py), and
any other export that needs a chart as a file. Each call starts one browser, renders the figures
in order and closes it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from typing import Any, Final

import kaleido
import plotly.graph_objects as go

import web.vendor as vendor
from web import plotly_bundle

log = logging.getLogger(__name__)

#: Browsers kaleido can drive, in order of preference (Debian's chromium first).
BROWSER_CANDIDATES: Final = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
)
#: kaleido's limit for one chart; the whole request also gets the browser's start-up.
RENDER_TIMEOUT_S: Final = 15
START_TIMEOUT_S: Final = 20


class RenderError(RuntimeError):
    """The charts could not be rendered (no browser, a crash, a timeout)."""


def chromium_path() -> str | None:
    """The browser kaleido drives: ``$BROWSER_PATH`` if set (None if it is not a file), else the
    first of :data:`BROWSER_CANDIDATES` on ``PATH`` (Debian: ``/usr/bin/chromium``)."""
    configured = os.environ.get("BROWSER_PATH")
    if configured:
        return configured if os.path.isfile(configured) else None
    return next(filter(None, map(shutil.which, BROWSER_CANDIDATES)), None)


def plotly_js(figures: Sequence[go.Figure]) -> str | None:
    """The vendored basic plotly.js (same version) when it draws every trace of ``figures``,
    else None (kaleido's default, the plotly package's full bundle). Measured (bench/deck.py,
    issue 16): the browser is ready in 1.4-1.6 s instead of 2.4-3.3 s, a quarter of the script
    to parse; a deck's cold build is mostly this start."""
    source = resources.files(vendor).joinpath(plotly_bundle.BUNDLE)
    types = {trace.type for figure in figures for trace in figure.data}
    return str(source) if source.is_file() and types <= plotly_bundle.BUNDLE_TRACE_TYPES else None


async def _render(
    figures: Sequence[go.Figure], options: Mapping[str, Any], browser: str
) -> list[bytes]:
    budget = START_TIMEOUT_S + RENDER_TIMEOUT_S * len(figures)
    async with asyncio.timeout(budget):
        # path= goes to choreographer's Browser; mathjax=False: no CDN fetch (no LaTeX here)
        async with kaleido.Kaleido(
            n=1, timeout=RENDER_TIMEOUT_S, mathjax=False, path=browser, plotlyjs=plotly_js(figures)
        ) as renderer:
            return [await renderer.calc_fig(figure, opts=dict(options)) for figure in figures]


def render_images(
    figures: Sequence[go.Figure], options: Mapping[str, Any], browser: str | None
) -> list[bytes]:
    """The bytes of each figure, in order, with kaleido ``options`` (``format``, ``width``,
    ``height``, ``scale``) on ``browser``; :class:`RenderError` on any failure."""
    if browser is None:
        raise RenderError("no Chromium to render with")
    start = time.perf_counter()
    try:
        # Its own thread, so its own event loop: the caller's thread may already run one (an
        # async worker, or Playwright's sync API in the same test process).
        with ThreadPoolExecutor(max_workers=1) as pool:
            images = pool.submit(asyncio.run, _render(figures, options, browser)).result()
    except Exception as error:  # kaleido/choreographer errors have no common base class
        raise RenderError(f"{type(error).__name__}: {error}") from error
    log.info(
        "rendered %d %s images in %.2f s",
        len(figures),
        options.get("format"),
        time.perf_counter() - start,
    )
    return images
