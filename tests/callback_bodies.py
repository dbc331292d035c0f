"""Request bodies of Dash's ``/_dash-update-component`` for the server-level tests (no browser)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

CALLBACK_URL = "/_dash-update-component"


def router_body(
    pathname: Any = "/", search: Any = "", *, changed: Iterable[str] = ("pathname",)
) -> dict[str, Any]:
    """The body the renderer posts to Dash pages' router for the address ``pathname + search``.

    ``changed``: the ``_pages_location`` properties named in ``changedPropIds``. A ``pathname``
    or ``search`` that is not a string makes a malformed body (what the server must reject).
    """
    return {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [
            {"id": "_pages_content", "property": "children"},
            {"id": "_pages_store", "property": "data"},
        ],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": pathname},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
        "changedPropIds": [f"_pages_location.{prop}" for prop in changed],
    }
