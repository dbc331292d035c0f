"""Impacto COVID-19: every indicator 2019 vs. 2020, with the report's own explanations.

Numbers: :mod:`pesem.covid` (built on :func:`pesem.metrics.indicator_summary`); figures:
:mod:`components.covid_charts`. One thin callback redraws the charts and the table when the
presentation ("% de variación" / "Valores absolutos") or the scope (OES only / all) changes.
The KPIs, the executive summary's paragraph and the AES passages do not depend on the controls.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, Final

import dash
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, callback, dcc, html

from components.covid_charts import diverging_change, dumbbell, trend_lines
from components.format import fmt_change, fmt_pct, fmt_value, unit_label
from components.graph import chart_card
from components.layout import breadcrumbs
from pesem import covid
from pesem.loader import Dataset, get_dataset
from pesem.metrics import ASSESSED_YEAR, PREVIOUS_YEAR

TITLE: Final = "Impacto COVID-19 — PESEM RREE 2020"
FILE_PREFIX: Final = "pesem-rree-2020"

dash.register_page(
    __name__,
    path="/covid",
    order=2,
    nav=True,
    nav_label="Impacto COVID-19",
    name="Impacto COVID-19",
    title=TITLE,
    description=(
        "Variación 2019-2020 de todos los indicadores del PESEM 2015-2021 de Relaciones "
        "Exteriores y lo que el reporte dice sobre el efecto de la pandemia en cada acción."
    ),
)


class Ids(StrEnum):
    """Component ids of this page (prefix ``covid-``)."""

    KPIS = "covid-kpis"
    SUMMARY = "covid-resumen-ejecutivo"
    MODE = "covid-mode"
    SCOPE = "covid-scope"
    CHARTS = "covid-charts"
    DIVERGING = "covid-variacion"
    DUMBBELL = "covid-2019-2020"
    TRENDS = "covid-tendencias"
    TABLE_WRAP = "covid-tabla-contenedor"
    TABLE = "covid-tabla"
    PASSAGES = "covid-pasajes"


MODE_OPTIONS: Final = [
    {"label": "% de variación", "value": "pct"},
    {"label": "Valores absolutos", "value": "abs"},
]
SCOPE_OPTIONS: Final = [
    {"label": "Solo indicadores de OES", "value": "oes"},
    {"label": "Todos los indicadores", "value": "all"},
]
DEFAULT_MODE: Final = "pct"
DEFAULT_SCOPE: Final = "oes"
TAG_CLASSES: Final = {
    "postponed_cancelled": "covid-tag covid-tag-postponed",
    "online": "covid-tag covid-tag-online",
    "other": "covid-tag covid-tag-other",
}
TAG_ICONS: Final = {"postponed_cancelled": "✕", "online": "⇄", "other": "•"}


# --------------------------------------------------------------------------- helpers


def _mode(value: Any) -> str:
    return value if value in ("pct", "abs") else DEFAULT_MODE


def _scope(value: Any) -> str:
    return value if value in ("oes", "all") else DEFAULT_SCOPE


def code_href(code: str) -> str | None:
    """The page of an OES/AES code (``/oes/OES.01``, ``/aes/AES.03.04``); None otherwise."""
    if code.startswith("AES."):
        return f"/aes/{code}"
    if code.startswith("OES."):
        return f"/oes/{code}"
    return None


def file_stem(chart: str, mode: str, scope: str) -> str:
    """``pesem-rree-2020_covid_variacion`` (+ ``-absoluta`` / ``-todos`` for the other views)."""
    suffix = ("-absoluta" if mode == "abs" and chart != "tendencias" else "") + (
        "-todos" if scope == "all" else ""
    )
    return f"{FILE_PREFIX}_covid_{chart}{suffix}"


def _scope_frames(ds: Dataset, scope: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    comp = covid.filter_scope(covid.comparison(ds), scope)
    rows = covid.trend_rows(ds, list(comp["indicator_id"]))
    return comp, rows


def _value_cell(row: pd.Series, year: int) -> str:
    value = row[f"achieved_{year}"]
    if pd.isna(value):
        return f"«{row[f'raw_{year}'] or '(vacío)'}»"
    return fmt_value(value, row["unit"])


def _change_text(row: pd.Series) -> str:
    return f"{row['change_icon']} {row['change_label']}"


def figures(mode: str, scope: str, ds: Dataset | None = None) -> list[tuple[str, str, go.Figure]]:
    """(chart key, file stem, figure) for the three charts, in page order."""
    ds = ds or get_dataset()
    comp, rows = _scope_frames(ds, scope)
    return [
        ("variacion", file_stem("variacion", mode, scope), diverging_change(comp, mode)),
        ("2019-2020", file_stem("2019-2020", mode, scope), dumbbell(comp, mode)),
        ("tendencias", file_stem("tendencias", mode, scope), trend_lines(rows)),
    ]


def export_figures(**params: Any) -> list[tuple[str, go.Figure]]:
    """The page's charts as (file stem, figure), in page order (``mode``, ``scope`` optional)."""
    mode, scope = _mode(params.get("mode")), _scope(params.get("scope"))
    return [(stem, figure) for _, stem, figure in figures(mode, scope)]


