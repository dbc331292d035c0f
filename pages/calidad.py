"""Calidad de datos: where the report disagrees with itself or with arithmetic.

Every finding of :func:`pesem.findings.find_all`, grouped by kind, each with where it is, the
field, what the report says, what is computed (or what the other table says) and a link to the
OES/AES page of its code. No callbacks: the findings are static for the life of the process.
"""

from __future__ import annotations

import difflib
from enum import StrEnum
from typing import Any, Final

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from components.navigation import breadcrumbs, code_href, tab_title
from components.tables import table_header
from pesem.loader import Dataset, get_dataset
from pesem.vocabulary import SECTION_NUMBERS


def _description() -> str:
    meta = get_dataset().meta
    return (
        f"Inconsistencias del reporte de seguimiento {meta.year} del {meta.plan_type} de "
        f"{meta.sector}: avances que no se recalculan, diferencias entre el anexo y el cuerpo, "
        "errores de texto."
    )


dash.register_page(
    __name__,
    path="/calidad",
    order=4,
    nav=True,
    nav_label="Calidad de datos",
    preload=(),  # no chart and no markdown: nothing to preload (components/page_bundles.py)
    name="Calidad de datos",
    title=lambda **_: tab_title("Calidad de datos", get_dataset().meta),
    description=lambda **_: _description(),
)


class Ids(StrEnum):
    """Component ids of this page (prefix ``calidad-``)."""

    INTRO = "calidad-intro"
    COUNTS = "calidad-cifras"
    RECOMMENDATION = "calidad-recomendacion"
    TOC = "calidad-indice"
    FINDINGS = "calidad-hallazgos"


#: What each kind of finding means, for a reader who does not know the formulas.
KIND_HELP: Final = {
    "avance_no_recalcula": (
        "El Avance Tipo 1 (valor obtenido ÷ logro esperado) o Tipo 2 (distancia recorrida desde "
        "la línea de base) impreso en el Anexo 6.1 no resulta de los valores del mismo anexo, "
        "ni siquiera con el redondeo del reporte."
    ),
    "avance_no_reportado": ("Los datos permiten calcular un avance que el reporte deja en blanco."),
    "anexo_vs_cuerpo": (
        "La misma celda tiene un valor en el Anexo 6.1 y otro en las tablas de las secciones 2 y 3."
    ),
    "texto_vs_datos": (
        "Una cifra escrita en el texto (resumen ejecutivo, análisis) no coincide con la tabla."
    ),
    "error_tipografico": (
        "La celda impresa no es un número ni una marca conocida (ND, ---). El tablero la deja sin "
        "valor y no la trata como 0."
    ),
    "meta_bajo_linea_base": (
        "En un indicador donde más es mejor, la meta es menor que la línea de base: el Avance "
        "Tipo 2 deja de medir progreso y debe leerse con cuidado."
    ),
    "descripcion_difiere": (
        "La descripción de la acción estratégica se escribe distinto en el anexo y en el cuerpo."
    ),
    "codigo_ue_inconsistente": (
        "El código de la unidad ejecutora (UE) se imprime con distinto número de ceros."
    ),
}


def kind_anchor(kind: str) -> str:
    """Section id of a kind: ``avance_no_recalcula`` → ``calidad-avance-no-recalcula``."""
    return "calidad-" + kind.replace("_", "-")


def grouped(findings: pd.DataFrame) -> list[tuple[str, str, pd.DataFrame]]:
    """(kind, kind label, its findings) in the order the kinds first appear."""
    out = []
    for kind in dict.fromkeys(findings["kind"]):
        rows = findings[findings["kind"] == kind]
        out.append((kind, str(rows["kind_label"].iloc[0] or kind), rows))
    return out


def recommendation(ds: Dataset) -> str:
    """The report's recommendation about reporting on time (section 5), verbatim."""
    text = ds.narrative.get("recomendaciones", "")
    for line in text.splitlines():
        cleaned = line.strip().lstrip("-*•✓ ").strip()
        if "plazo" in cleaned.lower() or "report" in cleaned.lower():
            return cleaned
    return ""


