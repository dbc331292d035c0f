"""Secure by default: no debug tooling in production, no traces, headers everywhere, safe downloads.

Most checks run against the live gunicorn server (the production start command) over raw HTTP
(``http.client`` sends paths exactly as written: ``..``, ``%2e%2e``, ``%00``), the rest through
Flask's test client of the real app where a fault has to be injected.
"""

from __future__ import annotations

import http.client
import json
import re
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.callback_bodies import CALLBACK_URL, callback_body, router_body
from tests.conftest import ROOT

#: What must never reach a user: a Python trace, a source path, an exception's own message.
LEAK_PATTERNS = [
    r"Traceback \(most recent call last\)",
    r'File "[^"]+", line \d+',
    r"/work/|/home/|/usr/lib/python|site-packages|\.venv",
    r"\b\w+Error: ",
    r"Werkzeug Debugger|__debugger__|console\.png",
]
#: Markers of the content of files a traversal would reach.
FILE_MARKERS = ["web.install(app)", "import dash", "root:x:0:0", "[global]", "BEGIN RSA"]


#: Bytes of a body sent at most (the app refuses bodies over 1 MiB before reading them).
PARTIAL_BODY = 64 * 1024


def _raw(base_url: str, method: str, path: str, body: bytes | None = None, headers=None):
    """One HTTP request with ``path`` sent byte for byte (no normalisation by the client)."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        all_headers = {"Accept-Encoding": "identity", **(headers or {})}
        if body is not None:
            all_headers.setdefault("Content-Type", "application/json")
            all_headers["Content-Length"] = str(len(body))
        for name, value in all_headers.items():
            connection.putheader(name, value)
        # A body over the limit is declared whole but sent only in part: the server answers 413
        # from Content-Length and closes, and a client still writing the rest would race that
        # close (BrokenPipe or a reset that drops the answer) instead of reading the 413.
        connection.endheaders(body[:PARTIAL_BODY] if body is not None else None)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def _assert_no_leak(body: bytes, what: str) -> None:
    text = body.decode("utf-8", errors="replace")
    for pattern in LEAK_PATTERNS:
        match = re.search(pattern, text)
        assert match is None, f"{what}: the body leaks {match.group(0)!r}: {text[:400]}"


def _assert_security_headers(headers: dict[str, str], what: str) -> None:
    csp = headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp and "object-src 'none'" in csp, f"{what}: CSP {csp!r}"
    assert "frame-ancestors 'none'" in csp, what
    assert "'unsafe-eval'" not in csp, what
    script_src = next((d for d in csp.split(";") if d.strip().startswith("script-src")), "")
    assert "'unsafe-inline'" not in script_src, f"{what}: {script_src!r}"
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name.lower()) == value, f"{what}: {name} is {headers.get(name.lower())}"


#: Headers flask-talisman (and web.security) set on every response.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}

_FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _covid_redraw_body(mode: str = "abs") -> dict:
    """The /covid page's redraw callback (charts and table for a presentation and scope)."""
    return callback_body(
        ["covid-charts.children", "covid-tabla-contenedor.children"],
        [("covid-mode.value", mode), ("covid-scope.value", "oes")],
    )


def _covid_sync_body(pathname: str) -> dict:
    """The /covid URL <-> toggles callback; another page's pathname makes it PreventUpdate (204)."""
    return callback_body(
        ["covid-url.search", "covid-mode.value", "covid-scope.value"],
        [("covid-url.search", ""), ("covid-mode.value", "pct"), ("covid-scope.value", "oes")],
        state=[("covid-url.pathname", pathname)],
        changed=["covid-mode.value"],
    )


@pytest.fixture
def client(dash_app):
    test_client = dash_app.server.test_client()
    test_client.get("/_dash-dependencies")
    return test_client


@pytest.fixture(scope="module")
def bundle_path(live_server) -> str:
    status, _, body = _raw(live_server, "GET", "/")
    assert status == 200
    found = re.findall(r'src="(/_dash-component-suites/[^"]+)"', body.decode())
    assert found
    return found[0]


# --------------------------------------------------------------------------- production mode


