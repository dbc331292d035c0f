"""Builders of the plan outlook (/perspectiva and the OES/AES pages): badges, counts, table,
growth chart and the method's explanation. Pure functions of :func:`pesem.outlook.outlook_table`
rows (or the summary with the outlook's columns) and the report's meta.

A category is always shown as its icon and its Spanish label; colour (Okabe-Ito) only repeats it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from components.cards import status_badge
from components.format import fmt_value, shown_of_total
from components.navigation import code_href
from components.tables import responsive_table, table_header
from components.theme import (
    MAX_CHART_ITEMS,
    MUTED_COLOR,
    OKABE_ITO,
    axis_title,
    axis_title_height,
    empty_figure,
    label_lines,
    labels_above_bars,
    row_label_axis,
    under_plot,
)
from pesem import outlook
from pesem.report import ReportMeta

#: Colour of each category (black text reaches 4.5:1 on each; never the only cue).
COLORS: Final[dict[str, str]] = {
    "meta_alcanzada": OKABE_ITO["bluish_green"],
    "sustancial": OKABE_ITO["sky_blue"],
    "moderado": OKABE_ITO["yellow"],
    "limitado": OKABE_ITO["orange"],
    "deterioro": OKABE_ITO["vermillion"],
    "no_calculable": "#bdbdbd",
}
#: Bar colours of the growth chart: observed vs required pace.
OBSERVED_COLOR: Final = OKABE_ITO["blue"]
REQUIRED_COLOR: Final = MUTED_COLOR
EMPTY_CHART_TEXT: Final = "Ningún indicador tiene un ritmo de crecimiento calculable."
TABLE_HEADER: Final = (
    "Indicador",
    "Línea de base",
    "Último valor obtenido",
    "Meta final",
    "Crecimiento anual observado",
    "Crecimiento anual requerido",
    "Razón",
    "Perspectiva",
    "Motivo",
)


def category_text(code: str) -> str:
    """``⇈ Progreso sustancial``: a category's icon and label."""
    look = outlook.label(code)
    return f"{look['icon']} {look['label']}"


def progress_badge(code: str, title: str = "") -> Any:
    """A category as a badge: icon + text, its colour repeating it (``title``: the reason)."""
    look = outlook.label(code)
    return status_badge(look["label"], look["icon"], COLORS[code], title=title)


def fmt_rate(rate: float | None) -> str:
    """A growth rate as a signed percentage with one decimal (``+12.6 %``); ``—`` if missing."""
    if rate is None or pd.isna(rate):
        return "—"
    return f"{rate * 100:+.1f} %"


def fmt_ratio(ratio: float | None) -> str:
    """A progress ratio with two decimals (``1.11``); ``—`` if missing."""
    return "—" if ratio is None or pd.isna(ratio) else f"{ratio:.2f}"


def _point(value: Any, year: Any, unit: str) -> str:
    if value is None or pd.isna(value):
        return "—"
    return f"{fmt_value(value, unit)} ({int(year)})"


# --------------------------------------------------------------------------- counts


def counts_list(
    counts: dict[str, int], explorer_href: Callable[[str], str], final_year: int
) -> html.Ul:
    """One item per category: badge with its count and a link to those indicators in the
    explorer (``explorer_href(code)``; no link for an empty category)."""
    items = []
    for code in outlook.PROGRESS_STATUSES:
        n = counts.get(code, 0)
        word = "indicador" if n == 1 else "indicadores"
        parts: list[Any] = [
            progress_badge(code, title=f"{n} {word}: {outlook.label(code)['label']}"),
            html.Span(f" {n} {word}", className="fw-bold"),
        ]
        if n:
            parts += [
                " · ",
                dcc.Link(
                    "ver en el explorador",
                    href=explorer_href(code),
                    className="out-count-link",
                    title=f"Explorar los {n} {word} «{outlook.label(code)['label']}» "
                    f"al cierre {final_year}",
                ),
            ]
        items.append(html.Li(parts, className="out-count", **{"data-progress": code}))
    return html.Ul(items, className="out-counts list-unstyled")


