"""data/ agrees with the report, checked by an independent, deliberately simple reading of it.

This module does not import pesem.importer. It splits the markdown table rows of the seed on ``|``
and maps the cells by fixed position, then compares every cell with data/values.csv and
data/body_values.csv, and spot-checks the narrative files and the claims.
"""

from __future__ import annotations

import csv
import re

import pytest

from .seed import REPO, SEED_NAME, seed_path  # noqa: F401

DATA = REPO / "data"

# Annex 6.1 columns (both annex tables; the second only adds an empty column at the end).
ANNEX_POS = {
    "baseline": 3,
    "baseline_year": 4,
    "expected": dict(zip(range(2016, 2022), range(5, 11), strict=True)),
    "achieved": dict(zip(range(2016, 2021), range(11, 16), strict=True)),
    "reported_tipo1": 16,
    "reported_tipo2": 17,
    "ue": 18,
    "unit": 19,
}
# Section-2 OES tables: name, LB, expected 2016-2020, achieved 2016-2020, Tipo 1, Tipo 2, UE.
OES_BODY_POS = {
    "baseline": 1,
    "expected": dict(zip(range(2016, 2021), range(2, 7), strict=True)),
    "achieved": dict(zip(range(2016, 2021), range(7, 12), strict=True)),
    "reported_tipo1": 12,
    "reported_tipo2": 13,
}
# Section-3 AES tables: code, description, name, LB value, LB year, achieved 2016-2020, Tipo 1/2.
AES_BODY_POS = {
    "baseline": 3,
    "baseline_year": 4,
    "achieved": dict(zip(range(2016, 2021), range(5, 10), strict=True)),
    "reported_tipo1": 10,
    "reported_tipo2": 11,
}


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return seed_path().read_text(encoding="utf-8").splitlines()


