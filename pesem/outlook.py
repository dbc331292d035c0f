"""Plan outlook: will each indicator reach the plan's final target at the pace observed so far?

The dashboard's own computation, not the report's: the progress measure of the Open SDG platforms
(``sdg/ProgressMeasure.py`` in open-sdg/sdg-build, "methodology 2" for an indicator with a
target, after UN ESCAP). For each indicator:

* base: the baseline value and year; current: the latest achieved value and its year (within
  ``meta.achieved_years``); target: the expected value of the plan's final year (``meta.plan_end``);
* target reached (``current >= target`` where more is better, ``<=`` where less is better):
  ``meta_alcanzada``;
* otherwise ``cagr_observed = (current / base) ** (1 / (current_year - base_year)) - 1``,
  ``cagr_required = (target / base) ** (1 / (target_year - base_year)) - 1`` and
  ``progress_ratio = direction * cagr_observed / |cagr_required|``, classified by
  :data:`THRESHOLDS`;
* ``no_calculable`` with a Spanish reason when an input is missing or a rate is undefined (base or
  current ≤ 0: Open SDG substitutes 0.001, we do not invent numbers).

It extrapolates a constant growth rate; it is not a forecast.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import pandas as pd

from pesem.formulas import is_missing

if TYPE_CHECKING:
    from pesem.loader import Dataset
    from pesem.report import ReportMeta

#: Categories, best first (the order of counts, legends and filters).
PROGRESS_STATUSES: Final = (
    "meta_alcanzada",
    "sustancial",
    "moderado",
    "limitado",
    "deterioro",
    "no_calculable",
)
#: Lowest progress ratio of each category reached by growth (ratio < 0: ``deterioro``).
THRESHOLDS: Final = {"sustancial": 0.95, "moderado": 0.6, "limitado": 0.0}
#: Spanish label and text icon of each category: the icon never stands alone, nor the colour.
LABELS: Final[dict[str, dict[str, str]]] = {
    "meta_alcanzada": {"label": "Meta alcanzada", "icon": "★"},
    "sustancial": {"label": "Progreso sustancial", "icon": "⇈"},
    "moderado": {"label": "Progreso moderado", "icon": "↗"},
    "limitado": {"label": "Progreso limitado", "icon": "→"},
    "deterioro": {"label": "Deterioro", "icon": "↘"},
    "no_calculable": {"label": "No calculable", "icon": "?"},
}
#: Sign of each direction of the report (more is better: +1).
DIRECTION_SIGNS: Final = {"ascendente": 1, "descendente": -1}
#: The finding kind that flags targets set below the baseline of a more-is-better indicator.
BELOW_BASE_KIND: Final = "meta_bajo_linea_base"

#: Columns of :func:`outlook_table`, in order.
COLUMNS: Final = [
    "indicator_id",
    "direction_sign",
    "base_value",
    "base_year",
    "current_value",
    "current_year",
    "target_value",
    "target_year",
    "cagr_observed",
    "cagr_required",
    "progress_ratio",
    "progress_status",
    "progress_label",
    "progress_icon",
    "progress_reason",
    "target_below_base",
    "target_finding_id",
]


@dataclass(frozen=True)
class Point:
    """A value and its year; either may be missing (None)."""

    value: float | None
    year: int | None

    @property
    def known(self) -> bool:
        """Whether both the value and the year are there."""
        return self.value is not None and self.year is not None


@dataclass(frozen=True)
class Progress:
    """The outcome for one indicator: both growth rates, their ratio, category and reason."""

    status: str
    reason: str
    cagr_observed: float | None = None
    cagr_required: float | None = None
    ratio: float | None = None


def label(code: str) -> dict[str, str]:
    """Spanish label and text icon of a category (``{"label", "icon"}``)."""
    return LABELS[code]


def cagr(start: float, end: float, years: int) -> float:
    """Compound annual growth rate from ``start`` to ``end`` in ``years`` years (both > 0)."""
    return (end / start) ** (1 / years) - 1


def classify(ratio: float) -> str:
    """The category of a progress ratio (:data:`THRESHOLDS`)."""
    for code, lowest in THRESHOLDS.items():
        if ratio >= lowest:
            return code
    return "deterioro"


def _num(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _pct(rate: float) -> str:
    return f"{rate * 100:+.1f} %"


def _reached(current: float, target: float, direction: int) -> bool:
    return current >= target if direction > 0 else current <= target


def _not_calculable(base: Point, current: Point, target: Point) -> str:
    """Why no growth rate can be computed ("" when both can)."""
    if base.value is None or base.year is None:
        return "Sin línea de base: no hay punto de partida para medir el ritmo."
    if base.value <= 0:
        return (
            f"Línea de base {_num(base.value)}: con un punto de partida ≤ 0 la tasa de "
            "crecimiento no está definida (no se sustituye por otro valor)."
        )
    if current.value <= 0:
        return (
            f"Valor obtenido {current.year} de {_num(current.value)}: con un valor ≤ 0 la tasa "
            "de crecimiento no está definida."
        )
    if target.value == base.value:
        return (
            f"La meta {target.year} ({_num(target.value)}) es igual a la línea de base: "
            "no exige crecimiento y la razón no está definida."
        )
    if current.year <= base.year:
        return (
            f"El último valor obtenido ({current.year}) no es posterior a la línea de base "
            f"({base.year}): no hay años para medir el ritmo."
        )
    if target.year <= base.year:
        return f"La meta ({target.year}) no es posterior a la línea de base ({base.year})."
    return ""


def _pace_reason(status: str, observed: float, required: float, ratio: float) -> str:
    pace = f"Ritmo observado {_pct(observed)} anual; requerido {_pct(required)} anual"
    verdict = {
        "sustancial": "al ritmo observado llegaría a la meta o casi",
        "moderado": "avanza hacia la meta, más lento de lo necesario",
        "limitado": "avanza hacia la meta, muy lento",
        "deterioro": "se aleja de la meta",
    }[status]
    return f"{pace} (razón {ratio:.2f}): {verdict}."


def measure(base: Point, current: Point, target: Point, direction: int) -> Progress:
    """The progress measure of one indicator (see the module docstring).

    ``direction`` is +1 where more is better and -1 where less is better.
    """
    if not target.known:
        return Progress("no_calculable", f"Sin meta final {target.year or ''}".strip() + ".")
    if not current.known:
        return Progress("no_calculable", "Sin valor obtenido en los años del seguimiento.")
    if _reached(current.value, target.value, direction):
        return Progress(
            "meta_alcanzada",
            f"El valor obtenido {current.year} ({_num(current.value)}) ya alcanza la meta "
            f"{target.year} ({_num(target.value)}).",
        )
    why = _not_calculable(base, current, target)
    if why:
        return Progress("no_calculable", why)
    observed = cagr(base.value, current.value, current.year - base.year)
    required = cagr(base.value, target.value, target.year - base.year)
    ratio = direction * observed / abs(required)
    status = classify(ratio)
    return Progress(
        status, _pace_reason(status, observed, required, ratio), observed, required, ratio
    )


def _number(value: object) -> float | None:
    return None if is_missing(value) else float(value)


def latest_achieved(row: pd.Series | dict, years: tuple[int, ...]) -> Point:
    """The latest achieved value of a summary row among ``years``, with its year."""
    for year in sorted(years, reverse=True):
        value = _number(row.get(f"achieved_{year}"))
        if value is not None:
            return Point(value, year)
    return Point(None, None)


def below_base_findings(findings: pd.DataFrame | None) -> dict[str, str]:
    """Indicator id → id of its "target below the baseline" finding (:data:`BELOW_BASE_KIND`)."""
    if findings is None or findings.empty:
        return {}
    rows = findings[findings["kind"] == BELOW_BASE_KIND]
    return dict(zip(rows["indicator_id"], rows["finding_id"], strict=True))


def _row(rec: dict, meta: ReportMeta, finding_ids: dict[str, str]) -> dict:
    sign = DIRECTION_SIGNS.get(rec["direction"], 1)
    base_year = None if is_missing(rec["baseline_year"]) else int(rec["baseline_year"])
    base = Point(_number(rec["baseline_value"]), base_year)
    current = latest_achieved(rec, meta.achieved_years)
    target = Point(_number(rec["expected_final"]), meta.plan_end)
    result = measure(base, current, target, sign)
    below = sign > 0 and None not in (base.value, target.value) and target.value < base.value
    return {
        "indicator_id": rec["indicator_id"],
        "direction_sign": sign,
        "base_value": base.value,
        "base_year": base.year,
        "current_value": current.value,
        "current_year": current.year,
        "target_value": target.value,
        "target_year": target.year,
        "cagr_observed": result.cagr_observed,
        "cagr_required": result.cagr_required,
        "progress_ratio": result.ratio,
        "progress_status": result.status,
        "progress_label": LABELS[result.status]["label"],
        "progress_icon": LABELS[result.status]["icon"],
        "progress_reason": result.reason,
        "target_below_base": bool(below),
        "target_finding_id": finding_ids.get(rec["indicator_id"], "") if below else "",
    }


def outlook_table(
    summary: pd.DataFrame, meta: ReportMeta, findings: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per indicator of ``summary`` (:func:`pesem.metrics.indicator_summary`): the
    inputs, both growth rates, the ratio, the category, its label and icon and the reason.

    ``target_below_base`` flags a final target below the baseline on a more-is-better indicator
    (computed as defined all the same); ``target_finding_id`` is its finding in ``findings``.
    """
    finding_ids = below_base_findings(findings)
    rows = [_row(rec, meta, finding_ids) for rec in summary.to_dict("records")]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    for column in ("base_year", "current_year", "target_year"):
        frame[column] = frame[column].astype("Int64")
    for column in ("base_value", "current_value", "target_value", *COLUMNS[8:11]):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame


