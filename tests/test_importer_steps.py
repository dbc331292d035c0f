"""Each step of the importer on its own, on small synthetic texts (structure, not bytes)."""

from __future__ import annotations

import pytest
import yaml

from pesem.importer import claims, metadata, narratives, notes, rows, tables, text
from pesem.importer.errors import ReportFormatError
from pesem.importer.output import csv_text
from pesem.report import ReportMeta

# --------------------------------------------------------------------------------------------
# Sections and tables
# --------------------------------------------------------------------------------------------

SKELETON = """\
Contenido

| 1. Resumen ejecutivo | 3 |
| 6. Anexos | 51 |

1. Resumen ejecutivo
Resumen.
2. Avance y análisis de los Objetivos Estratégicos Sectoriales (OES)
3. Avance y análisis de las Acciones Estratégicas Sectoriales (AES)
Acción estratégica 01.01: Fortalecer algo.
Texto de la acción.
4. Conclusiones
5. Recomendaciones
6. Anexos
Anexo 6.1 Reporte
- Tabla 2. AES del OES.01 (continúa)
| a | b |
|---|---|
| 1 | 2 |
"""


def test_find_sections_skips_the_table_of_contents():
    lines = SKELETON.split("\n")
    spans = tables.find_sections(lines)
    assert list(spans) == [
        "resumen_ejecutivo",
        "oes",
        "aes",
        "conclusiones",
        "recomendaciones",
        "anexos",
        "anexo_6_1",
    ]
    assert lines[spans["resumen_ejecutivo"].start] == "1. Resumen ejecutivo"  # not the contents
    assert spans["resumen_ejecutivo"].end == spans["oes"].start
    assert lines[spans["anexo_6_1"].start].startswith("Anexo 6.1")
    assert spans["anexos"].end == spans["anexo_6_1"].start
    assert spans["anexo_6_1"].end == len(lines)


def test_a_missing_section_names_the_heading_and_the_line():
    lines = SKELETON.replace("4. Conclusiones", "4. Otra cosa").split("\n")
    with pytest.raises(ReportFormatError) as caught:
        tables.find_sections(lines)
    error = caught.value
    assert "4. Conclusiones" in error.expected
    assert (
        error.line
        == lines.index("3. Avance y análisis de las Acciones Estratégicas Sectoriales (AES)") + 2
    )  # the line after section 3's


def test_find_tables_gives_caption_rows_and_their_lines():
    lines = SKELETON.split("\n")
    spans = tables.find_sections(lines)
    (table,) = tables.find_tables(lines, spans["anexo_6_1"])
    assert table.caption == "Tabla 2. AES del OES.01"  # bullet and parenthesis dropped
    assert table.rows == (("a", "b"), ("1", "2"))  # separator row removed
    assert [n for n, _ in table.numbered_rows()] == [
        lines.index("| a | b |") + 1,
        lines.index("| 1 | 2 |") + 1,
    ]
    assert len(tables.find_tables(lines, spans["resumen_ejecutivo"])) == 0


# --------------------------------------------------------------------------------------------
# Layouts from header rows
# --------------------------------------------------------------------------------------------

ANNEX_GROUPS = (
    "OES / AES | | Nombre del Indicador | Línea de Base | | Logros esperados | | | | | | "
    "Valor obtenido | | | | | Avance Tipo 1 (%) | Avance Tipo 2 (%) | UE | UNIDAD ORGÁNICA"
)
ANNEX_YEARS = (
    "Código | Descripción | | Valor | Año | 2016 | 2017 | 2018 | 2019 | 2020 | 2021 | "
    "2016 | 2017 | 2018 | 2019 | 2020 | 2020 | 2020 | |"
)


def cells(row: str) -> list[str]:
    return [c.strip() for c in row.split("|")]


def test_annex_layout_from_its_header_rows():
    layout = tables.code_layout(cells(ANNEX_GROUPS), cells(ANNEX_YEARS))
    assert (layout.code, layout.description, layout.name) == (0, 1, 2)
    assert (layout.baseline_value, layout.baseline_year) == (3, 4)
    assert layout.expected == tuple(zip(range(5, 11), range(2016, 2022), strict=True))
    assert layout.achieved == tuple(zip(range(11, 16), range(2016, 2021), strict=True))
    assert (layout.tipo1, layout.tipo2, layout.executing_unit, layout.responsible_units) == (
        16,
        17,
        18,
        19,
    )


