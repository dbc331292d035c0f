"""Conditional GET for the data: ``ETag`` and ``Last-Modified`` from the data version, ``304``.

The data version is a SHA-256 over every file of the data folder (relative path and bytes, in
path order), computed once per process: the data never changes while a process serves it, so
every replica serving the same files answers with the same tag, and a proxy or a script can
revalidate a download or an API answer without fetching it again. ``Last-Modified`` is the
newest modification time of those same files (read in the same walk): replicas of one image or
one checkout agree on it; where they might not, ``If-None-Match`` wins over
``If-Modified-Since`` (RFC 9110), and clients and proxies send both.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from pathlib import Path
from typing import Final, NamedTuple

from flask import Response, request
from werkzeug.http import is_resource_modified, parse_etags

#: Shared caches (a proxy) may keep an answer, and must revalidate it before reusing it.
CACHE_CONTROL: Final = "public, no-cache"
#: Characters of the hex digest used as the version (64 bits: enough to tell data apart).
VERSION_CHARS: Final = 16


class DataStamp(NamedTuple):
    """What identifies the data a process serves: its version and its last modification."""

    version: str
    modified: dt.datetime


@functools.cache
def data_stamp(data_dir: Path) -> DataStamp:
    """Version (short SHA-256 of paths and bytes) and newest mtime (UTC) of ``data_dir``."""
    digest = hashlib.sha256()
    root = Path(data_dir)
    newest = 0.0
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
        newest = max(newest, path.stat().st_mtime)
    modified = dt.datetime.fromtimestamp(int(newest), tz=dt.UTC)  # HTTP dates have no fraction
    return DataStamp(digest.hexdigest()[:VERSION_CHARS], modified)


def data_version(data_dir: Path) -> str:
    """The version of the data in ``data_dir``: a short SHA-256 of its files' paths and bytes."""
    return data_stamp(data_dir).version


def data_last_modified(data_dir: Path) -> dt.datetime:
    """When the newest file of ``data_dir`` was modified (UTC, whole seconds)."""
    return data_stamp(data_dir).modified


def etag_for(version: str, variant: str = "") -> str:
    """The strong ETag of one representation (``variant``: its format) of the data."""
    return f"{version}-{variant}" if variant else version


def _matching_tag(etag: str) -> str | None:
    """The tag of ``If-None-Match`` that names ``etag``, compressed or not, else None.

    flask-compress appends ``:<encoding>`` to the tag of what it compressed and nginx's gzip
    marks a tag weak (``W/``): both still name this representation (weak comparison, RFC 9110).
    """
    for tag in parse_etags(request.headers.get("If-None-Match")).as_set(include_weak=True):
        if tag == etag or tag.startswith(f"{etag}:"):
            return tag
    return None


def not_modified(etag: str, last_modified: dt.datetime | None = None) -> Response | None:
    """A 304 when the request's validators match ``etag`` (or ``last_modified``), else None.

    ``If-None-Match`` (any tag naming ``etag``, or ``*``) wins; without it, ``If-Modified-Since``
    at or after ``last_modified`` (when given) is a match.
    """
    if request.if_none_match:
        tag = "*" if request.if_none_match.star_tag else _matching_tag(etag)
        if tag is None:
            return None
        return cacheable(Response(status=304), etag if tag == "*" else tag, last_modified)
    if last_modified is not None and not is_resource_modified(
        request.environ, last_modified=last_modified
    ):
        return cacheable(Response(status=304), etag, last_modified)
    return None


def cacheable(response: Response, etag: str, last_modified: dt.datetime | None = None) -> Response:
    """``response`` with its ETag, ``Last-Modified`` (when given) and :data:`CACHE_CONTROL`."""
    response.set_etag(etag)
    if last_modified is not None:
        response.last_modified = last_modified
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response
