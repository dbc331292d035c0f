"""Browser-side helpers for the PNG exports: a chart card's "Descargar PNG" and its PNG bytes."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: 1600×900 at scale 2, whatever the window size.
SLIDE_PIXELS = (3200, 1800)


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from the IHDR chunk (first chunk, right after the signature)."""
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def download(page: Any, click: Any, timeout_ms: int = 60_000) -> tuple[str, bytes]:
    """(suggested file name, bytes) of the download that ``click()`` starts."""
    with page.expect_download(timeout=timeout_ms) as info:
        click()
    return info.value.suggested_filename, Path(info.value.path()).read_bytes()


def chart_card(page: Any, inside: str) -> Any:
    """The chart card holding the element ``inside`` (a CSS selector, e.g. the graph's id)."""
    card = page.locator(".chart-card").filter(has=page.locator(inside))
    assert card.count() == 1, f"no single chart card with {inside} on {page.url}"
    return card


def download_png(page: Any, card: Any) -> tuple[str, bytes]:
    """Click the card's "Descargar PNG": (file name, PNG bytes) of the chart's slide."""
    return download(page, card.get_by_role("button", name="Descargar PNG").click)
