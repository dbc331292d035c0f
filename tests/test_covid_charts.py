"""The figures of /covid: components.covid_charts (dumbbell, diverging bars), covid_trends and
covid_recovery."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from components import covid_charts as cc
from components import covid_recovery as cr
from components import covid_trends as ct
from components.theme import PALETTE, ROW_LABEL_NAME, apply_theme
from pesem import covid
from pesem.loader import get_dataset
from tests.test_charts import font_sizes

#: The 2020 report's metadata (its years and source line), as the page passes it.
META = get_dataset().meta


@pytest.fixture(scope="module", autouse=True)
def _theme():
    apply_theme()


@pytest.fixture(scope="module")
def ds():
    return get_dataset()


@pytest.fixture(scope="module")
def comp(ds):
    return covid.comparison(ds)


@pytest.fixture(scope="module")
def oes(comp):
    return covid.filter_scope(comp, "oes")


def _texts(figure: go.Figure) -> list[str]:
    return [t for trace in figure.data for t in (trace.text or ()) if t]


def _is_empty_state(figure: go.Figure) -> bool:
    return (
        not figure.data
        and figure.layout.xaxis.visible is False
        and bool(figure.layout.annotations)
        and cc.EMPTY_MESSAGE in figure.layout.annotations[0].text
    )


# --------------------------------------------------------------------------- empty states


@pytest.mark.parametrize("builder", [cc.dumbbell, cc.diverging_change])
@pytest.mark.parametrize("mode", cc.MODES)
def test_empty_comparison_gives_the_empty_state(builder, mode):
    empty = pd.DataFrame(columns=covid.COMPARISON_COLUMNS)
    assert _is_empty_state(builder(empty, META, mode))


def test_empty_trend_rows_and_recovery_give_the_empty_state():
    assert _is_empty_state(ct.trend_lines(pd.DataFrame(), META))
    assert _is_empty_state(cr.recovery_chart(pd.DataFrame(), pd.DataFrame(), META))


def test_unknown_mode_is_rejected(oes):
    with pytest.raises(ValueError, match="mode"):
        cc.diverging_change(oes, META, "log")


# --------------------------------------------------------------------------- diverging bars


def test_diverging_pct_sorted_labelled_and_coloured(oes):
    figure = cc.diverging_change(oes, META, "pct")
    bars = [t for t in figure.data if t.type == "bar"]
    # One trace per direction, each in its colour, legend says what the colour means.
    names = {t.name: t for t in bars}
    assert set(names) == {"▼ Bajó", "▲ Subió", "= Sin variación"}
    assert names["▼ Bajó"].marker.color == cc.DIRECTION_COLORS["fell"]
    # The bars' labels are the % changes as the report rounds them (one decimal here).
    texts = _texts(figure)
    assert {"-45.7%", "-38.6%", "+15.4%", "0.0%", "-6.5%"} <= set(texts)
    # Sorted: the category order goes from the largest fall to the largest rise.
    order = list(figure.layout.yaxis.categoryarray)
    assert order[0].startswith("OES.02-1") and order[-1].startswith("OES.04-1")
    assert figure.layout.yaxis.range[0] > figure.layout.yaxis.range[1]  # first row on top
    # each row's label is written above it (a phone has no room for y tick labels)
    assert figure.layout.yaxis.showticklabels is False
    above = [a.text for a in figure.layout.annotations if a.name == ROW_LABEL_NAME]
    assert [a.replace("<br>", " ") for a in above] == order
    assert figure.layout.xaxis.ticksuffix == "%"
    assert "(%)" in figure.layout.xaxis.title.text


def test_diverging_pct_names_rows_without_percentage(comp):
    figure = cc.diverging_change(comp, META, "pct")
    texts = _texts(figure)
    # AES.02.06 (2019 printed «s») and the ECANMP capacity (2019 «---»): not comparable.
    assert texts.count("○ no comparable (ver nota)") == 2
    # Triangular cooperation 0 → 0: absolute change 0, % not computable.
    assert any("% no calculable (valor 2019 = 0)" in t.replace("<br>", " ") for t in texts)
    labels = list(figure.layout.yaxis.categoryarray)
    assert len(labels) == len(comp) == 24
    assert any(label.startswith("AES.02.06-1") for label in labels[-3:])


def test_diverging_abs_one_panel_per_unit_each_bar_with_its_unit(comp):
    figure = cc.diverging_change(comp, META, "abs")
    titles = [
        a.text.replace("<br>", " ")
        for a in figure.layout.annotations
        if a.name is None and not a.text.startswith("Fuente")
    ]
    units = list(dict.fromkeys(comp["unit"]))
    assert titles == [cc.UNIT_PANEL_TITLES[u] for u in units]
    texts = _texts(figure)
    assert "-37.3 p.p." in texts  # AES.01.04, a percentage: percentage points
    assert "+16,149" in texts  # AES.03.04 connationals: a count
    assert "-5.10" in texts  # OES.02-1, a ratio
    # No axis mixes units: each bar trace sits on the axis of its unit's panel.
    axis_units: dict[str, set[str]] = {}
    by_label = {f"{r.indicator_id} · ": r.unit for r in comp.itertuples()}
    for trace in figure.data:
        if trace.type != "bar":
            continue
        for label in trace.y:
            unit = next(u for prefix, u in by_label.items() if label.startswith(prefix))
            axis_units.setdefault(trace.xaxis, set()).add(unit)
    assert all(len(u) == 1 for u in axis_units.values()), axis_units
    # Each direction appears once in the legend.
    shown = [t.name for t in figure.data if t.type == "bar" and t.showlegend]
    assert sorted(shown) == sorted(set(shown))


def test_toggle_changes_the_diverging_figure(oes):
    pct, absolute = cc.diverging_change(oes, META, "pct"), cc.diverging_change(oes, META, "abs")
    assert pct.layout.meta["title"] != absolute.layout.meta["title"]
    assert set(_texts(pct)) != set(_texts(absolute))


# --------------------------------------------------------------------------- dumbbell


def test_dumbbell_rows_symbols_and_colours(oes):
    figure = cc.dumbbell(oes, META, "pct")
    markers = {
        t.name: t for t in figure.data if t.mode and "markers" in t.mode and t.x[0] is not None
    }
    first, second = markers["2019"], markers["2020"]
    assert first.marker.symbol != second.marker.symbol  # distinct symbols per year
    assert len(first.y) == len(second.y) == 7  # one row per indicator
    assert all(x == 100 for x in first.x)  # 2019 = 100
    # OES.04-1 rose 15.4 %: its 2020 marker sits at 115.4, in OES.04's colour.
    i = [y.startswith("OES.04-1") for y in second.y].index(True)
    assert second.x[i] == pytest.approx(115.415, abs=0.01)
    assert second.marker.color[i] == PALETTE["OES.04"]
    labels = next(t for t in figure.data if t.name == "Etiquetas")
    j = list(labels.y).index(second.y[i])
    assert labels.text[j] == "+15.4%" and labels.x[j] == second.x[i]
    # A fall's label sits right of the 2019 marker (100), not over the y labels.
    k = [y.startswith("OES.02-1") for y in labels.y].index(True)
    assert labels.text[k] == "-45.7%" and labels.x[k] == 100
    # Legend: one entry per OES (connector colour) and one per year (symbol).
    legend = [t.name for t in figure.data if t.showlegend is not False]
    assert {"OES.01", "OES.02", "OES.03", "OES.04", "2019", "2020"} <= set(legend)


def test_dumbbell_abs_writes_values_as_printed(oes):
    figure = cc.dumbbell(oes, META, "abs")
    texts = _texts(figure)
    assert "72.2% → 83.33%" in texts
    assert "11.15 → 6.05" in texts
    assert cc.dumbbell(oes, META, "pct").layout.meta["title"] != figure.layout.meta["title"]


def test_dumbbell_keeps_rows_that_cannot_be_indexed(comp):
    figure = cc.dumbbell(comp, META, "pct")
    assert len(figure.layout.yaxis.categoryarray) == 24
    texts = _texts(figure)
    assert texts.count("○ no comparable (ver nota)") == 2
    assert any(t.replace("<br>", " ").startswith("sin índice: valor 2019 = 0") for t in texts)


def test_hover_shows_values_as_printed_and_the_typo(comp):
    figure = cc.dumbbell(comp, META, "pct")
    hovers = [h for t in figure.data for h in (t.hovertext or ())]
    sur = next(h for h in hovers if "<b>OES.04-1</b>" in h)
    assert "2019: 72.2%" in sur and "2020: 83.33%" in sur and "+15.4%" in sur
    unesco = next(h for h in hovers if "<b>AES.02.06-1</b>" in h)
    assert "2019: «s»" in unesco and "error tipográfico" in unesco
    con = next(h for h in hovers if "<b>AES.03.04-1</b>" in h)
    assert "37,368" in con and "21,219" in con


# --------------------------------------------------------------------------- trend lines


def test_trend_lines_small_multiples_with_targets(ds):
    rows = covid.trend_rows(ds, ["OES.04-1", "AES.03.04-1", "AES.02.06-1"])
    figure = ct.trend_lines(rows, META)
    achieved = [t for t in figure.data if t.name == "Valor obtenido"]
    assert len(achieved) == 3  # one panel per indicator
    assert [t.showlegend for t in achieved] == [True, False, False]
    # AES.03.04 has a 2020 target (18,160); OES.04 has none (ND), so its 2021 target (54%).
    targets = [(t.name, t.x, t.y) for t in figure.data if t.name != "Valor obtenido"]
    assert targets == [
        ("Meta 2021 del plan<br>(no hay logro esperado 2020)", (2021,), (54,)),  # OES.04-1
        ("Logro esperado 2020", (2020,), (18160,)),  # AES.03.04-1
        ("Meta 2021 del plan<br>(no hay logro esperado 2020)", (2021,), (0.75,)),  # AES.02.06-1
    ]
    # A missing value is a gap, never 0: AES.02.06's 2019 («s») is None.
    unesco = achieved[2]
    assert unesco.y[list(unesco.x).index(2019)] is None
    assert "«s»" in unesco.hovertext[list(unesco.x).index(2019)]
    # Each panel has its own y axis.
    assert len({t.yaxis for t in achieved}) == 3


def test_figures_carry_title_and_source(oes, ds):
    for figure in (
        cc.dumbbell(oes, META, "pct"),
        cc.diverging_change(oes, META, "abs"),
        ct.trend_lines(covid.trend_rows(ds, list(oes["indicator_id"])), META),
    ):
        assert figure.layout.meta["title"] and not figure.layout.title.text  # the card's
        source = [a.text.replace("<br>", " ") for a in figure.layout.annotations]
        assert META.source in source
        figure.to_json()  # serialisable for dcc.Graph and kaleido


def test_legend_sits_under_the_plot_never_over_it(oes):
    """The legend is horizontal, under the x axis (a paper y below 0), left-aligned."""
    for figure in (cc.dumbbell(oes, META, "pct"), cc.diverging_change(oes, META, "abs")):
        legend = figure.layout.legend
        assert (legend.orientation, legend.xanchor, legend.yanchor) == ("h", "left", "top")
        assert legend.y < 0


def test_trend_panel_titles_stay_within_their_panel(ds, comp):
    rows = covid.trend_rows(ds, list(comp["indicator_id"]))
    for ids in (list(comp["indicator_id"][:7]), list(comp["indicator_id"][:10])):
        figure = ct.trend_lines(rows[rows["indicator_id"].isin(ids)], META)
        titles = [a for a in figure.layout.annotations if a.hovertext]
        assert len(titles) == len(ids)
        width = ct.TREND_TITLE_WIDTH[ct.trend_columns(len(ids))]
        for annotation, iid in zip(titles, ids, strict=True):
            code, *name_lines = annotation.text.split("<br>")
            assert code == f"<b>{iid}</b>"
            assert 1 <= len(name_lines) <= 2
            assert all(len(line) <= width for line in name_lines), annotation.text
            # the full name is in the title's hover text
            name = comp.set_index("indicator_id").loc[iid, "name"]
            assert annotation.hovertext.replace("<br>", " ").endswith(" ".join(name.split()))
    # OES.02-2 (4th column of the "Solo OES" view): cut with "…", never past its panel
    title = ct._panel_title("Acciones de promoción cultural por órgano de servicio exterior", 4)
    assert title == "Acciones de promoción cultural<br>por órgano de servicio exteri…"


def test_trend_columns_read_on_a_phone_and_keep_one_oes_in_two_rows_on_a_slide():
    # the page: two columns at most, whatever the screen (a phone's panel is ~130 px wide)
    assert [ct.trend_columns(n) for n in (1, 3, 4, 7, 8, 10)] == [1, 2, 2, 2, 2, 2]
    # the slide (1600 px wide): four or five
    assert [ct.slide_columns(n) for n in (1, 3, 4, 7, 8, 10)] == [1, 3, 4, 4, 4, 5]


def test_ten_trend_panels_fit_a_slide(ds):
    """OES.01 has 10 indicators: 5 columns × 2 rows, not 3 rows taller than a slide."""
    ids = list(covid.comparison(ds).query("oes_code == 'OES.01'")["indicator_id"])
    assert len(ids) == 10
    figure = ct.trend_lines(covid.trend_rows(ds, ids), META, columns=ct.slide_columns(len(ids)))
    axes = {t.xaxis for t in figure.data}
    assert len(axes) == 10
    assert figure.layout.height <= 900
    assert figure.layout.xaxis5.domain[1] == pytest.approx(1.0)  # 5 columns
    assert figure.layout.xaxis6.domain[0] == pytest.approx(0.0)  # second row


@pytest.mark.parametrize(
    "build",
    [
        lambda c, r: cc.dumbbell(c, META, "abs", subtitle="OES.03 · Proteger los derechos"),
        lambda c, r: cc.diverging_change(c, META, "pct", subtitle="OES.03 · Proteger los derechos"),
        lambda c, r: cc.diverging_change(c, META, "abs", subtitle="OES.03 · Proteger los derechos"),
        lambda c, r: ct.trend_lines(r, META, subtitle="OES.03 · Proteger los derechos"),
    ],
)
def test_subtitle_is_kept_for_the_slide(ds, comp, build):
    """The OES a chart shows is its card's header on the page and its subtitle on the slide:
    the figure keeps it, and the page figure does not grow with it."""
    from components.slide import slide_figure

    part = comp[comp["oes_code"] == "OES.03"].reset_index(drop=True)
    rows = covid.trend_rows(ds, list(part["indicator_id"]))
    with_sub = build(part, rows)
    assert with_sub.layout.meta["subtitle"] == "OES.03 · Proteger los derechos"
    without = _without_subtitle(with_sub, part, rows)
    assert with_sub.layout.height == without.layout.height
    slide = slide_figure(with_sub)
    assert slide.layout.title.text == with_sub.layout.meta["title"]
    assert slide.layout.title.subtitle.text == "OES.03 · Proteger los derechos"


def _without_subtitle(figure: go.Figure, part: pd.DataFrame, rows: pd.DataFrame) -> go.Figure:
    title = figure.layout.meta["title"]
    if title.startswith("2019 → 2020"):
        return cc.dumbbell(part, META, "abs")
    if title.startswith("Variación absoluta"):
        return cc.diverging_change(part, META, "abs")
    if title.startswith("Variación"):
        return cc.diverging_change(part, META, "pct")
    return ct.trend_lines(rows, META)


def test_long_subtitle_wraps_in_two_lines_at_most(oes):
    long = "OES.02 · " + "Contribuir al fortalecimiento de la competitividad " * 6
    figure = cc.dumbbell(oes, META, "pct", subtitle=long)
    lines = figure.layout.meta["subtitle"].split("<br>")
    assert len(lines) == 2 and lines[1].endswith("…")
    assert all(len(line) <= cc.SUBTITLE_WIDTH for line in lines)


# --------------------------------------------------------------------------- large inputs


def _synthetic_trend_rows(count: int) -> pd.DataFrame:
    """``count`` indicators shaped like :func:`pesem.covid.trend_rows`, built column-wise.

    Indicator ``i`` goes from 100 (2019) to ``100 + i % 97`` (2020), so the largest changes are
    known; every 10th has no 2019 value and every 11th a 2019 value of 0 (no % change).
    """
    years = [2016, 2017, 2018, 2019, 2020]
    ids = [f"OES.0{1 + i % 4}-{i + 1}" for i in range(count)]
    achieved = []
    for i in range(count):
        before = float("nan") if i % 10 == 0 else 0.0 if i % 11 == 0 else 100.0
        achieved += [90.0, 95.0, 98.0, before, 100.0 + i % 97]
    return pd.DataFrame(
        {
            "indicator_id": [iid for iid in ids for _ in years],
            "code": [iid.split("-")[0] for iid in ids for _ in years],
            "oes_code": [iid.split("-")[0] for iid in ids for _ in years],
            "level": "OES",
            "name": [f"Indicador sintético número {i + 1}" for i in range(count) for _ in years],
            "unit": "numero",
            "year": years * count,
            "achieved": achieved,
            "raw": "",
            "missing_reason": "",
            "expected_current": 120.0,
            "expected_final": 130.0,
        }
    )


def test_largest_changes_ranks_by_absolute_pct_change_and_keeps_the_order():
    rows = _synthetic_trend_rows(300)
    chosen = ct.largest_changes(rows, 25)
    assert len(chosen) == 25
    order = list(dict.fromkeys(rows["indicator_id"]))
    assert chosen == sorted(chosen, key=order.index)  # the order they came in
    # change of indicator i is (i % 97)%: the 25 largest are 96, 95, … among comparable ones
    change = {iid: i % 97 for i, iid in enumerate(order) if i % 10 and i % 11}
    assert all(iid in change for iid in chosen)  # no missing / zero 2019 value
    assert min(change[iid] for iid in chosen) >= sorted(change.values())[-25]
    # few indicators: all of them, as given
    assert ct.largest_changes(rows[rows["indicator_id"].isin(order[:5])], 25) == order[:5]


def test_largest_changes_puts_the_not_comparable_last():
    # 0, 10, 20: no 2019 value; 11, 22: 2019 = 0. All 25 comparable ones first, then the first
    # two not comparable ones in their order (0 and 10).
    rows = _synthetic_trend_rows(30)
    order = list(dict.fromkeys(rows["indicator_id"]))
    chosen = ct.largest_changes(rows, 27)
    assert set(order) - set(chosen) == {order[11], order[20], order[22]}


def test_trend_lines_of_thousands_of_indicators_is_capped_and_legible():
    """2,500 indicators: at most MAX_TREND_PANELS panels, a note says so, no font under 8 px,
    on the page and on its slide (the old builder drew 5,000 traces in minutes, and its slide
    had 0 px fonts, which plotly rejects)."""
    from components.slide import slide_figure
    from components.theme import MIN_LEGIBLE_FONT_SIZE

    rows = _synthetic_trend_rows(2500)
    figure = ct.trend_lines(rows, META, subtitle="OES.01 · Sintético")
    panels = {t.xaxis for t in figure.data}
    assert len(panels) == ct.MAX_TREND_PANELS == 25
    assert len(figure.data) <= 2 * ct.MAX_TREND_PANELS
    assert sum(t.showlegend is not False for t in figure.data) == 2  # one entry per series
    assert figure.layout.meta["subtitle"] == "OES.01 · Sintético"
    # the note under the plot on the page, under the subtitle on the slide
    assert "Se muestran 25 de 2,500 indicadores" in figure.layout.meta["notes"][0]
    assert any(
        a.text.replace("<br>", " ").startswith("Se muestran 25 de 2,500")
        for a in figure.layout.annotations
    )
    shown = [a.text.split("<br>")[0] for a in figure.layout.annotations if "<b>" in a.text]
    assert shown == [f"<b>{iid}</b>" for iid in ct.largest_changes(rows, 25)]
    # the slide's grid (five columns) stays within a slide's reach; the page's (two columns,
    # for a phone) is one row of panels per two indicators
    wide = ct.trend_lines(rows, META, columns=ct.slide_columns(25))
    assert wide.layout.height <= 2000
    assert figure.layout.height <= 13 * (ct.TREND_PANEL + ct.TREND_GAP) + 400
    sizes = font_sizes(figure.to_plotly_json())
    assert sizes and min(sizes) >= MIN_LEGIBLE_FONT_SIZE
    slide = slide_figure(wide)
    assert "Se muestran 25 de 2,500" in slide.layout.title.subtitle.text
    assert min(font_sizes(slide.to_plotly_json())) >= MIN_LEGIBLE_FONT_SIZE


def test_trend_lines_of_the_report_are_not_capped(ds, comp):
    rows = covid.trend_rows(ds, list(comp["indicator_id"]))
    figure = ct.trend_lines(rows, META)
    assert len({t.xaxis for t in figure.data}) == len(comp) == 24
    assert not figure.layout.meta["subtitle"] and not figure.layout.meta["notes"]
    assert "Se muestran" not in figure.to_json()


# --------------------------------------------------------------------------- another report


@pytest.fixture(scope="module")
def next_year(ds):
    """The report one year later (see tests/test_covid.py), with its own source line."""
    from tests.test_covid import shifted

    return shifted(ds, 1, source="Fuente: Reporte de seguimiento del PESEM, 2021")


def _source_texts(figure: go.Figure) -> list[str]:
    """The source line as read (wrapped to a phone's width on the page)."""
    return [
        a.text.replace("<br>", " ")
        for a in figure.layout.annotations
        if a.text.startswith("Fuente:")
    ]


def test_charts_of_another_report_keep_the_pandemic_years_and_use_its_source(next_year):
    meta = next_year.meta
    comp = covid.comparison(next_year)
    dumbbell = cc.dumbbell(comp, meta, "abs")
    assert dumbbell.layout.meta["title"].startswith("2019 → 2020 por indicador")
    assert {"2019", "2020"} <= {t.name for t in dumbbell.data}
    assert _source_texts(dumbbell) == [meta.source]
    assert _source_texts(cc.diverging_change(comp, meta, "abs")) == [meta.source]
    # trends: the report's own years, the pandemic year's marker bigger, its 2021 target
    figure = ct.trend_lines(covid.trend_rows(next_year, ["AES.03.04-1"]), meta)
    line = next(t for t in figure.data if t.name == "Valor obtenido")
    assert list(line.x) == [2017, 2018, 2019, 2020, 2021]
    assert [size for x, size in zip(line.x, line.marker.size, strict=True) if size == 14] == [14]
    assert line.marker.size[list(line.x).index(2020)] == 14
    target = next(t for t in figure.data if t.name != "Valor obtenido")
    assert (target.name, tuple(target.x), tuple(target.y)) == (
        "Logro esperado 2021",
        (2021,),
        (18160,),
    )
    assert figure.layout.meta["title"].startswith("Evolución 2017–2021")
    assert tuple(figure.layout.xaxis.range) == (2016.6, 2022.4)
    assert _source_texts(figure) == [meta.source]
    # no plan target for the assessed year: the final one, said so with both years
    sur = ct.trend_lines(covid.trend_rows(next_year, ["OES.04-1"]), meta)
    assert [t.name for t in sur.data][1] == "Meta 2022 del plan<br>(no hay logro esperado 2021)"


def test_recovery_chart_rows_states_and_later_years(next_year):
    meta = next_year.meta
    rec = covid.recovery(next_year)
    path = covid.recovery_path(next_year)
    figure = cr.recovery_chart(rec, path, meta)
    assert figure.layout.meta["title"] == "¿Recuperaron su nivel de 2019? 2019 → 2020 → 2021"
    assert len(figure.layout.yaxis.categoryarray) == 24
    # one line per state present, named by the state (the legend says what colours mean)
    lines = {t.name: t for t in figure.data if t.mode == "lines"}
    assert set(lines) == {
        covid.RECOVERY_LABELS[s] for s in ("recovered", "not_recovered", "not_hit")
    }
    recovered = lines[covid.RECOVERY_LABELS["recovered"]]
    assert recovered.line.color == cr.RECOVERY_COLORS["recovered"]
    # AES.03.01-2: ○ 100, ◆ at its 2020 index, ■ at its 2021 index, labelled as recovered
    row = rec.set_index("indicator_id").loc["AES.03.01-2"]
    later = next(t for t in figure.data if t.name == "later")
    i = [y.startswith("AES.03.01-2") for y in later.y].index(True)
    assert later.x[i] == pytest.approx(row["index_latest"])
    assert later.marker.symbol == "square"
    labels = next(t for t in figure.data if t.name == "Etiquetas")
    j = [y.startswith("AES.03.01-2") for y in labels.y].index(True)
    assert labels.text[j] == "▲ Recuperó su nivel de 2019"
    assert labels.x[j] == pytest.approx(row["index_latest"])  # right of its rightmost point
    # rows without an index (a missing value, or 0 in 2019) say so at 100
    texts = _texts(figure)
    assert texts.count("○ No comparable") == 2
    assert {"2019", "2020", "2021"} <= {t.name for t in figure.data if t.showlegend is not False}
    assert _source_texts(figure) == [meta.source]


def test_recovery_chart_of_one_oes_fits_a_slide(next_year):
    from components.slide import MIN_FONT_SIZE, SLIDE_HEIGHT, slide_figure

    rec = covid.recovery(next_year)
    path = covid.recovery_path(next_year)
    for code, rows in covid.by_oes(rec):
        figure = cr.recovery_chart(rows, path, next_year.meta, subtitle=code)
        # each row's label is its y tick label on the slide: two lines of the slide's smallest
        # text per row, with the title, axis and source band (300 px) around them
        labelled = [a for a in figure.layout.annotations if a.name == ROW_LABEL_NAME]
        assert len(labelled) == len(rows)
        assert (SLIDE_HEIGHT - 300) / len(rows) >= 2 * MIN_FONT_SIZE
        slide = slide_figure(figure, source=next_year.meta.source).to_plotly_json()
        assert min(font_sizes(slide)) >= 16, code