def test_body_action_layout_has_no_expected_values():
    groups = (
        "OES / AES | | Nombre del Indicador | Línea de Base | | Valor obtenido | | | | | A | B | UE"
    )
    years = (
        "Código | Descripción | | Valor | Año | 2016 | 2017 | 2018 | 2019 | 2020 | 2020 | 2020 |"
    )
    layout = tables.code_layout(cells(groups), cells(years))
    assert layout.expected == ()
    assert [y for _, y in layout.achieved] == [2016, 2017, 2018, 2019, 2020]
    assert layout.responsible_units is None


def test_objective_layout_reads_positions_from_the_group_row():
    groups = cells(
        "Indicador | LB | LOGROS ESPERADOS | | | | | VALOR OBTENIDO | | | | | "
        "Avance Tipo 1 (%) | Avance Tipo 2 (%) | UE responsable"
    )
    shifted_years = cells(
        "| | 2014 | 2016 | 2017 | 2018 | 2019 | 2020 | 2016 | 2017 | 2018 | 2019 | 2020 | "
        "2020 | 2020 |"
    )
    layout = tables.oes_layout(groups, shifted_years)
    assert layout.baseline_year_label == 2014
    assert layout.expected[0] == (2, 2016)  # the group row's column, the years row's year
    assert layout.achieved[-1] == (11, 2020)
    assert (layout.tipo1, layout.tipo2, layout.executing_unit) == (12, 13, 14)


def test_a_header_without_its_year_column_is_rejected():
    with pytest.raises(ReportFormatError, match="'Año'"):
        tables.code_layout(cells(ANNEX_GROUPS), cells(ANNEX_YEARS.replace("Año", "Fecha")))


def test_year_runs_handle_the_extra_annex_column():
    header = ["Código", "Descripción", "", "Valor", "Año"]
    years = [str(y) for y in range(2016, 2022)] + [str(y) for y in range(2016, 2021)]
    runs, after = tables.year_runs([*header, *years, "2020", "2020", "", "", ""], 5, 2)
    assert [y for _, y in runs[0]] == list(range(2016, 2022))
    assert [y for _, y in runs[1]] == list(range(2016, 2021))
    assert after == 16


# --------------------------------------------------------------------------------------------
# Rows of a table
# --------------------------------------------------------------------------------------------


def code_table(*data_rows: str) -> tables.Table:
    rows = [cells(ANNEX_GROUPS), cells(ANNEX_YEARS), *(cells(r) for r in data_rows)]
    return tables.Table(0, "Anexo", tuple(tuple(r) for r in rows), tuple(range(len(rows))))


VALUES = "0.69 | 2014 | 0.33 | ND | ND | ND | ND | 0.63 | 0.58 | 0.54 | 0.40 | 0.32 | 0.31 | | "


def test_code_table_rows_codes_and_continuations():
    table = code_table(
        f"OES.01 | Posicionar | Intensidad | {VALUES}| UE-1 | DGA",
        f" | | Embajadas | {VALUES}| |",
        "Acciones Estratégicas del OES.01 | | | | | | | | | | | | | | | | | | |",
        "AES.01.01 | Fortalecer | --- | | | | | | | | | | | | | | | | |",
    )
    indicators, entries = tables.parse_code_table(table, "Anexo", 2020)
    assert [e.code for e in entries] == ["OES.01", "AES.01.01"]
    assert [i.indicator_id for i in indicators] == ["OES.01-1", "OES.01-2"]  # no AES indicator
    first = indicators[0]
    assert [(c.series, c.year, c.raw) for c in first.cells[:3]] == [
        ("baseline", 2014, "0.69"),
        ("expected", 2016, "0.33"),
        ("expected", 2017, "ND"),
    ]
    assert first.cells[-2:] == [
        tables.Cell("reported_tipo1", 2020, ""),
        tables.Cell("reported_tipo2", 2020, ""),
    ]
    assert (first.executing_unit, first.responsible_units) == ("UE-1", "DGA")
    tables.fill_from_above(indicators)
    assert indicators[1].executing_unit == "UE-1" and indicators[1].filled_from_above


