"""Load and validate the data files of ``data/`` into a :class:`Dataset`.

Every problem is reported as a :class:`DataFileError` naming the file, the row (1-based data row,
plus the line number in the file), the column, what was expected and what was found. Nothing is
dropped silently: a file either loads whole or stops the start-up.
"""

from __future__ import annotations

import functools
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa
import yaml

from pesem import vocabulary
from pesem.formulas import parse_report_number
from pesem.report import ReportMeta, ReportMetaError
from pesem.status import validate_rules

log = logging.getLogger(__name__)

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[1] / "data"

SERIES = ("baseline", "expected", "achieved", "reported_tipo1", "reported_tipo2")
MISSING_REASONS = ("sin_meta", "sin_dato", "vacio", "error_tipografico")
UNITS = (
    "ratio",
    "porcentaje",
    "numero",
    "tasa",
    "indice",
    "cantidad",
    "tasa_variacion",
)
DIRECTIONS = ("ascendente", "descendente")
OES_RE = vocabulary.OBJECTIVE_RE
AES_RE = vocabulary.ACTION_RE
INDICATOR_RE = vocabulary.INDICATOR_RE


class DataFileError(ValueError):
    """A data file that cannot be used, with the exact place of the problem."""

    def __init__(
        self,
        file: str,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        expected: str | None = None,
        found: Any = None,
    ) -> None:
        self.file, self.row, self.column = file, row, column
        self.expected, self.found = expected, found
        where = file
        if row is not None:
            where += f", row {row} (line {row + 1})"
        if column is not None:
            where += f", column '{column}'"
        detail = message
        if expected is not None:
            detail += f": expected {expected}"
        if found is not None:
            detail += f", found {found!r}"
        super().__init__(f"{where}: {detail}")


@dataclass(eq=False)
class Dataset:
    """Everything the dashboard shows, as loaded from ``data/``. Treat as read-only."""

    oes: pd.DataFrame
    aes: pd.DataFrame
    indicators: pd.DataFrame
    values: pd.DataFrame
    body_values: pd.DataFrame
    claims: pd.DataFrame
    narrative: dict[str, str]
    report: dict[str, Any]
    status_rules: dict[str, Any]
    meta: ReportMeta
    data_dir: Path = field(default=DEFAULT_DATA_DIR)
    #: Derived tables (pesem.metrics, pesem.findings), computed once when the dataset is built.
    summary: pd.DataFrame = field(init=False, repr=False)
    yearly: pd.DataFrame = field(init=False, repr=False)
    findings: pd.DataFrame = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # The data never changes while a process serves it: derive every table now, once, so
        # requests only filter frames (and a copy made with dataclasses.replace re-derives).
        from pesem import findings, metrics  # they import Dataset: imported here, not on top

        self.summary = metrics.build_summary(self)
        self.yearly = metrics.build_yearly(self)
        self.findings = findings.build_findings(self)


def _text(**kwargs: Any) -> pa.Column:
    return pa.Column(str, nullable=False, **kwargs)


def _required_text(**kwargs: Any) -> pa.Column:
    return pa.Column(str, pa.Check.str_length(min_value=1), nullable=False, **kwargs)


OES_SCHEMA = pa.DataFrameSchema(
    {
        "oes_code": _text(checks=pa.Check.str_matches(OES_RE), unique=True),
        "name": _required_text(),
    },
    strict=False,
)
AES_SCHEMA = pa.DataFrameSchema(
    {
        "aes_code": _text(checks=pa.Check.str_matches(AES_RE), unique=True),
        "oes_code": _text(checks=pa.Check.str_matches(OES_RE)),
        "description": _required_text(),
        "description_body": _text(),
    },
    strict=False,
)
INDICATOR_SCHEMA = pa.DataFrameSchema(
    {
        "indicator_id": _text(checks=pa.Check.str_matches(INDICATOR_RE), unique=True),
        "level": _text(checks=pa.Check.isin(["OES", "AES"])),
        "oes_code": _text(checks=pa.Check.str_matches(OES_RE)),
        "aes_code": _text(checks=pa.Check.str_matches(rf"{AES_RE[:-1]}|^$")),
        "seq": pa.Column(int, pa.Check.ge(1), coerce=True),
        "name": _required_text(),
        "name_body": _text(),
        "source": _text(),
        "unit": _text(checks=pa.Check.isin(list(UNITS))),
        "direction": _text(checks=pa.Check.isin(list(DIRECTIONS))),
        "executing_unit": _text(),
        "responsible_units": _text(),
        "provenance": _required_text(),
    },
    strict=False,
)
VALUE_COLUMNS = {
    "indicator_id": _text(checks=pa.Check.str_matches(INDICATOR_RE)),
    "series": _text(checks=pa.Check.isin(list(SERIES))),
    "year": pa.Column(int, pa.Check.in_range(1950, 2100), coerce=True),
    "raw": _text(),
    "value": pa.Column(float, nullable=True, coerce=True),
    "missing_reason": _text(checks=pa.Check.isin(["", *MISSING_REASONS])),
}
VALUES_SCHEMA = pa.DataFrameSchema(
    {**VALUE_COLUMNS, "note": _text()},
    strict=False,
    unique=["indicator_id", "series", "year"],
)
BODY_SCHEMA = pa.DataFrameSchema(
    {"table": _required_text(), **VALUE_COLUMNS},
    strict=False,
    unique=["table", "indicator_id", "series", "year"],
)
CLAIMS_SCHEMA = pa.DataFrameSchema(
    {
        "claim_id": _text(unique=True),
        "indicator_id": _text(checks=pa.Check.str_matches(rf"{INDICATOR_RE[:-1]}|^$")),
        "kind": _required_text(),
        "year": pa.Column(int, pa.Check.in_range(1950, 2100), coerce=True, nullable=True),
        "value": pa.Column(float, coerce=True),
        "text": _required_text(),
        "location": _required_text(),
    },
    strict=False,
)