# --------------------------------------------------------------------------- table


def _indicator_cell(rec: dict[str, Any]) -> list[Any]:
    iid = rec["indicator_id"]
    code = rec["aes_code"] or rec["oes_code"]
    href = code_href(code)
    link = dcc.Link(iid, href=href, className="out-code") if href else iid
    return [link, html.Br(), html.Span(rec["name"], className="small")]


def _reason_cell(rec: dict[str, Any]) -> list[Any]:
    parts: list[Any] = [rec["progress_reason"]]
    if rec.get("target_below_base"):
        finding = rec.get("target_finding_id") or ""
        note = "⚠ Meta final por debajo de la línea de base en un indicador donde más es mejor"
        parts += [html.Br(), html.Span(note, className="flag-differs")]
        if finding:
            parts += [
                " (",
                dcc.Link(f"hallazgo {finding}", href=f"/calidad#calidad-{finding}"),
                ")",
            ]
    return parts


def _table_row(rec: dict[str, Any]) -> html.Tr:
    unit = rec["unit"]
    return html.Tr(
        [
            html.Th(_indicator_cell(rec), scope="row"),
            html.Td(_point(rec["base_value"], rec["base_year"], unit)),
            html.Td(_point(rec["current_value"], rec["current_year"], unit)),
            html.Td(_point(rec["target_value"], rec["target_year"], unit)),
            html.Td(fmt_rate(rec["cagr_observed"]), className="text-end"),
            html.Td(fmt_rate(rec["cagr_required"]), className="text-end"),
            html.Td(fmt_ratio(rec["progress_ratio"]), className="text-end"),
            html.Td(progress_badge(rec["progress_status"], title=rec["progress_reason"])),
            html.Td(_reason_cell(rec), className="small"),
        ],
        **{"data-indicator": rec["indicator_id"], "data-progress": rec["progress_status"]},
    )


def indicators_table(rows: pd.DataFrame, meta: ReportMeta, table_id: str) -> html.Div:
    """One row per indicator: base, current, target, both paces, ratio, category and reason.

    ``rows``: the summary with the outlook's columns (:func:`pesem.outlook.with_outlook`).
    """
    table = responsive_table(
        f"Perspectiva de cada indicador al cierre del plan ({meta.plan_end})",
        table_header(TABLE_HEADER),
        [_table_row(rec) for rec in rows.to_dict("records")],
        "table table-sm align-middle out-table mb-0",
    )
    return html.Div(table, id=table_id)


# --------------------------------------------------------------------------- chart


def chart_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """The indicators with both paces (best ratio first), at most :data:`MAX_CHART_ITEMS`."""
    known = rows.dropna(subset=["cagr_observed", "cagr_required"])
    ordered = known.sort_values("progress_ratio", ascending=False, kind="stable")
    return ordered.head(MAX_CHART_ITEMS)


#: The growth chart: two bars per row (pixels), label line height, margins; its title (the
#: page card's header) is kept in the figure for the slide.
PAIR_PX: Final = 36
LABEL_LINE: Final = 19
LEFT: Final = 12
TOP: Final = 32
CHART_TITLE: Final = "Crecimiento anual observado frente al requerido para la meta {final}"


def _y_labels(rows: pd.DataFrame) -> list[str]:
    return [
        f"{iid} · {category_text(code)}"
        for iid, code in zip(rows["indicator_id"], rows["progress_status"], strict=True)
    ]


def _pace_bar(name: str, labels: list[str], rates: pd.Series, color: str) -> go.Bar:
    percent = [float(r) * 100 for r in rates]
    return go.Bar(
        name=name,
        y=labels,
        x=percent,
        orientation="h",
        marker={"color": color},
        text=[fmt_rate(r) for r in rates],
        textposition="outside",
        textfont={"size": 14},
        # the range leaves room for the text: never shrink or hide it
        constraintext="none",
        cliponaxis=False,
        hovertemplate=f"%{{y}}<br>{name}: %{{x:+.1f}} %<extra></extra>",
    )


