"""The charts of /covid for one view (presentation × scope): figures, file names, cards, tables.

A view is ``mode`` (``"pct"`` or ``"abs"``) and ``scope`` (``"oes"`` or ``"todos"``), the two
toggles of the page (:func:`pesem.covid.parse_view`). The same :func:`figures` feed the page's
chart cards and its PNG/ZIP export, so what is exported is what the cards show.
"""

from __future__ import annotations

from typing import Any, Final, NamedTuple

import pandas as pd
import plotly.graph_objects as go
from dash import html

from components.covid_charts import SPAN, diverging_change, dumbbell
from components.covid_recovery import later_span, recovery_chart
from components.covid_trends import slide_columns, trend_lines
from components.format import fmt_change, fmt_pct, fmt_value
from components.graph import chart_card
from pesem import covid
from pesem.covid import BEFORE_YEAR, PANDEMIC_YEAR, Period
from pesem.loader import Dataset

#: Chart keys (the ``<chart>`` of ``{file_prefix}_covid_<chart>``), in page order.
DIVERGING: Final = "variacion"
DUMBBELL: Final = f"{BEFORE_YEAR}-{PANDEMIC_YEAR}"
TRENDS: Final = "tendencias"
RECOVERY: Final = "recuperacion"
#: Charts whose file name does not change with the presentation (they have no % / abs form).
_SAME_IN_BOTH_MODES: Final = frozenset({TRENDS, RECOVERY})


def graph_base(key: str) -> str:
    """The ``dcc.Graph`` id of a chart of the whole scope: ``covid-variacion``."""
    return f"covid-{key}"


def chart_keys(years: Period) -> tuple[str, ...]:
    """The charts of the page: the recovery chart only for a report with later years."""
    keys = (DIVERGING, DUMBBELL, TRENDS)
    return (*keys, RECOVERY) if years.later else keys


def file_stem(prefix: str, chart: str, mode: str, scope: str, oes: str = "") -> str:
    """``{prefix}_covid_variacion`` (+ ``-absoluta`` in absolute values; + ``-OES.01`` for one
    OES's chart of the "todos" view, ``-todos`` for a chart of every indicator)."""
    suffix = "-absoluta" if mode == "abs" and chart not in _SAME_IN_BOTH_MODES else ""
    if oes:
        suffix += f"-{oes}"
    elif scope == "todos":
        suffix += "-todos"
    return f"{prefix}_covid_{chart}{suffix}"


class Chart(NamedTuple):
    """One chart of the page: what it is, its PNG name, its figure and the rows it plots."""

    key: str  # DIVERGING | DUMBBELL | TRENDS | RECOVERY
    oes: str  # "" for a chart of the whole scope; "OES.01" for one OES of the "todos" view
    stem: str
    figure: go.Figure
    comp: pd.DataFrame  # the comparison rows (pesem.covid.comparison) it shows

    @property
    def graph_id(self) -> str:
        base = graph_base(self.key)
        return f"{base}-{self.oes.replace('.', '-')}" if self.oes else base


class Frames(NamedTuple):
    """The tables the charts of one report are drawn from (built once per view)."""

    ds: Dataset
    comp: pd.DataFrame  # pesem.covid.comparison
    rec: pd.DataFrame  # pesem.covid.recovery (empty without later years)
    path: pd.DataFrame  # pesem.covid.recovery_path (empty without later years)


def frames(ds: Dataset) -> Frames:
    """The comparison, and the recovery tables when the report has later years."""
    comp = covid.comparison(ds)
    if not covid.period(ds.meta).later:
        empty = pd.DataFrame()
        return Frames(ds, comp, empty, empty)
    return Frames(ds, comp, covid.recovery(ds), covid.recovery_path(ds))


def _oes_subtitle(ds: Dataset, code: str) -> str:
    names = ds.oes.set_index("oes_code")["name"]
    name = str(names.get(code, "")).strip().rstrip(".")
    return f"{code} · {name}" if name else code


def _build(
    key: str, rows: pd.DataFrame, mode: str, data: Frames, subtitle: str, slide: bool = False
) -> go.Figure:
    meta = data.ds.meta
    if key == DIVERGING:
        return diverging_change(rows, meta, mode, subtitle=subtitle)
    if key == DUMBBELL:
        return dumbbell(rows, meta, mode, subtitle=subtitle)
    if key == RECOVERY:
        rec = data.rec[data.rec["indicator_id"].isin(rows["indicator_id"])]
        return recovery_chart(rec, data.path, meta, subtitle=subtitle)
    # the page's grid (two columns) reads on a phone; a slide's holds four or five
    columns = slide_columns(len(rows)) if slide else None
    return trend_lines(
        covid.trend_rows(data.ds, list(rows["indicator_id"])),
        meta,
        columns=columns,
        subtitle=subtitle,
    )