# --------------------------------------------------------------------------- layout pieces


def _value(text: Any) -> html.Span:
    """A reported/computed cell: short values (numbers, codes) in a fixed-width font."""
    missing = text is None or (isinstance(text, float) and pd.isna(text)) or text == ""
    shown = "—" if missing else str(text)
    return html.Span(shown, className="calidad-value" if len(shown) <= 40 else "calidad-text")


def _code_cell(row: pd.Series) -> list[Any]:
    href = code_href(row["code"])
    code = dcc.Link(row["code"], href=href, className="calidad-link") if href else row["code"]
    parts: list[Any] = [code]
    if row["indicator_id"]:
        parts += [html.Br(), html.Span(row["indicator_id"], className="text-body-secondary")]
    return parts


def word_diff(a: str, b: str) -> tuple[list[Any], list[Any], list[tuple[str, str]]]:
    """Both texts with the words that differ marked (``<mark>``), and the differing pairs."""
    left, right = str(a).split(), str(b).split()
    out_a: list[Any] = []
    out_b: list[Any] = []
    pairs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=left, b=right, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        chunk_a, chunk_b = " ".join(left[i1:i2]), " ".join(right[j1:j2])
        if op == "equal":
            out_a.append(f" {chunk_a} ")
            out_b.append(f" {chunk_b} ")
            continue
        if chunk_a:
            out_a.append(html.Mark(chunk_a))
        if chunk_b:
            out_b.append(html.Mark(chunk_b))
        pairs.append((chunk_a or "—", chunk_b or "—"))
    return out_a, out_b, pairs


def _compared_cells(row: pd.Series) -> list[html.Td]:
    """Reported, computed and detail cells; two long texts show their differing words marked."""
    reported, computed = str(row["reported"] or ""), str(row["computed"] or "")
    if len(reported) <= 40 or len(computed) <= 40:
        return [
            html.Td(_value(row["reported"])),
            html.Td(_value(row["computed"])),
            html.Td(row["message"], className="calidad-message"),
        ]
    marked_a, marked_b, pairs = word_diff(reported, computed)
    summary = "; ".join(f"«{x}» → «{y}»" for x, y in pairs) or "solo espacios o signos"
    return [
        html.Td(html.Span(marked_a, className="calidad-text")),
        html.Td(html.Span(marked_b, className="calidad-text")),
        html.Td(
            [
                html.P([html.Strong("Diferencia: "), summary], className="mb-1"),
                html.Details(
                    [html.Summary("Mensaje completo"), html.P(row["message"], className="mb-0")]
                ),
            ],
            className="calidad-message",
        ),
    ]


def findings_table(kind: str, label: str, rows: pd.DataFrame) -> dbc.Table:
    header = table_header(
        (
            "N.º",
            "Código",
            "Dónde",
            "Campo",
            "El reporte dice",
            "Calculado o comparado",
            "Detalle",
        )
    )
    body = [
        html.Tr(
            [
                html.Th(row["finding_id"], scope="row", className="calidad-code"),
                html.Td(_code_cell(row), className="calidad-code"),
                html.Td(row["where"]),
                html.Td(row["field"]),
                *_compared_cells(row),
            ],
            id=f"calidad-{row['finding_id']}",
            className="calidad-finding",
        )
        for _, row in rows.iterrows()
    ]
    return dbc.Table(
        [
            html.Caption(
                f"{label}: {len(rows)} hallazgo{'s' if len(rows) != 1 else ''}",
                className="visually-hidden",
            ),
            header,
            html.Tbody(body),
        ],
        striped=True,
        size="sm",
        className="calidad-table",
    )


