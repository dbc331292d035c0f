"""Sections of the /covid page: headline figures, the report's words, the toggles, the table,
the recovery after the pandemic, and the page for a report that cannot compare the two years.

Pure builders from the frames of :mod:`pesem.covid` to components. The page passes the ids
(its ``Ids``); the years are :data:`pesem.covid.BEFORE_YEAR` / :data:`pesem.covid.PANDEMIC_YEAR`
and everything about the report comes from ``ds.meta``.
"""

from __future__ import annotations

from typing import Any, Final

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from components.covid_recovery import later_span
from components.covid_views import before_cell, pandemic_cell, value_cell
from components.format import fmt_change, fmt_pct, unit_label
from components.navigation import code_href, nav_label, nav_pages
from components.static_html import island
from pesem import covid, vocabulary
from pesem.covid import BEFORE_YEAR, PANDEMIC_YEAR
from pesem.loader import Dataset

MODE_OPTIONS: Final = [
    {"label": "% de variación", "value": "pct"},
    {"label": "Valores absolutos", "value": "abs"},
]
SCOPE_OPTIONS: Final = [
    {"label": "Solo indicadores de OES", "value": "oes"},
    {"label": "Todos los indicadores", "value": "todos"},
]


def heading(ds: Dataset) -> list[Any]:
    """The page's title and the question it answers."""
    return [
        html.H1(f"Impacto de la COVID-19: {BEFORE_YEAR} frente a {PANDEMIC_YEAR}", className="h2"),
        html.P(
            f"¿Cuánto cambiaron los indicadores del {ds.meta.plan_type} entre {BEFORE_YEAR} y "
            f"{PANDEMIC_YEAR}, el año de la pandemia, y qué actividades se postergaron, "
            "cancelaron o pasaron a la modalidad virtual según el propio reporte?",
            className="lead",
        ),
    ]


# --------------------------------------------------------------------------- KPIs


