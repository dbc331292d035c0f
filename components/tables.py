"""Accessible HTML tables: the values of an indicator as the report prints them, captions, headers.

Every table has a caption and ``<th scope>`` headers, and scrolls sideways on a narrow screen
instead of widening the page.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import pandas as pd
from dash import html

from components.format import fmt_pct, fmt_value
from pesem.formulas import agrees
from pesem.report import ReportMeta

#: Raw report markers of a cell without a value (shown as printed, styled as missing).
MISSING_MARKERS = ("ND", "---", "--", "s", "(vacía)")


def cell_text(value: float | None, raw: str, unit: str) -> str:
    """A report cell for a table: the formatted value, else the report's raw marker (ND, ---, s)."""
    if value is not None and not (isinstance(value, float) and math.isnan(value)):
        return fmt_value(float(value), unit)
    return str(raw) if raw else "(vacía)"


def values_table(
    cells: pd.DataFrame, unit: str, baseline_year: int | None, meta: ReportMeta
) -> pd.DataFrame:
    """Baseline, logros esperados and valores obtenidos by year, as the report prints them.

    ``cells`` is :func:`pesem.metrics.series_table`; one row per series, one column per year of
    the plan (``meta.expected_years``; valores obtenidos up to the assessed year).
    """
    lookup = {
        (c.series, int(c.year)): cell_text(c.value, c.raw, unit)
        for c in cells.itertuples(index=False)
    }
    base = next((text for (series, _), text in lookup.items() if series == "baseline"), "—")
    columns: dict[str, list[str]] = {
        "Serie": ["Logro esperado", "Valor obtenido"],
        f"Línea de base ({baseline_year or '—'})": [base, ""],
    }
    for year in meta.expected_years:
        columns[str(year)] = [
            lookup.get(("expected", year), ""),
            lookup.get(("achieved", year), "") if year in meta.achieved_years else "",
        ]
    return pd.DataFrame(columns)


def table_header(labels: Iterable[Any]) -> html.Thead:
    """A table's header row: one ``<th scope="col">`` per label (text or components)."""
    return html.Thead(html.Tr([html.Th(label, scope="col") for label in labels]))


def responsive_table(
    caption: Any, header: html.Thead, rows: list[Any], class_name: str
) -> html.Div:
    """A captioned ``<table>`` (``header``, then ``rows`` as its body) that scrolls sideways on a
    narrow screen instead of widening the page (Bootstrap's ``table-responsive``)."""
    return html.Div(
        html.Table(
            [html.Caption(caption), header, html.Tbody(rows)],
            className=class_name,
        ),
        className="table-responsive",
    )


def _row(values: Iterable[Any]) -> html.Tr:
    """A body row: the first value as the row header, missing markers styled."""
    return html.Tr(
        [
            html.Th(value, scope="row")
            if i == 0
            else html.Td(value, className="cell-missing" if value in MISSING_MARKERS else None)
            for i, value in enumerate(values)
        ]
    )


def html_table(frame: pd.DataFrame, caption: str) -> html.Div:
    """A small accessible HTML table (first column as row header; missing markers styled)."""
    return responsive_table(
        caption,
        table_header(frame.columns),
        [_row(row) for row in frame.itertuples(index=False, name=None)],
        "table table-sm values-table mb-0",
    )


def avance_pair(reported: float | None, computed: float | None, reason: str) -> list:
    """``26% / 28.0% ⚠ difiere``: reported vs recomputed Avance, the difference flagged in text."""
    rep_missing, comp_missing = pd.isna(reported), pd.isna(computed)
    rep = "—" if rep_missing else fmt_pct(reported, 0 if float(reported).is_integer() else 2)
    out: list = [html.Span(rep, title="Reportado en el Anexo 6.1"), " / "]
    if comp_missing:
        out.append(html.Span("no calculable", title=reason, className="not-computable"))
    else:
        out.append(html.Span(fmt_pct(computed, 1), title="Recalculado con los datos del anexo"))
    if not rep_missing and not comp_missing and not agrees(reported, computed, 0):
        out.append(
            html.Span(
                " ⚠ difiere",
                className="flag-differs",
                title="El avance reportado no coincide con el recalculado",
            )
        )
    elif not rep_missing and comp_missing:
        out.append(html.Span(" ⚠ reportado sin base de cálculo", className="flag-differs"))
    return out
