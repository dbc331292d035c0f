"""Impacto COVID-19: every indicator 2019 vs. 2020, with the report's own explanations.

Numbers: :mod:`pesem.covid` (built on :func:`pesem.metrics.indicator_summary`); figures:
:mod:`components.covid_charts`. The KPIs, the executive summary's paragraph and the AES passages
do not depend on the controls.

The two toggles live in the URL query string (``/covid?vista=abs&alcance=todos``, parsed by
:func:`pesem.covid.parse_view`), so a shared link restores the view and the shell's "Descargar
todos los gráficos" ZIP (which re-reads the address bar) exports it: :func:`export_figures`
takes the same keys. As on /explorar (see its module docstring for how Dash 4's
``dcc.Location(refresh=False)`` behaves):

* ``layout(**query)`` draws the view the URL asks for (invalid values: the defaults, silently);
* :func:`sync_view` ties the ``dcc.Location`` to the toggles in both directions: a clicked toggle
  pushes the canonical query (one browser history entry per change); a changed URL (back/forward)
  sets the toggles, and never writes the URL back (no extra entry, no back-button trap);
* :func:`update` redraws the charts and the table when a toggle's value changes (clicked, or set
  by :func:`sync_view`).
"""

from __future__ import annotations

import functools
import re
from enum import StrEnum
from typing import Any, Final, NamedTuple

import dash
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from components.covid_charts import diverging_change, dumbbell, trend_lines
from components.format import fmt_change, fmt_pct, fmt_value, unit_label
from components.graph import chart_card
from components.layout import breadcrumbs, cached_layout, code_href
from pesem import covid
from pesem.loader import Dataset, get_dataset

# TEMPORARY (issue 13 migration): owners replace these with ds.meta.
_META = get_dataset().meta
ASSESSED_YEAR, PREVIOUS_YEAR = _META.year, _META.previous_year
EXPECTED_YEARS, ACHIEVED_YEARS = _META.expected_years, _META.achieved_years


TITLE: Final = "Impacto COVID-19 — PESEM RREE 2020"
FILE_PREFIX: Final = "pesem-rree-2020"
PATH: Final = "/covid"

dash.register_page(
    __name__,
    path=PATH,
    order=2,
    nav=True,
    nav_label="Impacto COVID-19",
    name="Impacto COVID-19",
    title=TITLE,
    description=(
        "Variación 2019-2020 de todos los indicadores del PESEM 2015-2021 de Relaciones "
        "Exteriores y lo que el reporte dice sobre el efecto de la pandemia en cada acción."
    ),
    # gunicorn's master builds the four views before fork (components.layout.warm_layouts)
    warm=lambda: [
        {covid.KEY_MODE: mode, covid.KEY_SCOPE: scope}
        for mode in covid.MODES
        for scope in covid.SCOPES
    ],
)


class Ids(StrEnum):
    """Component ids of this page (prefix ``covid-``)."""

    LOCATION = "covid-url"
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
    PASSAGES_ACCORDION = "covid-pasajes-oes"
    #: dict id of an OES's passages: ``{"type": PASSAGES_BODY, "index": "OES.01"}``
    PASSAGES_BODY = "covid-pasajes-cuerpo"


MODE_OPTIONS: Final = [
    {"label": "% de variación", "value": "pct"},
    {"label": "Valores absolutos", "value": "abs"},
]
SCOPE_OPTIONS: Final = [
    {"label": "Solo indicadores de OES", "value": "oes"},
    {"label": "Todos los indicadores", "value": "todos"},
]
DEFAULT_MODE: Final = covid.DEFAULT_MODE
DEFAULT_SCOPE: Final = covid.DEFAULT_SCOPE
TAG_CLASSES: Final = {
    "postponed_cancelled": "covid-tag covid-tag-postponed",
    "online": "covid-tag covid-tag-online",
    "other": "covid-tag covid-tag-other",
}
TAG_ICONS: Final = {"postponed_cancelled": "✕", "online": "⇄", "other": "•"}