def test_a_bad_baseline_year_names_its_row_line():
    table = code_table(f"OES.01 | Posicionar | Intensidad | {VALUES.replace('2014', 'x')}| UE | D")
    with pytest.raises(ReportFormatError) as caught:
        tables.parse_code_table(table, "Anexo", 2020)
    assert caught.value.line == 3 and "'x'" in str(caught.value)


def test_objective_table_rows():
    rows = [
        "OES. 2. Contribuir | | | | | | | | | | | | | |",
        "Indicador | LB | LOGROS ESPERADOS | | VALOR OBTENIDO | | Avance Tipo 1 | Avance Tipo 2 "
        "| UE",
        " | 2014 | 2019 | 2020 | 2019 | 2020 | 2020 | 2020 |",
        "2.1 Acciones de promoción | 1.52 | ND | ND | 11.15 | 6.05 | | | UE-1",
    ]
    parsed = [tuple(cells(r)) for r in rows]
    table = tables.Table(0, "Tabla 1. OES.02", tuple(parsed), tuple(range(len(parsed))))
    (indicator,) = tables.parse_oes_table(table, "Sección 2, Tabla 1. OES.02", 2020)
    assert indicator.indicator_id == "OES.02-1"
    assert indicator.name_cell == "Acciones de promoción"
    assert [(c.series, c.year, c.raw) for c in indicator.cells] == [
        ("baseline", 2014, "1.52"),
        ("expected", 2019, "ND"),
        ("expected", 2020, "ND"),
        ("achieved", 2019, "11.15"),
        ("achieved", 2020, "6.05"),
        ("reported_tipo1", 2020, ""),
        ("reported_tipo2", 2020, ""),
    ]


@pytest.mark.parametrize(
    ("raw", "value", "reason"),
    [
        ("72.2%", 72.2, ""),
        ("-1652%", -1652.0, ""),
        ("37,368", 37368.0, ""),
        ("0,5", 0.5, ""),
        ("0.00", 0.0, ""),
        ("ND", None, "sin_meta"),
        ("---", None, "sin_dato"),
        ("--", None, "sin_dato"),
        ("", None, "vacio"),
        ("s", None, "error_tipografico"),
    ],
)
def test_classify_cell(raw: str, value: float | None, reason: str):
    assert text.classify_cell(raw) == (value, reason)


def test_numbers_are_written_in_their_shortest_exact_form():
    assert [text.format_number(v) for v in (0.4, 2.0, 37368.0, -6.5, None)] == [
        "0.4",
        "2",
        "37368",
        "-6.5",
        "",
    ]


def test_unit_inference():
    cell = tables.Cell
    assert rows.infer_unit("Número de reuniones", [cell("reported_tipo1", 2020, "28%")]) == (
        "numero"
    )
    assert rows.infer_unit("Intensidad de la relación", [cell("baseline", 2014, "0.69")]) == (
        "ratio"
    )
    assert rows.infer_unit("Tasa de cobertura", []) == "tasa"
    assert rows.infer_unit("Países con cooperación", [cell("achieved", 2020, "83%")]) == (
        "porcentaje"
    )


def test_indicator_row_keeps_the_body_wording_only_when_it_differs():
    ind = tables.RowIndicator(
        "AES.01.04", 1, "Porcentaje de mecanismos Fuente: PEI 2017-2019", [], "Anexo"
    )
    row = rows.indicator_row(ind, "Porcentaje de  mecanismos")
    assert (row["level"], row["oes_code"], row["aes_code"]) == ("AES", "OES.01", "AES.01.04")
    assert (row["name"], row["source"], row["name_body"]) == (
        "Porcentaje de mecanismos",
        "PEI 2017-2019",
        "",
    )
    assert rows.indicator_row(ind, "Porcentaje de los mecanismos")["name_body"] != ""


# --------------------------------------------------------------------------------------------
# Metadata
# --------------------------------------------------------------------------------------------

COVER = """\
REPORTE DE SEGUIMIENTO DEL PESEM 2015-2021

Año {year}

Sector {sector}

**Ministerio rector: Ministerio de
{ministry}**

Nivel de Gobierno: Gobierno Nacional
"""


def cover(year: int = 2020, sector: str = "Relaciones Exteriores") -> str:
    return COVER.format(year=year, sector=sector, ministry=sector)


