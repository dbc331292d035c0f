"""The API's answers as plain data: records for JSON, frames for CSV (no Flask here).

Every answer comes from the dataset's tables (``ds.summary``, ``ds.findings``, ``ds.yearly``,
:func:`pesem.outlook.summary_export`, :func:`pesem.explore.unit_summary`), so the API shows the
same numbers as the pages and the downloads.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

import pandas as pd

from pesem import explore, outlook
from pesem.loader import Dataset
from pesem.status import label as status_label
from web.api.models import VALUE_SERIES

#: List columns of the units table, written as "a, b" in CSV.
LIST_COLUMNS = ("indicator_ids", "oes_codes")


def plain(value: Any) -> Any:
    """A JSON-ready scalar: NaN/NA → None, numpy numbers → int/float/bool."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return plain(value.item())
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """``frame``'s rows as dicts of JSON-ready values (list cells kept as lists)."""
    return [
        {key: value if isinstance(value, list) else plain(value) for key, value in row.items()}
        for row in frame.to_dict("records")
    ]


def report(ds: Dataset, version: str) -> dict[str, Any]:
    """The report's metadata, its years, the number of indicators and the data version."""
    meta = ds.meta
    return {
        **asdict(meta),
        "expected_years": list(meta.expected_years),
        "achieved_years": list(meta.achieved_years),
        "indicators": len(ds.indicators),
        "data_version": version,
    }


def indicators(ds: Dataset, filters: explore.Filters) -> pd.DataFrame:
    """The ``/download/resumen.csv`` rows of the indicators the explorer shows for ``filters``."""
    ids = list(explore.apply(outlook.with_outlook(ds), filters)["indicator_id"])
    return outlook.summary_export(ds, ids)


def units(ds: Dataset) -> pd.DataFrame:
    """The per-unit summary (``/unidades``)."""
    return explore.unit_summary(ds.summary)


def csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with list cells joined by ", " (CSV has no lists)."""
    out = frame.copy()
    for column in LIST_COLUMNS:
        if column in out.columns:
            out[column] = out[column].map(", ".join)
    return out


def find_indicator(ds: Dataset, wanted: str) -> str | None:
    """The canonical id of ``wanted`` (case-insensitive), or None."""
    lookup = {i.casefold(): i for i in ds.indicators["indicator_id"]}
    return lookup.get(wanted.strip().casefold())


def _cell(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "year": int(row["year"]),
        "value": plain(row["value"]),
        "raw": row["raw"],
        "missing_reason": row["missing_reason"] or None,
        "note": row["note"],
    }


def _series(ds: Dataset, iid: str) -> dict[str, Any]:
    rows = ds.values[ds.values["indicator_id"] == iid].sort_values("year", kind="stable")
    by_series = {
        s: [_cell(r) for r in rows[rows["series"] == s].to_dict("records")] for s in VALUE_SERIES
    }
    return {"baseline": by_series["baseline"][0], **{s: by_series[s] for s in VALUE_SERIES[1:]}}


def _avances(ds: Dataset, iid: str) -> list[dict[str, Any]]:
    values = ds.values[ds.values["indicator_id"] == iid].set_index(["series", "year"])["value"]
    yearly = ds.yearly[ds.yearly["indicator_id"] == iid]
    return [
        {
            "year": int(row["year"]),
            "tipo1_computed": plain(row["tipo1"]),
            "tipo2_computed": plain(row["tipo2"]),
            "tipo1_reason": row["tipo1_reason"],
            "tipo2_reason": row["tipo2_reason"],
            "tipo1_reported": plain(values.get(("reported_tipo1", row["year"]))),
            "tipo2_reported": plain(values.get(("reported_tipo2", row["year"]))),
        }
        for row in yearly.to_dict("records")
    ]


def _status(ds: Dataset, row: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": row["status"],
        "label": status_label(row["status"], ds.status_rules)["label"],
        "reason": row["status_reason"],
        "degree": plain(row["degree"]),
        "reference_year": int(row["reference_year"]),
        "reference_target": plain(row["reference_target"]),
    }


def indicator_detail(ds: Dataset, iid: str) -> dict[str, Any]:
    """Identity, series, avances, status, outlook, findings and provenance of one indicator."""
    row = outlook.with_outlook(ds).set_index("indicator_id").loc[iid].to_dict()
    ind = ds.indicators.set_index("indicator_id").loc[iid]
    oes_names = dict(zip(ds.oes["oes_code"], ds.oes["name"], strict=True))
    aes_names = dict(zip(ds.aes["aes_code"], ds.aes["description"], strict=True))
    findings = ds.findings[ds.findings["indicator_id"] == iid]
    return {
        "indicator_id": iid,
        "level": ind["level"],
        "oes_code": ind["oes_code"],
        "oes_name": oes_names.get(ind["oes_code"], ""),
        "aes_code": ind["aes_code"],
        "aes_description": aes_names.get(ind["aes_code"], ""),
        "name": ind["name"],
        "unit": ind["unit"],
        "direction": ind["direction"],
        "source": ind["source"],
        "responsible_units": list(row["units_list"]),
        "executing_unit": ind["executing_unit"],
        "series": _series(ds, iid),
        "avances": _avances(ds, iid),
        "status": _status(ds, row),
        "progress": {
            "status": row["progress_status"],
            "label": row["progress_label"],
            "ratio": plain(row["progress_ratio"]),
            "reason": row["progress_reason"],
        },
        "findings": records(findings),
        "provenance": ind["provenance"],
    }


def indicator_detail_frame(detail: dict[str, Any]) -> pd.DataFrame:
    """The CSV of one indicator: its series in long form (one row per series × year)."""
    series = detail["series"]
    rows = [{"series": "baseline", **series["baseline"]}]
    rows += [{"series": name, **cell} for name in VALUE_SERIES[1:] for cell in series[name]]
    frame = pd.DataFrame(rows, columns=["series", "year", "value", "raw", "missing_reason", "note"])
    frame.insert(0, "indicator_id", detail["indicator_id"])
    return frame
