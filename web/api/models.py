"""The API's shapes: pydantic models of every answer and of the query of every endpoint.

spectree validates requests with the query models and writes the OpenAPI document from all of
them (:mod:`web.api.views`), so the document describes exactly what is checked. The query
models are built from the dataset (:func:`query_models`): the valid units and OES codes are the
report's, listed as enums in the document, and matched case-insensitively through
:func:`pesem.explore.parse_query_strict`'s helpers, which also write the Spanish errors.
"""

from __future__ import annotations

from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, create_model, model_validator
from pydantic_core import PydanticCustomError

from pesem import explore
from pesem.loader import MISSING_REASONS, SERIES, UNITS
from pesem.outlook import PROGRESS_STATUSES
from pesem.status import STATUSES
from pesem.vocabulary import LEVELS

#: Query key of the answer's format (JSON unless ``csv``); ``Accept: text/csv`` does the same.
KEY_FORMAT: Final = "format"
FORMATS: Final = ("json", "csv")
#: Error type of every invalid query (its message is Spanish and complete).
QUERY_ERROR: Final = "consulta_invalida"

Level = Literal[LEVELS]  # type: ignore[valid-type]
Status = Literal[STATUSES]  # type: ignore[valid-type]
Progress = Literal[PROGRESS_STATUSES]  # type: ignore[valid-type]
MissingReason = Literal[MISSING_REASONS]  # type: ignore[valid-type]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --------------------------------------------------------------------------- answers


class Error(_Model):
    """Every 4xx/5xx of ``/api/``: a Spanish message naming the problem."""

    error: str = Field(description="Qué falló, en castellano.")
    status: int = Field(description="El código HTTP.")
    parameter: str | None = Field(None, description="El parámetro rechazado, si lo hay.")
    received: str | None = Field(None, description="Lo que se recibió en ese parámetro.")
    valid: list[str] | None = Field(None, description="Los valores válidos de ese parámetro.")


class Report(_Model):
    """The report's metadata (``report.yaml``) and the version of the data served."""

    plan: str
    plan_type: str
    plan_start: int
    plan_end: int
    year: int = Field(description="Año evaluado por el reporte.")
    previous_year: int
    expected_years: list[int] = Field(description="Años con logro esperado.")
    achieved_years: list[int] = Field(description="Años con valor obtenido.")
    sector: str
    sector_short: str
    ministry: str
    title: str
    source: str
    file_prefix: str
    executing_unit: str
    government_level: str
    indicators: int = Field(description="Número de indicadores.")
    data_version: str = Field(description="Hash de los archivos de datos (también el ETag).")


class IndicatorRow(_Model):
    """One indicator: the columns of ``/download/resumen.csv``."""

    indicator_id: str
    level: Level
    oes_code: str
    aes_code: str = Field(description="Vacío para un indicador de OES.")
    indicator_name: str
    unit: str
    responsible_unit: str = Field(description="Unidades responsables, separadas por coma.")
    status: Status
    status_reason: str
    tipo1_reported: float | None
    tipo1_computed: float | None
    tipo2_reported: float | None
    tipo2_computed: float | None
    progress_status: Progress
    progress_ratio: float | None
    cagr_observed: float | None
    cagr_required: float | None
    base_value: float | None
    base_year: int | None
    current_value: float | None
    current_year: int | None
    target_value: float | None
    target_year: int | None
    progress_reason: str
    target_below_base: bool
    target_finding_id: str


class IndicatorList(RootModel[list[IndicatorRow]]):
    """One row per indicator."""


class Cell(_Model):
    """One cell of the report: the number, the text as printed and why it is missing."""

    year: int
    value: float | None
    raw: str = Field(description="Texto exacto de la celda (ND, ---, 72.2%…).")
    missing_reason: MissingReason | None = Field(
        description="sin_meta (ND), sin_dato (---), vacio o error_tipografico; null si hay valor."
    )
    note: str


class Series(_Model):
    """The indicator's whole series: baseline, expected (logro esperado), achieved (obtenido)."""

    baseline: Cell
    expected: list[Cell]
    achieved: list[Cell]


class Avance(_Model):
    """Avance Tipo 1/2 of one year: recomputed from the data, and as the report prints it."""

    year: int
    tipo1_computed: float | None
    tipo2_computed: float | None
    tipo1_reason: str
    tipo2_reason: str
    tipo1_reported: float | None
    tipo2_reported: float | None


class StatusDetail(_Model):
    """The semáforo of the assessed year."""

    code: Status
    label: str
    reason: str
    degree: float | None = Field(description="Grado de cumplimiento (%).")
    reference_year: int
    reference_target: float | None


class ProgressDetail(_Model):
    """The plan outlook (Open SDG progress measure)."""

    status: Progress
    label: str
    ratio: float | None
    reason: str


class Finding(_Model):
    """One inconsistency of the report (``/calidad``)."""

    finding_id: str
    kind: str
    kind_label: str
    indicator_id: str = Field(description="Vacío si el hallazgo no es de un indicador.")
    code: str
    where: str
    field: str
    reported: str
    computed: str
    message: str


