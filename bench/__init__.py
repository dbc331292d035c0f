"""Benchmark suite of the PESEM dashboard: ``python -m bench`` (see bench/README.md).

Everything runs on this machine against gunicorn servers the suite starts itself on free loopback
ports; nothing is sent anywhere but 127.0.0.1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

BENCH_DIR: Final = Path(__file__).resolve().parent
REPO_ROOT: Final = BENCH_DIR.parent
RESULTS_DIR: Final = BENCH_DIR / "results"

CHROMIUM: Final = "/usr/bin/chromium"
CHROME_FLAGS: Final[tuple[str, ...]] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

# Pages measured for the first visit and by Lighthouse (only those registered when the suite runs).
FIRST_VISIT_PATHS: Final[tuple[str, ...]] = ("/", "/oes/OES.01", "/covid", "/explorar")
# Lighthouse: those, one action page too (issue 14: every main page on a phone).
LIGHTHOUSE_PATHS: Final[tuple[str, ...]] = (
    "/",
    "/oes/OES.01",
    "/aes/AES.01.01",
    "/covid",
    "/explorar",
)