# --------------------------------------------------------------------------- KPIs


def _kpi(value: str, label: str, note: Any = "", extra_class: str = "") -> dbc.Col:
    return dbc.Col(
        html.Div(
            [
                html.P(value, className="kpi-value"),
                html.P(label, className="kpi-label"),
                html.P(note, className="kpi-note") if note else None,
            ],
            className=f"kpi covid-kpi {extra_class}".strip(),
        ),
        xs=12,
        md=6,
        xl=True,
    )


def _extreme_note(extreme: dict | None) -> str:
    if not extreme:
        return "Entre todos los indicadores: ninguno"
    ties = extreme.get("ties") or []
    who = " y ".join([extreme["indicator_id"], *ties])
    return f"Entre todos los indicadores: {fmt_pct(extreme['change_pct'], 1, signed=True)} ({who})"


def _extreme_kpi(oes: dict | None, everything: dict | None, word: str) -> dbc.Col:
    if oes is None:
        return _kpi("—", f"sin {word} entre los indicadores de OES")
    note = [
        html.Span(f"{oes['indicator_id']} · {oes['name'].rstrip('.')}", className="d-block"),
        html.Span(_extreme_note(everything), className="d-block mt-1"),
    ]
    return _kpi(fmt_pct(oes["change_pct"], 1, signed=True), f"mayor {word} entre los OES", note)


def kpis(ds: Dataset) -> html.Section:
    """Headline figures: fell/rose/equal among the 7 OES indicators and among all; extremes."""
    comp = covid.comparison(ds)
    oes, everything = covid.headline(comp, level="OES"), covid.headline(comp)
    passages = covid.pandemic_passages(ds)
    n_aes = len(ds.aes)
    n_hit = covid.postponed_or_online_count(passages)

    def rest(head: dict) -> str:
        parts = [f"{head['rose']} subió" if head["rose"] == 1 else f"{head['rose']} subieron"]
        parts.append(f"{head['equal']} sin variación" if head["equal"] else "ninguno sin variación")
        if head["not_comparable"]:
            parts.append(f"{head['not_comparable']} no comparables (falta un valor)")
        return ", ".join(parts)

    tiles = [
        _kpi(
            f"{oes['fell']} de {oes['total']}",
            f"indicadores de OES bajaron en {ASSESSED_YEAR} respecto de {PREVIOUS_YEAR}",
            rest(oes),
            "covid-kpi-fell",
        ),
        _kpi(
            f"{everything['fell']} de {everything['total']}",
            "indicadores en total (OES y AES) bajaron",
            rest(everything),
            "covid-kpi-fell",
        ),
        _extreme_kpi(oes["largest_fall"], everything["largest_fall"], "caída"),
        _extreme_kpi(oes["largest_rise"], everything["largest_rise"], "alza"),
        _kpi(
            f"{n_hit} de {n_aes}",
            "AES cuyo análisis informa actividades postergadas, canceladas o realizadas de "
            "forma virtual",
            html.A("Ver los pasajes del reporte ↓", href=f"#{Ids.PASSAGES}"),
        ),
    ]
    return html.Section(
        [
            html.H2(f"Variación {PREVIOUS_YEAR} → {ASSESSED_YEAR} en cifras", className="h4"),
            dbc.Row(tiles, className="g-3"),
        ],
        id=Ids.KPIS,
        className="mb-4",
        **{"aria-label": "Cifras principales del impacto de la COVID-19"},
    )


