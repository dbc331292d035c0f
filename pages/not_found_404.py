"""The 404 page (Dash pages convention: module ``not_found_404``). Not in the navbar.

The server answers an unknown path with HTTP 404 and Dash renders this layout: the one
not-found view (:func:`components.navigation.not_found_view`), with links to every section (the
navbar pages) and to every strategic objective.
"""

from __future__ import annotations

import dash
from dash import html

from components.navigation import NOT_FOUND_HEADING, not_found_view
from pesem.loader import get_dataset

MESSAGE = (
    "No encontramos la página que buscaba: la dirección no existe en este tablero "
    "o se escribió de otra forma. Revise la dirección o continúe desde aquí."
)


def page_title(**_: str) -> str:
    """``Página no encontrada · {plan_type} {sector_short} {year}``."""
    meta = get_dataset().meta
    return f"{NOT_FOUND_HEADING} · {meta.plan_type} {meta.sector_short} {meta.year}"


dash.register_page(
    __name__,
    path="/404",
    title=page_title,
    name=NOT_FOUND_HEADING,
    description=lambda **_: (
        f"La dirección solicitada no existe en el tablero de seguimiento del "
        f"{get_dataset().meta.plan_type}."
    ),
    nav=False,
    preload=(),  # no chart: the head preloads no dcc chunk (components/page_bundles.py)
)


def layout(**_query: str) -> html.Div:
    """The not-found view with the general message (query parameters are ignored)."""
    return not_found_view(MESSAGE, get_dataset().oes)
