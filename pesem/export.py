"""Tidy long export of the dataset (CSV for Excel, XLSX) — the download endpoints use this."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping

import pandas as pd

from pesem.loader import Dataset

EXPORT_SERIES = ("baseline", "expected", "achieved")
COLUMNS = [
    "indicator_id",
    "level",
    "oes_code",
    "aes_code",
    "indicator_name",
    "unit",
    "responsible_unit",
    "executing_unit",
    "series",
    "year",
    "value",
    "raw",
    "missing_reason",
    "note",
    "source",
    "provenance",
]
DICTIONARY = {
    "indicator_id": "Código del indicador: código OES/AES, guion y orden (AES.01.10-2).",
    "level": "OES (indicador del objetivo) o AES (indicador proxy de la acción estratégica).",
    "oes_code": "Objetivo estratégico sectorial al que pertenece.",
    "aes_code": "Acción estratégica sectorial (vacío para indicadores de OES).",
    "indicator_name": "Nombre del indicador como figura en el Anexo 6.1.",
    "unit": "Unidad de medida: ratio, porcentaje (escala 0–100: 6.5 = 6.5 %), numero, tasa.",
    "responsible_unit": "Unidad(es) orgánica(s) responsable(s), separadas por coma.",
    "executing_unit": "Unidad ejecutora (UE) tal como la imprime el anexo.",
    "series": "baseline = línea de base; expected = logro esperado; achieved = valor obtenido.",
    "year": "Año del valor (para la línea de base, su año).",
    "value": "Valor numérico tal como figura en el reporte; vacío si falta (ver missing_reason).",
    "raw": "Texto exacto de la celda del reporte (ND, ---, 72.2%…).",
    "missing_reason": "sin_meta (ND), sin_dato (---), vacio, error_tipografico.",
    "note": "Aclaración sobre la celda.",
    "source": "Fuente del indicador según el reporte (PEI, PESEM).",
    "provenance": "Tabla y sección del reporte de donde proviene el dato.",
}


def tidy_long(ds: Dataset, indicator_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per indicator × series × year, in the report's order, values as in the report."""
    values = ds.values[ds.values["series"].isin(EXPORT_SERIES)]
    meta = ds.indicators.rename(
        columns={"name": "indicator_name", "responsible_units": "responsible_unit"}
    )
    frame = values.merge(meta, on="indicator_id", how="left", validate="many_to_one")
    if indicator_ids is not None:
        wanted = list(indicator_ids)
        frame = frame[frame["indicator_id"].isin(wanted)]
    order = {iid: i for i, iid in enumerate(ds.indicators["indicator_id"])}
    series_order = {s: i for i, s in enumerate(EXPORT_SERIES)}
    frame = frame.assign(
        _i=frame["indicator_id"].map(order), _s=frame["series"].map(series_order)
    ).sort_values(["_i", "_s", "year"], kind="stable")
    return frame[COLUMNS].reset_index(drop=True)


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark, so Excel opens the accents correctly."""
    # Print numbers as the report does (1556, not 1556.0); empty cell for a missing value.
    printable = frame.copy()
    for column in printable.select_dtypes("number").columns:
        printable[column] = printable[column].map(lambda v: "" if pd.isna(v) else f"{v:.12g}")
    return printable.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_xlsx_bytes(
    frame: pd.DataFrame, sheet: str = "indicadores", dictionary: Mapping[str, str] | None = None
) -> bytes:
    """An XLSX workbook: the data (numbers as numbers, header frozen) and a column dictionary
    (:data:`DICTIONARY`, completed or overridden by ``dictionary``)."""
    described = {**DICTIONARY, **(dictionary or {})}
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name=sheet, index=False, freeze_panes=(1, 0))
        columns = pd.DataFrame(
            [(c, described.get(c, "")) for c in frame.columns],
            columns=["columna", "descripción"],
        )
        columns.to_excel(writer, sheet_name="diccionario", index=False)
        for name in (sheet, "diccionario"):
            ws = writer.sheets[name]
            for column in ws.columns:
                width = max(len(str(c.value or "")) for c in column[:200])
                ws.column_dimensions[column[0].column_letter].width = min(max(10, width + 2), 60)
    return buffer.getvalue()
