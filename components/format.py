"""Number formatting as the report prints it (``83.33%``, ``37,368``, ``0.31``), Spanish UI."""

from __future__ import annotations

import math
from typing import Any

UNIT_LABELS = {
    "ratio": "ratio",
    "porcentaje": "porcentaje (%)",
    "numero": "número",
    "tasa": "tasa",
    "indice": "índice",
    "cantidad": "cantidad",
    "tasa_variacion": "tasa de variación",
}


def as_number(value: Any) -> float | None:
    """A float, or None for None/NaN/empty/non-numeric (cells of the data files and grid rows)."""
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_value(value: float | None, unit: str, missing: str = "—") -> str:
    """A report value in its unit: percentages with ``%``, counts with thousands commas."""
    if _missing(value):
        return missing
    if unit == "porcentaje":
        return f"{value:,.2f}".rstrip("0").rstrip(".") + "%"
    if unit in ("numero", "cantidad"):
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return f"{value:,.2f}"


def fmt_pct(
    value: float | None, decimals: int = 0, signed: bool = False, missing: str = "—"
) -> str:
    """A computed percentage (avance, change): ``52%``, ``-1,652%``, ``+15.4%``."""
    if _missing(value):
        return missing
    sign = "+" if signed and value > 0 else ""
    return f"{sign}{value:,.{decimals}f}%"


def fmt_change(value: float | None, unit: str, missing: str = "—") -> str:
    """An absolute change with its sign, in the indicator's unit (percentage points for %)."""
    if _missing(value):
        return missing
    sign = "+" if value > 0 else ""
    if unit == "porcentaje":
        return f"{sign}{value:,.2f}".rstrip("0").rstrip(".") + " p.p."
    return sign + fmt_value(value, unit)


def unit_label(unit: str) -> str:
    """Spanish name of a unit of measure."""
    return UNIT_LABELS.get(unit, unit)


def fmt_change_arrow(
    value: float | None, decimals: int = 1, missing: str = "sin comparación"
) -> str:
    """A percentage change with an arrow and its sign: ``↑ +15.4%``, ``↓ -3.1%``, ``→ 0%``."""
    if _missing(value):
        return missing
    if value > 0:
        return f"↑ {fmt_pct(value, decimals, signed=True)}"
    if value < 0:
        return f"↓ {fmt_pct(value, decimals)}"
    return "→ 0%"


def shown_of_total(shown: int, total: int, which: str) -> str:
    """The note of a chart that draws only part of its indicators, in Spanish.

    ``which`` says which ones are drawn: ``"Se muestran 25 de 1,000 indicadores (los de mayor
    variación %)."``, so a reader never takes the chart for the whole set.
    """
    return f"Se muestran {shown:,} de {total:,} indicadores ({which})."


_NUMBER_WORDS = (
    "cero",
    "uno",
    "dos",
    "tres",
    "cuatro",
    "cinco",
    "seis",
    "siete",
    "ocho",
    "nueve",
    "diez",
)


def count_word(n: int) -> str:
    """A small count in Spanish words (``4`` → ``cuatro``), digits from 11 on."""
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else f"{n:,}"