def figures(
    ds: Dataset, mode: str, scope: str, data: Frames | None = None, *, slide: bool = False
) -> list[Chart]:
    """The page's charts, in page order (none when the report cannot compare the two years).
    ``slide``: the charts for the slides (the trend panels in a 1600 px wide grid).

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
    if covid.missing_years(ds):
        return []
    data = data or frames(ds)
    prefix = ds.meta.file_prefix
    comp = covid.filter_scope(data.comp, scope)
    keys = chart_keys(covid.period(ds.meta))
    if scope != "todos":
        return [
            Chart(
                key,
                "",
                file_stem(prefix, key, mode, scope),
                _build(key, comp, mode, data, "", slide),
                comp,
            )
            for key in keys
        ]
    return [
        Chart(
            key,
            code,
            file_stem(prefix, key, mode, scope, code),
            _build(key, rows, mode, data, _oes_subtitle(ds, code), slide),
            rows,
        )
        for key in keys
        for code, rows in covid.by_oes(comp)
    ]


# --------------------------------------------------------------------------- cells and tables


def value_cell(value: Any, raw: str, unit: str) -> str:
    """A value as printed, or the printed cell in «» when it has no number."""
    if pd.isna(value):
        return f"«{raw or '(vacío)'}»"
    return fmt_value(value, unit)


def before_cell(row: pd.Series) -> str:
    """The year before's value of a comparison row."""
    return value_cell(row["achieved_before"], row["raw_before"], row["unit"])


def pandemic_cell(row: pd.Series) -> str:
    """The pandemic year's value of a comparison row."""
    return value_cell(row["achieved_pandemic"], row["raw_pandemic"], row["unit"])


def _chart_table(comp: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Indicador": comp["indicator_id"] + " " + comp["name"],
            str(BEFORE_YEAR): [before_cell(r) for _, r in comp.iterrows()],
            str(PANDEMIC_YEAR): [pandemic_cell(r) for _, r in comp.iterrows()],
            "Variación absoluta": [
                fmt_change(r["change_abs"], r["unit"]) for _, r in comp.iterrows()
            ],
            "Variación %": [fmt_pct(v, 1, signed=True) for v in comp["change_pct"]],
        }
    )


def _target_text(first: pd.Series, years: Period) -> str:
    if not pd.isna(first["expected_current"]):
        value = fmt_value(first["expected_current"], first["unit"])
        return f"{value} (logro esperado {years.assessed})"
    if not pd.isna(first["expected_final"]):
        return f"{fmt_value(first['expected_final'], first['unit'])} (meta {years.final} del plan)"
    return "—"


def _trend_table(comp: pd.DataFrame, ds: Dataset) -> pd.DataFrame:
    """The trend chart's data: each year's value as printed, and the target it marks."""
    rows = covid.trend_rows(ds, list(comp["indicator_id"]))
    years = covid.period(ds.meta)
    records = []
    for iid, part in rows.groupby("indicator_id", sort=False):
        first = part.iloc[0]
        record = {"Indicador": f"{iid} {first['name']}"}
        for row in part.sort_values("year").itertuples(index=False):
            record[str(row.year)] = value_cell(row.achieved, row.raw, row.unit)
        record["Meta marcada"] = _target_text(first, years)
        records.append(record)
    return pd.DataFrame(records)


def recovery_table(rec: pd.DataFrame, path: pd.DataFrame) -> pd.DataFrame:
    """Each indicator's value the year before, the pandemic year and each later year, as
    printed, and its recovery state (the data of the recovery chart and section)."""
    wide = path.assign(
        text=[
            value_cell(v, raw, unit)
            for v, raw, unit in zip(
                path["achieved"],
                path["raw"],
                path["indicator_id"].map(rec.set_index("indicator_id")["unit"]),
                strict=True,
            )
        ]
    ).pivot(index="indicator_id", columns="year", values="text")
    table = pd.DataFrame({"Indicador": rec["indicator_id"] + " " + rec["name"]})
    for year in wide.columns:
        table[str(year)] = rec["indicator_id"].map(wide[year]).to_numpy()
    table["Recuperación"] = (rec["state_icon"] + " " + rec["state_label"]).to_numpy()
    return table


# --------------------------------------------------------------------------- cards