def executive_summary(ds: Dataset) -> html.Section:
    """The executive summary's paragraphs on the pandemic, verbatim."""
    paragraphs = covid.summary_passages(ds)
    if not paragraphs:
        body: list[Any] = [html.P("El resumen ejecutivo no menciona la pandemia.")]
    else:
        body = [html.P(p) for p in paragraphs]
    return html.Section(
        [
            html.H2("Lo que dice el reporte", className="h4"),
            html.Blockquote(
                [
                    *body,
                    html.Footer(
                        "Reporte de seguimiento 2020, sección 1 (Resumen ejecutivo)",
                        className="blockquote-footer mt-1 mb-0",
                    ),
                ],
                className="covid-quote mb-0",
            ),
        ],
        id=Ids.SUMMARY,
        className="mb-4",
    )


# --------------------------------------------------------------------------- controls


def _toggle(component_id: str, label: str, options: list[dict], value: str) -> html.Div:
    return html.Div(
        [
            html.Span(label, className="covid-control-label", id=f"{component_id}-label"),
            dbc.RadioItems(
                id=component_id,
                options=options,
                value=value,
                inline=True,
                className="btn-group covid-toggle",
                inputClassName="btn-check",
                labelClassName="btn btn-outline-primary",
                labelCheckedClassName="active",
            ),
        ],
        className="covid-control",
        role="radiogroup",
        **{"aria-labelledby": f"{component_id}-label"},
    )


def controls() -> html.Section:
    return html.Section(
        [
            html.H2("Gráficos y tabla", className="h4"),
            html.Div(
                [
                    _toggle(Ids.MODE, "Mostrar:", MODE_OPTIONS, DEFAULT_MODE),
                    _toggle(Ids.SCOPE, "Indicadores:", SCOPE_OPTIONS, DEFAULT_SCOPE),
                ],
                className="covid-controls",
            ),
            html.P(
                [
                    "Los indicadores se miden en unidades distintas (ratios, porcentajes, "
                    "números de actividades, tasas). Por eso la ",
                    html.Strong("variación %"),
                    " es la única que se compara en un mismo eje; los ",
                    html.Strong("valores absolutos"),
                    " se muestran en un panel por unidad de medida, cada barra con su unidad "
                    "(puntos porcentuales, número, ratio, tasa), y el gráfico 2019 → 2020 "
                    "ubica a cada indicador en su propia escala (valor de 2019 = 100) y "
                    "escribe sus valores reales al lado. Las cifras son las del Anexo 6.1 "
                    "tal como se imprimieron; un valor faltante no se toma como 0.",
                ],
                className="covid-method text-body-secondary",
            ),
        ],
        className="mb-3",
    )


# --------------------------------------------------------------------------- charts + table


def _chart_table(comp: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Indicador": comp["indicator_id"] + " " + comp["name"],
            str(PREVIOUS_YEAR): [_value_cell(r, PREVIOUS_YEAR) for _, r in comp.iterrows()],
            str(ASSESSED_YEAR): [_value_cell(r, ASSESSED_YEAR) for _, r in comp.iterrows()],
            "Variación absoluta": [
                fmt_change(r["change_abs"], r["unit"]) for _, r in comp.iterrows()
            ],
            "Variación %": [fmt_pct(v, 1, signed=True) for v in comp["change_pct"]],
        }
    )


