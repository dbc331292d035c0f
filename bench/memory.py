"""RSS and PSS of gunicorn workers, from /proc/<pid>/smaps_rollup.

RSS counts every resident page of the process, including pages shared with the master and the
other worker (gunicorn forks after ``preload_app``); PSS divides each shared page by the number of
processes sharing it, so the PSS of all processes adds up to the real memory use.
"""

from __future__ import annotations

from pathlib import Path

FIELDS = (
    "Rss",
    "Pss",
    "Pss_Anon",
    "Pss_File",
    "Shared_Clean",
    "Shared_Dirty",
    "Private_Clean",
    "Private_Dirty",
    "Swap",
)


def parse_smaps_rollup(text: str) -> dict[str, int]:
    """``Rss:  12345 kB`` lines -> {"Rss": 12345 * 1024, ...} in bytes, for FIELDS present."""
    out: dict[str, int] = {}
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        if name in FIELDS:
            parts = rest.split()
            if parts and parts[0].isdigit():
                scale = 1024 if len(parts) > 1 and parts[1].lower() == "kb" else 1
                out[name] = int(parts[0]) * scale
    return out


def read(pid: int) -> dict[str, int]:
    return parse_smaps_rollup(Path(f"/proc/{pid}/smaps_rollup").read_text())


def mib(n: int | float) -> float:
    return n / (1024 * 1024)