def growth_figure(rows: pd.DataFrame, meta: ReportMeta) -> go.Figure:
    """Grouped horizontal bars: observed vs required annual growth of each indicator with both
    paces (category as icon + text in its label); an empty state when none has them."""
    shown = chart_rows(rows)
    if shown.empty:
        return empty_figure(EMPTY_CHART_TEXT)
    labels = _y_labels(shown)
    figure = go.Figure(
        [
            _pace_bar(
                "Observado<br>(línea de base → último valor)",
                labels,
                shown["cagr_observed"],
                OBSERVED_COLOR,
            ),
            _pace_bar(
                f"Requerido<br>(línea de base → meta {meta.plan_end})",
                labels,
                shown["cagr_required"],
                REQUIRED_COLOR,
            ),
        ]
    )
    # Each row's label above its two bars (y tick labels would take half a phone's width);
    # legend, source and a wrapped axis title under the plot, as in every chart.
    lines = max(label_lines(label) for label in labels)
    row = PAIR_PX + 14 + LABEL_LINE * lines + 6
    plot_height = row * len(shown)
    x_title = "Crecimiento anual compuesto (%)"
    under = under_plot(
        plot_height=plot_height,
        axis_band=34 + axis_title_height(x_title) + 12,
        source=meta.source,
        legend=[trace.name for trace in figure.data],
        left=LEFT,
    )
    rates = [float(v) * 100 for v in (*shown["cagr_observed"], *shown["cagr_required"])]
    low, high = min(0.0, *rates), max(0.0, *rates)
    span = (high - low) or 1.0
    figure.update_layout(
        barmode="group",
        height=TOP + 9 * lines + plot_height + under["bottom"],
        margin={"l": LEFT, "r": 24, "t": TOP + 9 * lines, "b": under["bottom"]},
        xaxis={
            "title": axis_title(x_title),
            "ticksuffix": " %",
            "zeroline": True,
            # room for the bars' texts on both sides, on a phone too
            "range": [low - 0.45 * span if low < 0 else 0, high + 0.45 * span],
        },
        yaxis={
            "autorange": "reversed",
            "type": "category",
            "title": None,
            **row_label_axis(labels, labels),
        },
        legend={**under["legend"], "traceorder": "normal"},
        bargap=1 - PAIR_PX / row,
        bargroupgap=0.1,
        annotations=[
            *labels_above_bars(labels, labels, bar_px=PAIR_PX, left=LEFT),
            *under["annotations"],
        ],
        meta={"chart": "growth", "title": CHART_TITLE.format(final=meta.plan_end)},
    )
    return figure


def chart_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The plotted data, for the chart's text alternative."""
    shown = chart_rows(rows)
    return pd.DataFrame(
        {
            "Indicador": shown["indicator_id"],
            "Crecimiento anual observado": [fmt_rate(r) for r in shown["cagr_observed"]],
            "Crecimiento anual requerido": [fmt_rate(r) for r in shown["cagr_required"]],
            "Razón": [fmt_ratio(r) for r in shown["progress_ratio"]],
            "Perspectiva": [category_text(c) for c in shown["progress_status"]],
        }
    )


def chart_summary(rows: pd.DataFrame) -> str:
    """One or two sentences on what the chart shows."""
    shown = chart_rows(rows)
    if shown.empty:
        return EMPTY_CHART_TEXT
    known = rows.dropna(subset=["cagr_observed", "cagr_required"])
    faster = int((shown["progress_ratio"] >= 1).sum())
    text = (
        f"{len(known)} de {len(rows)} indicadores tienen ritmo calculable (los demás ya "
        f"alcanzaron la meta o no se pueden calcular); {faster} crece"
        f"{'' if faster == 1 else 'n'} al ritmo requerido o más rápido."
    )
    if len(shown) < len(known):
        text += " " + shown_of_total(len(shown), len(known), "los de mayor razón de progreso")
    return text


