"""Dash layouts as static HTML: the same elements and Bootstrap classes the renderer writes.

Used twice: the server's first paint of a page (web/first_paint.py) and "islands", static parts
of a page (large tables of text and links) that travel as one HTML attribute instead of hundreds
of components for React to build on every first visit (:func:`island`; assets/pesem.js puts the
HTML in place when the island appears). The output has no ids and no behaviour; components
without an HTML equivalent here (stores, locations, an interactive chart, the grid) leave an
empty box. Pure functions, no request or app state.
"""

from __future__ import annotations

import html as html_text
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

from dash import html
from dash.development.base_component import Component

from components.graph import table_from_spec

#: The attribute holding an island's HTML, and the class of its box.
ISLAND_ATTR: Final = "data-island"
ISLAND_CLASS: Final = "html-island"

VOID: Final = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "source", "wbr"})
#: Props that are Dash state or behaviour, not HTML attributes (and a data table's text, which
#: the copy writes as the table itself).
SKIP: Final = frozenset(
    {"id", "key", "loading_state", "setProps", "disable_n_clicks", "children", "extra_props"}
    | {"data-table", ISLAND_ATTR}
)
RENAME: Final = {"className": "class", "htmlFor": "for"}
#: CSS properties React writes without a unit (every other number gets "px").
UNITLESS: Final = frozenset(
    {"opacity", "zIndex", "flex", "flexGrow", "flexShrink", "fontWeight", "lineHeight", "order"}
)
TAGS: Final = {"ObjectEl": "object", "MapEl": "map"}
#: dcc components that draw nothing before the renderer (state, routing, downloads).
INVISIBLE: Final = frozenset({"Location", "Store", "Interval", "Download"})


def _attr_name(name: str) -> str:
    return RENAME.get(name, name if name.startswith(("data-", "aria-")) else name.lower())


def _style(style: Mapping[str, Any]) -> str:
    parts = []
    for key, value in style.items():
        name = key if key.startswith("--") else re.sub(r"([A-Z])", r"-\1", key).lower()
        if isinstance(value, int | float) and not isinstance(value, bool) and key not in UNITLESS:
            value = f"{value}px"
        parts.append(f"{name}: {value}")
    return "; ".join(parts)


def attributes(props: Mapping[str, Any], classes: Iterable[str] = ()) -> str:
    """HTML attributes of a component's props (without ids or Dash state)."""
    out = []
    names = [c for c in (props.get("className"), *classes) if c]
    if names:
        out.append(f'class="{html_text.escape(" ".join(names))}"')
    for name, value in props.items():
        if name in SKIP or name == "className" or value is None or value is False:
            continue
        if name.startswith(("n_", "persist")):
            continue
        if name == "style" and isinstance(value, Mapping):
            value = _style(value)
        if value is True:
            out.append(_attr_name(name))
        elif isinstance(value, str | int | float):
            out.append(f'{_attr_name(name)}="{html_text.escape(str(value))}"')
    return (" " + " ".join(out)) if out else ""


def element(
    tag: str, props: Mapping[str, Any], inner: str = "", classes: Iterable[str] = ()
) -> str:
    """One HTML element (``inner`` already serialized)."""
    attrs = attributes(props, classes)
    return f"<{tag}{attrs}>" if tag in VOID else f"<{tag}{attrs}>{inner}</{tag}>"


def to_html(node: Any) -> str:
    """``node`` (a Dash layout: components, strings, numbers, lists) as static HTML."""
    if node is None or isinstance(node, bool):
        return ""
    if isinstance(node, str | int | float):
        return html_text.escape(str(node), quote=False)
    if isinstance(node, list | tuple):
        return "".join(to_html(child) for child in node)
    if not isinstance(node, Component):
        return ""
    spec = node.to_plotly_json()  # public: {"type", "namespace", "props"} of the set props
    kind, namespace, props = spec["type"], spec["namespace"], spec["props"]
    if namespace == "dash_html_components":
        inner = props.get("children")
        if inner is None and isinstance(props.get(ISLAND_ATTR), str):
            return element(TAGS.get(kind, kind.lower()), props, props[ISLAND_ATTR])  # HTML
        if inner is None and isinstance(props.get("data-table"), str):
            inner = table_from_spec(json.loads(props["data-table"]))  # built by a script later
        return element(TAGS.get(kind, kind.lower()), props, to_html(inner))
    if namespace == "dash_core_components":
        return _dcc(kind, props)
    if namespace == "dash_bootstrap_components":
        return _dbc(kind, props)
    return element("div", {k: props.get(k) for k in ("className", "style")})


def _dcc(kind: str, props: Mapping[str, Any]) -> str:
    if kind in INVISIBLE:
        return ""
    if kind == "Link":
        keep = {k: props.get(k) for k in ("className", "style", "href", "title", "target")}
        return element("a", keep, to_html(props.get("children")))
    if kind == "Loading":
        return to_html(props.get("children"))
    if kind == "Input":  # e.g. a download form's hidden fields: the form works without scripts
        keep = ("type", "name", "value", "placeholder", "className", "style", "disabled")
        return element("input", {k: props.get(k) for k in keep})
    return element("div", {k: props.get(k) for k in ("className", "style")})


def _col_classes(props: Mapping[str, Any]) -> list[str]:
    classes = []
    for point in ("xs", "sm", "md", "lg", "xl", "xxl"):
        value = (
            props.get("width") if point == "xs" and props.get("xs") is None else props.get(point)
        )
        if isinstance(value, Mapping):
            value = value.get("size")
        if value is None:
            continue
        infix = "" if point == "xs" else f"-{point}"
        classes.append(f"col{infix}" if value is True else f"col{infix}-{value}")
    return classes or ["col"]


