"""Loading and validating data/: the real files load; broken copies fail with a precise message."""

import shutil
from pathlib import Path

import pytest

from pesem.loader import DataFileError, load_dataset

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_real_data_loads():
    ds = load_dataset(DATA)
    assert len(ds.oes) == 4
    assert len(ds.aes) == 30
    assert len(ds.indicators) == 24
    assert (ds.indicators["level"] == "OES").sum() == 7
    assert (ds.indicators["level"] == "AES").sum() == 17
    assert ds.indicators.loc[ds.indicators["level"] == "AES", "aes_code"].nunique() == 13
    assert set(ds.aes["aes_code"]) <= set(ds.narrative)


def _load_error(data_dir: Path) -> DataFileError:
    """The error that loading ``data_dir`` raises (the test fails when it loads)."""
    with pytest.raises(DataFileError) as info:
        load_dataset(data_dir)
    return info.value


def test_missing_column(data_copy: Path):
    _edit(data_copy / "indicators.csv", "responsible_units", "unidad_responsable")
    message = str(_load_error(data_copy))
    assert "indicators.csv" in message and "responsible_units" in message
    assert "missing column" in message


def test_non_numeric_value(data_copy: Path):
    path = data_copy / "values.csv"
    line = _line_of(path, "AES.03.04-1,achieved,2020")
    _edit(path, "AES.03.04-1,achieved,2020,37368,37368", "AES.03.04-1,achieved,2020,37368,abc")
    err = _load_error(data_copy)
    assert err.file.endswith("values.csv")
    assert err.column == "value"
    assert err.row == line - 1  # data row; line counts the header
    assert f"line {line}" in str(err)
    assert "a number" in str(err) and "abc" in str(err)


def test_aes_whose_oes_does_not_exist(data_copy: Path):
    path = data_copy / "aes.csv"
    line = _line_of(path, "AES.04.06,")
    _edit(path, "AES.04.06,OES.04", "AES.04.06,OES.09")
    err = _load_error(data_copy)
    assert err.file.endswith("aes.csv") and err.column == "oes_code" and err.row == line - 1
    assert "OES.09" in str(err) and "existing OES code" in str(err)


#: (file, text, replacement, the error's column, words its message must contain)
BROKEN_CELLS = {
    "duplicated code": (
        "aes.csv",
        "AES.01.02,",
        "AES.01.01,",
        "aes_code",
        ["duplicated", "AES.01.01"],
    ),
    "value without missing reason": ("values.csv", ",sin_meta,", ",,", "missing_reason", []),
    "value that contradicts the report text": (
        "values.csv",
        "AES.03.04-1,achieved,2020,37368,37368",
        "AES.03.04-1,achieved,2020,37368,37369",
        "value",
        ["raw"],
    ),
    "unknown indicator in values": (
        "values.csv",
        "AES.03.04-1,achieved,2020",
        "AES.03.04-7,achieved,2020",
        "indicator_id",
        ["AES.03.04-7"],
    ),
}


@pytest.mark.parametrize(
    ("name", "old", "new", "column", "words"), BROKEN_CELLS.values(), ids=BROKEN_CELLS.keys()
)
def test_broken_cell_names_its_column(data_copy: Path, name, old, new, column, words):
    _edit(data_copy / name, old, new)
    err = _load_error(data_copy)
    assert err.column == column
    for word in words:
        assert word in str(err)


def test_broken_status_rules(data_copy: Path):
    (data_copy / "status_rules.yaml").write_text("thresholds: {cumplido: 50, en_riesgo: 70}\n")
    assert "status_rules.yaml" in str(_load_error(data_copy))


def test_missing_file(data_copy: Path):
    (data_copy / "claims.csv").unlink()
    with pytest.raises(DataFileError, match="claims.csv: file not found"):
        load_dataset(data_copy)