def chart_cards(mode: str, scope: str, ds: Dataset | None = None) -> list[dbc.Card]:
    """The three chart cards for a presentation mode and a scope."""
    ds = ds or get_dataset()
    comp, _ = _scope_frames(ds, scope)
    table = _chart_table(comp)
    built = {key: (stem, fig) for key, stem, fig in figures(mode, scope, ds)}
    who = "los 7 indicadores de OES" if scope == "oes" else f"los {len(comp)} indicadores"
    diverging_summary = (
        f"Variación porcentual {PREVIOUS_YEAR}→{ASSESSED_YEAR} de {who}, de la mayor caída "
        "(arriba) a la mayor alza. Las filas sin barra no se pueden calcular y dicen por qué."
        if mode == "pct"
        else f"Variación absoluta {PREVIOUS_YEAR}→{ASSESSED_YEAR} de {who}, en un panel por "
        "unidad de medida: cada eje tiene una sola unidad y cada barra lleva su valor con unidad "
        "(p.p. = puntos porcentuales)."
    )
    return [
        chart_card(
            Ids.DIVERGING.value,
            built["variacion"][1],
            title=(
                "Variación por indicador (%)"
                if mode == "pct"
                else "Variación por indicador (valores absolutos, por unidad)"
            ),
            filename=built["variacion"][0],
            summary=diverging_summary,
            table=table,
        ),
        chart_card(
            Ids.DUMBBELL.value,
            built["2019-2020"][1],
            title=f"{PREVIOUS_YEAR} → {ASSESSED_YEAR} por indicador",
            filename=built["2019-2020"][0],
            summary=(
                f"○ = {PREVIOUS_YEAR}, ◆ = {ASSESSED_YEAR}; color según el OES. Cada indicador "
                f"está en su propia escala ({PREVIOUS_YEAR} = 100): un rombo a la izquierda de "
                "la línea punteada es una caída. Al lado: "
                + (
                    "la variación porcentual."
                    if mode == "pct"
                    else f"los valores {PREVIOUS_YEAR} y {ASSESSED_YEAR} en su unidad."
                )
            ),
            table=table,
        ),
        chart_card(
            Ids.TRENDS.value,
            built["tendencias"][1],
            title="Evolución 2016–2020 y meta",
            filename=built["tendencias"][0],
            summary=(
                "Valor obtenido de cada año (el de 2020, más grande) y el logro esperado 2020 "
                "(✕) cuando el plan lo define; si no lo define (ND), se marca la meta 2021 del "
                "plan (◇). Cada panel tiene su propio eje vertical."
            ),
        ),
    ]


def comparison_table(comp: pd.DataFrame) -> html.Div:
    """The comparison as an accessible table: both values, both changes, a note when needed."""
    header = html.Thead(
        html.Tr(
            [
                html.Th("Indicador", scope="col"),
                html.Th("Unidad", scope="col"),
                html.Th(str(PREVIOUS_YEAR), scope="col", className="text-end"),
                html.Th(str(ASSESSED_YEAR), scope="col", className="text-end"),
                html.Th("Variación absoluta", scope="col", className="text-end"),
                html.Th("Variación %", scope="col", className="text-end"),
                html.Th("Movimiento", scope="col"),
                html.Th("Nota", scope="col"),
            ]
        )
    )
    body = []
    for _, row in comp.iterrows():
        href = code_href(row["code"])
        name = [
            dcc.Link(row["indicator_id"], href=href) if href else row["indicator_id"],
            html.Br(),
            html.Span(row["name"], className="covid-indicator-name"),
        ]
        body.append(
            html.Tr(
                [
                    html.Th(name, scope="row"),
                    html.Td(unit_label(row["unit"])),
                    html.Td(_value_cell(row, PREVIOUS_YEAR), className="text-end"),
                    html.Td(_value_cell(row, ASSESSED_YEAR), className="text-end"),
                    html.Td(fmt_change(row["change_abs"], row["unit"]), className="text-end"),
                    html.Td(fmt_pct(row["change_pct"], 1, signed=True), className="text-end"),
                    html.Td(
                        _change_text(row),
                        className=f"covid-move covid-move-{row['change_direction']}",
                    ),
                    html.Td(row["note"], className="covid-note"),
                ],
                className=f"covid-row-{row['change_direction']}",
            )
        )
    return html.Div(
        dbc.Table(
            [
                html.Caption(
                    f"Valor obtenido {PREVIOUS_YEAR} y {ASSESSED_YEAR} de "
                    + (
                        "los indicadores de OES"
                        if (comp["level"] == "OES").all()
                        else "todos los indicadores"
                    )
                    + " (Anexo 6.1). Variación absoluta en la unidad del indicador "
                    "(p.p. = puntos porcentuales); variación % respecto de "
                    f"{PREVIOUS_YEAR}. «…» = celda tal como se imprimió, sin valor numérico."
                ),
                header,
                html.Tbody(body),
            ],
            id=Ids.TABLE,
            striped=True,
            hover=True,
            size="sm",
            className="covid-table align-middle",
        ),
        className="table-responsive",
    )


