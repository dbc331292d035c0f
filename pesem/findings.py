"""Data-quality findings: where the report disagrees with itself or with arithmetic.

The report's numbers are never edited; each disagreement becomes a finding that says what,
where, what the report says and what is computed. Tolerance is the report's own rounding:
a reported ``26%`` agrees with any computed value in [25.5, 26.5].
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

import pandas as pd

from pesem.formulas import agrees, decimals_of, is_missing
from pesem.metrics import indicator_summary

if TYPE_CHECKING:
    from pesem.loader import Dataset

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
    "nombre_difiere": "El nombre del indicador difiere entre anexo y cuerpo",
    "codigo_ue_inconsistente": "La unidad ejecutora se escribe de formas distintas",
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
    """Reported Avance Tipo 1/2 of the assessed year against the recomputed ones."""
    out = []
    year = ds.meta.year
    summary = indicator_summary(ds)
    raw = ds.values.set_index(["indicator_id", "series", "year"])["raw"]
    for _, ind in summary.iterrows():
        for tipo in ("tipo1", "tipo2"):
            reported, computed = ind[f"{tipo}_reported"], ind[f"{tipo}_computed"]
            field = f"Avance Tipo {tipo[-1]} {year}"
            key = (ind["indicator_id"], f"reported_{tipo}", year)
            printed = raw.get(key, "")
            if is_missing(reported) and is_missing(computed):
                continue
            computed_text = "no calculable" if is_missing(computed) else f"{computed:.1f}%"
            if is_missing(reported):
                kind, reported_text = "avance_no_reportado", printed or "(vacío)"
                message = f"el reporte no lo informa; con los datos resulta {computed_text}."
            elif is_missing(computed):
                kind, reported_text = "avance_no_recalcula", printed
                message = f"el reporte dice {printed}, pero {ind[f'{tipo}_reason']}."
            elif agrees(reported, computed, decimals_of(printed)):
                continue
            else:
                kind, reported_text = "avance_no_recalcula", printed
                hint = _lookalike(ds, ind, tipo, reported, decimals_of(printed))
                message = (
                    f"el reporte dice {printed}; con los datos del anexo "
                    f"resulta {computed_text}.{hint}"
                )
            out.append(
                _finding(
                    kind,
                    ind,
                    "Anexo 6.1",
                    field,
                    reported_text,
                    computed_text,
                    f"{field}: {message}",
                )
            )
    return out


def _implied_target(ind: pd.Series, tipo: str, reported: float) -> float | None:
    """The logro esperado that would make the formula give the reported avance."""
    achieved, base = ind["achieved_current"], ind["baseline_value"]
    if abs(reported) < 1e-9 or is_missing(achieved) or is_missing(base):
        return None
    ratio = reported / 100.0
    return achieved / ratio if tipo == "tipo1" else base + (achieved - base) / ratio


def _lookalike(ds: Dataset, ind: pd.Series, tipo: str, reported: float, decimals: int) -> str:
    """Why a reported avance may not recompute: a body table that does, or one other target."""
    body = ds.body_values[
        (ds.body_values["indicator_id"] == ind["indicator_id"])
        & (ds.body_values["series"] == f"reported_{tipo}")
        & (ds.body_values["year"] == ds.meta.year)
    ]
    computed = ind[f"{tipo}_computed"]
    for row in body.itertuples(index=False):
        if not is_missing(row.value) and agrees(row.value, computed, decimals_of(row.raw)):
            return (
                f" {row.table} imprime {row.raw}, que sí recalcula: "
                "probable error de transcripción."
            )
    implied = {
        t: _implied_target(ind, t, ind[f"{t}_reported"])
        for t in ("tipo1", "tipo2")
        if not is_missing(ind[f"{t}_reported"])
    }
    values = [v for v in implied.values() if v is not None]
    expected = _fmt(ind["expected_current"])
    if len(values) == 2 and abs(values[0] - values[1]) <= 0.05 * max(abs(values[0]), 1):
        target = (values[0] + values[1]) / 2
        return (
            f" Los dos avances reportados corresponden a un logro esperado de ≈{_fmt(target)}, "
            f"no al {expected} que imprime el anexo."
        )
    return ""


def misleading_tipo2(ds: Dataset) -> list[dict]:
    """Ascending indicators with targets below the baseline: Tipo 2 then reads backwards."""
    out = []
    years, year = ds.meta.expected_years, ds.meta.year
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
            f"donde más es mejor ({targets}). Contra esas metas el denominador del Avance "
            "Tipo 2 es negativo: un valor alto no significaría progreso."
        )
        if year in below:
            message += (
                f" En {year} el Tipo 2 da {_fmt(ind['tipo2_computed'])}% mientras el "
                f"valor obtenido ({_fmt(ind['achieved_current'])}) alcanza el "
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
            year = int(claim.year) if not is_missing(claim.year) else ds.meta.year
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
                "field": f"variación {ds.meta.previous_year}→{ds.meta.year}"
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


def _row(
    kind: str,
    code: str,
    where: str,
    field: str,
    reported: str,
    computed: str,
    message: str,
    indicator_id: str = "",
) -> dict:
    return {
        "kind": kind,
        "indicator_id": indicator_id,
        "code": code,
        "where": where,
        "field": field,
        "reported": reported,
        "computed": computed,
        "message": message,
    }


def text_findings(ds: Dataset) -> list[dict]:
    """AES descriptions worded differently in the body, and executing-unit variants."""
    out = []
    for row in ds.aes.itertuples(index=False):
        body = row.description_body
        # A capital letter in the middle of a sentence is not a difference of content.
        if body and body.casefold() != row.description.casefold():
            out.append(
                _row(
                    "descripcion_difiere",
                    row.aes_code,
                    "Anexo 6.1 vs Sección 3, Tabla 2",
                    "descripción",
                    row.description,
                    body,
                    f"{row.aes_code}: el anexo dice «{row.description}» y la tabla del cuerpo "
                    f"«{body}».",
                )
            )
    for ind in ds.indicators.itertuples(index=False):
        # período/periodo are both correct Spanish: accents and capitals are not differences.
        if ind.name_body and _norm(ind.name_body) != _norm(ind.name):
            out.append(
                _row(
                    "nombre_difiere",
                    ind.aes_code or ind.oes_code,
                    "Anexo 6.1 vs Sección 3, Tabla 2",
                    "nombre del indicador",
                    ind.name,
                    ind.name_body,
                    f"{ind.indicator_id}: el anexo dice «{ind.name}» y la tabla del cuerpo "
                    f"«{ind.name_body}».",
                    ind.indicator_id,
                )
            )
    units = ds.indicators["executing_unit"].str.strip()
    codes = sorted(set(units.str.extract(r"^(\d+)")[0].dropna()))
    if len(codes) > 1:
        out.append(
            _row(
                "codigo_ue_inconsistente",
                "UE",
                "Anexo 6.1",
                "código de la UE",
                ", ".join(codes),
                max(codes, key=len),
                "El código de la unidad ejecutora aparece como "
                + " y ".join(codes)
                + " en distintas filas del anexo.",
            )
        )
    names = units.str.replace(r"^\d+\s*-\s*", "", regex=True)
    longest = max(names, key=len)
    for name in sorted(set(names) - {longest}):
        if longest.startswith(name):
            ids = ds.indicators.loc[names == name, "indicator_id"].tolist()
            out.append(
                _row(
                    "codigo_ue_inconsistente",
                    ids[0].split("-")[0],
                    "Anexo 6.1",
                    "nombre de la UE",
                    name,
                    longest,
                    f"Nombre de la unidad ejecutora truncado en {', '.join(ids)}: «{name}» "
                    "en lugar "
                    f"de «{longest}».",
                    ids[0],
                )
            )
    return out


def missing_in_body(ds: Dataset) -> list[dict]:
    """AES indicators of the annex that the section 3 tables leave out."""
    out = []
    in_body = set(ds.body_values["indicator_id"])
    for ind in ds.indicators.itertuples(index=False):
        if ind.level == "AES" and ind.indicator_id not in in_body:
            out.append(
                _row(
                    "anexo_vs_cuerpo",
                    ind.aes_code,
                    "Anexo 6.1 vs Sección 3, Tabla 2",
                    "indicador",
                    ind.name,
                    "ausente",
                    f"El indicador «{ind.name}» ({ind.indicator_id}) figura en el Anexo 6.1 "
                    "pero no "
                    "tiene valores propios en la tabla de la sección 3.",
                    ind.indicator_id,
                )
            )
    return out


_QUOTED = re.compile(r"[\"“]([^\"”]{20,})[\"”]")


def _norm(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9 ]", "", plain.lower()).strip()


def oes_name_in_analysis(ds: Dataset) -> list[dict]:
    """An OES analysis (section 2) that quotes another objective's name."""
    out = []
    names = {row.oes_code: _norm(row.name) for row in ds.oes.itertuples(index=False)}
    for code, own in names.items():
        match = _QUOTED.search(ds.narrative.get(code, ""))
        if not match:
            continue
        quoted = _norm(match.group(1))
        if quoted == own or own.startswith(quoted) or quoted.startswith(own):
            continue
        other = [c for c, n in names.items() if c != code and (n == quoted or n.startswith(quoted))]
        if other:
            out.append(
                _row(
                    "texto_vs_datos",
                    code,
                    f"Sección 2, Análisis descriptivo del {code}",
                    "nombre del OES",
                    match.group(1),
                    ds.oes.set_index("oes_code").at[code, "name"],
                    f"El análisis del {code} cita el nombre del {other[0]} («{match.group(1)}»).",
                )
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


def build_findings(ds: Dataset) -> pd.DataFrame:
    """Every finding, numbered (see :func:`find_all`); run once per dataset."""
    rows = [
        *avance_findings(ds),
        *misleading_tipo2(ds),
        *annex_vs_body(ds),
        *claims_vs_data(ds),
        *typo_findings(ds),
        *text_findings(ds),
        *missing_in_body(ds),
        *oes_name_in_analysis(ds),
    ]
    frame = pd.DataFrame(
        rows, columns=[c for c in COLUMNS if c not in ("finding_id", "kind_label")]
    )
    # Numbered by kind (in KIND_LABELS order) so that a kind's findings read together.
    rank = {kind: i for i, kind in enumerate(KIND_LABELS)}
    frame = frame.sort_values("kind", key=lambda k: k.map(rank), kind="stable")
    frame = frame.reset_index(drop=True)
    frame.insert(0, "finding_id", [f"H{i:02d}" for i in range(1, len(frame) + 1)])
    frame.insert(2, "kind_label", frame["kind"].map(KIND_LABELS))
    return frame


def find_all(ds: Dataset) -> pd.DataFrame:
    """Every data-quality finding of the dataset, numbered H01, H02… (a copy)."""
    return ds.findings.copy()