def test_production_runs_no_debug_server_or_dev_tools(dash_app, live_server):
    app = dash_app.app
    assert dash_app.server.debug is False
    tools = app._dev_tools
    assert not tools.ui and not tools.props_check and not tools.hot_reload
    assert not tools.serve_dev_bundles and not tools.prune_errors
    # Dash's debug error handler (a trace as the 500 body) is not installed; ours is.
    handler = dash_app.server.error_handler_spec[None][None][Exception]
    assert handler.__module__ == "web.errors", handler
    # `python app.py` never starts the debugger either.
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    assert "debug=True" not in source and "app.run(debug=False)" in source

    status, headers, body = _raw(live_server, "GET", "/")
    html = body.decode()
    config = json.loads(re.search(r'id="_dash-config"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert config["ui"] is False and config["props_check"] is False
    assert "hot_reload" not in config
    assert ".dev.js" not in html  # no development bundles
    # the Werkzeug debugger console does not exist
    status, _, body = _raw(live_server, "GET", "/console")
    assert status == 404
    status, _, body = _raw(live_server, "GET", "/?__debugger__=yes&cmd=resource&f=debugger.js")
    assert b"Werkzeug" not in body and b"CONSOLE_MODE" not in body


def test_exception_in_a_page_callback_is_500_without_trace(client, dash_app, monkeypatch):
    """A fault inside a real page callback (injected) answers a bare JSON 500."""
    body = _covid_redraw_body()
    spec = dash_app.app.callback_map[body["output"]]

    def broken(*_args: Any, **_kwargs: Any):
        raise RuntimeError(f"secret detail {ROOT / 'pages' / 'covid.py'}")

    monkeypatch.setitem(spec, "callback", broken)
    response = client.post(CALLBACK_URL, json=body)
    assert response.status_code == 500
    assert response.get_json() == {"error": "Error interno al actualizar la página.", "status": 500}
    _assert_no_leak(response.get_data(), "callback fault")
    assert b"secret detail" not in response.get_data()
    _assert_security_headers({k.lower(): v for k, v in response.headers.items()}, "500 callback")
    monkeypatch.undo()
    assert client.post(CALLBACK_URL, json=router_body()).status_code == 200


def test_exception_outside_callbacks_is_a_plain_500(client, monkeypatch):
    import pesem.export

    def broken(*_args: Any, **_kwargs: Any):
        raise ValueError(f"secret detail {ROOT}")

    monkeypatch.setattr(pesem.export, "tidy_long", broken)
    response = client.get("/download/indicators.csv")
    assert response.status_code == 500
    _assert_no_leak(response.get_data(), "download fault")
    assert b"secret detail" not in response.get_data()
    _assert_security_headers({k.lower(): v for k, v in response.headers.items()}, "500 page")


MALFORMED_BODIES = {
    "broken JSON": b'{"output": ',
    "wrong types": json.dumps({"output": 1, "outputs": "x", "inputs": {}}).encode(),
    "unknown output": json.dumps({**router_body(), "output": "nope.children"}).encode(),
    "outputs of another callback": json.dumps(
        {**router_body(), "outputs": [{"id": "exp-conteo", "property": "children"}] * 2}
    ).encode(),
    "outputs missing": json.dumps(
        {k: v for k, v in router_body().items() if k != "outputs"}
    ).encode(),
    "pathname not a path": json.dumps(router_body("javascript:alert(1)")).encode(),
    "pathname null": json.dumps(router_body(None)).encode(),
}


@pytest.mark.parametrize("body", MALFORMED_BODIES.values(), ids=MALFORMED_BODIES.keys())
def test_malformed_callbacks_on_the_live_server_are_400_without_trace(live_server, body):
    status, headers, payload = _raw(live_server, "POST", CALLBACK_URL, body)
    assert status == 400, payload[:300]
    assert json.loads(payload)["status"] == 400
    _assert_no_leak(payload, "malformed callback")
    _assert_security_headers(headers, "400 callback")


# --------------------------------------------------------------------------- headers everywhere


def _response_kinds(bundle: str) -> list[tuple[str, str, bytes | None, dict[str, str], int]]:
    """(method, path, body, headers, expected status) covering every kind of response."""
    big = b'{"output": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    return [
        ("GET", "/", None, {}, 200),
        ("HEAD", "/", None, {}, 200),
        ("GET", "/explorar?unidad=DGC", None, {}, 200),
        ("GET", "/no-existe", None, {}, 404),
        ("GET", "/oes/OES.09", None, {}, 404),
        ("GET", "/healthz", None, {}, 200),
        ("GET", "/download/indicators.csv", None, {}, 200),
        ("GET", "/download/indicators.xlsx", None, {}, 200),
        ("GET", "/download/indicators.exe", None, {}, 404),
        ("GET", "/download/graficos.zip?pagina=/no-existe", None, {}, 404),
        ("GET", "/assets/app.css", None, {}, 200),
        ("GET", "/assets/no-existe.css", None, {}, 404),
        ("GET", bundle, None, {}, 200),
        ("GET", bundle, None, {"Accept-Encoding": "gzip"}, 200),
        ("GET", "/_dash-component-suites/dash/no-existe.js", None, {}, 404),
        ("GET", "/_dash-layout", None, {}, 200),
        ("GET", "/_dash-dependencies", None, {}, 200),
        ("GET", "/_favicon.ico", None, {}, 200),
        ("POST", CALLBACK_URL, json.dumps(router_body("/calidad")).encode(), {}, 200),
        ("POST", CALLBACK_URL, json.dumps(_covid_sync_body("/explorar")).encode(), {}, 204),
        ("POST", "/download/indicators.csv", b"q=unidad%3DDGC&ids=", _FORM, 200),
        ("POST", "/download/indicators.xlsx", b"q=%ff%fe&ids=%00", _FORM, 400),  # strict filters
        ("POST", CALLBACK_URL, b"{", {}, 400),
        ("POST", CALLBACK_URL, b"a=1", {"Content-Type": "application/x-www-form-urlencoded"}, 415),
        ("POST", CALLBACK_URL, big, {}, 413),
        ("GET", CALLBACK_URL, None, {}, 404),
        ("GET", "/_dash-no-existe", None, {}, 404),
        ("POST", "/healthz", b"{}", {}, 405),
    ]


def test_security_headers_on_every_kind_of_response(live_server, bundle_path):
    problems = []
    for method, path, body, headers, expected in _response_kinds(bundle_path):
        what = f"{method} {path[:60]}"
        try:
            status, got, payload = _raw(live_server, method, path, body, headers)
        except (ConnectionError, http.client.HTTPException) as error:  # e.g. reset after 413
            problems.append(f"{what}: {type(error).__name__}")
            continue
        if status != expected:
            problems.append(f"{what}: HTTP {status}, expected {expected}")
        try:
            _assert_security_headers(got, f"{what} ({status})")
            if status >= 400:
                _assert_no_leak(payload, f"{what} ({status})")
        except AssertionError as error:
            problems.append(str(error).splitlines()[0])
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- downloads and paths

TRAVERSALS = [
    "/download/../app.py",
    "/download/..%2fapp.py",
    "/download/%2e%2e%2fapp.py",
    "/download/%2e%2e/%2e%2e/etc/passwd",
    "/download/indicators.csv/../../app.py",
    "/download/indicators.csv%00.py",
    "/download/indicators.py",
    "/download/indicators.exe",
    "/download/indicators.CSV",
    "/download/indicators.csv.bak",
    "/download/indicators..%2F..%2Fapp.py",
    "/download//etc/passwd",
    "/download/app.py",
    "/download/otro.csv",
    "/download/indicators.",
    "/download/graficos.zip?pagina=../../app.py",
    "/download/graficos.zip?pagina=/etc/passwd",
    "/assets/../app.py",
    "/assets/..%2fapp.py",
    "/assets/%2e%2e/app.py",
    "/assets/..%2f..%2f..%2fetc%2fpasswd",
    "/assets/vendor/../../app.py",
    "/_dash-component-suites/dash/../../app.py",
    "/_dash-component-suites/dash/%2e%2e/%2e%2e/app.py",
    "/_dash-component-suites/os/../app.py",
    "/_dash-component-suites/dash/..%2f..%2fapp.py",
    "//etc/passwd",
    "/%2e%2e/app.py",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_no_path_from_the_request_reaches_the_file_system(live_server, path):
    status, headers, body = _raw(live_server, "GET", path)
    assert status in {400, 404}, f"GET {path} -> {status}"
    for marker in FILE_MARKERS:
        assert marker.encode() not in body, f"GET {path} returned file content ({marker!r})"
    _assert_no_leak(body, f"GET {path}")
    _assert_security_headers(headers, f"GET {path}")


def test_download_name_and_type_are_fixed_whatever_the_request_says(live_server, ds):
    query = "?filename=../../etc/passwd&format=exe&path=/etc/passwd"
    status, headers, body = _raw(live_server, "GET", "/download/indicators.csv" + query)
    # strict filters (issue 18): an unknown parameter is refused, named, never obeyed
    assert status == 400
    assert "content-disposition" not in headers
    assert "«filename» no existe".encode() in body
    status, headers, body = _raw(live_server, "GET", "/download/indicators.csv?NIVEL=aes,OES")
    assert status == 200
    prefix = ds.meta.file_prefix
    name = f"{prefix}_indicadores_AES-OES.csv"  # from the canonical filters, not the request
    assert headers["content-disposition"] == f'attachment; filename="{name}"'
    assert headers["content-type"] == "text/csv; charset=utf-8"
    assert body.startswith(b"\xef\xbb\xbfindicator_id,")


def test_production_hides_dev_endpoints():
    from app import server

    client = server.test_client()
    assert client.get("/_reload-hash").status_code == 404
    assert client.get("/").status_code == 200