class FindingList(RootModel[list[Finding]]):
    """Every finding of the report."""


class IndicatorDetail(_Model):
    """One indicator whole: identity, series, avances, status, outlook, findings, provenance."""

    indicator_id: str
    level: Level
    oes_code: str
    oes_name: str
    aes_code: str
    aes_description: str
    name: str
    unit: Literal[UNITS]  # type: ignore[valid-type]
    direction: str
    source: str
    responsible_units: list[str]
    executing_unit: str
    series: Series
    avances: list[Avance]
    status: StatusDetail
    progress: ProgressDetail
    findings: list[Finding]
    provenance: str


class UnitRow(_Model):
    """One responsible unit: what it owns and how it is doing."""

    unit: str
    indicators: int
    shared: int = Field(description="Cuántos de sus indicadores comparte con otras unidades.")
    indicator_ids: list[str]
    oes_codes: list[str]
    cumplido: int
    en_riesgo: int
    rezagado: int
    sin_meta: int
    sin_dato: int
    fell: int = Field(description="Bajaron respecto del año anterior.")
    rose: int = Field(description="Subieron respecto del año anterior.")
    unchanged: int
    not_comparable: int


class UnitList(RootModel[list[UnitRow]]):
    """One row per responsible unit."""


#: The value series a detail answer carries (every other series is an avance).
VALUE_SERIES: Final = tuple(s for s in SERIES if not s.startswith("reported_"))


# --------------------------------------------------------------------------- queries


def _query_error(error: explore.QueryError) -> PydanticCustomError:
    # The message is the context, not the template: a received value may hold braces.
    return PydanticCustomError(
        QUERY_ERROR,
        "{message}",
        {
            "message": error.message,
            "parameter": error.key,
            "received": error.received,
            "valid": list(error.valid),
        },
    )


def _format_value(values: list[str]) -> str:
    given = [v.strip().casefold() for v in values if v.strip()]
    for value in given:
        if value not in FORMATS:
            raise explore.QueryError(
                KEY_FORMAT,
                value,
                FORMATS,
                f"{KEY_FORMAT}={value} no existe; formatos válidos: {', '.join(FORMATS)}.",
            )
    return given[-1] if given else FORMATS[0]


def _normalizer(vocab: explore.Vocabulary, filter_keys: tuple[str, ...]) -> Any:
    """The model's before-validator: keys case-insensitive, values canonical (or an error)."""
    allowed = (*filter_keys, KEY_FORMAT)

    def normalize(data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        pairs = [
            (str(key), str(value))
            for key, raw in data.items()
            for value in (raw if isinstance(raw, list | tuple) else [raw])
        ]
        try:
            grouped = explore.grouped_pairs(pairs, allowed)
            clean: dict[str, Any] = {
                key: list(explore.strict_values(key, grouped[key], vocab))
                for key in filter_keys
                if key in grouped
            }
            if KEY_FORMAT in grouped:
                clean[KEY_FORMAT] = _format_value(grouped[KEY_FORMAT])
        except explore.QueryError as error:
            raise _query_error(error) from error
        return clean

    return normalize


def _query_model(
    name: str, vocab: explore.Vocabulary, filters: dict[str, tuple[Any, str]]
) -> type[BaseModel]:
    """A query model: ``filters`` (key → (item type, Spanish description)) plus ``format``."""
    normalize = _normalizer(vocab, tuple(filters))
    fields: dict[str, Any] = {
        key: (
            list[item] | None,  # type: ignore[valid-type]
            Field(
                None,
                description=f"{text} Repetible o separado por comas; sin distinguir mayúsculas.",
            ),
        )
        for key, (item, text) in filters.items()
    }
    fields[KEY_FORMAT] = (
        Literal[FORMATS],  # type: ignore[valid-type]
        Field("json", description="json (por defecto) o csv; también Accept: text/csv."),
    )
    return create_model(
        name,
        __config__=ConfigDict(extra="forbid"),
        __validators__={"normalize": model_validator(mode="before")(normalize)},
        **fields,
    )


def query_models(vocab: explore.Vocabulary) -> dict[str, type[BaseModel]]:
    """The query model of every list endpoint, with the report's units and OES as enums."""
    indicator_filters = {
        explore.KEY_UNITS: (Literal[vocab.units], "Unidad responsable."),  # type: ignore[valid-type]
        explore.KEY_OES: (Literal[vocab.oes], "Objetivo estratégico (OES)."),  # type: ignore[valid-type]
        explore.KEY_LEVELS: (Level, "Nivel: OES o AES."),
        explore.KEY_STATUSES: (Status, "Estado del semáforo."),
        explore.KEY_PROGRESS: (Progress, "Perspectiva al cierre del plan."),
    }
    return {
        "indicators": _query_model("IndicatorsQuery", vocab, indicator_filters),
        "plain": _query_model("FormatQuery", vocab, {}),
    }
