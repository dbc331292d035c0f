"""Data-quality findings: where the report disagrees with itself or with arithmetic.

The report's numbers are never edited; each disagreement becomes a finding that says what,
where, what the report says and what is computed. Tolerance is the report's own rounding:
a reported ``26%`` agrees with any computed value in [25.5, 26.5].
"""

from __future__ import annotations

import functools

import pandas as pd

from pesem.formulas import agrees, decimals_of, is_missing
from pesem.loader import Dataset
from pesem.metrics import ASSESSED_YEAR, indicator_summary

COLUMNS = [
    "finding_id",
    "kind",
    "kind_label",
    "indicator_id",
    "code",
    "where",
    "field",
    "reported",
    "computed",
    "message",
]
KIND_LABELS = {
    "avance_no_recalcula": "Avance reportado no coincide con el recalculado",
    "avance_no_reportado": "Avance calculable que el reporte no informa",
    "anexo_vs_cuerpo": "El anexo y las tablas del cuerpo difieren",
    "texto_vs_datos": "El texto del reporte no coincide con los datos",
    "error_tipografico": "Error tipográfico en una celda",
    "meta_bajo_linea_base": "Meta por debajo de la línea de base en un indicador ascendente",
    "descripcion_difiere": "La descripción de la AES difiere entre anexo y cuerpo",
    "codigo_ue_inconsistente": "El código de la unidad ejecutora se escribe de formas distintas",
}
SERIES_LABELS = {
    "baseline": "línea de base",
    "expected": "logro esperado",
    "achieved": "valor obtenido",
    "reported_tipo1": "Avance Tipo 1",
    "reported_tipo2": "Avance Tipo 2",
}


def _fmt(x: float | None) -> str:
    if x is None or is_missing(x):
        return "—"
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def _code(ind: pd.Series) -> str:
    return ind["aes_code"] or ind["oes_code"]


def avance_findings(ds: Dataset) -> list[dict]:
    """Reported Avance Tipo 1/2 (2020) against the recomputed ones."""
    out = []
    summary = indicator_summary(ds)
    raw = ds.values.set_index(["indicator_id", "series", "year"])["raw"]
    for _, ind in summary.iterrows():
        for tipo in ("tipo1", "tipo2"):
            reported, computed = ind[f"{tipo}_reported"], ind[f"{tipo}_computed"]
            field = f"Avance Tipo {tipo[-1]} {ASSESSED_YEAR}"
            key = (ind["indicator_id"], f"reported_{tipo}", ASSESSED_YEAR)
            printed = raw.get(key, "")
            if not is_missing(reported) and not is_missing(computed):
                if not agrees(reported, computed, decimals_of(printed)):
                    hint = _lookalike(ind, tipo, reported, decimals_of(printed))
                    out.append(
                        _finding(
                            "avance_no_recalcula",
                            ind,
                            "Anexo 6.1",
                            field,
                            printed,
                            f"{computed:.1f}%",
                            f"{field}: el reporte dice {printed}; con los datos del anexo "
                            f"resulta {computed:.1f}%.{hint}",
                        )
                    )
            elif not is_missing(reported):
                out.append(
                    _finding(
                        "avance_no_recalcula",
                        ind,
                        "Anexo 6.1",
                        field,
                        printed,
                        "no calculable",
                        f"{field}: el reporte dice {printed}, pero {ind[f'{tipo}_reason']}.",
                    )
                )
            elif not is_missing(computed):
                out.append(
                    _finding(
                        "avance_no_reportado",
                        ind,
                        "Anexo 6.1",
                        field,
                        printed or "(vacío)",
                        f"{computed:.1f}%",
                        f"{field}: el reporte no lo informa; con los datos resulta "
                        f"{computed:.1f}%.",
                    )
                )
    return out


def _lookalike(ind: pd.Series, tipo: str, reported: float, decimals: int) -> str:
    """What a non-recomputing avance does match: the yearly change, or the target it implies."""
    achieved, base = ind[f"achieved_{ASSESSED_YEAR}"], ind["baseline_value"]
    hints = []
    if not is_missing(ind["change_pct"]) and agrees(reported, ind["change_pct"], decimals):
        hints.append(f"coincide con la variación 2019→2020 ({ind['change_pct']:.1f}%)")
    if abs(reported) > 1e-9 and not is_missing(achieved) and not is_missing(base):
        ratio = reported / 100.0
        implied = achieved / ratio if tipo == "tipo1" else base + (achieved - base) / ratio
        hints.append(
            f"corresponde a un logro esperado de ≈{_fmt(implied)}, no al "
            f"{_fmt(ind[f'expected_{ASSESSED_YEAR}'])} del anexo"
        )
    return (" El valor reportado " + " y ".join(hints) + ".") if hints else ""


