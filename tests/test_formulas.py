"""Formula and status tests on cases taken from the report and on edge cases."""

import pytest

from pesem.formulas import (
    agrees,
    avance_tipo1,
    avance_tipo2,
    change,
    decimals_of,
    parse_report_number,
    target_trend,
)
from pesem.status import DEFAULT_RULES, classify, validate_rules


@pytest.mark.parametrize(
    ("code", "achieved", "expected", "baseline", "tipo1", "tipo2"),
    [
        # Anexo 6.1, 2020: (valor obtenido, logro esperado, línea de base) -> reported avances
        ("AES.02.01 promoción económica", 829, 1600, 1556, 52, -1652),
        ("AES.02.01 promoción cultural", 342, 1054, 903, 32, -372),
        ("AES.03.04 connacionales", 37368, 18160, 15147, 206, 738),
        ("AES.01.04 integración fronteriza", 6.5, 94, 50, 7, -99),
        ("AES.01.07 integración regional", 11, 15, 10, 73, 20),
        ("AES.01.08 OCDE", 1, 4, 12, 25, 138),
        ("AES.02.05 bienes repatriados", 76, 315, 42, 24, 12),
        ("AES.03.01 oficinas adecuadas", 9.48, 9.48, 0.94, 100, 100),
    ],
)
def test_avances_recompute_the_report(code, achieved, expected, baseline, tipo1, tipo2):
    t1, t2 = avance_tipo1(achieved, expected), avance_tipo2(achieved, expected, baseline)
    assert t1.ok and t2.ok, code
    assert agrees(tipo1, t1.value), (code, t1.value)
    assert agrees(tipo2, t2.value), (code, t2.value)


def test_report_avances_that_do_not_recompute():
    # AES.01.03: annex prints 26 %, 7 / 25 is 28 % (the body table says 28 %).
    assert not agrees(26, avance_tipo1(7, 25).value)
    assert agrees(28, avance_tipo1(7, 25).value)
    # AES.04.01 Sur-Sur: 33 % / -71 % are printed, the annex target 16 gives 37.5 % / -100 %.
    assert not agrees(33, avance_tipo1(6, 16).value)
    assert avance_tipo2(6, 16, 11).value == pytest.approx(-100)


def test_zero_denominators_are_not_computable_with_a_reason():
    t1 = avance_tipo1(0, 0)  # ECANMP capacity: target 2020 = 0
    t2 = avance_tipo2(0, 1, 1)  # Antarctic expeditions: target equals baseline
    assert t1.value is None and "0" in t1.reason
    assert t2.value is None and "línea de base" in t2.reason
    for result in (t1, t2):
        assert result.reason.startswith("no calculable")


def test_missing_terms_are_not_computable():
    assert avance_tipo1(None, 4).reason == "no calculable: falta el valor obtenido"
    assert "ND" in avance_tipo1(0.31, None).reason
    assert avance_tipo2(1, 2, float("nan")).value is None


@pytest.mark.parametrize(
    ("before", "after", "pct"),
    [
        (0.32, 0.31, -3),  # OES.01 intensidad
        (0.34, 0.33, -3),  # OES.01 embajadas
        (11.15, 6.05, -46),  # OES.02 promoción económica
        (4.07, 2.50, -39),  # OES.02 promoción cultural
        (0.60, 0.60, 0),  # OES.02 UNESCO
        (2.14, 2.00, -6.5),  # OES.03 servicios consulares
        (72.2, 83.33, 15),  # OES.04 Sur-Sur
    ],
)
def test_change_matches_the_executive_summary(before, after, pct):
    absolute, relative = change(before, after)
    assert absolute.value == pytest.approx(after - before)
    assert agrees(pct, relative.value, decimals_of(str(pct)))


def test_change_not_computable():
    assert change(None, 0.6, (2019, 2020))[1].reason == "no calculable: falta el valor de 2019"
    assert change(0.6, None, (2030, 2031))[0].reason == "no calculable: falta el valor de 2031"
    assert change(None, 0.6)[1].reason == "no calculable: falta el valor inicial"
    assert change(0, 5)[1].value is None and change(0, 5)[0].value == 5


def test_target_trend_as_ceplan_derives_it():
    assert target_trend([12, 12, 12, 4, 4]) == "descendente"  # AES.01.08 OCDE
    assert target_trend([1, 1, 1, 1, 1]) == "neutral"
    assert target_trend([0.33, None, None, None, None, 0.63]) == "ascendente"
    assert target_trend([None, 5]) is None


def test_status_for_decreasing_indicators():
    # less is better: staying below the target is on track, above it is behind
    assert classify(3, 4, "descendente").code == "cumplido"
    assert classify(5, 4, "descendente").code == "en_riesgo"  # 80 %
    assert classify(8, 4, "descendente").code == "rezagado"  # 50 %
    assert classify(0, 4, "descendente").code == "cumplido"
    # AES.01.08 (ascending, falling targets): 1 approved vs 4 expected is behind,
    # whatever the naive Tipo 2 (138 %) suggests.
    assert classify(1, 4, "ascendente").code == "rezagado"


def test_status_thresholds_and_missing():
    assert classify(95, 100, "ascendente").code == "cumplido"
    assert classify(90, 100, "ascendente").code == "cumplido"
    assert classify(70, 100, "ascendente").code == "en_riesgo"
    assert classify(69.9, 100, "ascendente").code == "rezagado"
    assert classify(None, 100, "ascendente").code == "sin_dato"
    assert classify(5, None, "ascendente").code == "sin_meta"
    assert classify(0, 0, "ascendente").code == "cumplido"  # target 0, nothing expected


def test_status_thresholds_are_configurable():
    rules = {**DEFAULT_RULES, "thresholds": {"cumplido": 100, "en_riesgo": 50}}
    assert classify(95, 100, "ascendente", rules).code == "en_riesgo"
    assert validate_rules(rules) == []
    assert validate_rules({**DEFAULT_RULES, "thresholds": {"cumplido": 50, "en_riesgo": 70}})


@pytest.mark.parametrize(
    ("raw", "value"),
    [("83.33%", 83.33), ("-1652%", -1652), ("37,368", 37368), ("0.94%", 0.94), ("12", 12)],
)
def test_parse_report_number(raw, value):
    assert parse_report_number(raw) == pytest.approx(value)


@pytest.mark.parametrize("raw", ["ND", "---", "--", "s", "", None, "nan", "inf"])
def test_markers_are_not_numbers(raw):
    result = parse_report_number(raw)
    assert result is None