# --------------------------------------------------------------------------- helpers


def _mode(value: Any) -> str:
    return value if value in covid.MODES else DEFAULT_MODE


def _scope(value: Any) -> str:
    return value if value in covid.SCOPES else DEFAULT_SCOPE


def file_stem(chart: str, mode: str, scope: str, oes: str = "") -> str:
    """``pesem-rree-2020_covid_variacion`` (+ ``-absoluta`` in absolute values; + ``-OES.01`` for
    one OES's chart of the "todos" view, ``-todos`` for a chart of every indicator)."""
    suffix = "-absoluta" if mode == "abs" and chart != "tendencias" else ""
    if oes:
        suffix += f"-{oes}"
    elif scope == "todos":
        suffix += "-todos"
    return f"{FILE_PREFIX}_covid_{chart}{suffix}"


def _value_cell(row: pd.Series, year: int) -> str:
    value = row[f"achieved_{year}"]
    if pd.isna(value):
        return f"«{row[f'raw_{year}'] or '(vacío)'}»"
    return fmt_value(value, row["unit"])


def _change_text(row: pd.Series) -> str:
    return f"{row['change_icon']} {row['change_label']}"


CHART_KEYS: Final = ("variacion", "2019-2020", "tendencias")
GRAPH_IDS: Final = {
    "variacion": Ids.DIVERGING,
    "2019-2020": Ids.DUMBBELL,
    "tendencias": Ids.TRENDS,
}


class Chart(NamedTuple):
    """One chart of the page: what it is, its PNG name, its figure and the rows it plots."""

    key: str  # "variacion" | "2019-2020" | "tendencias"
    oes: str  # "" for a chart of the whole scope; "OES.01" for one OES of the "todos" view
    stem: str
    figure: go.Figure
    comp: pd.DataFrame  # the comparison rows (pesem.covid.comparison) it shows

    @property
    def graph_id(self) -> str:
        base = GRAPH_IDS[self.key].value
        return f"{base}-{self.oes.replace('.', '-')}" if self.oes else base


def _oes_subtitle(ds: Dataset, code: str) -> str:
    names = ds.oes.set_index("oes_code")["name"]
    name = str(names.get(code, "")).strip().rstrip(".")
    return f"{code} · {name}" if name else code


def _build(key: str, comp: pd.DataFrame, mode: str, ds: Dataset, subtitle: str) -> go.Figure:
    if key == "variacion":
        return diverging_change(comp, mode, subtitle=subtitle)
    if key == "2019-2020":
        return dumbbell(comp, mode, subtitle=subtitle)
    return trend_lines(covid.trend_rows(ds, list(comp["indicator_id"])), subtitle=subtitle)


def figures(mode: str, scope: str, ds: Dataset | None = None) -> list[Chart]:
    """The page's charts, in page order.

    "Solo OES" (7 indicators): one chart of each kind. "Todos" (24 indicators): one chart of
    each kind *per OES* (the OES's own indicators, then its AES), grouped by kind.

    Why per OES, on screen too: drawn as one chart, the 24 indicators need 1,060 px (bars,
    dumbbell), 1,424 px (absolute change, one panel per unit) or 2,082 px (24 trend panels),
    and a 1600×900 slide can only hold them by shrinking the text to 7–15 px, unreadable from
    the back of a meeting room. Per OES, a chart has at most 10 indicators and fits the slide
    with text of 18 px or more. It is also how the report itself is organised (each OES
    analysed with its AES), so a presenter gets one slide per objective. The charts on screen
    are the ones exported ("Descargar PNG" exports what the card shows, and the ZIP holds the
    same files), so nothing is split behind the user's back; the ranking across all 24
    indicators stays in the table under the charts and in the headline figures.
    """
    ds = ds or get_dataset()
    comp = covid.filter_scope(covid.comparison(ds), scope)
    if scope != "todos":
        return [
            Chart(key, "", file_stem(key, mode, scope), _build(key, comp, mode, ds, ""), comp)
            for key in CHART_KEYS
        ]
    groups = covid.by_oes(comp)
    return [
        Chart(
            key,
            code,
            file_stem(key, mode, scope, code),
            _build(key, rows, mode, ds, _oes_subtitle(ds, code)),
            rows,
        )
        for key in CHART_KEYS
        for code, rows in groups
    ]