def test_metadata_from_the_cover():
    meta = metadata.read_metadata(cover())
    assert meta == {
        "plan": "PESEM 2015-2021",
        "plan_type": "PESEM",
        "plan_start": 2015,
        "plan_end": 2021,
        "year": 2020,
        "previous_year": 2019,
        "sector": "Relaciones Exteriores",
        "sector_short": "RR.EE.",
        "ministry": "Ministerio de Relaciones Exteriores",
        "government_level": "Gobierno Nacional",
        "title": "Reporte de seguimiento del PESEM 2015-2021, Sector Relaciones Exteriores, 2020",
        "source": "Fuente: Reporte de seguimiento del PESEM 2015-2021, Sector Relaciones "
        "Exteriores, 2020",
        "file_prefix": "pesem-rree-2020",
    }


def test_metadata_of_another_sector_and_year():
    meta = metadata.read_metadata(cover(2021, "Comercio Exterior y Turismo"))
    assert (meta["sector_short"], meta["file_prefix"]) == ("C.E.T.", "pesem-cet-2021")
    assert meta["ministry"] == "Ministerio de Comercio Exterior y Turismo"
    assert (meta["year"], meta["previous_year"]) == (2021, 2020)


@pytest.mark.parametrize(
    ("sector", "short"),
    [
        ("Relaciones Exteriores", "RR.EE."),
        ("Transportes y Comunicaciones", "TT.CC."),
        ("Energía y Minas", "E.MM."),
        ("Salud", "S."),
        ("Desarrollo e Inclusión Social", "D.I.S."),
        ("Comercio Exterior y Turismo", "C.E.T."),
    ],
)
def test_sector_abbreviation(sector: str, short: str):
    assert metadata.sector_short(sector) == short


def test_a_year_outside_the_plan_names_the_cover_line():
    snippet = cover(2025)
    with pytest.raises(ReportFormatError) as caught:
        metadata.read_metadata(snippet)
    assert caught.value.line == snippet.split("\n").index("Año 2025") + 1
    assert "2016-2021" in str(caught.value)


def test_a_text_without_cover_is_rejected_at_line_1():
    with pytest.raises(ReportFormatError) as caught:
        metadata.read_metadata("# Un README\n\nTexto.\n")
    assert caught.value.line == 1
    assert "REPORTE DE SEGUIMIENTO DEL PESEM" in str(caught.value)


def test_report_yaml_has_every_key_the_loader_validates():
    meta = metadata.read_metadata(cover())
    written = metadata.report_yaml(meta, "UE", "r.md", "0" * 64)
    content = yaml.safe_load(written)
    assert tuple(content) == metadata.KEY_ORDER
    meta = ReportMeta.from_mapping(content)
    assert (meta.plan, meta.sector_short, meta.year) == ("PESEM 2015-2021", "RR.EE.", 2020)


def test_default_executing_unit_is_the_most_frequent():
    assert metadata.default_executing_unit(["b", "a", "b", "", "a", "b"]) == "b"
    assert metadata.default_executing_unit([]) == ""


# --------------------------------------------------------------------------------------------
# Narratives
# --------------------------------------------------------------------------------------------


def test_action_narratives_end_at_the_next_heading_or_table():
    lines = [
        "3. Avance",
        "Acción estratégica 01.01: Fortalecer la democracia.",
        "Primer párrafo.",
        "",
        "Acción estratégica 01.02: Fortalecer la alianza.",
        "Segundo.",
        "Tabla 2. AES del OES.01",
        "| a |",
    ]
    found, headings = narratives.aes_narratives(lines, tables.Span(0, len(lines)))
    assert found == {"AES.01.01": ["Primer párrafo.", ""], "AES.01.02": ["Segundo."]}
    assert headings["AES.01.02"] == "Fortalecer la alianza."


def test_objective_narrative_is_the_text_after_its_table():
    lines = ["- Análisis descriptivo del OES.01", "| t |", "Texto del análisis.", ""]
    found = narratives.oes_narratives(lines, tables.Span(0, len(lines)))
    assert found == {"OES.01": ["Texto del análisis.", ""]}


def test_blank_runs_collapse_to_one():
    assert text.collapse_blank_runs(["a", "", "", "", "b", "", ""]) == "a\n\nb\n"


# --------------------------------------------------------------------------------------------
# Notes
# --------------------------------------------------------------------------------------------


