"""A file that is not a CEPLAN follow-up report is refused with its file, line and expectation,
and the data folder is never left half-written (the import is swapped in whole or not at all)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pesem import importer
from pesem.importer import output

from .seed import REPO, seed_path


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def seed_lines() -> list[str]:
    return seed_path().read_text(encoding="utf-8").split("\n")


@pytest.fixture
def old_folder(tmp_path: Path) -> Path:
    """A data folder from an earlier import, with curated files."""
    out = tmp_path / "data"
    out.mkdir()
    (out / "values.csv").write_text("old values\n", encoding="utf-8")
    (out / "README.md").write_text("curated\n", encoding="utf-8")
    (out / "narrative").mkdir()
    (out / "narrative" / "OES.01.md").write_text("old\n", encoding="utf-8")
    return out


def write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def refused(report: Path, out: Path) -> importer.ReportFormatError:
    before = tree(out) if out.exists() else None
    with pytest.raises(importer.ReportFormatError) as caught:
        importer.run(report, out)
    assert (tree(out) if out.exists() else None) == before, "the data folder was changed"
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".")] == []
    assert str(report) in str(caught.value)
    return caught.value


def test_the_repository_readme_is_not_a_report(old_folder: Path):
    error = refused(REPO / "README.md", old_folder)
    assert error.line == 1
    assert "REPORTE DE SEGUIMIENTO DEL PESEM" in str(error)


def test_an_empty_file_is_not_a_report(tmp_path: Path, old_folder: Path):
    error = refused(write(tmp_path, "empty.md", [""]), old_folder)
    assert "empty file" in str(error) and error.line == 1


def test_a_binary_file_names_the_line_of_the_bad_byte(tmp_path: Path, old_folder: Path):
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4\nline two\n\xff\xfe")
    error = refused(report, old_folder)
    assert error.line == 3 and "UTF-8" in str(error)


def test_a_report_without_annex_names_the_annex_section(
    tmp_path: Path, old_folder: Path, seed_lines: list[str]
):
    annex = next(i for i, line in enumerate(seed_lines) if line.startswith("Anexo 6.1"))
    error = refused(write(tmp_path, "sin-anexo.md", seed_lines[:annex]), old_folder)
    anexos = next(i for i, line in enumerate(seed_lines) if line.startswith("6. Anexos"))
    assert error.line == anexos + 1
    assert "Anexo 6.1" in str(error)


def test_an_annex_without_table_names_its_heading(
    tmp_path: Path, old_folder: Path, seed_lines: list[str]
):
    annex = next(i for i, line in enumerate(seed_lines) if line.startswith("Anexo 6.1"))
    error = refused(write(tmp_path, "anexo-vacio.md", seed_lines[: annex + 2]), old_folder)
    assert error.line == annex + 1
    assert "table" in str(error)


def test_a_missing_section_names_where_it_was_looked_for(
    tmp_path: Path, old_folder: Path, seed_lines: list[str]
):
    lines = [line.replace("4. Conclusiones", "4. Cierre") for line in seed_lines]
    error = refused(write(tmp_path, "sin-conclusiones.md", lines), old_folder)
    assert "4. Conclusiones" in str(error)
    section3 = next(i for i, line in enumerate(lines) if line.startswith("3. Avance"))
    assert error.line == section3 + 2


def test_a_broken_header_row_names_its_line(
    tmp_path: Path, old_folder: Path, seed_lines: list[str]
):
    row = next(i for i, line in enumerate(seed_lines) if "| Valor | Año | 2016 |" in line)
    lines = list(seed_lines)
    lines[row] = lines[row].replace("| Año |", "| Fecha |")
    error = refused(write(tmp_path, "cabecera.md", lines), old_folder)
    assert error.line == row + 1
    assert "'Año'" in str(error)


def test_the_command_exits_1_with_a_clear_message(tmp_path: Path, old_folder: Path):
    before = tree(old_folder)
    result = subprocess.run(
        [sys.executable, "-m", "pesem.importer", "README.md", "--out", str(old_folder)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "README.md, line 1: expected" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree(old_folder) == before


def test_a_failure_while_writing_leaves_the_old_folder(
    old_folder: Path, monkeypatch: pytest.MonkeyPatch
):
    before = tree(old_folder)

    def fail(new: Path, out: Path) -> None:
        assert (new / "values.csv").stat().st_size > 100  # everything was written, then…
        raise OSError("disk full")

    monkeypatch.setattr(output, "_swap", fail)
    with pytest.raises(OSError, match="disk full"):
        importer.run(seed_path(), old_folder)
    assert tree(old_folder) == before
    assert [p.name for p in old_folder.parent.iterdir()] == ["data"]  # temporary folder removed


def test_a_successful_import_replaces_the_folder_whole(old_folder: Path):
    importer.run(seed_path(), old_folder)
    after = tree(old_folder)
    assert after["README.md"] == b"curated\n"  # curated: carried over
    assert after["values.csv"] != b"old values\n"
    assert after["narrative/OES.01.md"] != b"old\n"
    assert "status_rules.yaml" in after
    assert [p.name for p in old_folder.parent.iterdir()] == ["data"]