# --------------------------------------------------------------------------- passages


def _numbers_line(comp: pd.DataFrame, code: str) -> html.Ul | html.P:
    rows = comp[comp["code"] == code]
    if rows.empty:
        return html.P(
            "Sin indicador en el reporte (la AES no tiene indicador proxy).",
            className="covid-aes-numbers text-body-secondary mb-2",
        )
    items = []
    for _, row in rows.iterrows():
        change = (
            fmt_pct(row["change_pct"], 1, signed=True)
            if not pd.isna(row["change_pct"])
            else fmt_change(row["change_abs"], row["unit"])
        )
        items.append(
            html.Li(
                [
                    html.Span(f"{row['name'].rstrip('.')}: ", className="covid-indicator-name"),
                    html.Strong(
                        f"{_value_cell(row, PREVIOUS_YEAR)} → {_value_cell(row, ASSESSED_YEAR)}"
                    ),
                    f" ({_change_text(row)}{', ' + change if change != '—' else ''})",
                    html.Span(f" — {row['note']}", className="covid-note") if row["note"] else None,
                ]
            )
        )
    return html.Ul(items, className="covid-aes-numbers mb-2")


TALLY_WORDS: Final = {
    "postponed_cancelled": ("postergación o cancelación", "postergaciones o cancelaciones"),
    "online": ("actividad virtual", "actividades virtuales"),
    "other": ("otra mención", "otras menciones"),
}


def _context(text: str) -> str:
    """``c. Chile`` → ``Chile`` (the report's enumerators add nothing out of their list)."""
    return re.sub(r"^[a-z]\.\s+", "", text)


def _passage_item(row: pd.Series) -> html.Li:
    return html.Li(
        [
            html.Span(
                [
                    html.Span(TAG_ICONS[row["tag"]], **{"aria-hidden": "true"}),
                    " ",
                    row["tag_label"],
                ],
                className=TAG_CLASSES[row["tag"]],
            ),
            " ",
            html.Span(f"{_context(row['context'])}: ", className="covid-context")
            if row["context"]
            else None,
            html.Q(row["text"], className="covid-passage-text"),
            None
            if row["explicit"]
            else html.Span(
                " (esta frase no nombra la pandemia)",
                className="covid-implicit text-body-secondary",
            ),
        ],
        className="covid-passage",
    )


def _code_block(code: str, title: str, comp: pd.DataFrame, rows: pd.DataFrame) -> html.Article:
    counts = rows["tag"].value_counts()
    tally = " · ".join(
        f"{int(counts[tag])} {TALLY_WORDS[tag][0 if int(counts[tag]) == 1 else 1]}"
        for tag in covid.PASSAGE_TAGS
        if counts.get(tag, 0)
    )
    href = code_href(code)
    return html.Article(
        [
            html.H4(
                [
                    dcc.Link(code, href=href) if href else code,
                    " ",
                    html.Span(title, className="fw-normal"),
                ],
                className="h6 mb-1",
            ),
            _numbers_line(comp, code),
            html.P(tally, className="covid-tally mb-1"),
            html.Ul([_passage_item(r) for _, r in rows.iterrows()], className="covid-passages"),
        ],
        className="covid-aes mb-3",
    )