def misleading_tipo2(ds: Dataset) -> list[dict]:
    """Ascending indicators with targets below the baseline: Tipo 2 then reads backwards."""
    out = []
    years = range(2016, 2022)
    for _, ind in indicator_summary(ds).iterrows():
        base = ind["baseline_value"]
        if ind["direction"] != "ascendente" or is_missing(base):
            continue
        below = [
            y for y in years if not is_missing(ind[f"expected_{y}"]) and ind[f"expected_{y}"] < base
        ]
        if not below:
            continue
        targets = ", ".join(f"{y}: {_fmt(ind[f'expected_{y}'])}" for y in below)
        message = (
            f"Logros esperados por debajo de la línea de base ({_fmt(base)}) en un indicador "
            f"donde más es mejor ({targets}). El denominador del Avance Tipo 2 es negativo: "
            "un valor alto no significa progreso."
        )
        if ASSESSED_YEAR in below:
            message += (
                f" En {ASSESSED_YEAR} el Tipo 2 da {_fmt(ind['tipo2_computed'])}% mientras el "
                f"valor obtenido ({_fmt(ind[f'achieved_{ASSESSED_YEAR}'])}) alcanza el "
                f"{_fmt(ind['tipo1_computed'])}% de la meta (Tipo 1)."
            )
        field = "Logros esperados " + ", ".join(str(y) for y in below)
        out.append(
            _finding(
                "meta_bajo_linea_base",
                ind,
                "Anexo 6.1",
                field,
                targets,
                f"línea de base {_fmt(base)}",
                message,
            )
        )
    return out


def annex_vs_body(ds: Dataset) -> list[dict]:
    """Cells of the body tables (sections 2 and 3) that differ from Annex 6.1."""
    out = []
    annex = ds.values.set_index(["indicator_id", "series", "year"])
    indicators = ds.indicators.set_index("indicator_id")
    for row in ds.body_values.itertuples(index=False):
        key = (row.indicator_id, row.series, int(row.year))
        if key not in annex.index:
            continue
        a = annex.loc[key]
        ind = indicators.loc[row.indicator_id]
        same = (
            agrees(a["value"], row.value, max(decimals_of(a["raw"]), decimals_of(row.raw)))
            if not is_missing(a["value"]) and not is_missing(row.value)
            else is_missing(a["value"]) == is_missing(row.value)
        )
        if same:
            continue
        label = f"{SERIES_LABELS[row.series]} {int(row.year)}"
        out.append(
            {
                "kind": "anexo_vs_cuerpo",
                "indicator_id": row.indicator_id,
                "code": ind["aes_code"] or ind["oes_code"],
                "where": f"Anexo 6.1 vs {row.table}",
                "field": label,
                "reported": f"anexo {a['raw'] or '(vacío)'}",
                "computed": f"cuerpo {row.raw or '(vacío)'}",
                "message": f"{label}: el Anexo 6.1 dice {a['raw'] or '(vacío)'} y {row.table} dice "
                f"{row.raw or '(vacío)'}.",
            }
        )
    return out


def claims_vs_data(ds: Dataset) -> list[dict]:
    """Numbers stated in the text (changes, values) against the tables."""
    out = []
    summary = indicator_summary(ds).set_index("indicator_id")
    out.extend(_count_claims(ds, summary))
    for claim in ds.claims.itertuples(index=False):
        if not claim.indicator_id or claim.indicator_id not in summary.index:
            continue
        ind = summary.loc[claim.indicator_id]
        if claim.kind == "change_pct":
            computed = ind["change_pct"]
            # Claims are signed (a "caída de 46%" is stored as -46) and rounded as printed.
            decimals = decimals_of(f"{claim.value:g}")
            ok = not is_missing(computed) and agrees(claim.value, computed, decimals)
            shown = "no calculable" if is_missing(computed) else f"{computed:+.1f}%"
        elif claim.kind == "achieved":
            year = int(claim.year) if not is_missing(claim.year) else ASSESSED_YEAR
            computed = ind.get(f"achieved_{year}")
            # "83%" for 83.33 is the text rounding the table, not a disagreement.
            ok = not is_missing(computed) and agrees(
                claim.value, computed, decimals_of(f"{claim.value:g}")
            )
            shown = _fmt(computed)
        else:
            continue
        if ok:
            continue
        out.append(
            {
                "kind": "texto_vs_datos",
                "indicator_id": claim.indicator_id,
                "code": ind["aes_code"] or ind["oes_code"],
                "where": claim.location,
                "field": "variación 2019→2020"
                if claim.kind == "change_pct"
                else f"valor {claim.year}",
                "reported": _fmt(claim.value),
                "computed": shown,
                "message": (
                    f"{claim.location}: el texto dice «{claim.text}»; los datos dan {shown}."
                ),
            }
        )
    return out


