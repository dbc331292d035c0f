"""Derived tables and data-quality findings on the real dataset."""

import io

import openpyxl
import pandas as pd
import pytest

from pesem.findings import find_all
from pesem.loader import load_dataset
from pesem.metrics import change_counts, indicator_summary, status_counts, yearly_avances

from .test_loader import DATA


@pytest.fixture(scope="module")
def ds():
    return load_dataset(DATA)


@pytest.fixture(scope="module")
def summary(ds):
    return indicator_summary(ds).set_index("indicator_id")


def test_summary_has_one_row_per_indicator(ds, summary):
    assert list(summary.index) == list(ds.indicators["indicator_id"])
    assert (
        summary["status"].isin(["cumplido", "en_riesgo", "rezagado", "sin_meta", "sin_dato"]).all()
    )
    assert summary["status_icon"].str.len().gt(0).all()


def test_recomputed_avances_2020(summary):
    row = summary.loc["AES.02.01-1"]
    assert row["tipo1_computed"] == pytest.approx(51.8125)
    assert row["tipo2_computed"] == pytest.approx(-1652.27, abs=0.01)
    row = summary.loc["AES.03.04-1"]
    assert round(row["tipo1_computed"]) == 206 and round(row["tipo2_computed"]) == 738
    # OES indicators have no 2020 target (ND): no avance, a reason instead
    oes = summary.loc["OES.01-1"]
    assert pd.isna(oes["tipo1_computed"]) and "ND" in oes["tipo1_reason"]


def test_zero_denominator_is_a_reason_not_a_number(summary):
    ecanmp = summary.loc["AES.01.10-2"]  # baseline 0, target 2020 0, achieved 0
    assert pd.isna(ecanmp["tipo1_computed"]) and "0" in ecanmp["tipo1_reason"]
    antartida = summary.loc["AES.01.10-1"]  # target 1 == baseline 1
    assert pd.isna(antartida["tipo2_computed"]) and "línea de base" in antartida["tipo2_reason"]


def test_oes_changes_match_the_executive_summary(summary):
    oes = summary[summary["level"] == "OES"]
    assert [round(v, 1) for v in oes["change_pct"]] == [-3.1, -2.9, -45.7, -38.6, 0.0, -6.5, 15.4]
    assert change_counts(oes.reset_index()) == {
        "bajaron": 5,
        "subieron": 1,
        "igual": 1,
        "sin_comparacion": 0,
    }


def test_typo_is_not_zero(summary):
    row = summary.loc["AES.02.06-1"]
    assert pd.isna(row["achieved_2019"]) and pd.isna(row["change_pct"])
    assert "tipográfico" in row["missing_previous_reason"]


def test_status_uses_the_final_target_when_2020_has_none(summary):
    row = summary.loc["OES.01-1"]
    assert row["reference_year"] == 2021 and row["reference_target"] == 0.63
    assert row["status"] == "rezagado" and "2021" in row["status_reason"]
    # AES.01.08: ascending, falling target; naive Tipo 2 138 % but only 25 % of the target
    assert summary.loc["AES.01.08-1", "status"] == "rezagado"


def test_status_counts_cover_every_indicator(summary):
    counts = status_counts(summary.reset_index())
    assert sum(counts.values()) == len(summary)


def test_yearly_avances_every_year(ds):
    yearly = yearly_avances(ds)
    assert len(yearly) == 24 * 5
    row = yearly[(yearly["indicator_id"] == "AES.01.07-1") & (yearly["year"] == 2017)].iloc[0]
    assert row["tipo1"] == pytest.approx(15 / 14 * 100)
    assert not yearly[["tipo1", "tipo2"]].isin([float("inf"), float("-inf")]).any().any()


def test_findings_cover_the_known_inconsistencies(ds):
    findings = find_all(ds)
    keys = set(zip(findings["kind"], findings["code"], strict=True))
    expected = {
        ("avance_no_recalcula", "AES.01.03"),  # annex 26 %, 7/25 = 28 %
        ("avance_no_recalcula", "AES.04.01"),  # 33 % / -71 % vs target 16
        ("anexo_vs_cuerpo", "AES.01.03"),  # annex 26 % vs body 28 %
        ("texto_vs_datos", "AES.03.04"),  # 37,369 vs 37368
        ("error_tipografico", "AES.02.06"),  # 's'
        ("meta_bajo_linea_base", "AES.01.08"),  # 12 -> 4, Tipo 2 138 %
        ("descripcion_difiere", "AES.01.06"),  # fundamentación / funcionamiento
        ("descripcion_difiere", "AES.03.03"),  # MITGM / MTIGM
        ("nombre_difiere", "AES.01.10"),  # Machu Pichu (ECAMP) / Machu Picchu (ECANMP)
        ("nombre_difiere", "AES.03.01"),  # Adhesivos / Autoadhesivos
        ("codigo_ue_inconsistente", "UE"),  # 00045 / 000045
    }
    assert expected <= keys
    assert findings["finding_id"].is_unique
    # reported avances that do recompute are not findings
    assert not (
        (findings["kind"] == "avance_no_recalcula") & (findings["code"] == "AES.03.04")
    ).any()
    tipo2 = findings[(findings["code"] == "AES.04.01") & findings["field"].str.contains("Tipo 2")]
    # both printed avances point at one other target (18), not at the annex's 16
    assert "≈18.1" in tipo2.iloc[0]["message"]
    body_typo = findings[
        (findings["code"] == "AES.01.03") & findings["field"].str.contains("Tipo 1")
    ]
    assert "probable error de transcripción" in body_typo.iloc[0]["message"]
    messages = " ".join(findings["message"])
    assert "AES.04.01-2" in messages  # missing from the section 3 table
    assert "truncado" in messages  # "000045 - M. DE RELACIONES EXTERIORES-"
    assert "El análisis del OES.02 cita el nombre del OES.01" in messages
    # a capital letter (Intención / intención) is not a finding
    assert "AES.03.02" not in set(findings["code"])
    assert "AES.01.04" not in set(findings["code"])  # periodo / período


def test_export_tidy_long(ds):
    from pesem.export import COLUMNS, tidy_long, to_csv_bytes, to_xlsx_bytes

    frame = tidy_long(ds)
    assert list(frame.columns) == COLUMNS
    assert set(frame["series"]) == {"baseline", "expected", "achieved"}
    assert len(frame) == 24 * 12
    cell = frame[
        (frame["indicator_id"] == "OES.04-1")
        & (frame["series"] == "achieved")
        & (frame["year"] == 2020)
    ].iloc[0]
    assert cell["value"] == 83.33 and cell["unit"] == "porcentaje"
    csv_bytes = to_csv_bytes(frame)
    assert csv_bytes.startswith(b"\xef\xbb\xbf")
    assert "Intensidad de la relación bilateral político diplomática" in csv_bytes.decode(
        "utf-8-sig"
    )
    subset = tidy_long(ds, ["AES.03.04-1"])
    assert set(subset["indicator_id"]) == {"AES.03.04-1"}
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(subset)))
    sheet = book["indicadores"]
    header = [c.value for c in sheet[1]]
    values = [dict(zip(header, [c.value for c in row], strict=True)) for row in sheet.iter_rows(2)]
    achieved = [v for v in values if v["series"] == "achieved" and v["year"] == 2020][0]
    assert achieved["value"] == 37368 and isinstance(achieved["value"], int | float)
