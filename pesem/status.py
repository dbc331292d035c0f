"""Semáforo: the status of an indicator against its reference target.

The thresholds live in ``data/status_rules.yaml`` (one place, editable). The rule:

* reference target = the expected value (logro esperado) of the year assessed; when the plan
  defines none for that year (ND), the plan's final target is used and the reason says so;
* degree of achievement = achieved / target × 100 for an indicator where more is better
  (``ascendente``) and target / achieved × 100 where less is better (``descendente``), so a
  decreasing indicator that stays below its target is on track;
* ``cumplido`` when that degree ≥ ``thresholds.cumplido``; ``en_riesgo`` when ≥
  ``thresholds.en_riesgo``; else ``rezagado``; ``sin_meta`` when no target exists at all and
  ``sin_dato`` when the achieved value is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pesem.formulas import EPSILON, is_missing
from pesem.rules import load_default_rules

STATUSES = ("cumplido", "en_riesgo", "rezagado", "sin_meta", "sin_dato")

#: Defaults for callers without a dataset: the package's pesem/status_rules.yaml, the same file
#: the importer copies into every data folder (one source for the rules).
DEFAULT_RULES: dict[str, Any] = load_default_rules()


@dataclass(frozen=True)
class Status:
    """A semáforo verdict with the degree of achievement behind it and a Spanish reason."""

    code: str
    degree: float | None
    reason: str


def degree_of_achievement(achieved: float, target: float, direction: str) -> float | None:
    """Achievement as % of target, oriented so that ≥ 100 always means 'target met'."""
    if direction == "descendente":
        if abs(achieved) < EPSILON:
            return None if abs(target) < EPSILON else float("inf")
        return target / achieved * 100.0
    if abs(target) < EPSILON:
        return None
    return achieved / target * 100.0


def classify(
    achieved: float | None,
    target: float | None,
    direction: str,
    rules: dict[str, Any] | None = None,
) -> Status:
    """Classify one indicator-year; see the module docstring for the rule."""
    thresholds = (rules or DEFAULT_RULES)["thresholds"]
    if is_missing(target):
        return Status("sin_meta", None, "sin logro esperado definido")
    if is_missing(achieved):
        return Status("sin_dato", None, "sin valor obtenido")
    degree = degree_of_achievement(achieved, target, direction)
    if degree is None:
        # A target of 0 gives no ratio; compare the values themselves.
        met = achieved <= target if direction == "descendente" else achieved >= target
        return Status(
            "cumplido" if met else "rezagado",
            None,
            "meta igual a 0: se compara el valor obtenido con la meta",
        )
    if degree == float("inf"):
        return Status("cumplido", None, "valor obtenido 0 con meta descendente")
    if degree >= float(thresholds["cumplido"]):
        code = "cumplido"
    elif degree >= float(thresholds["en_riesgo"]):
        code = "en_riesgo"
    else:
        code = "rezagado"
    return Status(code, degree, f"{degree:.0f}% de la meta")


def label(code: str, rules: dict[str, Any] | None = None) -> dict[str, str]:
    """Spanish label, text icon and colour for a status code."""
    return (rules or DEFAULT_RULES)["labels"][code]


def validate_rules(rules: dict[str, Any]) -> list[str]:
    """Problems in a status_rules mapping (empty list when valid)."""
    problems: list[str] = []
    thresholds = rules.get("thresholds") if isinstance(rules, dict) else None
    if not isinstance(thresholds, dict):
        return ["'thresholds' must be a mapping with keys cumplido and en_riesgo"]
    for key in ("cumplido", "en_riesgo"):
        if not isinstance(thresholds.get(key), int | float):
            problems.append(f"thresholds.{key} must be a number")
    if not problems and thresholds["cumplido"] <= thresholds["en_riesgo"]:
        problems.append("thresholds.cumplido must be greater than thresholds.en_riesgo")
    labels = rules.get("labels")
    if not isinstance(labels, dict):
        problems.append("'labels' must be a mapping of status -> {label, icon, color}")
    else:
        for code in STATUSES:
            entry = labels.get(code)
            if not isinstance(entry, dict) or not {"label", "icon", "color"} <= entry.keys():
                problems.append(f"labels.{code} must have label, icon and color")
    return problems
