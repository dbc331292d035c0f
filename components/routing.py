"""URL path → registered Dash page (one matcher for the 404 status, page bundles and exports).

Only Dash's public page registry (``dash.page_registry``: each entry's ``path`` and
``path_template``) is read. A path template's variable matches anything, as in Dash's router
(``/oes/<code>`` matches ``/oes/`` and ``/oes/a/b`` too): a page that must not exist for some
values registers ``path_exists=callable(**path_variables)``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

import dash
from dash import dcc

_VARIABLE = re.compile(r"<([^<>]+)>")


@lru_cache(maxsize=64)
def _template_pattern(template: str) -> re.Pattern[str]:
    """``oes/<code>`` → ``^oes/(?P<code>.*)$`` (static parts literal)."""
    parts = _VARIABLE.split(template.strip("/"))
    regex = "".join(
        f"(?P<{part}>.*)" if position % 2 else re.escape(part)
        for position, part in enumerate(parts)
    )
    return re.compile(f"^{regex}$", re.DOTALL)


def page_for(path: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The registry entry of the page at ``path`` and its path variables; ``({}, {})`` if none.

    ``path`` may carry the app's prefix and a query string (``/explorar?unidad=DGC``).
    """
    wanted = (dash.strip_relative_path(path.split("?", 1)[0]) or "").strip("/")
    for page in dash.page_registry.values():
        template = page.get("path_template")
        if template:
            match = _template_pattern(template).match(wanted)
            if match:
                return page, match.groupdict()
        if wanted == str(page["path"]).strip("/"):
            return page, {}
    return {}, {}


def is_page_path(path: str) -> bool:
    """Whether ``path`` is an existing page (its ``path_exists``, if any, agrees)."""
    page, variables = page_for(path)
    if not page:
        return False
    path_exists = page.get("path_exists")
    return bool(path_exists(**variables)) if callable(path_exists) else True


def page_path(page: Mapping[str, Any], variables: Mapping[str, str]) -> str:
    """The URL path of a registered page for its path variables."""
    path = str(page.get("path_template") or page["path"])
    for name, value in variables.items():
        path = path.replace(f"<{name}>", value)
    return path


def path_variables(page: Mapping[str, Any]) -> list[str]:
    """The names of a registered page's path variables (``/oes/<code>`` → ``["code"]``)."""
    return _VARIABLE.findall(str(page.get("path_template") or ""))


def split_keywords(
    page: Mapping[str, Any], keywords: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The keywords Dash's router passes to a page's ``layout``, split into the page's path
    variables and its query."""
    names = set(path_variables(page))
    variables = {k: v for k, v in keywords.items() if k in names}
    return variables, {k: v for k, v in keywords.items() if k not in names}


def query_string(query: Mapping[str, Any]) -> str:
    """The ``search`` of the address whose query Dash's router parsed into ``query`` (``""`` for
    none; a repeated key's list gives one pair per value)."""
    encoded = urlencode({k: v for k, v in query.items() if v is not None}, doseq=True)
    return f"?{encoded}" if encoded else ""


def page_location(component_id: str, path: str, query: Mapping[str, Any]) -> dcc.Location:
    """A page's own ``dcc.Location(refresh=False)`` that already holds the page's address.

    Without ``pathname`` and ``search`` the Location copies them from the browser when it
    mounts, and that change runs the page's URL-sync callback on every first visit: one more
    request and render for nothing, since ``layout(**query)`` already drew the view of that
    query (Dash 4's dash_core_components.js copies only the props that are unset). A first
    visit makes one callback request, the router's (tests/browser/test_pages.py); no change in
    blocking time could be measured. ``path`` is the page's registered path.
    """
    return dcc.Location(
        id=component_id,
        refresh=False,
        pathname=dash.get_relative_path(path),
        search=query_string(query),
    )
