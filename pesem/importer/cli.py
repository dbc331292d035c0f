"""Command line: ``python -m pesem.importer REPORT.md --out DIR`` (``make import``)."""

from __future__ import annotations

import argparse
import csv
import io
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

from .errors import ReportFormatError

log = logging.getLogger("pesem.importer")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pesem.importer",
        description="Import a CEPLAN follow-up report (markdown text) into a data folder. "
        "The folder is replaced only when the whole import succeeded; its curated files "
        "(status_rules.yaml, README.md) are kept.",
    )
    parser.add_argument("report", type=Path, help="report text (markdown tables)")
    parser.add_argument("--out", type=Path, required=True, help="data folder to write (e.g. data/)")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    return parser


def _summary(out: Path, files: Mapping[str, str]) -> str:
    counts = {
        name: len(list(csv.reader(io.StringIO(text)))) - 1
        for name, text in files.items()
        if name.endswith(".csv")
    }
    narratives = sum(1 for name in files if name.startswith("narrative/"))
    tables = ", ".join(f"{k} {v} rows" for k, v in sorted(counts.items()))
    return f"wrote {out}: {tables}; {narratives} narrative files"


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point; returns the exit code (1 when the import failed, nothing written)."""
    from . import run  # the package's public API; imported late to avoid a cycle

    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        files = run(args.report, args.out)
    except ReportFormatError as exc:
        log.error("not a CEPLAN follow-up report: %s. Nothing was written to %s.", exc, args.out)
        return 1
    except OSError as exc:
        log.error("import failed: %s. Nothing was written to %s.", exc, args.out)
        return 1
    log.info("%s", _summary(args.out, files))
    return 0