# --------------------------------------------------------------------------- method


def _formula(text: str) -> html.Li:
    return html.Li(html.Code(text))


def method_section(meta: ReportMeta, section_id: str) -> html.Section:
    """How the outlook is computed, where the method comes from and what it does not say."""
    t = outlook.THRESHOLDS
    thresholds = [
        ("meta_alcanzada", "el último valor ya alcanza la meta final (o la supera)"),
        ("sustancial", f"razón ≥ {t['sustancial']:.2f}"),
        ("moderado", f"{t['moderado']:.1f} ≤ razón < {t['sustancial']:.2f}"),
        ("limitado", f"{t['limitado']:.0f} ≤ razón < {t['moderado']:.1f}"),
        ("deterioro", "razón < 0: el indicador se aleja de la meta"),
        (
            "no_calculable",
            "falta la meta final o el último valor, la línea de base o el último "
            "valor es ≤ 0, la meta es igual a la línea de base, o el último valor no es posterior "
            "a la línea de base (siempre con el motivo)",
        ),
    ]
    return html.Section(
        [
            html.H2("Cómo se calcula", className="h4"),
            html.P(
                [
                    html.Strong("Cálculo propio del tablero, no del reporte. "),
                    "Es la medida de progreso de las plataformas Open SDG (",
                    html.Code("ProgressMeasure.py"),
                    " de open-sdg/sdg-build), basada en la metodología de la CESPAP de las "
                    "Naciones Unidas (UN ESCAP) para indicadores con meta. Datos: línea de base, "
                    "último valor obtenido y logro esperado del año final del plan "
                    f"({meta.plan_end}) del Anexo 6.1 del reporte.",
                ]
            ),
            html.Ul(
                [
                    _formula(
                        "crecimiento observado = (último valor / línea de base) ^ "
                        "(1 / (año del último valor − año de la línea de base)) − 1"
                    ),
                    _formula(
                        "crecimiento requerido = (meta final / línea de base) ^ "
                        f"(1 / ({meta.plan_end} − año de la línea de base)) − 1"
                    ),
                    _formula(
                        "razón = dirección × crecimiento observado / |crecimiento requerido| "
                        "(dirección +1 si más es mejor, −1 si menos es mejor)"
                    ),
                ],
                className="out-formulas",
            ),
            html.Ul(
                [html.Li([progress_badge(code), " ", text]) for code, text in thresholds],
                className="out-thresholds list-unstyled",
            ),
            html.P(
                [
                    html.Strong("Lo que no dice. "),
                    "Supone que el indicador sigue creciendo cada año al mismo ritmo compuesto "
                    "que tuvo desde su línea de base: es una extrapolación, no un pronóstico. "
                    "No considera choques ni cambios de política, ni la variación entre años "
                    "intermedios. Con una línea de base o un valor ≤ 0 la tasa no está definida: "
                    "Open SDG sustituye 0.001; este tablero no inventa valores y lo marca como "
                    "no calculable. Una meta final por debajo de la línea de base en un "
                    "indicador donde más es mejor se calcula igual y se señala con su hallazgo.",
                ]
            ),
        ],
        id=section_id,
        className="out-method mt-4",
    )


# --------------------------------------------------------------------------- OES/AES pages


def outlook_note(row: pd.Series | dict[str, Any], meta: ReportMeta) -> html.Span:
    """`` · Perspectiva al cierre {plan_end}: [badge]``, beside an indicator's semáforo.

    ``row``: a summary row with the outlook's columns; the badge's tooltip is the reason and the
    label links to /perspectiva, which explains the method.
    """
    return html.Span(
        [
            " · ",
            dcc.Link(
                f"Perspectiva al cierre {meta.plan_end}",
                href="/perspectiva",
                title="Cálculo propio del tablero (método Open SDG): ¿alcanzará la meta final?",
            ),
            ": ",
            progress_badge(row["progress_status"], title=row["progress_reason"]),
        ],
        className="outlook-note",
    )
