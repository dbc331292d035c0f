"""URL path → registered Dash page, with the pages router's own matching (one place for it)."""

from __future__ import annotations

from typing import Any

import dash
from dash._pages import _path_to_page  # the pages router's own matcher (private, stable since 2.5)


def page_for(path: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The registry entry of the page at ``path`` and its path variables; ``({}, {})`` if none.

    ``path`` may carry the app's prefix and a query string (``/explorar?unidad=DGC``).
    """
    page, variables = _path_to_page(dash.strip_relative_path(path.split("?", 1)[0]) or "")
    return page or {}, dict(variables or {})
