"""pesem.callback_cache: identical callback requests are replayed, nothing else is kept."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from pesem.callback_cache import CACHE_HEADER, CallbackResponseCache
from pesem.server import DEFAULT_CALLBACK_CACHE_ENTRIES, callback_cache_entries
from tests.callback_bodies import router_body

PATH = "/_dash-update-component"


class CountingApp:
    """A WSGI app answering ``status`` with a body that names how often it was called."""

    def __init__(self, status: str = "200 OK", headers: list[tuple[str, str]] | None = None):
        self.calls = 0
        self.status = status
        self.headers = headers or [("Content-Type", "application/json")]
        self.bodies: list[bytes] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        self.calls += 1
        body = environ["wsgi.input"].read()
        self.bodies.append(body)
        start_response(self.status, list(self.headers))
        return [b'{"call": ', str(self.calls).encode(), b"}"]


def _call(
    app: Any,
    body: bytes = b'{"output": "x.children"}',
    *,
    method: str = "POST",
    path: str = PATH,
    query: str = "",
    encoding: str = "br",
) -> tuple[str, dict[str, str], bytes]:
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        seen["status"], seen["headers"] = status, dict(headers)

    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_ACCEPT_ENCODING": encoding,
        "wsgi.input": io.BytesIO(body),
    }
    out = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], out


def test_the_same_request_is_answered_once_then_replayed_byte_for_byte():
    inner = CountingApp()
    cache = CallbackResponseCache(inner)
    first = _call(cache)
    second = _call(cache)
    assert inner.calls == 1
    assert first[2] == second[2] == b'{"call": 1}'
    assert first[1][CACHE_HEADER] == "miss" and second[1][CACHE_HEADER] == "hit"
    assert inner.bodies == [b'{"output": "x.children"}']  # the app still read the body
    assert (cache.hits, cache.misses, len(cache)) == (1, 1, 1)


def test_a_different_body_or_accepted_encoding_is_a_different_answer():
    inner = CountingApp()
    cache = CallbackResponseCache(inner)
    _call(cache, b'{"a": 1}')
    _call(cache, b'{"a": 2}')
    _call(cache, b'{"a": 1}', encoding="gzip")
    assert inner.calls == 3


def test_the_per_page_load_token_is_not_part_of_the_key_but_other_query_is():
    inner = CountingApp()
    cache = CallbackResponseCache(inner)
    _call(cache, query="endId=first-load~sig")
    _, headers, _ = _call(cache, query="endId=second-load~sig")
    assert headers[CACHE_HEADER] == "hit" and inner.calls == 1
    _call(cache, query="endId=x&other=1")
    assert inner.calls == 2


@pytest.mark.parametrize("query", ["cacheKey=abc", "job=12&endId=x", "oldJob=3"])
def test_background_callback_requests_are_never_kept(query):
    inner = CountingApp()
    cache = CallbackResponseCache(inner)
    _call(cache, query=query)
    _call(cache, query=query)
    assert inner.calls == 2 and len(cache) == 0


@pytest.mark.parametrize(
    "status", ["204 NO CONTENT", "400 BAD REQUEST", "500 INTERNAL SERVER ERROR"]
)
def test_only_successful_answers_are_kept(status):
    inner = CountingApp(status=status)
    cache = CallbackResponseCache(inner)
    _call(cache)
    _call(cache)
    assert inner.calls == 2 and len(cache) == 0


def test_answers_that_set_cookies_are_not_kept():
    inner = CountingApp(headers=[("Set-Cookie", "a=b")])
    cache = CallbackResponseCache(inner)
    _call(cache)
    _call(cache)
    assert inner.calls == 2


@pytest.mark.parametrize(
    ("method", "path"), [("GET", PATH), ("POST", "/download/x.csv"), ("POST", "/other")]
)
def test_other_requests_pass_through(method, path):
    inner = CountingApp()
    cache = CallbackResponseCache(inner)
    _call(cache, method=method, path=path)
    _call(cache, method=method, path=path)
    assert inner.calls == 2 and len(cache) == 0


def test_big_bodies_and_a_disabled_cache_pass_through():
    inner = CountingApp()
    small = CallbackResponseCache(inner, max_body_bytes=10)
    _call(small)
    _call(small)
    off = CallbackResponseCache(inner, max_entries=0)
    _call(off)
    _call(off)
    assert inner.calls == 4


def test_the_cache_is_bounded_by_entries_and_bytes_least_recently_used_first():
    inner = CountingApp()
    cache = CallbackResponseCache(inner, max_entries=2)
    for body in (b"1", b"2", b"1", b"3"):  # "1" was used again: "2" is the oldest
        _call(cache, body)
    assert len(cache) == 2
    calls = inner.calls
    _call(cache, b"1")
    assert inner.calls == calls  # still kept
    _call(cache, b"2")
    assert inner.calls == calls + 1  # evicted
    by_bytes = CallbackResponseCache(CountingApp(), max_bytes=25)
    for body in (b"1", b"2", b"3"):
        _call(by_bytes, body)
    assert by_bytes.size_bytes <= 25 and len(by_bytes) == 2
    by_bytes.clear()
    assert len(by_bytes) == 0 and by_bytes.size_bytes == 0


def test_the_size_comes_from_the_environment():
    assert callback_cache_entries({}) == DEFAULT_CALLBACK_CACHE_ENTRIES
    assert callback_cache_entries({"PESEM_CALLBACK_CACHE": "0"}) == 0
    assert callback_cache_entries({"PESEM_CALLBACK_CACHE": "64"}) == 64
    assert callback_cache_entries({"PESEM_CALLBACK_CACHE": "-3"}) == 0
    assert callback_cache_entries({"PESEM_CALLBACK_CACHE": "lots"}) == (
        DEFAULT_CALLBACK_CACHE_ENTRIES
    )


def _router_body(pathname: str) -> str:
    return json.dumps(router_body(pathname))


def test_the_real_app_replays_a_page_layout_identical_to_a_fresh_answer():
    from app import server

    cache = server.wsgi_app
    assert isinstance(cache, CallbackResponseCache)
    client = server.test_client()
    headers = {"Content-Type": "application/json", "Accept-Encoding": "identity"}
    cache.clear()
    # two page loads: the renderer signs a new endId token for each
    fresh = client.post(PATH + "?endId=load1", data=_router_body("/oes/OES.02"), headers=headers)
    replayed = client.post(PATH + "?endId=load2", data=_router_body("/oes/OES.02"), headers=headers)
    assert fresh.status_code == replayed.status_code == 200
    assert fresh.headers[CACHE_HEADER] == "miss" and replayed.headers[CACHE_HEADER] == "hit"
    assert fresh.data == replayed.data and b"OES.02" in fresh.data
    assert replayed.headers["Content-Security-Policy"] == fresh.headers["Content-Security-Policy"]
    other = client.post(PATH, data=_router_body("/oes/OES.03"), headers=headers)
    assert other.headers[CACHE_HEADER] == "miss" and b"OES.03" in other.data
    # a malformed body is still a 400, never kept, and the server keeps serving
    for _ in range(2):
        bad = client.post(PATH, data='{"output": 1}', headers=headers)
        assert bad.status_code == 400 and bad.headers[CACHE_HEADER] == "miss"
    assert client.post(PATH, data=_router_body("/oes/OES.02"), headers=headers).data == fresh.data