def card_title(chart: Chart, mode: str, years: Period) -> str:
    """The heading of a chart's card (``· OES.01`` for one OES of the "todos" view)."""
    titles = {
        DIVERGING: "Variación por indicador (%)"
        if mode == "pct"
        else "Variación por indicador (valores absolutos, por unidad)",
        DUMBBELL: f"{SPAN} por indicador",
        TRENDS: f"Evolución {years.achieved[0]}–{years.assessed} y meta",
        RECOVERY: f"¿Recuperaron su nivel de {BEFORE_YEAR}? {SPAN} → {later_span(years)}",
    }
    title = titles[chart.key]
    return f"{title} · {chart.oes}" if chart.oes else title


def _who(chart: Chart, scope: str) -> str:
    n = len(chart.comp)
    if chart.oes:
        return f"los {n} indicadores del {chart.oes} (el del OES y los de sus AES)"
    return f"los {n} indicadores de OES" if scope == "oes" else f"los {n} indicadores"


def _diverging_summary(who: str, mode: str) -> str:
    if mode == "pct":
        return (
            f"Variación porcentual {BEFORE_YEAR}→{PANDEMIC_YEAR} de {who}, de la mayor "
            "caída (arriba) a la mayor alza. Las filas sin barra no se pueden calcular y "
            "dicen por qué."
        )
    return (
        f"Variación absoluta {BEFORE_YEAR}→{PANDEMIC_YEAR} de {who}, en un panel por "
        "unidad de medida: cada eje tiene una sola unidad y cada barra lleva su valor con "
        "unidad (p.p. = puntos porcentuales)."
    )


def _dumbbell_summary(mode: str) -> str:
    side = (
        "la variación porcentual."
        if mode == "pct"
        else f"los valores {BEFORE_YEAR} y {PANDEMIC_YEAR} en su unidad."
    )
    return (
        f"○ = {BEFORE_YEAR}, ◆ = {PANDEMIC_YEAR}; color según el OES. Cada indicador "
        f"está en su propia escala ({BEFORE_YEAR} = 100): un rombo a la izquierda de "
        f"la línea punteada es una caída. Al lado: {side}"
    )


def _trend_summary(who: str, years: Period) -> str:
    return (
        f"Valor obtenido de cada año de {who} (el de {PANDEMIC_YEAR}, más grande) y el logro "
        f"esperado {years.assessed} (✕) cuando el plan lo define; si no lo define (ND), se "
        f"marca la meta {years.final} del plan (◇). Cada panel tiene su propio eje vertical."
    )


def _recovery_summary(who: str, years: Period) -> str:
    return (
        f"○ = {BEFORE_YEAR}, ◆ = {PANDEMIC_YEAR}, ■ = {later_span(years)} para {who}. Cada "
        f"indicador está en su propia escala ({BEFORE_YEAR} = 100), orientada para que a la "
        "derecha sea mejor (si menos es mejor, un valor menor queda a la derecha). El color y "
        f"la etiqueta dicen si su último valor recuperó el nivel de {BEFORE_YEAR}."
    )


def card_summary(chart: Chart, mode: str, scope: str, years: Period) -> str:
    """What a chart shows, in one or two sentences (under the chart, its accessible text)."""
    who = _who(chart, scope)
    if chart.key == DIVERGING:
        return _diverging_summary(who, mode)
    if chart.key == DUMBBELL:
        return _dumbbell_summary(mode)
    if chart.key == RECOVERY:
        return _recovery_summary(who, years)
    return _trend_summary(who, years)


def _card_table(chart: Chart, data: Frames) -> pd.DataFrame:
    if chart.key == TRENDS:
        return _trend_table(chart.comp, data.ds)
    if chart.key == RECOVERY:
        ids = chart.comp["indicator_id"]
        rec = data.rec[data.rec["indicator_id"].isin(ids)].reset_index(drop=True)
        return recovery_table(rec, data.path[data.path["indicator_id"].isin(ids)])
    return _chart_table(chart.comp)


def chart_cards(ds: Dataset, mode: str, scope: str) -> list[Any]:
    """The chart cards of a view: one per chart of :func:`figures`; in the "todos" view
    preceded by a sentence saying that the charts come one per OES."""
    data = frames(ds)
    charts = figures(ds, mode, scope, data)
    years = covid.period(ds.meta)
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
    cards += [
        chart_card(
            chart.graph_id,
            chart.figure,
            title=card_title(chart, mode, years),
            filename=chart.stem,
            summary=card_summary(chart, mode, scope, years),
            table=_card_table(chart, data),
        )
        for chart in charts
    ]
    return cards
