"""A synthetic dataset ~100x larger than data/, for the growth benchmark.

The real report covers one sector and one follow-up year. A national roll-out would hold the same
kind of data for many sectors and several follow-up years, so the generator multiplies every
indicator by ``sectors x years`` copies (20 x 5 = 100 by default). Copy 0 keeps the real ids, so
payloads captured against the real data stay valid; copy ``j`` gets new indicator ids under the same
OES/AES codes (``OES.01-1`` -> ``OES.01-101``, ``OES.01-201``...; the id pattern allows any
sequence number while OES/AES codes are limited to two digits) and a name that says which
sector/year it stands for. Values, raw cells, missing reasons and notes are copied unchanged, so
every copy passes the same validation as the original (``pesem.loader.load_dataset``).

OES, AES, narrative, report.yaml and status_rules.yaml are copied as they are.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

FIRST_YEAR = 2020
PER_INDICATOR = ("values.csv", "body_values.csv")


@dataclass(frozen=True)
class SynthStats:
    """Row counts of the real and the synthetic dataset."""

    factor: int
    real_rows: dict[str, int]
    big_rows: dict[str, int]

    @property
    def real_total(self) -> int:
        return sum(self.real_rows.values())

    @property
    def big_total(self) -> int:
        return sum(self.big_rows.values())

    @property
    def ratio(self) -> float:
        return self.big_total / self.real_total if self.real_total else 0.0


def _read(path: Path) -> pd.DataFrame:
    # Text in, text out: raw cells ("72.2%", "---", "") must survive byte for byte.
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def _write(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def _stride(indicators: pd.DataFrame) -> int:
    """A power of ten above every real sequence number, so new ids never collide."""
    top = max((int(s) for s in indicators["seq"]), default=1)
    stride = 10
    while stride <= top:
        stride *= 10
    return max(stride, 100)


def copy_label(copy: int, years: int) -> str:
    """Which sector/year a copy stands for: copy 0 is the real report."""
    sector, year = divmod(copy, years)
    return f"S{sector + 1:02d}/{FIRST_YEAR + year}"


def id_map(indicators: pd.DataFrame, copy: int, stride: int) -> dict[str, str]:
    """Real indicator id -> the id of that indicator in ``copy`` (identity for copy 0)."""
    mapping = {}
    for iid, seq in zip(indicators["indicator_id"], indicators["seq"], strict=True):
        code = iid.rsplit("-", 1)[0]
        mapping[iid] = f"{code}-{int(seq) + copy * stride}"
    return mapping


def generate(src: Path, dst: Path, *, sectors: int = 20, years: int = 5) -> SynthStats:
    """Write into ``dst`` a dataset with ``sectors * years`` copies of each indicator of ``src``."""
    src, dst = Path(src), Path(dst)
    factor = sectors * years
    if factor < 1:
        raise ValueError("sectors and years must be >= 1")
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst)

    indicators = _read(src / "indicators.csv")
    per_indicator = {name: _read(src / name) for name in PER_INDICATOR}
    claims = _read(src / "claims.csv")
    stride = _stride(indicators)

    ind_parts, claim_parts = [], []
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in PER_INDICATOR}
    tied_claims = claims[claims["indicator_id"] != ""]
    for copy in range(factor):
        mapping = id_map(indicators, copy, stride)
        ind = indicators.copy()
        ind["indicator_id"] = ind["indicator_id"].map(mapping)
        ind["seq"] = [str(int(s) + copy * stride) for s in indicators["seq"]]
        if copy:
            label = copy_label(copy, years)
            ind["name"] = ind["name"] + f" [{label}]"
            ind["provenance"] = ind["provenance"] + f" (sintético {label})"
        ind_parts.append(ind)
        for name, frame in per_indicator.items():
            part = frame.copy()
            part["indicator_id"] = part["indicator_id"].map(mapping)
            parts[name].append(part)
        part = tied_claims.copy()
        part["indicator_id"] = part["indicator_id"].map(mapping)
        if copy:
            part["claim_id"] = part["claim_id"] + f"~{copy}"
        claim_parts.append(part)
    claim_parts.append(claims[claims["indicator_id"] == ""])

    _write(pd.concat(ind_parts, ignore_index=True), dst / "indicators.csv")
    for name, frames in parts.items():
        _write(pd.concat(frames, ignore_index=True), dst / name)
    _write(pd.concat(claim_parts, ignore_index=True), dst / "claims.csv")

    counted = ("indicators.csv", *PER_INDICATOR, "claims.csv")
    return SynthStats(
        factor=factor,
        real_rows={name: len(_read(src / name)) for name in counted},
        big_rows={name: len(_read(dst / name)) for name in counted},
    )