def kpi(value: str, label: str, note: Any = "", extra_class: str = "") -> dbc.Col:
    """One headline figure: the value, what it counts, an optional note."""
    return dbc.Col(
        html.Div(
            [
                html.P(value, className="kpi-value"),
                html.P(label, className="kpi-label"),
                html.P(note, className="kpi-note") if note else None,
            ],
            className=f"kpi covid-kpi {extra_class}".strip(),
        ),
        xs=6,  # two to a row on a phone
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
        return kpi("—", f"sin {word} entre los indicadores de OES")
    note = [
        html.Span(f"{oes['indicator_id']} · {oes['name'].rstrip('.')}", className="d-block"),
        html.Span(_extreme_note(everything), className="d-block mt-1"),
    ]
    return kpi(fmt_pct(oes["change_pct"], 1, signed=True), f"mayor {word} entre los OES", note)


def not_comparable_text(count: int) -> str:
    """``2 no comparables (falta un valor)`` (singular for one)."""
    return f"{count} no comparable{'' if count == 1 else 's'} (falta un valor)"


def _rest(head: dict) -> str:
    """What did not fall: ``1 subió, 1 sin variación`` (+ the ones that cannot compare)."""
    parts = [f"{head['rose']} subió" if head["rose"] == 1 else f"{head['rose']} subieron"]
    parts.append(f"{head['equal']} sin variación" if head["equal"] else "ninguno sin variación")
    if head["not_comparable"]:
        parts.append(not_comparable_text(head["not_comparable"]))
    return ", ".join(parts)


def kpis(ds: Dataset, comp: pd.DataFrame, passages_href: str, section_id: str) -> html.Section:
    """Headline figures: fell/rose/equal among the OES indicators and among all; extremes; the
    AES whose narrative reports activities postponed, cancelled or moved online."""
    oes = covid.headline(comp, level=vocabulary.OBJECTIVE)
    everything = covid.headline(comp)
    n_hit = covid.postponed_or_online_count(covid.pandemic_passages(ds))
    tiles = [
        kpi(
            f"{oes['fell']} de {oes['total']}",
            f"indicadores de OES bajaron en {PANDEMIC_YEAR} respecto de {BEFORE_YEAR}",
            _rest(oes),
            "covid-kpi-fell",
        ),
        kpi(
            f"{everything['fell']} de {everything['total']}",
            "indicadores en total (OES y AES) bajaron",
            _rest(everything),
            "covid-kpi-fell",
        ),
        _extreme_kpi(oes["largest_fall"], everything["largest_fall"], "caída"),
        _extreme_kpi(oes["largest_rise"], everything["largest_rise"], "alza"),
        kpi(
            f"{n_hit} de {len(ds.aes)}",
            "AES cuyo análisis informa actividades postergadas, canceladas o realizadas de "
            "forma virtual",
            html.A("Ver los pasajes del reporte ↓", href=passages_href),
        ),
    ]
    return html.Section(
        [
            html.H2(f"Variación {BEFORE_YEAR} → {PANDEMIC_YEAR} en cifras", className="h4"),
            dbc.Row(tiles, className="g-3"),
        ],
        id=section_id,
        className="mb-4",
        **{"aria-label": "Cifras principales del impacto de la COVID-19"},
    )


def executive_summary(ds: Dataset, section_id: str) -> html.Section:
    """The executive summary's paragraphs on the pandemic, verbatim."""
    paragraphs = covid.summary_passages(ds)
    if not paragraphs:
        body: list[Any] = [html.P("El resumen ejecutivo no menciona la pandemia.")]
    else:
        body = [html.P(p) for p in paragraphs]
    number = vocabulary.SECTION_NUMBERS["resumen_ejecutivo"]
    return html.Section(
        [
            html.H2("Lo que dice el reporte", className="h4"),
            html.Blockquote(
                [
                    *body,
                    html.Footer(
                        f"Reporte de seguimiento {ds.meta.year}, sección {number} "
                        "(Resumen ejecutivo)",
                        className="blockquote-footer mt-1 mb-0",
                    ),
                ],
                className="covid-quote mb-0",
            ),
        ],
        id=section_id,
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


def controls(mode: str, scope: str, mode_id: str, scope_id: str) -> html.Section:
    """The two toggles (presentation, scope) and how to read the charts."""
    return html.Section(
        [
            html.H2("Gráficos y tabla", className="h4"),
            html.Div(
                [
                    _toggle(mode_id, "Mostrar:", MODE_OPTIONS, mode),
                    _toggle(scope_id, "Indicadores:", SCOPE_OPTIONS, scope),
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
                    f"(puntos porcentuales, número, ratio, tasa), y el gráfico {BEFORE_YEAR} → "
                    f"{PANDEMIC_YEAR} ubica a cada indicador en su propia escala (valor de "
                    f"{BEFORE_YEAR} = 100) y escribe sus valores reales al lado. Las cifras son "
                    "las del Anexo 6.1 tal como se imprimieron; un valor faltante no se toma "
                    "como 0.",
                ],
                className="covid-method text-body-secondary",
            ),
        ],
        className="mb-3",
    )


# --------------------------------------------------------------------------- table


def change_text(row: pd.Series) -> str:
    """``▼ Bajó``: the direction of a comparison row with its icon."""
    return f"{row['change_icon']} {row['change_label']}"


def _header() -> html.Thead:
    cells = [
        ("Indicador", ""),
        ("Unidad", ""),
        (str(BEFORE_YEAR), "text-end"),
        (str(PANDEMIC_YEAR), "text-end"),
        ("Variación absoluta", "text-end"),
        ("Variación %", "text-end"),
        ("Movimiento", ""),
        ("Nota", ""),
    ]
    return html.Thead(
        html.Tr([html.Th(label, scope="col", className=cls or None) for label, cls in cells])
    )


def indicator_link(row: pd.Series) -> list[Any]:
    """The indicator's id (linked to its code's page) over its name."""
    href = code_href(row["code"])
    return [
        dcc.Link(row["indicator_id"], href=href) if href else row["indicator_id"],
        html.Br(),
        html.Span(row["name"], className="covid-indicator-name"),
    ]


def _table_row(row: pd.Series) -> html.Tr:
    return html.Tr(
        [
            html.Th(indicator_link(row), scope="row"),
            html.Td(unit_label(row["unit"])),
            html.Td(before_cell(row), className="text-end"),
            html.Td(pandemic_cell(row), className="text-end"),
            html.Td(fmt_change(row["change_abs"], row["unit"]), className="text-end"),
            html.Td(fmt_pct(row["change_pct"], 1, signed=True), className="text-end"),
            html.Td(change_text(row), className=f"covid-move covid-move-{row['change_direction']}"),
            html.Td(row["note"], className="covid-note"),
        ],
        className=f"covid-row-{row['change_direction']}",
    )


def comparison_table(comp: pd.DataFrame, table_id: str) -> html.Div:
    """The comparison as an accessible table: both values, both changes, a note when needed.

    Static text and links, so one island (``table_id`` on its box): ~100 components fewer for
    the renderer on every first visit and every toggle (bench/: the table was a third of the
    page's blocking time at 4x CPU)."""
    who = (
        "los indicadores de OES"
        if (comp["level"] == vocabulary.OBJECTIVE).all()
        else "todos los indicadores"
    )
    caption = (
        f"Valor obtenido {BEFORE_YEAR} y {PANDEMIC_YEAR} de {who} (Anexo 6.1). Variación "
        "absoluta en la unidad del indicador (p.p. = puntos porcentuales); variación % respecto "
        f"de {BEFORE_YEAR}. «…» = celda tal como se imprimió, sin valor numérico."
    )
    table = dbc.Table(
        [
            html.Caption(caption),
            _header(),
            html.Tbody([_table_row(row) for _, row in comp.iterrows()]),
        ],
        striped=True,
        hover=True,
        size="sm",
        className="covid-table align-middle",
    )
    return island(table, className="table-responsive", id=table_id)


def table_section(table: html.Div, wrap_id: str) -> html.Section:
    """The comparison table under its heading (``wrap_id``: the part the toggles redraw)."""
    return html.Section(
        [
            html.H2(f"Tabla: {BEFORE_YEAR} frente a {PANDEMIC_YEAR}", className="h4"),
            html.Div(table, id=wrap_id),
        ],
        className="mb-4",
    )


# --------------------------------------------------------------------------- recovery


def _recovery_kpis(counts: dict[str, int], latest: str) -> dbc.Row:
    hit = counts["hit"]
    return dbc.Row(
        [
            kpi(
                f"{counts['recovered']} de {hit}",
                f"indicadores que empeoraron en {PANDEMIC_YEAR} recuperaron su nivel de "
                f"{BEFORE_YEAR} en {latest}",
                f"{counts['not_recovered']} aún no lo recuperan",
                "covid-kpi-recovered",
            ),
            kpi(
                f"{counts['not_hit']} de {counts['total']}",
                f"indicadores no empeoraron en {PANDEMIC_YEAR}",
                not_comparable_text(counts["not_comparable"]) if counts["not_comparable"] else "",
            ),
        ],
        className="g-3 mb-3",
    )


def _recovery_row(row: pd.Series, cells: pd.DataFrame, years: tuple[int, ...]) -> html.Tr:
    mine = cells[cells["indicator_id"] == row["indicator_id"]].set_index("year")
    values = [
        html.Td(
            value_cell(mine.at[y, "achieved"], mine.at[y, "raw"], row["unit"]),
            className="text-end",
        )
        for y in years
    ]
    return html.Tr(
        [
            html.Th(indicator_link(row), scope="row"),
            *values,
            html.Td(
                f"{row['state_icon']} {row['state_label']}",
                className=f"covid-move covid-recovery-{row['state']}",
            ),
        ]
    )


def recovery_table(ds: Dataset, rec: pd.DataFrame, caption: str) -> html.Div:
    """Every indicator's value the year before, the pandemic year and each later year, and
    whether it recovered (``rec``: :func:`pesem.covid.recovery`)."""
    years = covid.period(ds.meta)
    shown = (years.before, years.pandemic, *years.later)
    cells = covid.recovery_path(ds)
    header = html.Thead(
        html.Tr(
            [
                html.Th("Indicador", scope="col"),
                *(html.Th(str(y), scope="col", className="text-end") for y in shown),
                html.Th("Recuperación", scope="col"),
            ]
        )
    )
    body = html.Tbody([_recovery_row(row, cells, shown) for _, row in rec.iterrows()])
    return html.Div(
        dbc.Table(
            [html.Caption(caption), header, body],
            striped=True,
            hover=True,
            size="sm",
            className="covid-table align-middle",
        ),
        className="table-responsive",
    )


def recovery_section(ds: Dataset, section_id: str) -> html.Section:
    """After the pandemic: did each indicator get back to its level of the year before?

    For a report without years after the pandemic year, one line says so (nothing to chart).
    """
    years = covid.period(ds.meta)
    heading_text = f"Después de {PANDEMIC_YEAR}: ¿se recuperaron los indicadores?"
    if not years.later:
        return html.Section(
            html.P(
                f"Este reporte llega hasta {ds.meta.year}, el año de la pandemia: aún no tiene "
                "años posteriores para ver si los indicadores recuperaron su nivel de "
                f"{BEFORE_YEAR}.",
                className="covid-no-later text-body-secondary",
            ),
            id=section_id,
            className="mb-4",
        )
    rec = covid.recovery(ds)
    span = later_span(years)
    caption = (
        f"Valor obtenido {BEFORE_YEAR}, {PANDEMIC_YEAR} y {span} de todos los indicadores "
        f"(Anexo 6.1). Recuperó = su último valor ({years.latest}) es igual o mejor que el de "
        f"{BEFORE_YEAR}; «mejor» según el sentido del indicador (si es descendente, menos es "
        "mejor). «…» = celda tal como se imprimió, sin valor numérico."
    )
    return html.Section(
        [
            html.H2(heading_text, className="h4"),
            _recovery_kpis(covid.recovery_counts(rec), str(years.latest)),
            recovery_table(ds, rec, caption),
        ],
        id=section_id,
        className="mb-4 covid-recovery",
    )


# --------------------------------------------------------------------------- no comparison


def _missing_years_text(ds: Dataset) -> str:
    missing = covid.missing_years(ds)
    meta = ds.meta
    years = " ni de ".join(str(y) for y in missing)
    if not covid.covers_pandemic(meta):
        return (
            f"Este reporte ({meta.plan}, seguimiento {meta.year}) abarca los años "
            f"{meta.plan_start}–{meta.year}, que no incluyen {PANDEMIC_YEAR}, el año de la "
            f"pandemia: no hay valores de {years} que comparar."
        )
    return (
        f"Este reporte ({meta.plan}, seguimiento {meta.year}) no tiene valores obtenidos de "
        f"{years}: la comparación entre {BEFORE_YEAR} y {PANDEMIC_YEAR}, el año de la "
        "pandemia, no se puede hacer con sus datos."
    )


def unavailable(ds: Dataset, path: str) -> list[Any]:
    """The page (at ``path``) of a report that cannot compare the year before and the pandemic
    year: why, and links to the navbar's other pages."""
    return [
        html.H1("Impacto de la COVID-19", className="h2"),
        html.P(_missing_years_text(ds), className="lead covid-unavailable"),
        html.P("Los demás análisis del reporte siguen disponibles:"),
        html.Ul(
            [
                html.Li(dcc.Link(nav_label(page), href=page["relative_path"]))
                for page in nav_pages()
                if page.get("path") != path
            ]
            or [html.Li(dcc.Link("Resumen", href="/"))],
            className="fs-5",
        ),
    ]