def _read_csv(path: Path, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Read a CSV as text and validate it; the first failure becomes a DataFileError."""
    name = _display(path)
    if not path.is_file():
        raise DataFileError(name, "file not found")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataFileError(name, f"cannot be read as UTF-8 CSV ({exc})") from exc
    missing = [c for c in schema.columns if c not in frame.columns]
    if missing:
        raise DataFileError(
            name,
            "missing column",
            column=missing[0],
            expected=f"columns {', '.join(schema.columns)}",
            found=f"columns {', '.join(frame.columns)}",
        )
    # Empty numeric cells are legitimate (missing values): make them NaN before coercion.
    for col, spec in schema.columns.items():
        if spec.dtype is not None and str(spec.dtype) in ("float64", "int64") and spec.nullable:
            frame[col] = frame[col].replace("", None)
    try:
        return schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise _first_failure(name, exc) from exc


def _first_failure(name: str, exc: pa.errors.SchemaErrors) -> DataFileError:
    cases = exc.failure_cases.copy()
    cases["_index"] = pd.to_numeric(cases["index"], errors="coerce")
    cases = cases.sort_values("_index", na_position="last")
    case = cases.iloc[0]
    check = str(case["check"])
    row = None if pd.isna(case["_index"]) else int(case["_index"]) + 1
    expected = _describe_check(check)
    message = "duplicated value" if "uniqueness" in check or "unique" in check else "invalid value"
    return DataFileError(
        name,
        message,
        row=row,
        column=str(case["column"]),
        expected=expected,
        found=case["failure_case"],
    )


def _describe_check(check: str) -> str:
    if check.startswith(("coerce_dtype('float64')", "dtype('float64')")):
        return "a number (or an empty cell for a missing value)"
    if "int64" in check:
        return "a whole number"
    if "uniqueness" in check or "unique" in check:
        return "a value that appears only once"
    if check.startswith("str_matches"):
        return f"text matching {check[len('str_matches(') : -1]}"
    if check.startswith("isin"):
        return f"one of {check[len('isin(') : -1]}"
    if check.startswith("str_length"):
        return "a non-empty text"
    return check


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _fail_row(file: str, frame: pd.DataFrame, mask: pd.Series, column: str, expected: str) -> None:
    """Raise for the first row where ``mask`` is true."""
    if mask.any():
        idx = int(mask.to_numpy().nonzero()[0][0])
        raise DataFileError(
            file,
            "invalid value",
            row=idx + 1,
            column=column,
            expected=expected,
            found=frame.iloc[idx][column],
        )


def _check_cells(file: str, frame: pd.DataFrame) -> None:
    """A value is present or has a missing reason, and agrees with the report's raw text."""
    empty = frame["value"].isna()
    _fail_row(
        file,
        frame,
        empty & (frame["missing_reason"] == ""),
        "missing_reason",
        "a reason (sin_meta, sin_dato, vacio, error_tipografico) when value is empty",
    )
    _fail_row(
        file,
        frame,
        ~empty & (frame["missing_reason"] != ""),
        "missing_reason",
        "an empty cell when value is given",
    )
    parsed = frame["raw"].map(parse_report_number)
    disagree = parsed.notna() & ~empty & ((parsed - frame["value"]).abs() > 1e-9)
    _fail_row(file, frame, disagree, "value", "the number printed in 'raw'")
    _fail_row(file, frame, parsed.notna() & empty, "value", "the number printed in 'raw'")


def _check_reference(
    file: str,
    frame: pd.DataFrame,
    column: str,
    valid: set[str],
    what: str,
    allow_empty: bool = False,
) -> None:
    bad = ~frame[column].isin(valid)
    if allow_empty:
        bad &= frame[column] != ""
    _fail_row(file, frame, bad, column, f"an existing {what}")


def _read_yaml(path: Path) -> dict[str, Any]:
    name = _display(path)
    if not path.is_file():
        raise DataFileError(name, "file not found")
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise DataFileError(name, f"not valid YAML ({exc})") from exc
    if not isinstance(content, dict):
        raise DataFileError(name, "invalid content", expected="a mapping at the top level")
    return content


def _read_narrative(folder: Path) -> dict[str, str]:
    if not folder.is_dir():
        raise DataFileError(_display(folder), "folder not found")
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.md"))}


def load_dataset(data_dir: str | os.PathLike[str] = DEFAULT_DATA_DIR) -> Dataset:
    """Load and validate every data file; raise DataFileError on the first problem."""
    root = Path(data_dir)
    f = {
        name: root / name
        for name in (
            "oes.csv",
            "aes.csv",
            "indicators.csv",
            "values.csv",
            "body_values.csv",
            "claims.csv",
        )
    }
    oes = _read_csv(f["oes.csv"], OES_SCHEMA)
    aes = _read_csv(f["aes.csv"], AES_SCHEMA)
    indicators = _read_csv(f["indicators.csv"], INDICATOR_SCHEMA)
    values = _read_csv(f["values.csv"], VALUES_SCHEMA)
    body = _read_csv(f["body_values.csv"], BODY_SCHEMA)
    claims = _read_csv(f["claims.csv"], CLAIMS_SCHEMA)

    oes_codes, aes_codes = set(oes["oes_code"]), set(aes["aes_code"])
    ids = set(indicators["indicator_id"])
    _check_reference(_display(f["aes.csv"]), aes, "oes_code", oes_codes, "OES code (oes.csv)")
    name = _display(f["indicators.csv"])
    _check_reference(name, indicators, "oes_code", oes_codes, "OES code (oes.csv)")
    _check_reference(
        name, indicators, "aes_code", aes_codes, "AES code (aes.csv)", allow_empty=True
    )
    _fail_row(
        name,
        indicators,
        (indicators["level"] == "AES") & (indicators["aes_code"] == ""),
        "aes_code",
        "an AES code for an AES-level indicator",
    )
    _fail_row(
        name,
        indicators,
        (indicators["level"] == "OES") & (indicators["aes_code"] != ""),
        "aes_code",
        "an empty cell for an OES-level indicator",
    )
    parent = aes.set_index("aes_code")["oes_code"]
    wrong_parent = (indicators["aes_code"] != "") & (
        indicators["aes_code"].map(parent) != indicators["oes_code"]
    )
    _fail_row(name, indicators, wrong_parent, "oes_code", "the OES that the AES belongs to")
    for key, frame in (("values.csv", values), ("body_values.csv", body)):
        _check_reference(
            _display(f[key]),
            frame,
            "indicator_id",
            ids,
            "indicator_id (indicators.csv)",
        )
        _check_cells(_display(f[key]), frame)
    _check_reference(
        _display(f["claims.csv"]),
        claims,
        "indicator_id",
        ids,
        "indicator_id (indicators.csv)",
        allow_empty=True,
    )
    baselines = values[values["series"] == "baseline"].groupby("indicator_id").size()
    without = sorted(ids - set(baselines.index))
    if without:
        raise DataFileError(
            _display(f["values.csv"]),
            "indicator without baseline row",
            column="indicator_id",
            expected="one baseline row per indicator",
            found=without[0],
        )
    twice = baselines[baselines > 1]
    if len(twice):
        raise DataFileError(
            _display(f["values.csv"]),
            "more than one baseline row",
            column="indicator_id",
            found=twice.index[0],
        )

    report = _read_yaml(root / "report.yaml")
    try:
        meta = ReportMeta.from_mapping(report)
    except ReportMetaError as exc:
        raise DataFileError(
            _display(root / "report.yaml"),
            "invalid report metadata",
            column=exc.key,
            expected=exc.expected,
            found=exc.found,
        ) from exc
    rules = _read_yaml(root / "status_rules.yaml")
    problems = validate_rules(rules)
    if problems:
        raise DataFileError(_display(root / "status_rules.yaml"), problems[0])

    dataset = Dataset(
        oes=oes,
        aes=aes,
        indicators=indicators,
        values=values,
        body_values=body,
        claims=claims,
        narrative=_read_narrative(root / "narrative"),
        report=report,
        status_rules=rules,
        meta=meta,
        data_dir=root,
    )
    log.info(
        "dataset loaded from %s: %d OES, %d AES, %d indicators, %d values",
        root,
        len(oes),
        len(aes),
        len(indicators),
        len(values),
    )
    return dataset


def data_dir_from_env() -> Path:
    """The data folder: ``$PESEM_DATA_DIR`` or the repository's ``data/``."""
    return Path(os.environ.get("PESEM_DATA_DIR") or DEFAULT_DATA_DIR)


@functools.cache
def get_dataset() -> Dataset:
    """The process-wide dataset, loaded and validated once."""
    return load_dataset(data_dir_from_env())
