"""What the OES and AES pages share: URL codes, tab titles, header, indicator blocks, findings.

A code page is addressed by a plan code in any usual spelling (``/oes/oes-01``, ``/aes/0103``);
:class:`CodePage` resolves it against the dataset's codes and tells Dash (``path_exists``) and
the server (HTTP 404) when it names nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import html

from components.cards import findings_box, summary_badge
from components.graph import chart_card
from components.navigation import breadcrumbs, registered_path, tab_title
from pesem import vocabulary
from pesem.report import ReportMeta

#: Title of an indicator's timeline chart, after its id (OES and AES pages alike).
TIMELINE_TITLE = "Línea de base, logros esperados y valores obtenidos"

_OES_CODE_RE = re.compile(rf"^(?:{vocabulary.OBJECTIVE})?[\s._-]*(\d{{1,2}})$", re.IGNORECASE)
_AES_CODE_RE = re.compile(
    rf"^(?:{vocabulary.ACTION})?[\s._-]*(?:(\d{{1,2}})[\s._-]+(\d{{1,2}})|(\d{{2}})(\d{{2}}))$",
    re.IGNORECASE,
)


def canonical_oes(text: str | None) -> str | None:
    """``OES.01``, ``oes-01``, ``OES01``, ``1`` → ``"OES.01"``; anything else → None."""
    match = _OES_CODE_RE.match(str(text or "").strip())
    return vocabulary.objective_code(match.group(1)) if match else None


def canonical_aes(text: str | None) -> str | None:
    """``AES.01.03``, ``aes-01-03``, ``AES0103``, ``01.03`` → ``"AES.01.03"``; else None."""
    match = _AES_CODE_RE.match(str(text or "").strip())
    if not match:
        return None
    oes, aes = (match.group(1), match.group(2)) if match.group(1) else match.group(3, 4)
    return vocabulary.action_code(oes, aes)


@dataclass(frozen=True)
class CodePage:
    """URL-code handling of a page addressed by a code (``/oes/<code>``, ``/aes/<code>``).

    ``canonical`` maps any accepted spelling to the canonical code (or None); ``known_codes``
    lists the codes of the dataset; ``missing`` is the tab title's text for an unknown code;
    ``meta`` gives the report the tab title names.
    """

    canonical: Callable[[str | None], str | None]
    known_codes: Callable[[], Iterable[str]]
    missing: str
    meta: Callable[[], ReportMeta]

    def resolve(self, code: str | None) -> str | None:
        """The canonical code of an existing item, or None."""
        canonical = self.canonical(code)
        if canonical is None:
            return None
        return canonical if canonical in set(self.known_codes()) else None

    def title(self, code: str | None = None, **_: Any) -> str:
        """Browser tab title: the canonical code, or ``missing`` for an unknown code."""
        return tab_title(self.resolve(code) or self.missing, self.meta())

    def exists(self, code: str | None = None, **_: Any) -> bool:
        """Whether the URL names an existing item (``path_exists`` of the page: HTTP 404)."""
        return self.resolve(code) is not None

    def register_options(self) -> dict[str, Any]:
        """The ``dash.register_page`` keywords every code page passes alike.

        Tab title per code, out of the navbar, and ``path_exists`` so that the server answers
        HTTP 404 for an unknown code.
        """
        return {
            "title": self.title,
            "nav": False,
            "path_exists": self.exists,
            # charts (components/page_bundles.py); the narrative is plain html, no dcc chunk
            "preload": ("graph",),
        }


def code_page_header(
    crumbs: list[tuple[str, str | None]], code: str, *title: Any
) -> list[html.Nav | html.H1]:
    """Breadcrumbs and the ``<h1>`` of an OES/AES page: the code, then the ``title`` parts."""
    return [
        breadcrumbs(crumbs),
        html.H1([html.Span(code, className="oes-code"), *title], className="h2 page-title"),
    ]


def indicator_heading(row: pd.Series, class_name: str, detail: Any) -> list[html.H3 | html.P]:
    """The heading (id and name) and status line of an indicator block of the OES/AES pages.

    ``row`` is an :func:`pesem.metrics.indicator_summary` row; the status line is its semáforo
    badge, the status reason, then ``detail``; ``class_name`` sizes the heading.
    """
    return [
        html.H3(
            [html.Span(row["indicator_id"], className="indicator-code"), " ", row["name"]],
            className=class_name,
        ),
        html.P(
            [
                summary_badge(row),
                " ",
                html.Span(row["status_reason"], className="status-reason"),
                detail,
            ],
            className="indicator-status",
        ),
    ]


def timeline_card(
    component_type: str,
    indicator_id: str,
    figure: go.Figure,
    *,
    filename: str,
    summary: str,
    table: pd.DataFrame,
) -> dbc.Card:
    """The chart card of an indicator's timeline (:func:`components.charts.indicator_timeline`),
    with the id ``{"type": component_type, "index": indicator_id}`` and the shared title."""
    return chart_card(
        {"type": component_type, "index": indicator_id},
        figure,
        title=f"{indicator_id} · {TIMELINE_TITLE}",
        filename=filename,
        summary=summary,
        table=table,
    )


def code_findings_box(
    findings: pd.DataFrame, code: str, element_id: str, empty_text: str | None
) -> html.Section | None:
    """:func:`findings_box` of one OES/AES code's findings, linked to «Calidad de datos».

    ``findings`` is all of :func:`pesem.findings.find_all`; ``empty_text`` None leaves the box
    out (None) when the code has no findings.
    """
    own = findings[findings["code"] == code]
    if empty_text is None and own.empty:
        return None
    return findings_box(own, element_id, empty_text or "", more_href=registered_path("/calidad"))
