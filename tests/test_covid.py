"""pesem.covid: 2019 vs. 2020 for every indicator, and the pandemic passages of the narrative."""

from __future__ import annotations

import pandas as pd
import pytest

from pesem import covid
from pesem.formulas import agrees, decimals_of
from pesem.loader import get_dataset
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
        "achieved_2019",
        "achieved_2020",
        "change_abs",
        "change_pct",
        "change_reason",
        "change_direction",
        "note",
    }
    assert set(comp["change_direction"]) <= set(covid.CHANGE_DIRECTIONS)


def test_comparison_reuses_indicator_summary(ds, comp):
    summary = indicator_summary(ds).set_index("indicator_id")
    mine = comp.set_index("indicator_id")
    for col in ("achieved_2019", "achieved_2020", "change_abs", "change_pct", "change_reason"):
        pd.testing.assert_series_equal(mine[col], summary.loc[mine.index, col], check_names=False)


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
    assert row["raw_2019"] == "s"
    assert pd.isna(row["achieved_2019"])
    assert row["achieved_2019"] != 0
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
    assert pd.isna(sur.loc[2020, "expected_2020"])  # ND in the annex
    assert sur.loc[2020, "expected_2021"] == pytest.approx(54)
    con = rows[rows["indicator_id"] == "AES.03.04-1"].set_index("year")
    assert con.loc[2020, "expected_2020"] == pytest.approx(18160)
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
