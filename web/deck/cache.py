"""Decks kept on disk per data version, shared by every worker of the host.

Why disk and not memory: gunicorn runs several workers (processes); a memory cache would be
one per worker, each building the same deck again (seconds of Chromium each), and would add
megabytes to every worker. Files under ``$PESEM_DECK_CACHE_DIR`` (default: the system's temp
folder) are shared, survive a worker's restart, and cost nothing when unused.

Safe with several workers: a deck is written to a temporary file in the same folder and moved
into place with ``os.replace`` (atomic), so a reader sees a whole file or none; two workers
that build the same deck at once both write the same content and the last move wins. Each
data version has its own folder (a new data version never serves an old deck), holding at
most :data:`MAX_FILES` decks (least recently used removed first). A cache that cannot be
written is only logged: the deck is still answered.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Final

log = logging.getLogger(__name__)

CACHE_ENV: Final = "PESEM_DECK_CACHE_DIR"
FOLDER: Final = "pesem-presentaciones"
#: Decks kept per data version: every page of a report and a few filtered explorer views.
MAX_FILES: Final = 64
SUFFIX: Final = ".pptx"


def root() -> Path:
    """The cache folder: ``$PESEM_DECK_CACHE_DIR``, else ``pesem-presentaciones`` in the temp
    folder."""
    configured = os.environ.get(CACHE_ENV)
    return Path(configured) if configured else Path(tempfile.gettempdir()) / FOLDER


def path_for(version: str, key: str) -> Path:
    """The file of the deck ``key`` (the request's canonical query) of data ``version``."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return root() / version / f"{digest}{SUFFIX}"


def _prune(folder: Path) -> None:
    files = sorted(folder.glob(f"*{SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[MAX_FILES:]:
        old.unlink(missing_ok=True)


def _store(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as handle:
        handle.write(data)
    os.replace(handle.name, path)
    _prune(path.parent)


def get_or_build(version: str, key: str, build: Callable[[], bytes]) -> bytes:
    """The cached deck of (``version``, ``key``), or ``build()`` stored for the next request."""
    path = path_for(version, key)
    try:
        data = path.read_bytes()
        os.utime(path)  # recently used: pruned last
        return data
    except OSError:
        pass
    data = build()
    try:
        _store(path, data)
    except OSError:
        log.warning("could not cache the deck in %s", path.parent, exc_info=True)
    return data