def _counts(findings: pd.DataFrame, groups: list) -> html.P:
    codes = sorted({c for c in findings["code"] if code_href(c)})
    return html.P(
        [
            html.Strong(f"{len(findings)} hallazgos"),
            f" de {len(groups)} tipos, en {len(codes)} objetivos o acciones estratégicas",
            " (además de la unidad ejecutora)." if (findings["code"] == "UE").any() else ".",
        ],
        id=Ids.COUNTS,
        className="fs-5",
    )


def _kind_section(kind: str, label: str, rows: pd.DataFrame) -> html.Section:
    help_text = KIND_HELP.get(kind)
    return html.Section(
        [
            html.H2(
                [label, html.Span(f" ({len(rows)})", className="text-body-secondary")],
                className="h4",
            ),
            html.P(help_text, className="text-body-secondary") if help_text else None,
            html.Div(findings_table(kind, label, rows), className="table-responsive"),
        ],
        id=kind_anchor(kind),
        className="calidad-kind",
        tabIndex="-1",
    )


def _intro(year: int) -> html.Div:
    return html.Div(
        [
            html.P(
                [
                    f"Este tablero muestra las cifras del reporte de seguimiento {year} ",
                    html.Strong("tal como fueron publicadas"),
                    ": no corrige ningún valor. Esta página reúne los puntos donde el "
                    "reporte no coincide consigo mismo (el Anexo 6.1 frente a las tablas "
                    "de las secciones 2 y 3, el texto frente a las tablas) o con la "
                    "aritmética (avances que no resultan de sus propios datos).",
                ],
                className="lead",
            ),
            html.P(
                "Cada hallazgo indica dónde está, qué dice el reporte y qué se obtiene al "
                "recalcular o al comparar, con un enlace a la página del objetivo (OES) o "
                "de la acción estratégica (AES).",
            ),
        ],
        id=Ids.INTRO,
    )


def _recommendation(ds: Dataset) -> html.Section:
    return html.Section(
        [
            html.H2("Recomendación del propio reporte", className="h5"),
            html.Blockquote(
                [
                    html.P(recommendation(ds) or "—", className="mb-1"),
                    html.Footer(
                        f"Reporte de seguimiento {ds.meta.year}, sección "
                        f"{SECTION_NUMBERS['recomendaciones']} (Recomendaciones)",
                        className="blockquote-footer mb-0 mt-1",
                    ),
                ],
                className="calidad-recommendation",
            ),
            html.P(
                "Mostrar estas diferencias con claridad ayuda a que los órganos "
                "responsables corrijan y reporten sus indicadores a tiempo.",
                className="mt-2 text-body-secondary",
            ),
        ],
        id=Ids.RECOMMENDATION,
        className="mb-4",
    )


def _toc(groups: list[tuple[str, str, pd.DataFrame]]) -> html.Nav:
    return html.Nav(
        [
            html.H2("Tipos de hallazgo", className="h5"),
            html.Ul(
                [
                    html.Li(html.A(f"{label} ({len(rows)})", href=f"#{kind_anchor(kind)}"))
                    for kind, label, rows in groups
                ],
                className="calidad-toc",
            ),
        ],
        id=Ids.TOC,
        className="mb-4",
        **{"aria-label": "Tipos de hallazgo"},
    )


def layout(**_query: Any) -> html.Div:
    """The data-quality page (query parameters are ignored)."""
    ds = get_dataset()
    findings = ds.findings
    groups = grouped(findings) if len(findings) else []
    sections: list[Any] = [_kind_section(*group) for group in groups] or [
        html.P("No se encontraron inconsistencias en los datos del reporte.", className="lead")
    ]
    return html.Div(
        [
            breadcrumbs([("Resumen", "/"), ("Calidad de datos", None)]),
            html.H1("Calidad de datos del reporte", className="h2"),
            _intro(ds.meta.year),
            _counts(findings, groups),
            _recommendation(ds),
            _toc(groups),
            html.Div(sections, id=Ids.FINDINGS),
        ],
        className="calidad-page",
    )