def _count_claims(ds: Dataset, summary: pd.DataFrame) -> list[dict]:
    """Counts the conclusions state about the OES level (objectives, indicators, fell/rose)."""
    oes_rows = summary[summary["level"] == "OES"]
    changes = oes_rows["change_abs"]
    actual = {
        "count_oes": len(ds.oes),
        "count_indicators": len(oes_rows),
        "count_decreased": int((changes < 0).sum()),
        "count_increased": int((changes > 0).sum()),
        "count_unchanged": int((changes == 0).sum()),
    }
    out = []
    for claim in ds.claims.itertuples(index=False):
        if claim.indicator_id or claim.kind not in actual:
            continue
        computed = actual[claim.kind]
        if int(claim.value) != computed:
            out.append(
                {
                    "kind": "texto_vs_datos",
                    "indicator_id": "",
                    "code": "OES",
                    "where": claim.location,
                    "field": claim.kind,
                    "reported": _fmt(claim.value),
                    "computed": str(computed),
                    "message": f"{claim.location}: el texto dice «{claim.text}»; los datos dan "
                    f"{computed}.",
                }
            )
    return out


def typo_findings(ds: Dataset) -> list[dict]:
    """Cells whose printed text is not a number nor a known marker."""
    out = []
    indicators = ds.indicators.set_index("indicator_id")
    typos = ds.values[ds.values["missing_reason"] == "error_tipografico"]
    for row in typos.itertuples(index=False):
        ind = indicators.loc[row.indicator_id]
        label = f"{SERIES_LABELS[row.series]} {int(row.year)}"
        out.append(
            {
                "kind": "error_tipografico",
                "indicator_id": row.indicator_id,
                "code": ind["aes_code"] or ind["oes_code"],
                "where": "Anexo 6.1",
                "field": label,
                "reported": row.raw,
                "computed": "sin valor",
                "message": f"{label}: el reporte imprime «{row.raw}». {row.note}".strip(),
            }
        )
    return out


def text_findings(ds: Dataset) -> list[dict]:
    """AES descriptions worded differently in the body, and executing-unit code variants."""
    out = []
    for row in ds.aes.itertuples(index=False):
        if row.description_body and row.description_body != row.description:
            out.append(
                {
                    "kind": "descripcion_difiere",
                    "indicator_id": "",
                    "code": row.aes_code,
                    "where": "Anexo 6.1 vs sección 3",
                    "field": "descripción",
                    "reported": row.description,
                    "computed": row.description_body,
                    "message": f"{row.aes_code}: el anexo dice «{row.description}» y el cuerpo "
                    f"«{row.description_body}».",
                }
            )
    codes = ds.indicators["executing_unit"].str.extract(r"^\s*(\d+)")[0].dropna()
    variants = sorted(set(codes))
    if len(variants) > 1:
        out.append(
            {
                "kind": "codigo_ue_inconsistente",
                "indicator_id": "",
                "code": "UE",
                "where": "Anexo 6.1",
                "field": "UE",
                "reported": ", ".join(variants),
                "computed": max(variants, key=len),
                "message": "El código de la unidad ejecutora aparece como "
                + " y ".join(variants)
                + " en distintas filas del anexo.",
            }
        )
    return out


def _finding(kind, ind, where, field, reported, computed, message) -> dict:
    return {
        "kind": kind,
        "indicator_id": ind["indicator_id"],
        "code": _code(ind),
        "where": where,
        "field": field,
        "reported": reported,
        "computed": computed,
        "message": message,
    }


@functools.lru_cache(maxsize=16)
def _all(ds: Dataset) -> pd.DataFrame:
    rows = [
        *avance_findings(ds),
        *misleading_tipo2(ds),
        *annex_vs_body(ds),
        *claims_vs_data(ds),
        *typo_findings(ds),
        *text_findings(ds),
    ]
    frame = pd.DataFrame(
        rows, columns=[c for c in COLUMNS if c not in ("finding_id", "kind_label")]
    )
    frame.insert(0, "finding_id", [f"H{i:02d}" for i in range(1, len(frame) + 1)])
    frame.insert(2, "kind_label", frame["kind"].map(KIND_LABELS))
    return frame


def find_all(ds: Dataset) -> pd.DataFrame:
    """Every data-quality finding of the dataset, numbered H01, H02… (a copy)."""
    return _all(ds).copy()
