"""WSGI middleware that memoizes the answers of Dash callback requests.

Every callback of the dashboard is a pure function of its request body: the dataset is read once
at start-up and never changes while the process runs, and no callback reads cookies, the clock or
anything per user. So the same body always gets the same answer, and the costly part of an answer
is not the callback but turning a component tree or figure into JSON and compressing it (a
``/covid`` layout is ~1,000 components; plotly's JSON encoder spends ~12 ms on it). This
middleware keeps the final bytes (after compression and headers) of successful answers, keyed by
everything that shapes them (path, query without the renderer's per-page-load ``endId`` token,
content type, accepted encodings and body), in a small
per-process LRU bounded by entry count and total bytes, and replays them.

What it never keeps: anything but ``200`` answers (errors, ``204`` for PreventUpdate), answers
that set cookies, bodies above ``max_body_bytes`` and answers above ``max_entry_bytes``. It keys by
a SHA-256 of the request, so the bodies themselves (which could hold text typed in a filter) are
not kept. There is no Dash import here: it wraps any WSGI app.
"""

from __future__ import annotations

import hashlib
import io
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

log = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

#: Query parameter of the renderer's per-page-load token (not part of an answer's key).
END_ID_PARAM = "endId"
#: Query parameters of Dash's background callbacks (their answers depend on a job: not kept).
BACKGROUND_PARAMS = frozenset({"cacheKey", "job", "oldJob"})

#: Header that tells a client (and the tests/benchmark) whether the answer was replayed.
CACHE_HEADER = "X-Callback-Cache"


@dataclass(frozen=True)
class CachedAnswer:
    """The final status line, headers and body bytes of one answer."""

    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


class CallbackResponseCache:
    """Replay identical Dash callback POSTs from memory (see the module docstring).

    ``max_entries`` ≤ 0 disables the cache (every request passes through untouched).
    """

    def __init__(
        self,
        app: WSGIApp,
        *,
        path_suffix: str = "/_dash-update-component",
        max_entries: int = 512,
        max_bytes: int = 16 * 1024 * 1024,
        max_entry_bytes: int = 1024 * 1024,
        max_body_bytes: int = 64 * 1024,
    ) -> None:
        self.app = app
        self.path_suffix = path_suffix
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self.max_body_bytes = max_body_bytes
        self._entries: OrderedDict[bytes, CachedAnswer] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size_bytes(self) -> int:
        """Bytes of answer bodies held now."""
        return self._bytes

    def clear(self) -> None:
        """Forget every kept answer (e.g. after the dataset was reloaded in a test)."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def _body_length(self, environ: dict[str, Any]) -> int | None:
        if self.max_entries <= 0 or environ.get("REQUEST_METHOD") != "POST":
            return None
        if not str(environ.get("PATH_INFO", "")).endswith(self.path_suffix):
            return None
        try:
            length = int(environ.get("CONTENT_LENGTH") or "")
        except ValueError:  # chunked or malformed: let the app answer it
            return None
        return length if 0 < length <= self.max_body_bytes else None

    @staticmethod
    def request_key(environ: dict[str, Any], body: bytes) -> bytes | None:
        """SHA-256 of what shapes an answer: path, query, content type, encodings, body.

        The renderer adds a signed ``endId`` token, new on every page load, to the query of
        every callback; only background callbacks read it (with ``cacheKey``/``job``/
        ``oldJob``), so it is left out of the key, and requests of background callbacks are
        never kept (None).
        """
        query = parse_qsl(str(environ.get("QUERY_STRING", "")), keep_blank_values=True)
        if any(name in BACKGROUND_PARAMS for name, _ in query):
            return None
        digest = hashlib.sha256()
        kept = urlencode(sorted((k, v) for k, v in query if k != END_ID_PARAM))
        for part in (
            environ.get("PATH_INFO", ""),
            kept,
            environ.get("CONTENT_TYPE", ""),
            environ.get("HTTP_ACCEPT_ENCODING", ""),
        ):
            digest.update(str(part).encode("latin-1", "replace"))
            digest.update(b"\0")
        digest.update(body)
        return digest.digest()

    def _get(self, key: bytes) -> CachedAnswer | None:
        with self._lock:
            answer = self._entries.get(key)
            if answer is not None:
                self._entries.move_to_end(key)
            return answer

    def _put(self, key: bytes, answer: CachedAnswer) -> None:
        size = len(answer.body)
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = answer
            self._bytes += size
            while self._entries and (
                len(self._entries) > self.max_entries or self._bytes > self.max_bytes
            ):
                _, old = self._entries.popitem(last=False)
                self._bytes -= len(old.body)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        length = self._body_length(environ)
        if length is None:
            return self.app(environ, start_response)
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)
        key = self.request_key(environ, body)
        if key is None:
            return self.app(environ, start_response)
        answer = self._get(key)
        if answer is not None:
            self.hits += 1
            start_response(answer.status, [*answer.headers, (CACHE_HEADER, "hit")])
            return [answer.body]
        self.misses += 1
        return self._call_and_keep(environ, start_response, key)

    def _call_and_keep(
        self, environ: dict[str, Any], start_response: StartResponse, key: bytes
    ) -> Iterable[bytes]:
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured["status"], captured["headers"] = status, list(headers)
            return start_response(status, [*headers, (CACHE_HEADER, "miss")], exc_info)

        result = self.app(environ, capture)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status = captured.get("status", "")
        headers = captured.get("headers", [])
        if (
            status.startswith("200")
            and len(body) <= self.max_entry_bytes
            and not any(name.lower() == "set-cookie" for name, _ in headers)
        ):
            self._put(key, CachedAnswer(status, tuple(headers), body))
        return [body]
