"""pesem.covid: the pandemic year against the year before for every indicator, the recovery
after it, and the pandemic passages of the narrative."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd
import pytest

from pesem import covid
from pesem.formulas import agrees, decimals_of
from pesem.loader import Dataset, get_dataset, load_dataset
from pesem.metrics import change_counts, indicator_summary


@pytest.fixture(scope="module")
def ds():
    return get_dataset()


@pytest.fixture(scope="module")
def comp(ds) -> pd.DataFrame:
    return covid.comparison(ds)


@pytest.fixture(scope="module")
def passages(ds) -> pd.DataFrame:
    return covid.pandemic_passages(ds)


# --------------------------------------------------------------------------- numbers


def test_comparison_has_every_indicator_once(ds, comp):
    assert len(comp) == len(ds.indicators) == 24
    assert comp["indicator_id"].is_unique
    assert set(comp.columns) >= {
        "achieved_before",
        "achieved_pandemic",
        "change_abs",
        "change_pct",
        "change_reason",
        "change_direction",
        "note",
    }
    assert set(comp["change_direction"]) <= set(covid.CHANGE_DIRECTIONS)


def test_comparison_agrees_with_indicator_summary_for_the_pandemic_report(ds, comp):
    """The 2020 report compares 2019 with 2020 itself: the same numbers as every other page."""
    assert (ds.meta.previous_year, ds.meta.year) == (covid.BEFORE_YEAR, covid.PANDEMIC_YEAR)
    summary = indicator_summary(ds).set_index("indicator_id")
    mine = comp.set_index("indicator_id")
    pairs = {
        "achieved_before": "achieved_previous",
        "achieved_pandemic": "achieved_current",
        "missing_before_reason": "missing_previous_reason",
        "missing_pandemic_reason": "missing_current_reason",
        **{c: c for c in ("change_abs", "change_pct", "change_reason")},
    }
    for col, theirs in pairs.items():
        pd.testing.assert_series_equal(
            mine[col], summary.loc[mine.index, theirs], check_names=False, check_dtype=False
        )


# The executive summary and section 2, in annex order: "disminución 3%" (×2), "caída de 46%",
# "descenso de 39%", "no experimentó variación", "caída de 6.5%", "incremento de 15%".
OES_CHANGES = [
    ("OES.01-1", "-3"),
    ("OES.01-2", "-3"),
    ("OES.02-1", "-46"),
    ("OES.02-2", "-39"),
    ("OES.02-3", "0"),
    ("OES.03-1", "-6.5"),
    ("OES.04-1", "15"),
]


@pytest.mark.parametrize(("indicator_id", "printed"), OES_CHANGES)
def test_oes_changes_match_the_report(comp, indicator_id, printed):
    row = comp.set_index("indicator_id").loc[indicator_id]
    assert agrees(float(printed), row["change_pct"], decimals_of(printed)), (
        indicator_id,
        row["change_pct"],
    )


def test_oes_rows_are_the_seven_of_the_report(comp):
    oes = covid.filter_scope(comp, "oes")
    assert list(oes["indicator_id"]) == [iid for iid, _ in OES_CHANGES]


def test_report_conclusion_five_fell_one_rose_15_one_equal(comp, ds):
    """«de siete indicadores, cinco cayeron, uno experimentó un incremento de 15% y el restante
    se mantuvo igual» (executive summary / conclusions) holds from the data."""
    head = covid.headline(comp, level="OES")
    assert head["total"] == 7
    assert (head["fell"], head["rose"], head["equal"], head["not_comparable"]) == (5, 1, 1, 0)
    assert head["largest_rise"]["indicator_id"] == "OES.04-1"
    assert agrees(15, head["largest_rise"]["change_pct"])
    assert head["largest_fall"]["indicator_id"] == "OES.02-1"
    assert agrees(-46, head["largest_fall"]["change_pct"])
    # Same counts as the shared metric used by the other pages.
    counts = change_counts(indicator_summary(ds).query("level == 'OES'"))
    assert (counts["bajaron"], counts["subieron"], counts["igual"]) == (5, 1, 1)
    # And the conclusion's own numbers, as stored in claims.csv.
    claims = ds.claims.set_index("kind")["value"]
    assert head["fell"] == claims["count_decreased"]
    assert head["rose"] == claims["count_increased"]
    assert head["equal"] == claims["count_unchanged"]


def test_headline_all_indicators_adds_up(comp):
    head = covid.headline(comp)
    assert head["total"] == 24
    assert sum(head[k] for k in covid.CHANGE_DIRECTIONS) == 24
    assert head["not_comparable"] == 2
    # Largest rise: connationals assisted, 21,219 → 37,368 (+76%).
    assert head["largest_rise"]["indicator_id"] == "AES.03.04-1"
    # Two indicators fell to zero (−100%): the largest fall says it is a tie.
    fall = head["largest_fall"]
    assert fall["change_pct"] == pytest.approx(-100)
    assert {fall["indicator_id"], *fall["ties"]} == {"AES.01.10-1", "AES.01.14-1"}
    assert [f["change_pct"] for f in head["falls"]] == sorted(
        f["change_pct"] for f in head["falls"]
    )


def test_headline_of_nothing_is_zero():
    empty = pd.DataFrame(columns=covid.COMPARISON_COLUMNS)
    head = covid.headline(empty)
    assert head["total"] == 0 and head["largest_fall"] is None and head["falls"] == []


def test_unesco_typo_is_not_comparable_never_zero(comp):
    """AES.02.06 2019 is printed «s»: no value, no change, and the page says why."""
    row = comp.set_index("indicator_id").loc["AES.02.06-1"]
    assert row["raw_before"] == "s"
    assert pd.isna(row["achieved_before"])
    assert row["achieved_before"] != 0
    assert pd.isna(row["change_abs"]) and pd.isna(row["change_pct"])
    assert row["change_direction"] == "not_comparable"
    assert row["change_label"] == "No comparable"
    assert "error tipográfico" in row["note"]
    assert "«s»" in row["note"]


def test_zero_base_is_equal_but_without_percentage(comp):
    """AES.04.01-2 (triangular cooperation) is 0 in 2019 and 2020: equal, % not computable."""
    row = comp.set_index("indicator_id").loc["AES.04.01-2"]
    assert row["change_direction"] == "equal"
    assert pd.isna(row["change_pct"])
    assert "valor inicial es 0" in row["note"]


def test_scope_filter(comp):
    assert len(covid.filter_scope(comp, "oes")) == 7
    assert len(covid.filter_scope(comp, "all")) == 24


def test_trend_rows(ds):
    rows = covid.trend_rows(ds, ["OES.04-1", "AES.03.04-1"])
    assert list(dict.fromkeys(rows["indicator_id"])) == ["OES.04-1", "AES.03.04-1"]
    assert list(rows["year"].unique()) == [2016, 2017, 2018, 2019, 2020]
    sur = rows[rows["indicator_id"] == "OES.04-1"].set_index("year")
    assert sur.loc[2020, "achieved"] == pytest.approx(83.33)
    assert pd.isna(sur.loc[2020, "expected_current"])  # ND in the annex
    assert sur.loc[2020, "expected_final"] == pytest.approx(54)
    con = rows[rows["indicator_id"] == "AES.03.04-1"].set_index("year")
    assert con.loc[2020, "expected_current"] == pytest.approx(18160)
    assert pd.isna(con.loc[2016, "achieved"]) and con.loc[2016, "missing_reason"] == "sin_dato"


# --------------------------------------------------------------------------- narrative


def test_classify_text_is_accent_and_case_insensitive():
    assert covid.classify_text("SUSPENSIÓN de viajes").postponed_cancelled
    assert covid.classify_text("la suspension de viajes").postponed_cancelled
    assert covid.classify_text("Debido a la PANDEMIA").explicit
    assert covid.classify_text("se realizó una VIDEOCONFERENCIA").online
    assert covid.classify_text("Se postergaron las reuniones").tag == "postponed_cancelled"
    assert covid.classify_text("en modo virtual").tag == "online"
    assert covid.classify_text("la Covid-19 en la frontera").tag == "other"
    # Words that look alike but are not about the pandemic.
    for text in (
        "Cooperación en materia de gobierno digital",
        "Círculo económico virtuoso",
        "la Política Nacional de Transformación Digital",
        "El Perú ha demostrado su fuerte compromiso",
    ):
        assert not covid.classify_text(text).any, text


def test_split_sentences_keeps_abbreviations():
    text = "Se obtuvo el apoyo de los EE.UU. para la obtención de ventiladores. Otra frase."
    assert covid.split_sentences(text) == [
        "Se obtuvo el apoyo de los EE.UU. para la obtención de ventiladores.",
        "Otra frase.",
    ]


def test_aes_03_04_pandemic_sentence_is_found(passages):
    rows = passages[passages["code"] == "AES.03.04"]
    texts = " ".join(rows["text"])
    assert "cierre de fronteras" in texts
    assert "confinamiento" in texts
    match = rows[rows["text"].str.contains("solicitudes de apoyo se vieron incrementadas")]
    assert len(match) == 1
    row = match.iloc[0]
    assert row["explicit"] and row["oes_code"] == "OES.03" and row["level"] == "AES"
    # The sentence, not the whole bullet: the 37,369 count sentence has no pandemic word.
    assert "37,369" not in row["text"]


def test_narrative_without_pandemic_words_is_not_flagged(ds, passages):
    """AES.04.02 (science and technology) talks of «gobierno digital» and «transformación
    digital» but never of the pandemic; AES.01.09 and AES.01.13 do not mention it either."""
    assert "digital" in ds.narrative["AES.04.02"]
    for code in ("AES.04.02", "AES.01.09", "AES.01.13"):
        assert code in ds.narrative
        assert passages[passages["code"] == code].empty, code


def test_passages_are_tagged(passages):
    assert set(passages["tag"]) <= set(covid.PASSAGE_TAGS)
    by_text = passages.set_index("text")
    postponed = by_text.filter(like="se suspendieron los gabinetes binacionales", axis=0)
    assert list(postponed["tag"]) == ["postponed_cancelled"]
    online = passages[
        passages["text"].str.contains("se retomaron a través de plataformas digitales")
    ]
    assert online.iloc[0]["online"] and online.iloc[0]["code"] == "AES.03.03"
    unesco = passages[passages["code"] == "AES.02.06"]
    assert unesco.iloc[0]["tag"] == "postponed_cancelled"  # «un año de receso»


def test_page_breaks_inside_a_sentence_are_joined(ds):
    """AES.01.02: «…ventiladores mecánicos» / page break / «(500), equipos médicos…»."""
    blocks = covid.paragraphs(ds.narrative["AES.01.02"])
    joined = [b for b in blocks if "ventiladores mecánicos" in b]
    assert len(joined) == 1
    assert "ventiladores mecánicos (500), equipos médicos" in joined[0]
    assert not any(b.startswith("(500)") for b in blocks)
    # Sub-headings stay separate blocks.
    assert "c. Chile:" in covid.paragraphs(ds.narrative["AES.01.05"])


def test_passages_keep_their_sub_heading(passages):
    chile = passages[(passages["code"] == "AES.01.05") & (passages["context"] == "c. Chile")]
    assert len(chile) == 1 and "diferir" in chile.iloc[0]["text"]


def test_postponed_or_online_count(passages):
    count = covid.postponed_or_online_count(passages)
    aes = passages[passages["level"] == "AES"]
    expected = aes[aes["postponed_cancelled"] | aes["online"]]["code"].nunique()
    assert count == expected
    # The gabinetes binacionales (AES.01.05), border committees (AES.01.04), UNESCO's recess
    # (AES.02.06) and the migration round-table moved online (AES.03.03) are among them.
    hit = set(aes[aes["postponed_cancelled"] | aes["online"]]["code"])
    assert {"AES.01.04", "AES.01.05", "AES.02.06", "AES.03.03"} <= hit
    # AES.03.04 only explains more demand (no activity postponed or moved online).
    assert "AES.03.04" not in hit
    assert 10 <= count <= 30
    assert covid.postponed_or_online_count(passages.iloc[0:0]) == 0


def test_executive_summary_pandemic_paragraph(ds):
    paragraphs = covid.summary_passages(ds)
    assert paragraphs[0].startswith("La coyuntura nacional y global en el 2020")
    assert "cancelación de un porcentaje alto de intervenciones" in paragraphs[0]
    assert all("**" not in p for p in paragraphs)


# --------------------------------------------------------------------------- any report


def shifted(ds: Dataset, years: int, **meta: Any) -> Dataset:
    """``ds`` with every year moved by ``years`` (values, claims, report metadata): the report
    of another year with the same numbers. ``meta``: other report.yaml keys to replace."""
    moved = {
        name: getattr(ds, name).assign(year=getattr(ds, name)["year"] + years)
        for name in ("values", "body_values", "claims")
    }
    m = ds.meta
    new_meta = replace(
        m,
        plan_start=m.plan_start + years,
        plan_end=m.plan_end + years,
        year=m.year + years,
        previous_year=m.previous_year + years,
        file_prefix=f"pesem-x-{m.year + years}",
        **meta,
    )
    return replace(ds, **moved, meta=new_meta)


@pytest.fixture(scope="module")
def next_year(ds) -> Dataset:
    """The report one year later: its pandemic year holds the original's 2019 values, and 2021
    (the original's 2020) is a later year."""
    return shifted(ds, 1)


def test_the_pandemic_year_is_a_fact_of_the_world_not_of_the_report(ds, next_year):
    assert (covid.BEFORE_YEAR, covid.PANDEMIC_YEAR) == (2019, 2020)
    assert covid.period(ds.meta).later == ()
    years = covid.period(next_year.meta)
    assert (years.before, years.pandemic, years.later) == (2019, 2020, (2021,))
    assert (years.assessed, years.final, years.latest) == (2021, 2022, 2021)
    assert covid.missing_years(next_year) == ()


@pytest.mark.parametrize(
    ("years", "covers", "missing"),
    [(0, True, ()), (1, True, ()), (4, True, (2019,)), (5, True, (2019, 2020))]
    + [(6, False, (2019, 2020)), (-6, False, (2019, 2020)), (-1, False, (2020,))],
)
def test_which_reports_can_compare(ds, years, covers, missing):
    """+4: the data start in 2020 (no 2019); +5: the plan starts in 2020 but its achieved values
    in 2021; +6 / -6: the plan's years do not include 2020; -1: the 2019 report."""
    other = shifted(ds, years)
    assert covid.covers_pandemic(other.meta) is covers
    assert covid.missing_years(other) == missing


def test_comparison_of_the_next_report_reads_the_calendar_years(ds, next_year):
    """The next report's 2019 and 2020 are the original's 2018 and 2019: the comparison follows
    the calendar, not the report's own previous/assessed years."""
    mine = covid.comparison(next_year).set_index("indicator_id")
    original = ds.values[ds.values["series"] == "achieved"].pivot(
        index="indicator_id", columns="year", values="value"
    )
    pd.testing.assert_series_equal(
        mine["achieved_before"], original.loc[mine.index, 2018], check_names=False
    )
    pd.testing.assert_series_equal(
        mine["achieved_pandemic"], original.loc[mine.index, 2019], check_names=False
    )
    # AES.02.06's «s» is now the pandemic year's cell: not comparable, and said why
    unesco = mine.loc["AES.02.06-1"]
    assert unesco["raw_pandemic"] == "s" and unesco["change_direction"] == "not_comparable"
    assert "2020: error tipográfico" in unesco["note"]
    assert covid.headline(covid.comparison(next_year))["total"] == 24


def test_recovery_of_the_next_report(next_year):
    rec = covid.recovery(next_year).set_index("indicator_id")
    assert list(rec.columns) == covid.RECOVERY_COLUMNS[1:]
    counts = covid.recovery_counts(rec)
    assert counts == {
        "total": 24,
        "hit": 12,
        "recovered": 1,
        "not_recovered": 11,
        "not_hit": 10,
        "not_comparable": 2,
    }
    # AES.03.01-2: 7.80 (2019) → 7.70 (2020) → 9.48 (2021): back above its 2019 level
    back = rec.loc["AES.03.01-2"]
    assert (back["state"], back["recovered_year"], back["achieved_latest"]) == (
        "recovered",
        2021,
        pytest.approx(9.48),
    )
    assert back["state_label"] == "Recuperó su nivel de 2019"
    assert back["index_latest"] == pytest.approx(9.48 / 7.8 * 100)
    # OES.02-1: 11.35 → 11.15 → 6.05, still below
    assert rec.loc["OES.02-1", "state"] == "not_recovered"
    # AES.03.04-1 rose in 2020 (17,802 → 21,219): not hit; its 2021 value is still shown
    assert rec.loc["AES.03.04-1", "state"] == "not_hit"
    assert rec.loc["AES.03.04-1", "achieved_latest"] == pytest.approx(37368)
    # every state agrees with its numbers (ascending indicators: more is better)
    for iid, row in rec.iterrows():
        if row["state"] in ("recovered", "not_recovered"):
            assert row["achieved_pandemic"] < row["achieved_before"], iid
            assert (row["achieved_latest"] >= row["achieved_before"]) == (
                row["state"] == "recovered"
            ), iid


def test_recovery_is_direction_aware(next_year):
    """With every indicator descending (less is better), a rise in 2020 is the damage and a
    value back at or under the 2019 level is the recovery."""
    indicators = next_year.indicators.assign(direction="descendente")
    rec = covid.recovery(replace(next_year, indicators=indicators)).set_index("indicator_id")
    # AES.01.07-1: 12 → 15 (worse) → 11 (better than 2019): recovered in 2021
    row = rec.loc["AES.01.07-1"]
    assert (row["state"], row["recovered_year"]) == ("recovered", 2021)
    assert row["index_pandemic"] == pytest.approx(75.0)  # 25 % worse: left of 100
    assert row["index_latest"] == pytest.approx(100 + 1 / 12 * 100)  # better: right of 100
    # OES.02-1 fell 11.35 → 11.15: better when less is better, so not hit
    assert rec.loc["OES.02-1", "state"] == "not_hit"
    assert covid.is_better_or_equal(1.0, 2.0, "descendente")
    assert not covid.is_better_or_equal(1.0, 2.0, "ascendente")
    assert covid.oriented_index(5.0, 0.0, "ascendente") is None


def test_recovery_path_is_long_and_calendar_ordered(next_year):
    path = covid.recovery_path(next_year)
    assert list(path.columns) == covid.PATH_COLUMNS
    assert len(path) == 24 * 3
    first = path[path["indicator_id"] == "OES.01-1"]
    assert list(first["year"]) == [2019, 2020, 2021]
    assert first["index"].iloc[0] == pytest.approx(100)
    unesco = path[(path["indicator_id"] == "AES.02.06-1") & (path["year"] == 2020)].iloc[0]
    assert pd.isna(unesco["achieved"]) and unesco["raw"] == "s" and unesco["reason"]


def test_trend_rows_follow_the_report_years(next_year):
    rows = covid.trend_rows(next_year, ["AES.03.04-1"]).set_index("year")
    assert list(rows.index) == [2017, 2018, 2019, 2020, 2021]
    assert rows.loc[2021, "achieved"] == pytest.approx(37368)
    # the assessed year's target is now 2021's (the original's 2020 target)
    assert rows.loc[2021, "expected_current"] == pytest.approx(18160)


def test_the_imported_next_report_reads_like_the_shifted_one(next_year, tmp_path):
    """The seed report imported with every year +1 (tests/report_variants.py) gives the same
    comparison and recovery as the in-memory shift used above."""
    from tests.report_variants import import_variant

    imported = load_dataset(import_variant(tmp_path, years=1))
    assert covid.period(imported.meta) == covid.period(next_year.meta)
    numbers = ["achieved_before", "achieved_pandemic", "change_abs", "change_pct"]
    for build, columns in (
        (covid.comparison, [*numbers, "change_direction"]),
        (covid.recovery, ["achieved_latest", "recovered_year", "index_latest", "state"]),
    ):
        mine = build(imported).set_index("indicator_id")[columns]
        theirs = build(next_year).set_index("indicator_id")[columns]
        pd.testing.assert_frame_equal(mine, theirs, check_dtype=False)
