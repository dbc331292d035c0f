"""A per-process memo of page layouts: the one cache of the server, kept because it was measured.

Measured in one run (gunicorn with 2 workers, 2 rounds of 60 router requests per page through
bench's latency client, server CPU per request): building the layout costs 24-30 ms of CPU
(``/``, ``/oes/OES.01``, ``/explorar``: pandas selections and plotly figure objects), answering
with a layout already built 3.6-4.5 ms. Without the memo the router's p95 was 36 / 49 / 37 ms
against bench's budget of 15 ms, and the home page's router callback could not reach the
200 requests/s budget (2 workers × 1000 / 30 ms ≈ 67).

It is valid because a layout is a pure function of its URL (path variables and query), of the
dataset, which is loaded once and never changes while the process runs, and of the chart
pictures on disk (a card whose pictures are not rendered yet is the interactive chart): the key
holds :func:`components.graph.pictures_version`, so a layout built during the pre-render right
after a start is built again once the pictures exist, instead of staying interactive. Each
page keeps its :data:`MAX_LAYOUTS` most recent URLs (typed queries cannot grow it without
bound). Only the router sees the memo: it wraps the ``layout`` of the registry entries, not the
page modules' own functions, which tests call directly.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Mapping, MutableMapping
from typing import Any, Final

MAX_LAYOUTS: Final = 64

Layout = Callable[..., Any]


def _key(kwargs: Mapping[str, Any]) -> tuple[tuple[str, Any], ...] | None:
    """A hashable form of the layout's keywords (str or list of str), None if there is none."""
    items = []
    for name, value in sorted(kwargs.items()):
        frozen = tuple(value) if isinstance(value, list) else value
        try:
            hash(frozen)
        except TypeError:
            return None
        items.append((name, frozen))
    return tuple(items)


def memoized(
    build: Layout, maxsize: int = MAX_LAYOUTS, version: Callable[[], Hashable] = lambda: None
) -> Layout:
    """``build(**kwargs)`` remembered per distinct ``kwargs`` and ``version()`` (LRU of
    ``maxsize``)."""

    @functools.lru_cache(maxsize=maxsize)
    def from_key(key: tuple[tuple[str, Any], ...], _version: Hashable) -> Any:
        return build(**{name: list(v) if isinstance(v, tuple) else v for name, v in key})

    @functools.wraps(build)
    def layout(**kwargs: Any) -> Any:
        key = _key(kwargs)
        return build(**kwargs) if key is None else from_key(key, version())

    layout.cache_info = from_key.cache_info  # type: ignore[attr-defined]
    return layout


def install(
    registry: Mapping[str, MutableMapping[str, Any]],
    version: Callable[[], Hashable] = lambda: None,
) -> None:
    """Memoize the ``layout`` function of every registered page (``dash.page_registry``),
    keyed by its URL keywords and ``version()``."""
    for page in registry.values():
        build = page.get("layout")
        if callable(build) and not hasattr(build, "cache_info"):
            page["layout"] = memoized(build, version=version)
