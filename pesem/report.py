"""What one follow-up report is: its plan, years, sector and file names (``data/report.yaml``).

Every label, computation and file name that depends on the report reads a :class:`ReportMeta`;
product code holds no year, sector or ministry of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

#: Keys every report.yaml must have (the importer writes them all).
REQUIRED_KEYS = (
    "plan",
    "plan_type",
    "plan_start",
    "plan_end",
    "year",
    "previous_year",
    "sector",
    "sector_short",
    "ministry",
    "title",
    "source",
    "file_prefix",
)
_INT_KEYS = frozenset({"plan_start", "plan_end", "year", "previous_year"})


class ReportMetaError(ValueError):
    """A report.yaml key that is missing or wrong, with the key, expectation and value found."""

    def __init__(self, key: str, expected: str, found: Any) -> None:
        self.key, self.expected, self.found = key, expected, found
        super().__init__(f"key '{key}': expected {expected}, found {found!r}")


@dataclass(frozen=True)
class ReportMeta:
    """The identity of one follow-up report: plan, period, assessed year, sector, names."""

    plan: str  # plan name with its period, as printed on the cover
    plan_type: str  # "PESEM" (a PEI report would say "PEI")
    plan_start: int  # first year of the plan period
    plan_end: int  # the plan's final year (its final targets)
    year: int  # the year the report assesses
    previous_year: int  # the year it is compared with
    sector: str  # "Relaciones Exteriores"
    sector_short: str  # "RR.EE." (navbar, tight labels)
    ministry: str
    title: str
    source: str  # "Fuente: ..." line under every chart and table
    file_prefix: str  # plan type, sector letters, year: every download's name starts with it
    executing_unit: str = ""
    government_level: str = ""

    @property
    def expected_years(self) -> tuple[int, ...]:
        """Years with a logro esperado column: the plan period after its first year."""
        return tuple(range(self.plan_start + 1, self.plan_end + 1))

    @property
    def achieved_years(self) -> tuple[int, ...]:
        """Years with a valor obtenido column: from the plan's second year to the assessed one."""
        return tuple(range(self.plan_start + 1, self.year + 1))

    @property
    def final_year(self) -> int:
        """The plan's final year (alias of ``plan_end``)."""
        return self.plan_end

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> ReportMeta:
        """Validate report.yaml's mapping; :class:`ReportMetaError` names the first bad key."""
        for key in REQUIRED_KEYS:
            if key not in data or data[key] in (None, ""):
                raise ReportMetaError(key, "a value", data.get(key))
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = data.get(f.name, "")
            if f.name in _INT_KEYS:
                if isinstance(raw, bool) or not isinstance(raw, int):
                    raise ReportMetaError(f.name, "a whole year (an integer)", raw)
                values[f.name] = raw
            else:
                values[f.name] = "" if raw is None else str(raw)
        meta = cls(**values)
        meta.check_years()
        return meta

    def check_years(self) -> None:
        """The years must fit together: start < end, start < year ≤ end, previous < year."""
        if not self.plan_start < self.plan_end:
            raise ReportMetaError(
                "plan_end", f"a year after plan_start {self.plan_start}", self.plan_end
            )
        if not self.plan_start < self.year <= self.plan_end:
            raise ReportMetaError(
                "year", f"a year in {self.plan_start + 1}-{self.plan_end}", self.year
            )
        if not self.previous_year < self.year:
            raise ReportMetaError("previous_year", f"a year before {self.year}", self.previous_year)
