"""One key message per chart, computed from the data: the sentence a presenter says over a slide.

Pure functions of the domain tables (:func:`pesem.metrics.indicator_summary`,
:func:`pesem.covid.comparison`, :func:`pesem.outlook.with_outlook`,
:func:`pesem.explore.unit_summary`) and of the report's years (``meta``); the presenter deck
(web/deck/) puts each on its slide.
Numbers are written as the report prints them (``0.31``, ``37,368``, ``83.33``), percentages
with a space and a true minus sign (``−45.7 %``), as Spanish typography does.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import pandas as pd

from pesem import outlook, status
from pesem.vocabulary import OBJECTIVE

if TYPE_CHECKING:
    from pesem.report import ReportMeta

SEPARATOR: Final = " · "
MINUS: Final = "\u2212"
#: Units whose values are counts (no decimals when whole), as the report prints them.
COUNT_UNITS: Final = frozenset({"numero", "cantidad"})


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def fmt_value(value: Any, unit: str = "") -> str:
    """A report value: ``6.05``, ``37,368``, ``83.33 %`` (``—`` when missing)."""
    number = _number(value)
    if number is None:
        return "—"
    if unit in COUNT_UNITS and number.is_integer():
        text = f"{number:,.0f}"
    else:
        text = f"{number:,.2f}"
        if unit == "porcentaje":
            text = text.rstrip("0").rstrip(".")
    text = text.replace("-", MINUS)
    return f"{text} %" if unit == "porcentaje" else text


def fmt_pct(value: Any, decimals: int = 0, *, signed: bool = False) -> str:
    """A computed percentage: ``211 %``, ``−45.7 %``, ``+15.4 %`` (``—`` when missing)."""
    number = _number(value)
    if number is None:
        return "—"
    sign = "+" if signed and number > 0 else ""
    return f"{sign}{number:,.{decimals}f} %".replace("-", MINUS)


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def indicator_message(row: Mapping[str, Any], meta: ReportMeta) -> str:
    """An indicator's value in the assessed year, its change since the previous year and its
    degree of achievement: ``Valor {year}: 6.05 · −45.7 % frente a {previous year} · 211 % de la
    meta {final year}``."""
    unit = str(row.get("unit") or "")
    current = _number(row.get("achieved_current"))
    if current is None:
        reason = str(row.get("missing_current_reason") or "no reportado")
        parts = [f"Sin valor {meta.year} ({reason})"]
    else:
        parts = [f"Valor {meta.year}: {fmt_value(current, unit)}"]
    change = _number(row.get("change_pct"))
    if change is not None:
        parts.append(f"{fmt_pct(change, 1, signed=True)} frente a {meta.previous_year}")
    elif _number(row.get("achieved_previous")) is None:
        parts.append(f"sin valor {meta.previous_year} para comparar")
    degree, ref_year = _number(row.get("degree")), _number(row.get("reference_year"))
    if degree is not None and ref_year is not None:
        target = "de la meta" if int(ref_year) == meta.plan_end else "del logro esperado"
        parts.append(f"{fmt_pct(degree)} {target} {int(ref_year)}")
    return SEPARATOR.join(parts)


def avance_message(row: Mapping[str, Any], meta: ReportMeta) -> str:
    """The reported Avance Tipo 1/2 of the assessed year against the recomputed ones:
    ``Avance Tipo 1 {year}: 26 % reportado, 28 % recalculado (no coincide) · …``."""
    parts = []
    for tipo in ("tipo1", "tipo2"):
        reported, computed = (
            _number(row.get(f"{tipo}_reported")),
            _number(row.get(f"{tipo}_computed")),
        )
        label = f"Avance Tipo {tipo[-1]} {meta.year}"
        if reported is None and computed is None:
            parts.append(f"{label}: no calculable")
            continue
        text = f"{label}: {fmt_pct(reported)} reportado, {fmt_pct(computed)} recalculado"
        if reported is not None and computed is not None and round(computed) != round(reported):
            text += " (no coincide)"
        parts.append(text)
    return SEPARATOR.join(parts)


def status_counts_message(summary: pd.DataFrame, rules: Mapping[str, Any] | None = None) -> str:
    """The semáforo of ``summary``'s indicators: ``7 indicadores: 4 Cumplido · 1 En riesgo · …``
    (statuses with no indicator left out)."""
    counts = summary["status"].value_counts()
    parts = [
        f"{int(counts[code])} {status.label(code, rules)['label']}"
        for code in status.STATUSES
        if counts.get(code, 0)
    ]
    head = _count(len(summary), "indicador", "indicadores")
    return f"{head}: {SEPARATOR.join(parts)}" if parts else f"{head} sin estado"


def oes_overview_message(summary: pd.DataFrame, meta: ReportMeta, rules: Any = None) -> str:
    """The semáforo of the OES indicators in the assessed year."""
    oes = summary[summary["level"] == OBJECTIVE]
    return f"Estado {meta.year} de los {status_counts_message(oes, rules)}"


def outlook_message(table: pd.DataFrame, meta: ReportMeta) -> str:
    """How many indicators reach the final year's target at the observed pace (the outlook's
    categories, :func:`pesem.outlook.progress_counts`)."""
    counts = outlook.progress_counts(table)
    total = len(table)
    on_track = counts["meta_alcanzada"] + counts["sustancial"]
    parts = [
        f"Al ritmo observado, {on_track} de {total} indicadores alcanzarían o casi alcanzarían "
        f"la meta {meta.plan_end}"
    ]
    if counts["deterioro"]:
        parts.append(f"{counts['deterioro']} en {outlook.label('deterioro')['label'].lower()}")
    if counts["no_calculable"]:
        parts.append(f"{counts['no_calculable']} no calculables")
    return SEPARATOR.join(parts)


def units_message(units: pd.DataFrame, meta: ReportMeta) -> str:
    """The unit with most indicators and how many of them are lagging
    (``units``: :func:`pesem.explore.unit_summary`)."""
    if units.empty:
        return f"Sin unidades responsables en {meta.year}"
    top = units.iloc[0]
    lagging = int(top.get("rezagado", 0))
    return (
        f"{len(units)} unidades responsables{SEPARATOR}{top['unit']} tiene más indicadores "
        f"({int(top['indicators'])}), {lagging} rezagados en {meta.year}"
    )


def explorer_message(filtered: pd.DataFrame, meta: ReportMeta, rules: Any = None) -> str:
    """The semáforo of the explorer's filtered indicators in the assessed year."""
    if filtered.empty:
        return "Ningún indicador cumple los filtros"
    degrees = pd.to_numeric(filtered["degree"], errors="coerce").dropna()
    parts = [f"Estado {meta.year} de {status_counts_message(filtered, rules)}"]
    if len(degrees):
        parts.append(f"mediana del grado de cumplimiento {fmt_pct(degrees.median())}")
    return SEPARATOR.join(parts)


def covid_message(comp: pd.DataFrame, before: int, pandemic: int) -> str:
    """How many indicators fell from the year before the pandemic to the pandemic year, and the
    largest fall (``comp``: rows of :func:`pesem.covid.comparison`)."""
    directions = comp["change_direction"].value_counts()
    fell, rose = int(directions.get("fell", 0)), int(directions.get("rose", 0))
    parts = [
        f"{fell} de {len(comp)} indicadores bajaron de {before} a {pandemic}",
        _count(rose, "subió", "subieron"),
    ]
    falls = comp[pd.to_numeric(comp["change_pct"], errors="coerce") < 0]
    if not falls.empty:
        worst = falls.sort_values("change_pct", kind="stable").iloc[0]
        parts.append(f"mayor caída: {worst['indicator_id']} ({fmt_pct(worst['change_pct'], 1)})")
    return SEPARATOR.join(parts)
