"""CEPLAN follow-up formulas: Avance Tipo 1/2, year-on-year change and target trend.

Pure functions on plain floats. A value that cannot be computed is returned as
``Result(None, reason)`` with a Spanish reason meant for the user, never ``inf`` or ``NaN``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass

#: Values closer than this are treated as equal (the report prints at most 2 decimals).
EPSILON = 1e-9


@dataclass(frozen=True)
class Result:
    """A computed number, or ``None`` with the reason it could not be computed."""

    value: float | None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        """True when a number was computed."""
        return self.value is not None


def is_missing(x: float | None) -> bool:
    """True for ``None`` and ``NaN`` (pandas' missing value)."""
    return x is None or (isinstance(x, float) and math.isnan(x))


def _missing_reason(
    achieved: float | None, expected: float | None, baseline: float | None = 0.0
) -> str | None:
    if is_missing(achieved):
        return "no calculable: falta el valor obtenido"
    if is_missing(expected):
        return "no calculable: no hay logro esperado para el año (ND)"
    if is_missing(baseline):
        return "no calculable: falta la línea de base"
    return None


def avance_tipo1(achieved: float | None, expected: float | None) -> Result:
    """Avance Tipo 1 = achieved / expected × 100 (share of the year's target reached)."""
    reason = _missing_reason(achieved, expected)
    if reason:
        return Result(None, reason)
    if abs(expected) < EPSILON:
        return Result(None, "no calculable: el logro esperado es 0 (división entre cero)")
    return Result(achieved / expected * 100.0)


def avance_tipo2(achieved: float | None, expected: float | None, baseline: float | None) -> Result:
    """Avance Tipo 2 = (achieved − baseline) / (expected − baseline) × 100.

    The share of the planned distance from the baseline that was covered. The formula is the
    same for increasing and decreasing targets ((LB − V)/(LB − M) is the same quotient).
    """
    reason = _missing_reason(achieved, expected, baseline)
    if reason:
        return Result(None, reason)
    denominator = expected - baseline
    if abs(denominator) < EPSILON:
        return Result(
            None,
            "no calculable: el logro esperado es igual a la línea de base (división entre cero)",
        )
    return Result((achieved - baseline) / denominator * 100.0)


def change(
    before: float | None, after: float | None, years: tuple[int, int] | None = None
) -> tuple[Result, Result]:
    """Absolute and percentage change from ``before`` to ``after`` (``years``: their years)."""
    if is_missing(before) or is_missing(after):
        missing = 0 if is_missing(before) else 1
        which = str(years[missing]) if years else ("inicial", "final")[missing]
        reason = f"no calculable: falta el valor {'de ' if years else ''}{which}"
        return Result(None, reason), Result(None, reason)
    absolute = Result(after - before)
    if abs(before) < EPSILON:
        return absolute, Result(None, "no calculable: el valor inicial es 0")
    return absolute, Result((after - before) / abs(before) * 100.0)


def target_trend(expected: Iterable[float | None]) -> str | None:
    """Direction of the targets as CEPLAN derives it: sign of the sum of successive differences.

    Missing targets (ND) are skipped. Returns ``"ascendente"``, ``"descendente"``, ``"neutral"``
    or ``None`` when fewer than two targets are defined.
    """
    values = [v for v in expected if not is_missing(v)]
    if len(values) < 2:
        return None
    total = sum(b - a for a, b in itertools.pairwise(values))
    if total > EPSILON:
        return "ascendente"
    if total < -EPSILON:
        return "descendente"
    return "neutral"


def agrees(reported: float, computed: float, decimals: int = 0) -> bool:
    """True when ``computed`` rounds to ``reported`` at the report's precision (±half a unit)."""
    tolerance = 0.5 * 10.0 ** (-decimals) + EPSILON
    return abs(reported - computed) <= tolerance


def decimals_of(raw: str) -> int:
    """Number of decimals printed in a report cell such as ``'72.2%'`` (0 for ``'26%'``)."""
    text = raw.strip().rstrip("%").strip()
    return len(text.split(".", 1)[1]) if "." in text else 0


def parse_report_number(raw: str | None) -> float | None:
    """Parse a numeric report cell (``'83.33%'``, ``'37,368'``, ``'-1652%'``).

    Returns ``None`` when the cell is not a number (``ND``, ``---``, ``s``, blank).

    Percent cells keep the 0–100 scale (``'6.5%'`` → 6.5). Thousands commas are removed.
    """
    if raw is None:
        return None
    text = str(raw).strip().replace("\u2212", "-").rstrip("%").strip().replace(",", "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