def outlook(ds: Dataset) -> pd.DataFrame:
    """:func:`outlook_table` of a dataset (its summary, meta and findings)."""
    return outlook_table(ds.summary, ds.meta, ds.findings)


def with_outlook(ds: Dataset, summary: pd.DataFrame | None = None) -> pd.DataFrame:
    """``summary`` (default: the dataset's) with the outlook columns added, same rows and order."""
    base = ds.summary if summary is None else summary
    table = outlook_table(base, ds.meta, ds.findings).drop(columns=["direction_sign"])
    merged = base.merge(table, on="indicator_id", how="left", validate="one_to_one")
    merged.index = base.index
    return merged


def progress_counts(table: pd.DataFrame) -> dict[str, int]:
    """How many indicators fall in each category (every category, zero included)."""
    counts = table["progress_status"].value_counts()
    return {code: int(counts.get(code, 0)) for code in PROGRESS_STATUSES}


#: Columns of the one-row-per-indicator download (``/download/resumen.csv``), in order:
#: identity, semáforo, avances (reported and recomputed), outlook.
SUMMARY_COLUMNS: Final = [
    "indicator_id",
    "level",
    "oes_code",
    "aes_code",
    "indicator_name",
    "unit",
    "responsible_unit",
    "status",
    "status_reason",
    "tipo1_reported",
    "tipo1_computed",
    "tipo2_reported",
    "tipo2_computed",
    "progress_status",
    "progress_ratio",
    "cagr_observed",
    "cagr_required",
    "base_value",
    "base_year",
    "current_value",
    "current_year",
    "target_value",
    "target_year",
    "progress_reason",
    "target_below_base",
    "target_finding_id",
]
#: What each column of the summary download means (the XLSX's dictionary sheet).
SUMMARY_DICTIONARY: Final = {
    "status": "Semáforo del año evaluado: cumplido, en_riesgo, rezagado, sin_meta, sin_dato.",
    "status_reason": "Por qué el indicador tiene ese estado (grado de cumplimiento o motivo).",
    "tipo1_reported": "Avance Tipo 1 impreso en el reporte (%).",
    "tipo1_computed": "Avance Tipo 1 recalculado con los datos del reporte (%).",
    "tipo2_reported": "Avance Tipo 2 impreso en el reporte (%).",
    "tipo2_computed": "Avance Tipo 2 recalculado con los datos del reporte (%).",
    "progress_status": "Perspectiva al cierre del plan (cálculo del tablero, método Open SDG / "
    "ESCAP): meta_alcanzada, sustancial, moderado, limitado, deterioro, no_calculable.",
    "progress_ratio": "Razón de progreso: dirección × crecimiento anual observado / "
    "|crecimiento anual requerido|.",
    "cagr_observed": "Crecimiento anual compuesto observado, de la línea de base al último "
    "valor obtenido (fracción: 0.126 = 12.6 %).",
    "cagr_required": "Crecimiento anual compuesto requerido, de la línea de base a la meta final.",
    "base_value": "Línea de base.",
    "base_year": "Año de la línea de base.",
    "current_value": "Último valor obtenido.",
    "current_year": "Año del último valor obtenido.",
    "target_value": "Logro esperado del año final del plan (meta final).",
    "target_year": "Año final del plan.",
    "progress_reason": "Explicación de la perspectiva, o por qué no se puede calcular.",
    "target_below_base": "Meta final por debajo de la línea de base en un indicador donde más es "
    "mejor (se calcula igual; ver hallazgo).",
    "target_finding_id": "Hallazgo de «Calidad de datos» sobre esa meta.",
}


def summary_export(ds: Dataset, indicator_ids: list[str] | None = None) -> pd.DataFrame:
    """One row per indicator (report order; only ``indicator_ids`` when given) with the
    columns of :data:`SUMMARY_COLUMNS`."""
    frame = with_outlook(ds).rename(
        columns={"name": "indicator_name", "responsible_units": "responsible_unit"}
    )
    if indicator_ids is not None:
        frame = frame[frame["indicator_id"].isin(indicator_ids)]
    return frame[SUMMARY_COLUMNS].reset_index(drop=True)
