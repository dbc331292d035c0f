"""The one error the importer raises for a text that is not a CEPLAN follow-up report."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class ReportFormatError(ValueError):
    """The report text does not follow the CEPLAN layout: where, and what was expected there.

    ``line`` is 1-based. The parsing steps do not know the file name; :func:`read_report` sets
    ``file`` before the error reaches the user, so the message always names file and line.
    """

    def __init__(self, expected: str, *, line: int | None = None, found: str | None = None):
        self.expected, self.line, self.found = expected, line, found
        self.file = ""
        super().__init__(expected)

    def __str__(self) -> str:
        where = self.file or "report"
        if self.line is not None:
            where += f", line {self.line}"
        text = f"{where}: expected {self.expected}"
        if self.found is not None:
            text += f"; found {self.found}"
        return text

    def in_file(self, file: str) -> ReportFormatError:
        """Name the file the error is about (the same error, for ``raise … from``)."""
        self.file = file
        return self


@contextmanager
def at_line(line: int) -> Iterator[None]:
    """Give a :class:`ReportFormatError` raised inside the block this (1-based) line."""
    try:
        yield
    except ReportFormatError as exc:
        if exc.line is None:
            exc.line = line
        raise
