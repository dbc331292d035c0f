"""Validation of ``/_dash-update-component`` bodies against the app's callbacks (400, not 500).

Dash reads a callback request without checking it: a body that does not fit the callback it
names (an unknown output, too few inputs, another callback's outputs, a wrong type) makes Dash
raise deep inside, a 500 that cannot be told from a page callback's own failure. So before Dash
sees it, a body is matched against the callback's definition in the public ``app.callback_map``
(``output`` key → ``inputs``/``state`` lists of ``{"id", "property"}``): same outputs, same
inputs and state, in order, with the ids and properties the callback declares. What passes is
exactly what the renderer sends; anything that then fails inside Dash is a server error (500).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Final

#: The output key of a callback without outputs (Dash names it by a sha256 hex digest).
_NO_OUTPUT_KEY: Final = re.compile(r"^[0-9a-f]{64}$")
#: dcc.Location properties: strings (or null) in the browser.
_URL_PROPERTIES: Final = frozenset({"pathname", "search", "hash", "href"})
#: Wildcards that match any number of components (the item is then a list).
_MULTI: Final = (["ALL"], ["ALLSMALLER"])
_PLAIN = str | int | float | bool


class MalformedCallback(ValueError):
    """A callback request body that does not fit the callback it names."""


@lru_cache(maxsize=256)
def _pattern(component_id: str) -> dict[str, Any] | None:
    """A pattern-matching id's JSON (``{"index":["ALL"],"type":"x"}``), None for a plain id."""
    if not component_id.startswith("{"):
        return None
    return json.loads(component_id)


def _output_parts(output: str) -> list[tuple[str, str]]:
    """``..a.children...b.data..`` (or ``a.children``) → ``[("a", "children"), ("b", "data")]``."""
    multi = output.startswith("..") and output.endswith("..")
    parts = output[2:-2].split("...") if multi else [output]
    return [tuple(part.rsplit(".", 1)) for part in parts]  # type: ignore[misc]


def _check_value(prop: str, value: Any, where: str, *, required_path: bool) -> None:
    if prop in _URL_PROPERTIES and value is not None and not isinstance(value, str):
        raise MalformedCallback(f"{where}.value: expected a string for {prop!r}")
    if prop != "pathname":
        return
    if required_path and not isinstance(value, str):
        raise MalformedCallback(f"{where}.value: expected the page's pathname")
    if isinstance(value, str) and not value.startswith("/"):
        # a browser's location.pathname always starts with "/" (Dash's router raises otherwise)
        raise MalformedCallback(f"{where}.value: expected a path starting with '/'")


def _check_one(item: Any, spec_id: str, prop: str, where: str, router: str | None) -> None:
    """``item`` is one dependency ``{"id", "property"[, "value"]}`` matching ``spec_id.prop``."""
    if not isinstance(item, dict):
        raise MalformedCallback(f"{where}: expected an object")
    if item.get("property") != prop:
        raise MalformedCallback(f"{where}.property: expected {prop!r}")
    pattern = _pattern(spec_id)
    component_id = item.get("id")
    if pattern is None:
        if component_id != spec_id:
            raise MalformedCallback(f"{where}.id: expected {spec_id!r}")
    elif not (
        isinstance(component_id, dict)
        and component_id.keys() == pattern.keys()
        and all(
            isinstance(component_id[key], _PLAIN)
            and (isinstance(wanted, list) or component_id[key] == wanted)
            for key, wanted in pattern.items()
        )
    ):
        raise MalformedCallback(f"{where}.id: expected an id matching {spec_id}")
    if "value" in item:
        required = router is not None and spec_id == router
        _check_value(prop, item["value"], where, required_path=required)


def _check_dependency(item: Any, spec_id: str, prop: str, where: str, router: str | None) -> None:
    """One dependency, or the list of them that an ALL/ALLSMALLER wildcard matches."""
    pattern = _pattern(spec_id)
    if pattern is not None and any(value in _MULTI for value in pattern.values()):
        if not isinstance(item, list):
            raise MalformedCallback(f"{where}: expected a list for {spec_id}")
        for position, sub in enumerate(item):
            _check_one(sub, spec_id, prop, f"{where}[{position}]", router)
        return
    _check_one(item, spec_id, prop, where, router)


def _check_list(body: Mapping[str, Any], key: str, specs: list[Any], router: str | None) -> None:
    items = body.get(key, [] if key == "state" else None)
    if not isinstance(items, list) or len(items) != len(specs):
        raise MalformedCallback(f"{key}: expected a list of {len(specs)}")
    for position, (item, spec) in enumerate(zip(items, specs, strict=True)):
        _check_dependency(item, str(spec["id"]), spec["property"], f"{key}[{position}]", router)


def _check_outputs(output: str, outputs: Any) -> None:
    if _NO_OUTPUT_KEY.match(output):
        return
    parts = _output_parts(output)
    multi = output.startswith("..") and output.endswith("..")
    if multi and (not isinstance(outputs, list) or len(outputs) != len(parts)):
        raise MalformedCallback(f"outputs: expected a list of {len(parts)} outputs")
    items = outputs if multi else [outputs]
    for position, ((spec_id, prop), item) in enumerate(zip(parts, items, strict=True)):
        _check_dependency(item, spec_id, prop, f"outputs[{position}]", None)


def validate_body(
    body: Any, callback_map: Mapping[str, Mapping[str, Any]], router: str | None = None
) -> None:
    """Raise :class:`MalformedCallback` unless ``body`` is a request the renderer could send.

    ``callback_map`` is the app's ``app.callback_map``; ``router`` the id of the pages router's
    dcc.Location, whose ``pathname`` is always a path.
    """
    if not isinstance(body, dict):
        raise MalformedCallback("body: expected a JSON object")
    output = body.get("output")
    if not isinstance(output, str) or not output:
        raise MalformedCallback("output: expected a non-empty string")
    spec = callback_map.get(output)
    if spec is None or "callback" not in spec:  # unknown, or a clientside callback
        raise MalformedCallback("output: no server callback has these outputs")
    _check_outputs(output, body.get("outputs"))
    _check_list(body, "inputs", list(spec.get("inputs", [])), router)
    _check_list(body, "state", list(spec.get("state", [])), router)
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(item, str) for item in changed):
        raise MalformedCallback("changedPropIds: expected a list of strings")