def passages_section(ds: Dataset) -> html.Section:
    """Per OES, each AES's numbers next to its narrative's pandemic passages."""
    comp = covid.comparison(ds)
    passages = covid.pandemic_passages(ds)
    items = []
    for oes in ds.oes.itertuples(index=False):
        aes = ds.aes[ds.aes["oes_code"] == oes.oes_code]
        blocks: list[Any] = []
        oes_rows = passages[passages["code"] == oes.oes_code]
        if not oes_rows.empty:
            blocks.append(_code_block(oes.oes_code, "Análisis del OES", comp, oes_rows))
        silent = []
        for row in aes.itertuples(index=False):
            mine = passages[passages["code"] == row.aes_code]
            if mine.empty:
                silent.append(row.aes_code)
                continue
            blocks.append(_code_block(row.aes_code, row.description, comp, mine))
        if silent:
            links: list[Any] = []
            for code in silent:
                if links:
                    links.append(", ")
                links.append(dcc.Link(code, href=f"/aes/{code}"))
            blocks.append(
                html.P(
                    [html.Strong("Sin mención de la pandemia en su análisis: "), *links, "."],
                    className="covid-silent mb-0",
                )
            )
        mentioned = len(aes) - len(silent)
        hit = covid.postponed_or_online_count(passages[passages["oes_code"] == oes.oes_code])
        items.append(
            dbc.AccordionItem(
                blocks,
                title=(
                    f"{oes.oes_code} · {oes.name.rstrip('.')} — {mentioned} de {len(aes)} AES "
                    f"mencionan la pandemia; {hit} informan actividades postergadas, canceladas "
                    "o virtuales"
                ),
                item_id=oes.oes_code,
            )
        )
    return html.Section(
        [
            html.H2("Lo que informa cada acción estratégica (AES)", className="h4"),
            html.P(
                [
                    "Frases del «Análisis descriptivo» de cada AES que mencionan la pandemia o sus "
                    "efectos, junto a las cifras 2019 → 2020 de su indicador. Cada frase lleva una "
                    "etiqueta: ",
                    html.Span(
                        [
                            TAG_ICONS["postponed_cancelled"],
                            " ",
                            covid.PASSAGE_TAG_LABELS["postponed_cancelled"],
                        ],
                        className=TAG_CLASSES["postponed_cancelled"],
                    ),
                    " ",
                    html.Span(
                        [TAG_ICONS["online"], " ", covid.PASSAGE_TAG_LABELS["online"]],
                        className=TAG_CLASSES["online"],
                    ),
                    " ",
                    html.Span(
                        [TAG_ICONS["other"], " ", covid.PASSAGE_TAG_LABELS["other"]],
                        className=TAG_CLASSES["other"],
                    ),
                    ". La selección es automática (por palabras como pandemia, COVID-19, "
                    "postergó, suspendió, virtual o videoconferencia); el texto es el del reporte.",
                ]
            ),
            dbc.Accordion(items, always_open=True, active_item=[ds.oes["oes_code"].iloc[0]]),
        ],
        id=Ids.PASSAGES,
        className="mb-4",
        tabIndex="-1",
    )


# --------------------------------------------------------------------------- layout + callback


def layout(**_query: Any) -> html.Div:
    """The COVID-19 page (query parameters are ignored)."""
    ds = get_dataset()
    comp = covid.filter_scope(covid.comparison(ds), DEFAULT_SCOPE)
    return html.Div(
        [
            breadcrumbs([("Resumen", "/"), ("Impacto COVID-19", None)]),
            html.H1(
                f"Impacto de la COVID-19: {PREVIOUS_YEAR} frente a {ASSESSED_YEAR}", className="h2"
            ),
            html.P(
                f"¿Cuánto cambiaron los indicadores del PESEM entre {PREVIOUS_YEAR} y "
                f"{ASSESSED_YEAR}, el año de la pandemia, y qué actividades se postergaron, "
                "cancelaron o pasaron a la modalidad virtual según el propio reporte?",
                className="lead",
            ),
            kpis(ds),
            executive_summary(ds),
            controls(),
            html.Div(chart_cards(DEFAULT_MODE, DEFAULT_SCOPE, ds), id=Ids.CHARTS),
            html.Section(
                [
                    html.H2(f"Tabla: {PREVIOUS_YEAR} frente a {ASSESSED_YEAR}", className="h4"),
                    html.Div(comparison_table(comp), id=Ids.TABLE_WRAP),
                ],
                className="mb-4",
            ),
            passages_section(ds),
        ],
        className="covid-page",
    )


@callback(
    Output(Ids.CHARTS, "children"),
    Output(Ids.TABLE_WRAP, "children"),
    Input(Ids.MODE, "value"),
    Input(Ids.SCOPE, "value"),
    prevent_initial_call=True,
)
def update(mode: str | None, scope: str | None) -> tuple[list[dbc.Card], html.Div]:
    """Presentation or scope changed: redraw the three charts and the table."""
    mode, scope = _mode(mode), _scope(scope)
    ds = get_dataset()
    comp = covid.filter_scope(covid.comparison(ds), scope)
    return chart_cards(mode, scope, ds), comparison_table(comp)