def _choices(props: Mapping[str, Any], kind: str) -> str:
    """dbc.Checklist / RadioItems: one form-check per option, checked as its value says."""
    chosen = props.get("value")
    chosen = set(chosen) if isinstance(chosen, list) else {chosen}
    options = props.get("options") or []
    if isinstance(options, Mapping):
        options = [{"label": label, "value": value} for value, label in options.items()]
    check = ["form-check"] + (["form-check-inline"] if props.get("inline") else [])
    out = []
    for option in options:
        if not isinstance(option, Mapping):
            option = {"label": option, "value": option}
        box = {
            "type": kind,
            "value": option.get("value"),
            "checked": option.get("value") in chosen,
            "disabled": bool(option.get("disabled")),
            "className": props.get("inputClassName"),
        }
        label = element(
            "label",
            {"className": props.get("labelClassName")},
            to_html(option.get("label")),
            ["form-check-label"],
        )
        out.append(
            element("div", {}, element("input", box, "", ["form-check-input"]) + label, check)
        )
    return element("div", {k: props.get(k) for k in ("className", "style")}, "".join(out))


def _accordion(props: Mapping[str, Any]) -> str:
    items = props.get("children") or []
    items = items if isinstance(items, list) else [items]
    active = props.get("active_item")
    if active is None and not props.get("start_collapsed") and items:
        first = items[0].to_plotly_json()["props"] if isinstance(items[0], Component) else {}
        active = [first.get("item_id") or "item-0"]
    active = set(active) if isinstance(active, list) else {active}
    out = []
    for index, item in enumerate(items):
        item_props = item.to_plotly_json()["props"] if isinstance(item, Component) else {}
        is_open = (item_props.get("item_id") or f"item-{index}") in active
        button = element(
            "button",
            {"type": "button", "aria-expanded": "true" if is_open else "false"},
            to_html(item_props.get("title", "")),
            ["accordion-button"] + ([] if is_open else ["collapsed"]),
        )
        body = element("div", {}, to_html(item_props.get("children")), ["accordion-body"])
        panel = element(
            "div", {}, body, ["accordion-collapse", "collapse"] + (["show"] if is_open else [])
        )
        header = element("h2", {}, button, ["accordion-header"])
        outer = {"className": item_props.get("className")}
        out.append(element("div", outer, header + panel, ["accordion-item"]))
    flush = ["accordion-flush"] if props.get("flush") else []
    return element(
        "div", {"className": props.get("className")}, "".join(out), ["accordion", *flush]
    )


#: dbc components that are one element with fixed classes: (tag, classes).
SIMPLE_DBC: Final = {
    "Card": ("div", ["card"]),
    "CardHeader": ("div", ["card-header"]),
    "CardBody": ("div", ["card-body"]),
    "CardFooter": ("div", ["card-footer"]),
}


def _table(props: Mapping[str, Any]) -> str:
    flags = [
        f"table-{name}"
        for name in ("striped", "bordered", "borderless", "hover")
        if props.get(name)
    ]
    size = [f"table-{props['size']}"] if props.get("size") else []
    table = element(
        "table",
        {"className": props.get("className"), "style": props.get("style")},
        to_html(props.get("children")),
        ["table", *size, *flags],
    )
    return element("div", {}, table, ["table-responsive"]) if props.get("responsive") else table


def _button(props: Mapping[str, Any]) -> str:
    color = props.get("color") or "primary"
    kind = f"btn-outline-{color}" if props.get("outline") else f"btn-{color}"
    size = [f"btn-{props['size']}"] if props.get("size") else []
    keep = {k: props.get(k) for k in ("className", "style", "title", "disabled")}
    if props.get("href"):
        return element(
            "a",
            {**keep, "href": props["href"]},
            to_html(props.get("children")),
            ["btn", kind, *size],
        )
    return element(
        "button", {**keep, "type": "button"}, to_html(props.get("children")), ["btn", kind, *size]
    )


#: dbc's snake_case props and the names used here.
DBC_NAMES: Final = {
    "class_name": "className",
    "input_class_name": "inputClassName",
    "label_class_name": "labelClassName",
}


def _dbc(kind: str, props: Mapping[str, Any]) -> str:
    props = {DBC_NAMES.get(name, name): value for name, value in props.items()}
    inner = to_html(props.get("children"))
    keep = {k: props.get(k) for k in ("className", "style", "role", "title")}
    if kind in SIMPLE_DBC:
        tag, classes = SIMPLE_DBC[kind]
        return element(tag, keep, inner, classes)
    if kind == "Row":
        extra = [f"align-items-{props['align']}"] if props.get("align") else []
        extra += [f"justify-content-{props['justify']}"] if props.get("justify") else []
        return element("div", keep, inner, ["row", *extra])
    if kind == "Col":
        return element("div", keep, inner, _col_classes(props))
    if kind == "Table":
        return _table(props)
    if kind in ("Checklist", "RadioItems"):
        return _choices(props, "checkbox" if kind == "Checklist" else "radio")
    if kind == "Accordion":
        return _accordion(props)
    if kind == "Alert":
        if props.get("is_open") is False:
            return ""
        color = props.get("color") or "success"
        return element(
            "div", {**keep, "role": "alert"}, inner, ["fade", "alert", f"alert-{color}", "show"]
        )
    if kind == "Button":
        return _button(props)
    return element("div", keep, inner)


def island(node: Any, className: str = "", **props: Any) -> html.Div:
    """``node`` as one static-HTML box (``props``, e.g. an id, go on the box): its links are
    plain links (a new document), and it has no ids or callbacks inside."""
    classes = f"{ISLAND_CLASS} {className}".strip()
    return html.Div(className=classes, **props, **{ISLAND_ATTR: to_html(node)})
