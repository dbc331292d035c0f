"""Presenter deck timings (issue 16): page decks ≤ 5 s, the whole report ≤ 30 s, on this machine.

``python -m bench.deck`` (under ``flock /tmp/heavy.lock``: it starts Chromium) prints the rows;
``python -m bench`` runs it last (``measure`` + ``rows``). One gunicorn server like ``make run``
(``app:server``, 2 workers) with an empty deck cache of its own: every first request of a deck
is cold (one Chromium start + every chart of the deck rendered + python-pptx), then the same
request again (served from the disk cache, maybe by the other worker) and a revalidation with
``If-None-Match`` (304). Also the SVG ZIP of a page (cold: no cache for ZIPs).
"""

from __future__ import annotations

import argparse
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode

from bench import servers
from bench.report import Row, verdict

PAGE_BUDGET_S: Final = 5.0
WHOLE_BUDGET_S: Final = 30.0
DECK_ROUTE: Final = "/download/presentacion.pptx"
ZIP_ROUTE: Final = "/download/graficos.zip"
#: Page decks measured: one chart, an OES's charts, the COVID page's three, the explorer's one.
PAGES: Final = ("/", "/oes/OES.02", "/covid", "/explorar")


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, float, int, str]:
    """(status, seconds, bytes, ETag) of one GET."""
    request = urllib.request.Request(url, headers=headers or {})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            body = response.read()
            status, etag = response.status, response.headers.get("ETag", "")
    except urllib.error.HTTPError as error:
        body, status, etag = error.read(), error.code, error.headers.get("ETag", "")
    return status, time.perf_counter() - start, len(body), etag


def _case(srv: servers.Server, label: str, path: str) -> dict[str, Any]:
    cold_status, cold_s, size, etag = _get(srv.url(path))
    _, cached_s, _, _ = _get(srv.url(path))
    revalidate_status, revalidate_s, _, _ = _get(srv.url(path), {"If-None-Match": etag})
    return {
        "label": label,
        "path": path,
        "status": cold_status,
        "bytes": size,
        "cold_s": cold_s,
        "cached_s": cached_s,
        "revalidate_status": revalidate_status,
        "revalidate_s": revalidate_s,
    }


def measure(log_dir: Path | None = None, log: Any = print) -> dict[str, Any]:
    """Start ``app:server`` with an empty deck cache and time the decks and the SVG ZIP."""
    work = Path(tempfile.mkdtemp(prefix="pesem-bench-deck-"))
    log_dir = log_dir or work / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    cases = []
    with servers.running(
        "deck", "app:server", log_dir, extra_env={"PESEM_DECK_CACHE_DIR": str(work / "cache")}
    ) as srv:
        for page in PAGES:
            log(f"deck: page {page}")
            query = urlencode({"pagina": page})
            cases.append(_case(srv, f"page deck {page}", f"{DECK_ROUTE}?{query}"))
        log("deck: whole report")
        cases.append(_case(srv, "whole report deck", DECK_ROUTE))
        log("deck: SVG ZIP of /oes/OES.02")
        query = urlencode({"pagina": "/oes/OES.02", "formato": "svg"})
        status, seconds, size, _ = _get(srv.url(f"{ZIP_ROUTE}?{query}"))
        svg = {"label": "SVG ZIP /oes/OES.02", "status": status, "bytes": size, "cold_s": seconds}
    return {"cases": cases, "svg_zip": svg}


def rows(result: dict[str, Any] | None) -> list[Row]:
    """The table's rows: cold time against the budget, cached and 304 as information."""
    if not result:
        return []
    out = []
    for case in result["cases"]:
        budget = WHOLE_BUDGET_S if case["path"] == DECK_ROUTE else PAGE_BUDGET_S
        ok = case["status"] == 200 and case["cold_s"] <= budget
        out.append(
            Row(
                "deck",
                case["label"],
                "cold (render + pptx)",
                f"{case['cold_s']:.2f} s ({case['bytes'] / 1e6:.1f} MB)",
                f"cached {case['cached_s'] * 1000:.0f} ms · "
                f"304 {case['revalidate_s'] * 1000:.0f} ms",
                budget=f"≤ {budget:.0f} s",
                result=verdict(ok and case["revalidate_status"] == 304),
            )
        )
    svg = result["svg_zip"]
    out.append(
        Row(
            "deck",
            svg["label"],
            "cold",
            f"{svg['cold_s']:.2f} s",
            result=verdict(svg["status"] == 200),
        )
    )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    result = measure()
    for row in rows(result):
        cells = (row.item, row.metric, row.value, row.reference, row.budget, row.result)
        print(" | ".join(cells))
    return 0 if all(r.result == "PASS" for r in rows(result)) else 1


if __name__ == "__main__":
    raise SystemExit(main())
