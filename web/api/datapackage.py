"""``GET /download/datapackage.json``: a Frictionless Data Package of every CSV download.

One resource per CSV download (the tidy long ``indicators.csv`` and the one-row-per-indicator
``resumen.csv``), each with its Table Schema: every column's type, its Spanish description (the
same text as the XLSX's dictionary sheet), allowed values where the column is a code, and the
missing-value codes. A missing number is an empty cell; ``missing_reason`` says why (``sin_meta``
for ND, ``sin_dato`` for ---, ``vacio``, ``error_tipografico``). Paths are relative to the
descriptor's URL, so ``frictionless validate`` and Open SDG-style tools fetch the real files.
"""

from __future__ import annotations

from typing import Any, Final

from pesem import export, outlook
from pesem.loader import MISSING_REASONS, UNITS, Dataset
from pesem.outlook import PROGRESS_STATUSES
from pesem.status import STATUSES
from pesem.vocabulary import LEVELS

#: The empty cell is the one missing-value code of every CSV download.
MISSING_VALUES: Final = [""]
INTEGER_COLUMNS: Final = frozenset({"year", "base_year", "current_year", "target_year"})
NUMBER_COLUMNS: Final = frozenset(
    {
        "value",
        "tipo1_reported",
        "tipo1_computed",
        "tipo2_reported",
        "tipo2_computed",
        "progress_ratio",
        "cagr_observed",
        "cagr_required",
        "base_value",
        "current_value",
        "target_value",
    }
)
BOOLEAN_COLUMNS: Final = frozenset({"target_below_base"})
#: Allowed values of the code columns.
ENUMS: Final[dict[str, tuple[str, ...]]] = {
    "level": LEVELS,
    "unit": UNITS,
    "series": export.EXPORT_SERIES,
    "missing_reason": MISSING_REASONS,
    "status": STATUSES,
    "progress_status": PROGRESS_STATUSES,
}
#: Unit of measure of the columns that have one of their own (``value`` and the baseline,
#: current and target values are in the indicator's ``unit``).
COLUMN_UNITS: Final = {
    "tipo1_reported": "porcentaje",
    "tipo1_computed": "porcentaje",
    "tipo2_reported": "porcentaje",
    "tipo2_computed": "porcentaje",
    "cagr_observed": "fracción por año",
    "cagr_required": "fracción por año",
    "progress_ratio": "razón",
    "year": "año",
    "base_year": "año",
    "current_year": "año",
    "target_year": "año",
}
IN_INDICATOR_UNIT: Final = frozenset({"value", "base_value", "current_value", "target_value"})


def field_type(column: str) -> str:
    """The Table Schema type of a download column."""
    if column in INTEGER_COLUMNS:
        return "integer"
    if column in NUMBER_COLUMNS:
        return "number"
    if column in BOOLEAN_COLUMNS:
        return "boolean"
    return "string"


def field(column: str, descriptions: dict[str, str]) -> dict[str, Any]:
    """The Table Schema field of ``column``: type, description, unit, allowed codes."""
    spec: dict[str, Any] = {"name": column, "type": field_type(column)}
    description = descriptions.get(column, "")
    if column in IN_INDICATOR_UNIT:
        description = f"{description} En la unidad de medida de la columna «unit».".strip()
        spec["unit"] = "unidad de medida del indicador (columna unit)"
    elif column in COLUMN_UNITS:
        spec["unit"] = COLUMN_UNITS[column]
    if description:
        spec["description"] = description
    if column in ENUMS:
        spec["constraints"] = {"enum": list(ENUMS[column])}
    if column == "indicator_id":
        spec["constraints"] = {"required": True}
    return spec


def schema(columns: list[str], descriptions: dict[str, str], key: list[str]) -> dict[str, Any]:
    """A Table Schema of ``columns`` with ``key`` as primary key and "" as missing value."""
    return {
        "fields": [field(column, descriptions) for column in columns],
        "missingValues": MISSING_VALUES,
        "primaryKey": key,
    }


def resources() -> list[dict[str, Any]]:
    """The CSV downloads as Data Package resources (paths relative to ``/download/``)."""
    summary_descriptions = {**export.DICTIONARY, **outlook.SUMMARY_DICTIONARY}
    csv = {"format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig"}
    return [
        {
            "name": "indicadores",
            "path": "indicators.csv",
            "title": "Valores de los indicadores (formato largo)",
            "description": "Una fila por indicador × serie (línea de base, logro esperado, "
            "valor obtenido) × año, con el texto exacto de la celda y el motivo de cada "
            "valor faltante. Acepta los filtros del explorador (unidad, oes, nivel, estado, "
            "progreso, desde, hasta).",
            **csv,
            "schema": schema(export.COLUMNS, export.DICTIONARY, ["indicator_id", "series", "year"]),
        },
        {
            "name": "resumen",
            "path": "resumen.csv",
            "title": "Resumen por indicador",
            "description": "Una fila por indicador: identidad, semáforo, avances reportados "
            "y recalculados, perspectiva al cierre del plan. Mismas columnas que "
            "/api/v1/indicators?format=csv.",
            **csv,
            "schema": schema(outlook.SUMMARY_COLUMNS, summary_descriptions, ["indicator_id"]),
        },
    ]


def descriptor(ds: Dataset, version: str) -> dict[str, Any]:
    """The Data Package of ``ds``'s CSV downloads (``version``: the data version)."""
    meta = ds.meta
    return {
        "name": meta.file_prefix.lower(),
        "title": meta.title,
        "description": f"Datos del {meta.title}. {meta.source}.",
        "version": version,
        "sources": [{"title": meta.source.removeprefix("Fuente:").strip()}],
        "keywords": [meta.plan_type, meta.plan, meta.sector],
        "resources": resources(),
    }
