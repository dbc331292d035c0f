"""The importer reproduces data/ byte for byte from the seed report, deterministically."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pesem import importer

from .seed import REPO, SEED_NAME, seed_path  # noqa: F401

DATA = REPO / "data"
#: Hand-maintained files of data/: not produced from the report.
CURATED = {"README.md", "status_rules.yaml"}


def tree(root: Path) -> dict[str, bytes]:
    """Relative path -> bytes of every file under ``root``."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("import") / "data"
    importer.run(seed_path(), out)
    return out


def test_every_produced_file_is_identical_to_data(imported: Path):
    produced = tree(imported)
    committed = {k: v for k, v in tree(DATA).items() if k not in CURATED}
    derived = {k: v for k, v in produced.items() if k not in CURATED}
    assert sorted(derived) == sorted(committed), "files differ: re-run the importer"
    different = [name for name in committed if derived[name] != committed[name]]
    assert not different, f"out of date (re-run the importer): {different}"


def test_import_is_deterministic(imported: Path, tmp_path: Path):
    again = tmp_path / "again"
    importer.run(seed_path(), again)
    assert tree(again) == tree(imported)


def test_cli_writes_the_same_files(imported: Path, tmp_path: Path):
    out = tmp_path / "cli"
    result = subprocess.run(
        [sys.executable, "-m", "pesem.importer", str(seed_path()), "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "wrote" in result.stderr  # the summary is logged, not printed
    assert result.stdout == ""
    assert tree(out) == tree(imported)


def test_default_status_rules_created_when_missing(imported: Path):
    rules = yaml.safe_load((imported / "status_rules.yaml").read_text(encoding="utf-8"))
    assert rules["thresholds"] == {"cumplido": 90, "en_riesgo": 70}
    assert rules["labels"]["cumplido"] == {"label": "Cumplido", "icon": "✔", "color": "#009E73"}
    assert set(rules["labels"]) == {"cumplido", "en_riesgo", "rezagado", "sin_meta", "sin_dato"}
    assert (imported / "status_rules.yaml").read_bytes() == importer.STATUS_RULES_YAML.encode()


def test_curated_status_rules_are_never_overwritten(tmp_path: Path):
    out = tmp_path / "data"
    out.mkdir()
    custom = "thresholds: {cumplido: 95, en_riesgo: 60}\n"
    (out / "status_rules.yaml").write_text(custom, encoding="utf-8")
    importer.run(seed_path(), out)
    assert (out / "status_rules.yaml").read_text(encoding="utf-8") == custom


def test_stale_narrative_files_are_removed(tmp_path: Path):
    out = tmp_path / "data"
    (out / "narrative").mkdir(parents=True)
    (out / "narrative" / "AES.09.99.md").write_text("old\n", encoding="utf-8")
    importer.run(seed_path(), out)
    assert not (out / "narrative" / "AES.09.99.md").exists()


def test_text_without_the_layout_is_rejected(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    bogus = tmp_path / "bogus.md"
    bogus.write_text("Un texto cualquiera\n\n| a | b |\n", encoding="utf-8")
    assert importer.main([str(bogus), "--out", str(tmp_path / "out")]) == 1
    assert "Resumen ejecutivo" in caplog.text
    with pytest.raises(importer.ReportFormatError):
        importer.read_report(bogus)


@pytest.mark.parametrize(
    ("raw", "value", "reason"),
    [
        ("72.2%", 72.2, ""),
        ("-1652%", -1652.0, ""),
        ("37,368", 37368.0, ""),
        ("0.00", 0.0, ""),
        ("ND", None, "sin_meta"),
        ("---", None, "sin_dato"),
        ("--", None, "sin_dato"),
        ("", None, "vacio"),
        ("s", None, "error_tipografico"),
    ],
)
def test_classify_cell(raw: str, value: float | None, reason: str):
    assert importer.classify_cell(raw) == (value, reason)


def test_unit_inference():
    cell = importer.Cell
    assert importer.infer_unit("Número de reuniones", [cell("reported_tipo1", 2020, "28%")]) == (
        "numero"
    )
    assert importer.infer_unit("Intensidad de la relación", [cell("baseline", 2014, "0.69")]) == (
        "ratio"
    )
    assert importer.infer_unit("Tasa de cobertura", []) == "tasa"
    assert importer.infer_unit("Países con cooperación", [cell("achieved", 2020, "83%")]) == (
        "porcentaje"
    )


def test_year_runs_handle_the_extra_annex_column():
    header = ["Código", "Descripción", "", "Valor", "Año"]
    years = [str(y) for y in range(2016, 2022)] + [str(y) for y in range(2016, 2021)]
    runs, after = importer.year_runs([*header, *years, "2020", "2020", "", "", ""], 5, 2)
    assert [y for _, y in runs[0]] == list(range(2016, 2022))
    assert [y for _, y in runs[1]] == list(range(2016, 2021))
    assert after == 16