def cell_row(series: str, raw: str, year: str = "2020", iid: str = "AES.04.01-1") -> dict:
    value, reason = text.classify_cell(raw)
    return {
        "indicator_id": iid,
        "series": series,
        "year": year,
        "raw": raw,
        "value": text.format_number(value),
        "missing_reason": reason,
    }


def test_a_body_cell_that_differs_gets_a_note():
    annex = cell_row("reported_tipo1", "26%")
    body = [{**cell_row("reported_tipo1", "28%"), "table": "Sección 3, Tabla 2"}]
    assert notes.body_difference_notes(annex, body) == ["Sección 3, Tabla 2 imprime «28%»."]
    same = [{**cell_row("reported_tipo1", "26.0%"), "table": "Sección 3, Tabla 2"}]
    assert notes.body_difference_notes(annex, same) == []


def test_avances_that_fit_another_target_get_a_note():
    ind = tables.RowIndicator("AES.04.01", 1, "Número", [tables.Cell("baseline", 2016, "11")], "A")
    cells = {
        ("AES.04.01-1", series, "2020"): cell_row(series, raw)
        for series, raw in (
            ("achieved", "6"),
            ("expected", "16"),
            ("reported_tipo1", "33%"),
            ("reported_tipo2", "-71%"),
        )
    }
    (note,) = notes.recompute_notes(ind, cells[("AES.04.01-1", "reported_tipo1", "2020")], cells)
    assert "logro esperado de 18" in note and "(16)" in note
    consistent = {**cells, ("AES.04.01-1", "expected", "2020"): cell_row("expected", "18")}
    tipo1 = consistent[("AES.04.01-1", "reported_tipo1", "2020")]
    assert notes.recompute_notes(ind, tipo1, consistent) == []


# --------------------------------------------------------------------------------------------
# Claims
# --------------------------------------------------------------------------------------------

INDICATORS = {
    "OES.01-1": {"indicator_id": "OES.01-1", "unit": "ratio", "name": "Intensidad"},
    "OES.01-2": {"indicator_id": "OES.01-2", "unit": "ratio", "name": "Embajadas"},
}


def test_claims_from_a_sentence():
    sentence = (
        "Intensidad, que obtuvo un valor ejecutado de 0.31 durante el año 2020, lo que "
        "significó una disminución de 3% con relación al año 2019."
    )
    assert claims.sentence_claims(sentence, ["OES.01-1"], INDICATORS, 2020) == [
        ("OES.01-1", "achieved", 2020, 0.31),
        ("OES.01-1", "change_pct", 2020, -3.0),
    ]


def test_values_listed_respectively_go_to_the_indicators_in_order():
    sentence = (
        "Los cuales obtuvieron en el 2020 un valor ejecutado de 0.31 y 0.33, respectivamente."
    )
    found = claims.sentence_claims(sentence, ["OES.01-1", "OES.01-2"], INDICATORS, 2020)
    assert found == [("OES.01-1", "achieved", 2020, 0.31), ("OES.01-2", "achieved", 2020, 0.33)]
    both = "Ambos indicadores experimentaron un disminución 3% con relación al año 2019."
    assert claims.sentence_claims(both, ["OES.01-1", "OES.01-2"], INDICATORS, 2020) == [
        ("OES.01-1", "change_pct", 2020, -3.0),
        ("OES.01-2", "change_pct", 2020, -3.0),
    ]


def test_counts_skip_years_dates_and_ordinals():
    sentence = "En el año 2020, el 15 de mayo se atendió a 37,369 ciudadanos en 3er lugar."
    assert claims.stated_counts(sentence) == [37369.0]


def test_counts_stated_in_the_conclusions():
    paras = [
        "El PESEM cuenta con cuatro objetivos estratégicos medidos a través de siete "
        "indicadores; cinco de ellos cayeron, uno experimentó un incremento de 15% y el "
        "restante se mantuvo igual."
    ]
    found = {(c.kind, c.value) for c in claims.conclusion_claims(paras, 2020)}
    assert found == {
        ("count_oes", 4.0),
        ("count_indicators", 7.0),
        ("count_decreased", 5.0),
        ("count_increased", 1.0),
        ("count_unchanged", 1.0),
    }


def test_csv_text_is_minimal_and_unix():
    assert csv_text(("a", "b"), [{"a": "x, y", "b": ""}]) == 'a,b\n"x, y",\n'
