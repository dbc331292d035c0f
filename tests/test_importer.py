"""The importer reproduces data/ byte for byte from the seed report, deterministically.

The steps are tested one by one in test_importer_steps.py, the not-a-report errors and the
atomic write in test_importer_errors.py, a year-shifted report in test_importer_variants.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pesem import importer
from pesem.report import ReportMeta
from pesem.rules import default_rules_text, load_default_rules

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


def test_cli_needs_an_output_folder():
    result = subprocess.run(
        [sys.executable, "-m", "pesem.importer", str(seed_path())],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2  # argparse: usage error, nothing imported
    assert "--out" in result.stderr


def test_report_yaml_is_valid_metadata_of_the_seed(imported: Path):
    content = yaml.safe_load((imported / "report.yaml").read_text(encoding="utf-8"))
    assert tuple(content) == importer.metadata.KEY_ORDER
    meta = ReportMeta.from_mapping(content)
    assert (meta.plan, meta.plan_type, meta.plan_start, meta.plan_end) == (
        "PESEM 2015-2021",
        "PESEM",
        2015,
        2021,
    )
    assert (meta.year, meta.previous_year) == (2020, 2019)
    assert (meta.sector, meta.sector_short) == ("Relaciones Exteriores", "RR.EE.")
    assert meta.ministry == "Ministerio de Relaciones Exteriores"
    assert meta.file_prefix == "pesem-rree-2020"
    assert meta.source == f"Fuente: {meta.title}"
    assert content["generated_from"] == seed_path().name


def test_default_status_rules_are_the_package_file(imported: Path):
    assert (imported / "status_rules.yaml").read_text(encoding="utf-8") == default_rules_text()
    rules = load_default_rules()
    assert rules["thresholds"] == {"cumplido": 90, "en_riesgo": 70}
    assert rules["labels"]["cumplido"] == {"label": "Cumplido", "icon": "✔", "color": "#009E73"}
    assert set(rules["labels"]) == {"cumplido", "en_riesgo", "rezagado", "sin_meta", "sin_dato"}


def test_curated_files_are_never_overwritten(tmp_path: Path):
    out = tmp_path / "data"
    out.mkdir()
    custom = "thresholds: {cumplido: 95, en_riesgo: 60}\n"
    (out / "status_rules.yaml").write_text(custom, encoding="utf-8")
    (out / "README.md").write_text("# notes of the planning office\n", encoding="utf-8")
    importer.run(seed_path(), out)
    assert (out / "status_rules.yaml").read_text(encoding="utf-8") == custom
    assert (out / "README.md").read_text(encoding="utf-8") == "# notes of the planning office\n"
    assert (out / "values.csv").is_file()


def test_stale_narrative_files_are_removed(tmp_path: Path):
    out = tmp_path / "data"
    (out / "narrative").mkdir(parents=True)
    (out / "narrative" / "AES.09.99.md").write_text("old\n", encoding="utf-8")
    importer.run(seed_path(), out)
    assert not (out / "narrative" / "AES.09.99.md").exists()
    assert (out / "narrative" / "AES.01.01.md").exists()


def test_only_the_output_folder_is_written(tmp_path: Path):
    (tmp_path / "data").mkdir()
    importer.run(seed_path(), tmp_path / "data")
    assert [p.name for p in tmp_path.iterdir()] == ["data"]  # no temporary folder left behind