def export_figures(**params: Any) -> list[tuple[str, go.Figure]]:
    """The page's charts as (file stem, figure), in page order, for the view of the URL query
    (``vista``, ``alcance``: the keys of the address bar; invalid or missing values: defaults)."""
    mode, scope = covid.parse_view(params)
    return [(chart.stem, chart.figure) for chart in figures(mode, scope)]


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


def controls(mode: str = DEFAULT_MODE, scope: str = DEFAULT_SCOPE) -> html.Section:
    return html.Section(
        [
            html.H2("Gráficos y tabla", className="h4"),
            html.Div(
                [
                    _toggle(Ids.MODE, "Mostrar:", MODE_OPTIONS, mode),
                    _toggle(Ids.SCOPE, "Indicadores:", SCOPE_OPTIONS, scope),
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


def _card_title(chart: Chart, mode: str) -> str:
    if chart.key == "variacion":
        title = (
            "Variación por indicador (%)"
            if mode == "pct"
            else "Variación por indicador (valores absolutos, por unidad)"
        )
    elif chart.key == "2019-2020":
        title = f"{PREVIOUS_YEAR} → {ASSESSED_YEAR} por indicador"
    else:
        title = "Evolución 2016–2020 y meta"
    return f"{title} · {chart.oes}" if chart.oes else title


def _card_summary(chart: Chart, mode: str, scope: str) -> str:
    n = len(chart.comp)
    if chart.oes:
        who = f"los {n} indicadores del {chart.oes} (el del OES y los de sus AES)"
    else:
        who = f"los {n} indicadores de OES" if scope == "oes" else f"los {n} indicadores"
    if chart.key == "variacion":
        if mode == "pct":
            return (
                f"Variación porcentual {PREVIOUS_YEAR}→{ASSESSED_YEAR} de {who}, de la mayor "
                "caída (arriba) a la mayor alza. Las filas sin barra no se pueden calcular y "
                "dicen por qué."
            )
        return (
            f"Variación absoluta {PREVIOUS_YEAR}→{ASSESSED_YEAR} de {who}, en un panel por "
            "unidad de medida: cada eje tiene una sola unidad y cada barra lleva su valor con "
            "unidad (p.p. = puntos porcentuales)."
        )
    if chart.key == "2019-2020":
        return (
            f"○ = {PREVIOUS_YEAR}, ◆ = {ASSESSED_YEAR}; color según el OES. Cada indicador "
            f"está en su propia escala ({PREVIOUS_YEAR} = 100): un rombo a la izquierda de "
            "la línea punteada es una caída. Al lado: "
            + (
                "la variación porcentual."
                if mode == "pct"
                else f"los valores {PREVIOUS_YEAR} y {ASSESSED_YEAR} en su unidad."
            )
        )
    return (
        f"Valor obtenido de cada año de {who} (el de 2020, más grande) y el logro esperado "
        "2020 (✕) cuando el plan lo define; si no lo define (ND), se marca la meta 2021 del "
        "plan (◇). Cada panel tiene su propio eje vertical."
    )


def _trend_table(comp: pd.DataFrame, ds: Dataset) -> pd.DataFrame:
    """The trend chart's data: each year's value as printed, and the target it marks."""
    rows = covid.trend_rows(ds, list(comp["indicator_id"]))
    records = []
    for iid, part in rows.groupby("indicator_id", sort=False):
        first = part.iloc[0]
        record = {"Indicador": f"{iid} {first['name']}"}
        for row in part.sort_values("year").itertuples(index=False):
            record[str(row.year)] = (
                fmt_value(row.achieved, row.unit)
                if not pd.isna(row.achieved)
                else f"«{row.raw or '(vacío)'}»"
            )
        if not pd.isna(first["expected_2020"]):
            target = f"{fmt_value(first['expected_2020'], first['unit'])} (logro esperado 2020)"
        elif not pd.isna(first["expected_2021"]):
            target = f"{fmt_value(first['expected_2021'], first['unit'])} (meta 2021 del plan)"
        else:
            target = "—"
        record["Meta marcada"] = target
        records.append(record)
    return pd.DataFrame(records)


def chart_cards(mode: str, scope: str, ds: Dataset | None = None) -> list[Any]:
    """The chart cards of a view: three, or three per OES in the "todos" view (see
    :func:`figures`), then preceded by a sentence that says so."""
    ds = ds or get_dataset()
    charts = figures(mode, scope, ds)
    cards: list[Any] = []
    if scope == "todos":
        n_oes = len({chart.oes for chart in charts})
        cards.append(
            html.P(
                f"Con todos los indicadores, cada gráfico muestra un OES con sus AES ({n_oes} "
                "gráficos por tipo), para que se lea completo en pantalla y en una diapositiva.",
                className="covid-per-oes text-body-secondary",
            )
        )
    for chart in charts:
        cards.append(
            chart_card(
                chart.graph_id,
                chart.figure,
                title=_card_title(chart, mode),
                filename=chart.stem,
                summary=_card_summary(chart, mode, scope),
                table=(
                    _trend_table(chart.comp, ds)
                    if chart.key == "tendencias"
                    else _chart_table(chart.comp)
                ),
            )
        )
    return cards


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
            html.H3(
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


@functools.lru_cache(maxsize=16)
def oes_passages(oes_code: str) -> list[Any]:
    """The blocks of one OES in the passages section: per AES, numbers next to its passages."""
    ds = get_dataset()
    comp = covid.comparison(ds)
    passages = covid.pandemic_passages(ds)
    aes = ds.aes[ds.aes["oes_code"] == oes_code]
    blocks: list[Any] = []
    oes_rows = passages[passages["code"] == oes_code]
    if not oes_rows.empty:
        blocks.append(_code_block(oes_code, "Análisis del OES", comp, oes_rows))
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
    return blocks


def passages_section(ds: Dataset) -> html.Section:
    """Per OES, each AES's numbers next to its narrative's pandemic passages.

    Only the open OES carries its passages in the layout; the others are filled when opened
    (:func:`open_passages`): the whole section is ~640 components, most of them collapsed, and
    rendering them delayed every first visit's charts.
    """
    passages = covid.pandemic_passages(ds)
    first = ds.oes["oes_code"].iloc[0]
    items = []
    for oes in ds.oes.itertuples(index=False):
        aes = ds.aes[ds.aes["oes_code"] == oes.oes_code]
        mentioned = int(aes["aes_code"].isin(passages["code"]).sum())
        hit = covid.postponed_or_online_count(passages[passages["oes_code"] == oes.oes_code])
        items.append(
            dbc.AccordionItem(
                html.Div(
                    oes_passages(oes.oes_code) if oes.oes_code == first else [],
                    id={"type": Ids.PASSAGES_BODY.value, "index": oes.oes_code},
                ),
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
            dbc.Accordion(
                items, id=Ids.PASSAGES_ACCORDION.value, always_open=True, active_item=[first]
            ),
        ],
        id=Ids.PASSAGES,
        className="mb-4",
        tabIndex="-1",
    )


# --------------------------------------------------------------------------- layout + callback


@cached_layout(
    lambda **query: dict(
        zip((covid.KEY_MODE, covid.KEY_SCOPE), covid.parse_view(query), strict=True)
    )
)
def layout(**query: Any) -> html.Div:
    """The COVID-19 page in the view of the URL query (``vista``, ``alcance``; see the module
    docstring); invalid values show the default view."""
    mode, scope = covid.parse_view(query)
    ds = get_dataset()
    charts, table = _view(mode, scope)  # the same objects the toggles' callback answers with
    return html.Div(
        [
            dcc.Location(id=Ids.LOCATION.value, refresh=False),
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
            controls(mode, scope),
            html.Div(charts, id=Ids.CHARTS),
            html.Section(
                [
                    html.H2(f"Tabla: {PREVIOUS_YEAR} frente a {ASSESSED_YEAR}", className="h4"),
                    html.Div(table, id=Ids.TABLE_WRAP),
                ],
                className="mb-4",
            ),
            passages_section(ds),
        ],
        className="covid-page",
    )


@callback(
    Output(Ids.LOCATION, "search"),
    Output(Ids.MODE, "value"),
    Output(Ids.SCOPE, "value"),
    Input(Ids.LOCATION, "search"),
    Input(Ids.MODE, "value"),
    Input(Ids.SCOPE, "value"),
    State(Ids.LOCATION, "pathname"),
    prevent_initial_call=True,
)
def sync_view(search: Any, mode: Any, scope: Any, pathname: Any) -> tuple[Any, Any, Any]:
    """URL ⇄ toggles. The URL wins when it changed (back/forward): the toggles are set to the
    view it asks for and the URL is left as it is; otherwise a toggle was clicked and its
    canonical query (``?vista=abs&alcance=todos``, ``""`` for the default view) is pushed."""
    if pathname is not None and dash.strip_relative_path(pathname) != PATH.strip("/"):
        raise PreventUpdate  # the location moved to another page: not ours to handle
    if f"{Ids.LOCATION.value}.search" in set(ctx.triggered_prop_ids):
        wanted_mode, wanted_scope = covid.parse_view(search if isinstance(search, str) else "")
        return (
            no_update,  # never rewrite the URL the user navigated to
            no_update if mode == wanted_mode else wanted_mode,
            no_update if scope == wanted_scope else wanted_scope,
        )
    query = covid.view_query(_mode(mode), _scope(scope))
    current = search if isinstance(search, str) else ""
    return (no_update if current == query else query, no_update, no_update)


@callback(
    Output(Ids.CHARTS, "children"),
    Output(Ids.TABLE_WRAP, "children"),
    Input(Ids.MODE, "value"),
    Input(Ids.SCOPE, "value"),
    prevent_initial_call=True,
)
def update(mode: str | None, scope: str | None) -> tuple[list[Any], html.Div]:
    """Presentation or scope changed (clicked, or set from the URL): redraw charts and table."""
    return _view(_mode(mode), _scope(scope))


@functools.lru_cache(maxsize=8)
def _view(mode: str, scope: str) -> tuple[list[Any], html.Div]:
    # Four possible views of static data: build each once per worker (≈1 s of figure work).
    ds = get_dataset()
    comp = covid.filter_scope(covid.comparison(ds), scope)
    return chart_cards(mode, scope, ds), comparison_table(comp)


@callback(
    Output({"type": Ids.PASSAGES_BODY.value, "index": ALL}, "children"),
    Input(Ids.PASSAGES_ACCORDION.value, "active_item"),
    prevent_initial_call=True,
)
def open_passages(active: Any) -> list[Any]:
    """Fill the OES items that are open; closed ones keep what they had (no_update).

    No State of the items' contents: the request would carry every rendered passage back.
    """
    values = active if isinstance(active, list) else [active]
    opened = {value for value in values if isinstance(value, str)}
    # one answer per item the request names (ALL: every item on the page, in layout order)
    codes = [output["id"]["index"] for output in ctx.outputs_list]
    return [
        oes_passages(code) if code in opened and code in _oes_codes() else no_update
        for code in codes
    ]


def _oes_codes() -> frozenset[str]:
    return frozenset(get_dataset().oes["oes_code"])
