"""Step 5, write: the files of a data folder, swapped in whole or not at all.

Everything is written to a temporary sibling folder first; only when it is complete does it
replace the data folder. Files the importer does not produce (``status_rules.yaml``,
``README.md``: curated) are carried over from the old folder; the default rules are added when
there are none.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import secrets
import shutil
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from pesem.rules import RULES_FILE, default_rules_text

from .claims import CLAIM_COLUMNS

log = logging.getLogger("pesem.importer")

#: One numeric cell of a table: the columns values.csv (annex) and body_values.csv (body) share.
CELL_COLUMNS = ("indicator_id", "series", "year", "raw", "value", "missing_reason")
OUTPUT_COLUMNS = {
    "oes.csv": ("oes_code", "name"),
    "aes.csv": ("aes_code", "oes_code", "description", "description_body"),
    "indicators.csv": (
        "indicator_id",
        "level",
        "oes_code",
        "aes_code",
        "seq",
        "name",
        "name_body",
        "source",
        "unit",
        "direction",
        "executing_unit",
        "responsible_units",
        "provenance",
    ),
    "values.csv": (*CELL_COLUMNS, "note"),
    "body_values.csv": ("table", *CELL_COLUMNS),
    "claims.csv": CLAIM_COLUMNS,
}
NARRATIVE_DIR = "narrative"
#: Top-level entries of a data folder that the importer writes (everything else is curated).
PRODUCED = frozenset({"report.yaml", NARRATIVE_DIR, *OUTPUT_COLUMNS})


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, str]]) -> str:
    """CSV text (UTF-8, comma, ``\\n`` line ends, minimal quoting)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    return buffer.getvalue()


def _write_files(files: Mapping[str, str], folder: Path) -> None:
    (folder / NARRATIVE_DIR).mkdir(parents=True, exist_ok=True)
    for name, text in sorted(files.items()):
        (folder / name).write_bytes(text.encode("utf-8"))


def _carry_over(old: Path, new: Path) -> None:
    """Copy the curated entries of the old folder (anything the importer does not produce)."""
    for entry in sorted(old.iterdir()):
        if entry.name in PRODUCED:
            continue
        if entry.is_dir():
            shutil.copytree(entry, new / entry.name, symlinks=True)
        else:
            shutil.copy2(entry, new / entry.name)
        log.info("kept curated %s", entry)


def _sibling(out: Path, role: str) -> Path:
    """An unused hidden name next to ``out`` (same file system, so renames are atomic)."""
    return out.parent / f".{out.name}.{role}-{os.getpid()}-{secrets.token_hex(4)}"


def _swap(new: Path, out: Path) -> None:
    """Put ``new`` where ``out`` is: rename the old folder aside, rename the new one in."""
    if not out.exists():
        new.rename(out)
        return
    aside = _sibling(out, "old")
    out.rename(aside)
    try:
        new.rename(out)
    except OSError:
        aside.rename(out)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def write_data_folder(files: Mapping[str, str], out: Path) -> None:
    """Write ``files`` as the whole content of ``out`` (plus its curated files).

    The folder is complete before it replaces ``out`` by two renames (old aside, new in), so a
    reader finds the old folder or the new one, never a mix. On any error the temporary folder
    is removed and ``out`` is left as it was.
    """
    out = out.resolve() if out.is_symlink() else Path(os.path.abspath(out))
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"{out}: expected a folder for the data files")
    out.parent.mkdir(parents=True, exist_ok=True)
    new = _sibling(out, "import")
    new.mkdir()  # the umask's permissions, like any folder the user creates
    try:
        _write_files(files, new)
        if out.exists():
            _carry_over(out, new)
            shutil.copymode(out, new)
        if not (new / RULES_FILE).exists():
            (new / RULES_FILE).write_bytes(default_rules_text().encode("utf-8"))
            log.info("created default %s", out / RULES_FILE)
        _swap(new, out)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
