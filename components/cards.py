"""Small blocks of content: semáforo badges, the report's own text, the findings box."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from components.markdown import markdown_components


def status_badge(label: str, icon: str, color: str, title: str = "") -> html.Span:
    """Semáforo badge: icon + text, so colour never carries the status alone."""
    return html.Span(
        [html.Span(icon, **{"aria-hidden": "true"}), " ", label],
        className="status-badge",
        # Black text reaches >= 4.5:1 on every status colour (white fails on #D55E00).
        style={"backgroundColor": color, "color": "#000"},
        title=title,
    )


def summary_badge(row: pd.Series) -> html.Span:
    """The semáforo badge of an :func:`pesem.metrics.indicator_summary` row (reason as tooltip)."""
    return status_badge(
        row["status_label"], row["status_icon"], row["status_color"], title=row["status_reason"]
    )


def markdown(text: str) -> html.Div:
    """The report's own wording, its markdown rendered on the server (raw HTML stays text)."""
    return html.Div(markdown_components(text), className="report-text")


def _finding_item(finding: object) -> html.Li:
    return html.Li(
        [
            html.Span(f"{finding.kind_label}. ", className="fw-bold"),
            finding.message,
            html.Span(
                f" ({finding.where}; hallazgo {finding.finding_id})", className="finding-where"
            ),
        ]
    )


def findings_box(
    findings: pd.DataFrame, element_id: str, empty_text: str, more_href: str | None = None
) -> html.Section:
    """The visible "Inconsistencias del reporte" box (rows of :func:`pesem.findings.find_all`).

    ``more_href``: the page that explains every finding (``/calidad``), linked at the end.
    """
    if findings.empty:
        content: list = [html.P(empty_text, className="mb-0")]
    else:
        items = [_finding_item(f) for f in findings.itertuples(index=False)]
        content = [html.Ul(items, className="mb-0")]
    if more_href:
        link = dcc.Link(
            "Ver todas las inconsistencias del reporte en «Calidad de datos» →", href=more_href
        )
        content.append(html.P(link, className="mt-2 mb-0"))
    heading = html.H2(
        [html.Span("⚠", **{"aria-hidden": "true"}), " Inconsistencias del reporte"],
        className="h4",
    )
    return html.Section(
        [heading, *content],
        id=element_id,
        className="findings-box mb-4" + (" findings-empty" if findings.empty else ""),
    )


def narrative_section(heading: str, text: str, element_id: str) -> html.Section:
    """The report's own analysis of a code under ``heading``, verbatim (:func:`markdown`)."""
    return html.Section(
        [html.H2(heading, className="h3"), markdown(text)],
        id=element_id,
        className="report-narrative mb-4",
    )
