"""components/charts.py: values, formats, titles and empty states read back from the figures."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import pytest

from components import charts
from components.theme import PALETTE, apply_theme
from pesem.loader import get_dataset
from pesem.metrics import indicator_summary, series_table

apply_theme()


#: The report's years and source line, which every builder is given.
META = get_dataset().meta


def timeline(*args, **kwargs) -> go.Figure:
    return charts.indicator_timeline(*args, meta=META, **kwargs)


def avance(*args, **kwargs) -> go.Figure:
    return charts.avance_bars(*args, meta=META, **kwargs)


def overview(*args, **kwargs) -> go.Figure:
    return charts.oes_status_overview(*args, meta=META, **kwargs)


@pytest.fixture(scope="module")
def ds():
    return get_dataset()


@pytest.fixture(scope="module")
def summary(ds) -> pd.DataFrame:
    return indicator_summary(ds).set_index("indicator_id", drop=False)


def _trace(fig: go.Figure, series: str):
    found = [t for t in fig.data if (t.meta or {}).get("series") == series]
    assert len(found) == 1, f"{series}: {[t.name for t in fig.data]}"
    return found[0]


def _points(trace) -> dict:
    return {x: y for x, y in zip(trace.x, trace.y, strict=True) if y is not None}


def _annotations(fig: go.Figure) -> list[str]:
    """Annotation texts as read (the lines a phone's width wraps joined again)."""
    return [a.text.replace("<br>", " ") for a in fig.layout.annotations]


def _title(fig: go.Figure) -> str:
    """A chart's title: the page card's header, kept in the figure for its slide."""
    return fig.layout.meta["title"]


def _is_empty_state(fig: go.Figure) -> bool:
    return (
        len(fig.data) == 0
        and fig.layout.xaxis.visible is False
        and len(fig.layout.annotations) == 1
    )


# --------------------------------------------------------------------------- indicator_timeline


def test_timeline_series_values_from_the_annex(ds, summary):
    row = summary.loc["AES.03.04-1"]
    fig = timeline(row, series_table(ds, "AES.03.04-1"))
    base = _trace(fig, "baseline")
    assert base.x == (2013,) and base.y == (15147.0,)
    expected = _points(_trace(fig, "expected"))
    assert expected == {2017: 17085, 2018: 17750, 2019: 17900, 2020: 18160, 2021: 18182}
    achieved = _points(_trace(fig, "achieved"))
    assert achieved == {2017: 18097, 2018: 17802, 2019: 21219, 2020: 37368}
    # Missing cells are absent from the line (None breaks it), not zeros.
    assert _trace(fig, "achieved").y[0] is None
    assert _trace(fig, "expected").x[0] == 2016 and _trace(fig, "expected").y[0] is None


def test_timeline_hover_uses_report_number_format_and_unit(ds, summary):
    fig = timeline(summary.loc["AES.03.04-1"], series_table(ds, "AES.03.04-1"))
    hover = dict(zip(_trace(fig, "achieved").x, _trace(fig, "achieved").customdata, strict=True))
    assert "37,368 (número)" in hover[2020]
    assert "Valor obtenido 2020" in hover[2020]
    pct = timeline(summary.loc["OES.04-1"], series_table(ds, "OES.04-1"))
    hover = dict(zip(_trace(pct, "achieved").x, _trace(pct, "achieved").customdata, strict=True))
    assert "83.33% (porcentaje)" in hover[2020]
    assert "72.2% (porcentaje)" in hover[2019]
    ratio = timeline(summary.loc["OES.01-1"], series_table(ds, "OES.01-1"))
    hover = dict(
        zip(_trace(ratio, "achieved").x, _trace(ratio, "achieved").customdata, strict=True)
    )
    assert "0.31 (ratio)" in hover[2020]
    assert "0.40 (ratio)" in hover[2018]


def test_timeline_titles_axis_and_spanish_legend(ds, summary):
    row = summary.loc["OES.04-1"]
    fig = timeline(row, series_table(ds, "OES.04-1"))
    # the code first, then the name (the same "OES.04-1 · …" as everywhere on the pages)
    assert _title(fig).startswith("OES.04-1 · Porcentaje de países")
    assert not fig.layout.title.text  # on the page, the card's header says it
    own = timeline(row, title="Otro título")
    assert _title(own) == "Otro título"
    without_code = timeline(row.drop("indicator_id"))
    assert _title(without_code).startswith("Porcentaje de países")
    assert fig.layout.yaxis.title.text == "Porcentaje (%)"
    assert fig.layout.yaxis.ticksuffix == "%"
    names = [t.name for t in fig.data if t.showlegend is not False]
    assert names == ["Línea de base", "Logro esperado", "Valor obtenido"]
    # Different marker symbol per series, colours from the palette.
    symbols = {t.meta["series"]: t.marker.symbol for t in fig.data if t.showlegend is not False}
    assert len(set(symbols.values())) == 3
    assert _trace(fig, "achieved").marker.color == PALETTE["achieved"]
    assert _trace(fig, "expected").line.dash == "dash"
    assert fig.layout.xaxis.range[0] < 2014 < 2021 < fig.layout.xaxis.range[1]


def test_timeline_says_why_targets_are_missing(ds, summary):
    fig = timeline(summary.loc["OES.01-1"], series_table(ds, "OES.01-1"))
    notes = " ".join(_annotations(fig))
    assert "Logro esperado 2017–2020" in notes and "ND" in notes
    assert fig.layout.meta["notes"][0].startswith("Sin valor en el reporte — Logro esperado")
    missing = _trace(fig, "missing")
    assert missing.showlegend is False
    assert any("2018" in text and "ND" in text for text in missing.customdata)
    # ND years are not drawn: only 2016 and 2021 targets.
    assert set(_points(_trace(fig, "expected"))) == {2016, 2021}


def test_timeline_clips_old_baseline_with_annotation(ds, summary):
    fig = timeline(summary.loc["AES.01.10-1"], series_table(ds, "AES.01.10-1"))
    base = _trace(fig, "baseline")
    assert base.meta["clipped"] is True
    assert fig.layout.xaxis.range[0] > 2010  # the axis is not stretched to 1988
    assert fig.layout.xaxis.range[0] < base.x[0] < 2014
    assert "línea de base 1988: 1" in _annotations(fig)
    # 2012 is clipped too, 2013 extends the axis by one year.
    assert _trace(timeline(summary.loc["AES.03.01-1"]), "baseline").meta["clipped"]
    extended = timeline(summary.loc["AES.03.04-1"])
    assert not _trace(extended, "baseline").meta["clipped"]
    assert extended.layout.xaxis.range[0] < 2013 == _trace(extended, "baseline").x[0]


def test_timeline_typo_cell_is_explained(ds, summary):
    fig = timeline(summary.loc["AES.02.06-1"], series_table(ds, "AES.02.06-1"))
    assert 2019 not in _points(_trace(fig, "achieved"))
    assert any("celda «s»" in text for text in _annotations(fig))


@pytest.mark.parametrize("row", [{}, pd.Series(dtype=object), None])
def test_timeline_empty_input(row):
    assert _is_empty_state(timeline(row))


def test_timeline_without_any_value_is_empty_state():
    row = {"name": "X", "unit": "numero", "baseline_value": float("nan"), "baseline_year": 2014}
    fig = timeline(row)
    assert _is_empty_state(fig)
    assert "valores" in fig.layout.annotations[0].text


# --------------------------------------------------------------------------- avance_bars


def test_avance_bars_reported_vs_computed(summary):
    fig = avance(summary.loc[["AES.02.01-1"]])
    reported, computed = _trace(fig, "reported"), _trace(fig, "computed")
    assert list(reported.y) == ["Avance Tipo 1", "Avance Tipo 2"]
    assert list(reported.x) == [52.0, -1652.0]
    assert computed.x[0] == pytest.approx(51.8125)
    assert computed.x[1] == pytest.approx(-1652.2727, abs=1e-3)
    assert list(reported.text) == ["52%", "-1,652%"]
    assert list(computed.text) == ["51.8%", "-1,652.3%"]
    assert reported.marker.pattern.shape == "/"  # not colour alone
    assert _title(fig) and fig.layout.xaxis.title.text.startswith("Avance 2020 (%)")
    assert fig.layout.xaxis.range[0] < -1652 and fig.layout.xaxis.range[1] > 100


def test_avance_bars_flag_differences(summary):
    fig = avance(summary.loc[["AES.04.01-1"]])
    texts = list(_trace(fig, "computed").text)
    # the flag on its own line: the text fits right of the bar on a phone
    assert texts == ["37.5%<br>≠ reportado", "-100.0%<br>≠ reportado"]


def test_avance_bars_not_computable_is_an_annotation_not_a_zero_bar(summary):
    fig = avance(summary.loc[["AES.01.10-1"]])
    reported, computed = _trace(fig, "reported"), _trace(fig, "computed")
    assert reported.x[1] is None and computed.x[1] is None
    notes = _annotations(fig)
    assert any("no informa" in n for n in notes)
    # both missing: one note for the row (two would overlap on a phone)
    assert any("Recalculado: no calculable" in n and "línea de base" in n for n in notes)
    # the real zero (Tipo 1 = 0%) is a value, with its label
    assert reported.x[0] == 0 and reported.text[0] == "0%"


def test_avance_bars_several_indicators_are_labelled(summary):
    fig = avance(summary.loc[["AES.01.10-1", "AES.01.10-2"]])
    assert list(_trace(fig, "computed").y) == [
        "AES.01.10-1 · Avance Tipo 1",
        "AES.01.10-1 · Avance Tipo 2",
        "AES.01.10-2 · Avance Tipo 1",
        "AES.01.10-2 · Avance Tipo 2",
    ]


@pytest.mark.parametrize("rows", [pd.DataFrame(), None])
def test_avance_bars_empty_input(rows):
    assert _is_empty_state(avance(rows))


# --------------------------------------------------------------------------- oes_status_overview


def test_oes_overview_degree_per_oes_indicator(summary):
    fig = overview(summary.reset_index(drop=True))
    bar = fig.data[0]
    oes = summary[summary["level"] == "OES"]
    assert len(bar.y) == len(oes) == 7
    assert bar.y[0] == "OES.01-1"
    # each bar's label above it (a phone has no room for y tick labels), the slide's ticks
    labels = [a.text.replace("<br>", " ") for a in fig.layout.annotations if a.yref == "y"]
    assert labels[0].startswith("OES.01-1 · Intensidad")
    assert fig.layout.yaxis.showticklabels is False
    assert fig.layout.yaxis.ticktext[0].startswith("OES.01-1 · Intensidad")
    degrees = dict(zip(bar.y, bar.x, strict=True))
    assert degrees["OES.02-1"] == pytest.approx(6.05 / 2.87 * 100)
    assert degrees["OES.01-1"] == pytest.approx(0.31 / 0.63 * 100)
    texts = dict(zip(bar.y, bar.text, strict=True))
    assert texts["OES.01-1"] == "✖ Rezagado<br>49%"
    assert texts["OES.02-1"].startswith("✔ Cumplido")
    assert any(s.x0 == 100 for s in fig.layout.shapes)  # the 100% line
    assert fig.layout.xaxis.ticksuffix == "%"
    assert "100%\u00a0=\u00a0meta" in fig.layout.xaxis.title.text
    assert "meta" in _title(fig)


def test_oes_overview_missing_degree_is_annotated():
    rows = pd.DataFrame(
        [
            {
                "indicator_id": "OES.09-1",
                "level": "OES",
                "name": "Sin meta",
                "unit": "ratio",
                "degree": math.nan,
                "status": "sin_meta",
                "status_label": "Sin meta",
                "status_icon": "○",
                "status_reason": "sin logro esperado definido",
                "achieved_current": 1.0,
                "reference_target": math.nan,
                "reference_year": 2020,
            }
        ]
    )
    fig = overview(rows)
    assert fig.data[0].x == (None,)
    assert any("○ Sin meta" in text for text in _annotations(fig))


def test_oes_overview_empty_input(summary):
    assert _is_empty_state(overview(pd.DataFrame()))
    assert _is_empty_state(overview(summary[summary["level"] == "AES"]))


# --------------------------------------------------------------------------- large inputs


def _copies(rows: pd.DataFrame, count: int) -> pd.DataFrame:
    """``rows`` repeated ``count`` times with new indicator ids (as bench/synth.py does)."""
    parts = []
    for copy in range(count):
        part = rows.reset_index(drop=True).copy()
        part["indicator_id"] = [f"{iid}{copy:03d}" for iid in part["indicator_id"]]
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def font_sizes(node) -> list[float]:
    """Every ``*font.size`` in a figure's JSON (also used by tests/test_covid_charts.py)."""
    if isinstance(node, dict):
        found = [
            value["size"]
            for key, value in node.items()
            if key.endswith("font") and isinstance(value, dict) and "size" in value
        ]
        return found + [s for value in node.values() for s in font_sizes(value)]
    if isinstance(node, list):
        return [s for item in node for s in font_sizes(item)]
    return []


def _cap_notes(fig: go.Figure) -> list[str]:
    return [text for text in _annotations(fig) if text.startswith("Se muestran")]


def test_oes_overview_of_hundreds_of_indicators_is_capped(summary):
    from components.slide import slide_figure
    from components.theme import MIN_LEGIBLE_FONT_SIZE

    many = _copies(summary[summary["level"] == "OES"], 100)  # 700 OES indicators
    fig = overview(many)
    assert len(fig.data) == 1 and len(fig.data[0].y) == charts.MAX_OVERVIEW_ROWS == 25
    assert list(fig.data[0].y[:2]) == list(many["indicator_id"][:2])
    assert _cap_notes(fig) == ["Se muestran 25 de 700 indicadores (los primeros de la lista)."]
    # the note gets its own lines under the plot: the figure is taller than without it
    assert fig.layout.margin.b > overview(many[:25]).layout.margin.b
    assert min(font_sizes(slide_figure(fig).to_plotly_json())) >= MIN_LEGIBLE_FONT_SIZE


def test_avance_bars_of_hundreds_of_indicators_are_capped(summary):
    many = _copies(summary, 100)  # 2,400 indicators
    fig = avance(many)
    for key in ("reported", "computed"):
        assert len(_trace(fig, key).y) == 2 * charts.MAX_AVANCE_INDICATORS
    notes = [a for a in fig.layout.annotations if a.text != META.source]
    # two "no informa" notes at most per drawn indicator, never one per input row
    assert len(notes) <= 2 * 2 * charts.MAX_AVANCE_INDICATORS + 1
    assert _cap_notes(fig) == ["Se muestran 25 de 2,400 indicadores (los primeros de la lista)."]


def test_charts_of_the_report_are_not_capped(summary):
    assert not _cap_notes(overview(summary))
    fig = avance(summary)  # all 24 indicators
    assert len(_trace(fig, "computed").y) == 48
    assert not _cap_notes(fig)


# --------------------------------------------------------------------------- helpers, speed


def test_years_text():
    assert charts._years_text([2017, 2018, 2019, 2020]) == "2017–2020"
    assert charts._years_text([2016, 2018]) == "2016, 2018"
    assert charts._years_text([2016, 2017]) == "2016, 2017"


def test_texts_under_the_plot_fit_a_phone_and_stack():
    """Legend, notes and source line under the plot, each below the previous one, wrapped to
    the width a 360 px phone leaves to a chart; the title is the card's, kept for the slide."""
    from components.theme import (
        CHAR_EM,
        MUTED_COLOR,
        NOTE_NAME,
        PHONE_CHART_WIDTH,
        SOURCE_LINE_SIZE,
        under_plot,
    )

    under = under_plot(
        plot_height=300,
        axis_band=40,
        source=META.source,
        notes=["Sin valor en el reporte — " + "celda vacía " * 8],
        legend=["Línea de base", "Logro esperado", "Valor obtenido"],
        left=84,
    )
    note, source = under["annotations"]
    assert note["name"] == NOTE_NAME and "name" not in source
    assert source["text"].replace("<br>", " ") == META.source
    assert source["font"] == {"size": SOURCE_LINE_SIZE, "color": MUTED_COLOR}
    # the legend right under the axis band, then the note, then the source, then the margin
    assert under["legend"]["y"] == -40 / 300 and under["legend"]["yanchor"] == "top"
    assert 40 < -note["yshift"] < -source["yshift"] < under["bottom"]
    for text in (note, source):
        assert (text["x"], text["xanchor"], text["xshift"]) == (0, "left", -76)
        longest = max(len(line) for line in text["text"].split("<br>"))
        assert longest * CHAR_EM * text["font"]["size"] <= PHONE_CHART_WIDTH
    fig = overview(indicator_summary(get_dataset()))
    assert fig.layout.annotations[-1].text.replace("<br>", " ") == META.source
    assert not fig.layout.title.text and _title(fig)
