"""Request bodies of Dash's ``/_dash-update-component`` for the server-level tests (no browser)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

CALLBACK_URL = "/_dash-update-component"


def callback_body(
    outputs: Iterable[str],
    inputs: Iterable[tuple[str, Any]],
    *,
    state: Iterable[tuple[str, Any]] = (),
    changed: Iterable[str] | None = None,
) -> dict[str, Any]:
    """The body the renderer posts for a multi-output callback.

    ``outputs`` are ``"id.property"`` strings; ``inputs`` and ``state`` are ``("id.property",
    value)`` pairs; ``changed`` the prop ids in ``changedPropIds`` (default: the first input).
    """
    outputs = list(outputs)
    inputs = list(inputs)

    def item(prop_id: str, value: Any = None, with_value: bool = True) -> dict[str, Any]:
        component, _, prop = prop_id.rpartition(".")
        return {"id": component, "property": prop, **({"value": value} if with_value else {})}

    body: dict[str, Any] = {
        "output": ".." + "...".join(outputs) + "..",
        "outputs": [item(o, with_value=False) for o in outputs],
        "inputs": [item(p, v) for p, v in inputs],
        "changedPropIds": list(changed) if changed is not None else [inputs[0][0]],
    }
    state = list(state)
    if state:
        body["state"] = [item(p, v) for p, v in state]
    return body


def router_body(
    pathname: Any = "/", search: Any = "", *, changed: Iterable[str] = ("pathname",)
) -> dict[str, Any]:
    """The body the renderer posts to Dash pages' router for the address ``pathname + search``.

    ``changed``: the ``_pages_location`` properties named in ``changedPropIds``. A ``pathname``
    or ``search`` that is not a string makes a malformed body (what the server must reject).
    """
    return callback_body(
        ["_pages_content.children", "_pages_store.data"],
        [("_pages_location.pathname", pathname), ("_pages_location.search", search)],
        changed=[f"_pages_location.{prop}" for prop in changed],
    )
