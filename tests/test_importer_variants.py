"""A report whose years all moved by N and whose sector has another name imports to the same
rows, with every year moved by N and its own report.yaml (issue 13, import side)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml

from pesem.report import ReportMeta

from .report_variants import YEAR_TOKEN, import_variant, shift_years, shifted_report_text
from .seed import REPO

DATA = REPO / "data"
N = 2
SECTOR = "Comercio Exterior y Turismo"
MINISTRY = "Ministerio de Comercio Exterior y Turismo"
#: Columns that hold a year of their own.
YEAR_COLUMNS = {"year"}


@pytest.fixture(scope="module")
def variant(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return import_variant(tmp_path_factory.mktemp("variant"), N, SECTOR, MINISTRY)


@pytest.fixture(scope="module")
def original_meta() -> ReportMeta:
    return ReportMeta.from_mapping(yaml.safe_load((DATA / "report.yaml").read_text("utf-8")))


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def renamed(text: str, meta: ReportMeta) -> str:
    return text.replace(meta.ministry, MINISTRY).replace(meta.sector, SECTOR)


def assert_moved(original: str, variant: str, where: str) -> None:
    """Same text except that every year token is N later (checked token by token)."""
    assert YEAR_TOKEN.sub("YEAR", original) == YEAR_TOKEN.sub("YEAR", variant), where
    before = [int(y) for y in YEAR_TOKEN.findall(original)]
    after = [int(y) for y in YEAR_TOKEN.findall(variant)]
    assert after == [y + N for y in before], where


@pytest.mark.parametrize("name", ["oes.csv", "aes.csv", "indicators.csv"])
def test_same_plan_structure(variant: Path, name: str, original_meta: ReportMeta):
    a, b = read_csv(DATA / name), read_csv(variant / name)
    assert len(a) == len(b) > 0
    for row_a, row_b in zip(a, b, strict=True):
        assert list(row_a) == list(row_b)
        for column in row_a:
            assert_moved(renamed(row_a[column], original_meta), row_b[column], f"{name} {column}")
    if name == "indicators.csv":
        structure = ("indicator_id", "level", "oes_code", "aes_code", "seq", "unit", "direction")
        assert [[r[c] for c in structure] for r in a] == [[r[c] for c in structure] for r in b]


@pytest.mark.parametrize("name", ["values.csv", "body_values.csv", "claims.csv"])
def test_same_values_every_year_moved(variant: Path, name: str, original_meta: ReportMeta):
    a, b = read_csv(DATA / name), read_csv(variant / name)
    assert len(a) == len(b) > 0
    for row_a, row_b in zip(a, b, strict=True):
        assert int(row_b["year"]) == int(row_a["year"]) + N
        for column in row_a.keys() - YEAR_COLUMNS:
            if column in ("raw", "value"):
                assert row_a[column] == row_b[column], (name, row_a)  # numbers never move
            else:
                assert_moved(
                    renamed(row_a[column], original_meta), row_b[column], f"{name} {column}"
                )


def test_same_narratives_with_moved_years(variant: Path, original_meta: ReportMeta):
    a = {p.name: p.read_text("utf-8") for p in (DATA / "narrative").glob("*.md")}
    b = {p.name: p.read_text("utf-8") for p in (variant / "narrative").glob("*.md")}
    assert sorted(a) == sorted(b)
    for name, text in a.items():
        assert_moved(renamed(text, original_meta), b[name], name)


def test_report_yaml_of_the_variant(variant: Path, original_meta: ReportMeta):
    content = yaml.safe_load((variant / "report.yaml").read_text("utf-8"))
    meta = ReportMeta.from_mapping(content)
    a = original_meta
    assert (meta.year, meta.previous_year) == (a.year + N, a.previous_year + N)
    assert (meta.plan_start, meta.plan_end) == (a.plan_start + N, a.plan_end + N)
    assert meta.plan == f"PESEM {a.plan_start + N}-{a.plan_end + N}"
    assert (meta.sector, meta.ministry, meta.sector_short) == (SECTOR, MINISTRY, "C.E.T.")
    assert meta.file_prefix == f"pesem-cet-{a.year + N}"
    assert meta.title == f"Reporte de seguimiento del {meta.plan}, Sector {SECTOR}, {meta.year}"
    assert meta.source == f"Fuente: {meta.title}"
    assert content["generated_from"].endswith(".md")


# --------------------------------------------------------------------------------------------
# The builder itself
# --------------------------------------------------------------------------------------------

TABLE = """\
REPORTE DE SEGUIMIENTO DEL PESEM 2015-2021

Año 2020

Sector Relaciones Exteriores

**Ministerio rector: Ministerio de Relaciones
Exteriores**

| Código | Descripción | | Valor | Año | 2019 | 2020 | 2020 |
|---|---|---|---|---|---|---|---|
| AES.01.01 | Agenda 2030 | Número de X Fuente: PEI 2017-2019 | 2019 | 2016 | 2019 | 2020.5 | 99% |
Texto: el 31.12.2021 se atendió a 2,019 personas (2019), 20201 trámites.
"""


def test_the_builder_moves_years_but_not_values():
    moved = shifted_report_text(TABLE, 1, SECTOR, MINISTRY)
    lines = moved.split("\n")
    assert "REPORTE DE SEGUIMIENTO DEL PESEM 2016-2022" in lines
    assert "Año 2021" in lines and f"Sector {SECTOR}" in lines
    assert f"**Ministerio rector: {MINISTRY}**" in lines
    header, _, row, prose = (line for line in lines if line.startswith(("|", "Texto")))
    assert re.findall(r"\d{4}", header) == ["2020", "2021", "2021"]
    # value 2019 (column "Valor") and achieved 2019 stay; the baseline's year moves
    assert row.split("|")[4:9] == [" 2019 ", " 2017 ", " 2019 ", " 2020.5 ", " 99% "]
    assert "Agenda 2031" in row and "PEI 2018-2020" in row
    assert prose == "Texto: el 31.12.2022 se atendió a 2,019 personas (2020), 20201 trámites."


def test_shift_years_on_running_text():
    assert shift_years("en el año 2020, 2019-2021, N° 0541-2020-RE", 3) == (
        "en el año 2023, 2022-2024, N° 0541-2023-RE"
    )
