"""Conditional GET for the data: ``ETag`` from the data version, ``304`` on ``If-None-Match``.

The data version is a SHA-256 over every file of the data folder (relative path and bytes, in
path order), computed once per process: the data never changes while a process serves it, so
every replica serving the same files answers with the same tag, and a proxy or a script can
revalidate a download or an API answer without fetching it again.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Final

from flask import Response, request

#: Shared caches (a proxy) may keep an answer, and must revalidate it before reusing it.
CACHE_CONTROL: Final = "public, no-cache"
#: Characters of the hex digest used as the version (64 bits: enough to tell data apart).
VERSION_CHARS: Final = 16


@functools.cache
def data_version(data_dir: Path) -> str:
    """The version of the data in ``data_dir``: a short SHA-256 of its files' paths and bytes."""
    digest = hashlib.sha256()
    root = Path(data_dir)
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:VERSION_CHARS]


def etag_for(version: str, variant: str = "") -> str:
    """The strong ETag of one representation (``variant``: its format) of the data."""
    return f"{version}-{variant}" if variant else version


def not_modified(etag: str) -> Response | None:
    """A 304 when the request's ``If-None-Match`` names ``etag`` (or ``*``), else None."""
    if etag in request.if_none_match or request.if_none_match.star_tag:
        return cacheable(Response(status=304), etag)
    return None


def cacheable(response: Response, etag: str) -> Response:
    """``response`` with its ETag and :data:`CACHE_CONTROL`."""
    response.set_etag(etag)
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response