def read_csv(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def index_of(lines: list[str], prefix: str, start: int = 0) -> int:
    return next(i for i in range(start, len(lines)) if lines[i].startswith(prefix))


def is_skipped_row(c: list[str]) -> bool:
    """Separator, header and group rows."""
    return (
        (c[0] != "" and set(c[0]) <= {"-"})
        or c[0] in ("OES / AES", "Código")
        or c[0].startswith("Acciones Estratégicas")
    )


def expected_reason(raw: str) -> str:
    if raw == "":
        return "vacio"
    if raw == "ND":
        return "sin_meta"
    if raw in ("---", "--"):
        return "sin_dato"
    try:
        float(raw.rstrip("%"))
    except ValueError:
        return "error_tipografico"
    return ""


def number(raw: str) -> float | None:
    try:
        return float(raw.rstrip("%").replace(",", ""))
    except ValueError:
        return None


def long_cells(iid: str, c: list[str], pos: dict, base_year: int) -> dict[tuple, str]:
    """(indicator_id, series, year) -> raw, for one table row."""
    out = {(iid, "baseline", base_year): c[pos["baseline"]]}
    for series in ("expected", "achieved"):
        for year, col in pos.get(series, {}).items():
            out[(iid, series, year)] = c[col]
    out[(iid, "reported_tipo1", 2020)] = c[pos["reported_tipo1"]]
    out[(iid, "reported_tipo2", 2020)] = c[pos["reported_tipo2"]]
    return out


def code_rows(lines: list[str], start: int, end: int) -> list[tuple[str, int, list[str], int]]:
    """(code, seq, cells, line index) of the indicator rows of annex-style tables."""
    rows, code, seq = [], None, 0
    for i in range(start, end):
        if not lines[i].startswith("|"):
            continue
        c = cells(lines[i])
        if is_skipped_row(c):
            continue
        if c[0]:
            code, seq = c[0], 0
        if c[2] in ("---", "--"):
            continue
        seq += 1
        rows.append((code, seq, c, i))
    return rows


@pytest.fixture(scope="module")
def annex(lines: list[str]) -> dict[str, list[str]]:
    start = index_of(lines, "Anexo 6.1")
    return {f"{code}-{seq}": c for code, seq, c, _ in code_rows(lines, start, len(lines))}


def assert_same_cells(expected: dict[tuple, str], rows: list[dict[str, str]], what: str):
    found = {(r["indicator_id"], r["series"], int(r["year"])): r for r in rows}
    assert sorted(found) == sorted(expected), f"{what}: not the same cells"
    for key, raw in expected.items():
        row = found[key]
        assert row["raw"] == raw, (what, key)
        assert row["missing_reason"] == expected_reason(raw), (what, key)
        parsed = number(raw)
        if parsed is None:
            assert row["value"] == "", (what, key)
        else:
            assert float(row["value"]) == pytest.approx(parsed, abs=1e-12), (what, key)


def test_counts():
    oes, aes, indicators = read_csv("oes.csv"), read_csv("aes.csv"), read_csv("indicators.csv")
    assert len(oes) == 4
    assert len(aes) == 30
    assert len(indicators) == 24
    assert sum(i["level"] == "OES" for i in indicators) == 7
    assert sum(i["level"] == "AES" for i in indicators) == 17
    assert len({i["aes_code"] for i in indicators if i["level"] == "AES"}) == 13
    assert len(read_csv("values.csv")) == 24 * 14


def test_codes_match_the_annex(lines: list[str]):
    start = index_of(lines, "Anexo 6.1")
    codes = [
        cells(line)[0]
        for line in lines[start:]
        if line.startswith("|") and re.match(r"(OES|AES)\.\d\d", cells(line)[0])
    ]
    assert [r["oes_code"] for r in read_csv("oes.csv")] == [c for c in codes if c[:3] == "OES"]
    assert [r["aes_code"] for r in read_csv("aes.csv")] == [c for c in codes if c[:3] == "AES"]


def test_every_annex_cell_is_in_values(annex: dict[str, list[str]]):
    expected = {}
    for iid, c in annex.items():
        expected |= long_cells(iid, c, ANNEX_POS, int(c[ANNEX_POS["baseline_year"]]))
    assert_same_cells(expected, read_csv("values.csv"), "values.csv")


def test_indicator_attributes_match_the_annex(annex: dict[str, list[str]]):
    indicators = {i["indicator_id"]: i for i in read_csv("indicators.csv")}
    assert list(indicators) == list(annex)
    previous = None
    for iid, c in annex.items():
        ind = indicators[iid]
        assert ind["name"] == c[2].split(" Fuente:")[0].strip(), iid
        ue, unit = c[ANNEX_POS["ue"]], c[ANNEX_POS["unit"]]
        if not ue and previous and previous[0].split("-")[0] == iid.split("-")[0]:
            ue, unit = previous[1], previous[2]  # blank cell = merged with the row above
        assert ind["executing_unit"] == ue, iid
        assert ind["responsible_units"] == unit, iid
        assert ind["direction"] == "ascendente"
        previous = (iid, ue, unit)
    assert indicators["OES.01-2"]["responsible_units"] == "DGA, DGE, DAO, DAM"
    assert "fila anterior" in indicators["OES.01-2"]["provenance"]
    assert indicators["AES.01.03-1"]["provenance"] == "Anexo 6.1 (sección 6), fila AES.01.03"


def test_units():
    units = {i["indicator_id"]: i["unit"] for i in read_csv("indicators.csv")}
    assert units["OES.01-1"] == "ratio"
    assert units["OES.02-3"] == units["AES.02.06-1"] == "ratio"
    assert units["OES.03-1"] == "tasa"
    assert units["OES.04-1"] == units["AES.01.04-1"] == units["AES.03.01-2"] == "porcentaje"
    assert units["AES.03.04-1"] == units["AES.01.03-1"] == "numero"


def test_known_cells():
    values = {(r["indicator_id"], r["series"], r["year"]): r for r in read_csv("values.csv")}
    oes1 = [values[("OES.01-1", "expected", str(y))]["raw"] for y in range(2016, 2022)]
    assert oes1 == ["0.33", "ND", "ND", "ND", "ND", "0.63"]
    achieved = [values[("OES.01-1", "achieved", str(y))]["value"] for y in range(2016, 2021)]
    assert achieved == ["0.58", "0.54", "0.4", "0.32", "0.31"]
    assert values[("OES.01-1", "baseline", "2014")]["value"] == "0.69"
    typo = values[("AES.02.06-1", "achieved", "2019")]
    assert (typo["raw"], typo["value"], typo["missing_reason"]) == ("s", "", "error_tipografico")
    assert "0.60" in typo["note"] and "no se registraron cambios" in typo["note"]
    assert values[("OES.04-1", "achieved", "2019")]["value"] == "72.2"
    assert values[("AES.02.05-1", "expected", "2021")]["value"] == "80"  # 2nd annex table
    assert "28%" in values[("AES.01.03-1", "reported_tipo1", "2020")]["note"]
    assert "18" in values[("AES.04.01-1", "reported_tipo1", "2020")]["note"]


def test_descriptions_from_the_body():
    aes = {r["aes_code"]: r for r in read_csv("aes.csv")}
    assert "funcionamiento" in aes["AES.01.06"]["description"]
    assert "fundamentación" in aes["AES.01.06"]["description_body"]
    assert "(MITGM)" in aes["AES.03.03"]["description"]
    assert "(MTIGM)" in aes["AES.03.03"]["description_body"]
    assert aes["AES.01.01"]["description_body"] == ""


def body_expected(lines: list[str]) -> dict[tuple, str]:
    """Body-table cells keyed (table, indicator_id, series, year), read by fixed positions."""
    s2 = index_of(lines, "2. Avance y análisis")
    s3 = index_of(lines, "3. Avance y análisis", s2)
    s4 = index_of(lines, "4. Conclusiones", s3)
    out: dict[tuple, str] = {}
    caption, base_year = "", None
    for i in range(s2, s3):
        line = lines[i]
        if not line.startswith("|"):
            if line.strip():
                caption = line.strip().lstrip("•- ").strip()
            continue
        c = cells(line)
        if c[0] == "" and "2014" in c:
            base_year = 2014  # the years row under each OES header starts with the LB year
        match = re.match(r"(\d)\.(\d) ", c[0])
        if match:
            iid = f"OES.0{match.group(1)}-{match.group(2)}"
            table = f"Sección 2, {caption}"
            for key, raw in long_cells(iid, c, OES_BODY_POS, base_year).items():
                out[(table, *key)] = raw
    captions = {}
    for i in range(s3, s4):
        if lines[i].startswith("Tabla 2."):
            captions[i] = lines[i].split(" (")[0]
    for start in sorted(captions):
        first = next(j for j in range(start, s4) if lines[j].startswith("|"))
        end = next((j for j in range(first, s4) if not lines[j].startswith("|")), s4)
        table = f"Sección 3, {captions[start]}"
        for code, seq, c, _ in code_rows(lines, start, end):
            cells_by_key = long_cells(f"{code}-{seq}", c, AES_BODY_POS, int(c[4]))
            for key, raw in cells_by_key.items():
                out[(table, *key)] = raw
    return out


def test_every_body_cell_is_in_body_values(lines: list[str]):
    expected = body_expected(lines)
    rows = read_csv("body_values.csv")
    by_table: dict[str, dict] = {}
    for (table, *key), raw in expected.items():
        by_table.setdefault(table, {})[tuple(key)] = raw
    assert sorted(by_table) == sorted({r["table"] for r in rows})
    for table, cells_of_table in by_table.items():
        assert_same_cells(cells_of_table, [r for r in rows if r["table"] == table], table)
    assert len(rows) == 310
    merged = [r for r in rows if r["indicator_id"].startswith("AES.04.01")]
    assert {r["indicator_id"] for r in merged} == {"AES.04.01-1"}


def test_narratives(lines: list[str]):
    folder = DATA / "narrative"
    files = {p.stem: p.read_text(encoding="utf-8") for p in folder.glob("*.md")}
    aes_codes = {r["aes_code"] for r in read_csv("aes.csv")}
    assert {k for k in files if k.startswith("AES.")} == aes_codes
    assert {k for k in files if k.startswith("OES.")} == {"OES.01", "OES.02", "OES.03", "OES.04"}
    assert {"resumen_ejecutivo", "conclusiones", "recomendaciones"} <= set(files)
    assert len(files) == 37
    seed_lines = set(lines)
    for name, text in files.items():
        assert text.endswith("\n") and "\n\n\n" not in text and not text.startswith("\n"), name
        for line in text.splitlines():
            assert not line or line in seed_lines, (name, line)  # verbatim
    for code in aes_codes:
        heading = index_of(lines, f"Acción estratégica {code[4:]}:")
        first = next(line for line in lines[heading + 1 :] if line.strip())
        assert files[code].splitlines()[0] == first, code
    assert "atendió a 37,369 ciudadanos" in files["AES.03.04"]
    assert "no se registraron cambios" in files["AES.02.06"]
    assert files["AES.04.05"] == "No se registraron avances durante el año 2020.\n"
    assert " 1. Cooperación Económica." in files["AES.01.07"]
    assert " - o Una sesión ampliada (agosto)." in files["AES.03.03"]
    assert "caída de 46%" in files["OES.02"]
    assert "Síntesis de la situación" in files["resumen_ejecutivo"]
    assert "Tabla" not in files["AES.01.14"] and "Tabla" not in files["AES.03.04"]


def test_claims(lines: list[str]):
    claims = read_csv("claims.csv")
    text = " ".join(" ".join(lines).split())  # page breaks may cut a sentence
    found = {(c["indicator_id"], c["kind"]): float(c["value"]) for c in claims}
    assert found[("AES.03.04-1", "achieved")] == 37369
    assert found[("OES.02-1", "change_pct")] == -46
    assert found[("OES.02-2", "change_pct")] == -39
    assert found[("OES.02-3", "change_pct")] == 0
    assert found[("OES.03-1", "change_pct")] == -6.5
    assert found[("OES.04-1", "change_pct")] == 15
    assert found[("OES.01-1", "achieved")] == 0.31
    assert found[("OES.01-2", "achieved")] == 0.33
    assert found[("", "count_decreased")] == 5
    ids = {i["indicator_id"] for i in read_csv("indicators.csv")} | {""}
    for claim in claims:
        assert claim["indicator_id"] in ids
        assert " ".join(claim["text"].split()) in text, claim["claim_id"]  # verbatim sentence
        assert claim["location"].startswith("Sección ")
