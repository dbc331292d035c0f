"""The web package through Flask's test client (no browser): headers, 404, 400/413, downloads."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from dash import Input, Output
from dash.exceptions import PreventUpdate
from plotly.offline import get_plotlyjs_version

from components.navigation import nav_pages
from tests.callback_bodies import CALLBACK_URL, callback_body, router_body
from tests.conftest import ROOT, run_gunicorn
from web.callbacks import MalformedCallback, validate_body
from web.security import content_security_policy

ROUTER_BODY = router_body(changed=("pathname", "search"))


def _page_paths(dash_app) -> list[str]:
    import dash

    return [page["path"] for page in dash.page_registry.values() if not page["path_template"]]


# --------------------------------------------------------------------------- headers


def test_csp_hashes_cover_every_inline_script(client):
    """Each inline executable <script> of the index has its sha256 in script-src."""
    response = client.get("/no-existe")
    html = response.get_data(as_text=True)
    csp = response.headers["Content-Security-Policy"]
    inline = re.findall(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", html, flags=re.S)
    executable = [
        body
        for attrs, body in inline
        if "src=" not in attrs and "application/json" not in attrs and body.strip()
    ]
    assert executable, "expected Dash's inline renderer script"
    for body in executable:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp


def test_csp_script_sources_are_deterministic_and_strict():
    policy = content_security_policy(["'sha256-b'", "'sha256-a'", "'sha256-a'"])
    assert policy == content_security_policy(["'sha256-a'", "'sha256-b'"])
    assert policy["script-src"] == "'self' 'sha256-a' 'sha256-b'"


def test_cache_headers(client):
    html = client.get("/no-existe").get_data(as_text=True)
    bundles = re.findall(r'src="(/_dash-component-suites/[^"]+)"', html)
    fingerprinted = [url for url in bundles if re.search(r"\.v[\w-]+m[0-9a-f]+\.", url)]
    assert fingerprinted
    response = client.get(fingerprinted[0])
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    asset = client.get("/assets/app.css")
    assert asset.status_code == 200
    assert asset.headers["Cache-Control"] == "public, max-age=3600"
    assert client.get("/no-existe").headers["Cache-Control"] == "no-cache"
    # the assets Dash links with their mtime (?m=) are fingerprinted like the bundles
    linked = re.findall(r'(?:src|href)="(/assets/[^"]+\?m=[^"]+)"', html)
    assert linked
    for url in linked:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


PLOTLY_BUNDLE = "/_dash-component-suites/plotly/package_data/plotly.min.js"


def test_plotly_bundle_is_compressed_and_cached(client):
    client.get("/no-existe")  # the index registers the bundle paths
    for encoding in ("gzip", "br", "zstd", "gzip"):
        response = client.get(PLOTLY_BUNDLE, headers={"Accept-Encoding": encoding})
        assert response.status_code == 200
        assert response.headers["Content-Encoding"] == encoding
        assert int(response.headers["Content-Length"]) < 2_000_000  # raw bundle is ~4.7 MB
        assert response.headers["Cache-Control"] == "public, max-age=3600"
    plain = client.get(PLOTLY_BUNDLE, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    assert plain.get_data().startswith(b"/**")


# --------------------------------------------------------------------------- pages and 404


def test_registered_pages_answer_200(client, dash_app):
    paths = _page_paths(dash_app)
    assert paths, "no page registered"
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert 'lang="es"' in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/no-existe", "/objetivos/99", "/resumen.php", "/%C3%B1"])
def test_unknown_path_is_404_with_the_dash_index(client, path):
    response = client.get(path)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert 'id="react-entry-point"' in html  # the client still renders pages/not_found_404.py
    assert 'lang="es"' in html


def test_not_found_page_is_registered_outside_the_navbar(dash_app):
    import dash

    pages = [p for p in dash.page_registry.values() if p["module"].endswith("not_found_404")]
    assert len(pages) == 1 and not pages[0].get("nav")
    assert pages[0]["module"] not in {p["module"] for p in nav_pages()}


def test_healthz(client, dash_app):
    response = client.get("/healthz")
    assert response.status_code == 200
    from web.api.caching import data_version

    assert response.get_json() == {
        "status": "ok",
        "indicators": len(dash_app.DATASET.indicators),
        "data_version": data_version(dash_app.DATASET.data_dir),
    }


# --------------------------------------------------------------------------- callbacks


def _post(client, data, content_type="application/json"):
    return client.post(CALLBACK_URL, data=data, content_type=content_type)


def test_valid_router_callback(client):
    response = client.post(CALLBACK_URL, json=ROUTER_BODY)
    assert response.status_code == 200
    assert "_pages_content" in response.get_json()["response"]
    assert response.headers["Cache-Control"] == "no-store"


MALFORMED = {
    "broken json": '{"output": ',
    "not an object": "[]",
    "null": "null",
    "output missing": json.dumps({"inputs": []}),
    "output not a string": json.dumps({**ROUTER_BODY, "output": 3}),
    "inputs not a list": json.dumps({**ROUTER_BODY, "inputs": "abc"}),
    "input without property": json.dumps({**ROUTER_BODY, "inputs": [{"id": "_pages_location"}]}),
    "input id wrong type": json.dumps(
        {**ROUTER_BODY, "inputs": [{"id": 5, "property": "pathname", "value": "/"}]}
    ),
    "pathname not a string": json.dumps(router_body(5, changed=("pathname", "search"))),
    "outputs wrong type": json.dumps({**ROUTER_BODY, "outputs": "x"}),
    "changedPropIds wrong type": json.dumps({**ROUTER_BODY, "changedPropIds": "x"}),
    "unknown callback": json.dumps({**ROUTER_BODY, "output": "nope.children"}),
    "too few inputs": json.dumps({**ROUTER_BODY, "inputs": ROUTER_BODY["inputs"][:1]}),
    "too few outputs": json.dumps({**ROUTER_BODY, "outputs": ROUTER_BODY["outputs"][:1]}),
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_callback_is_400_json(client, body):
    response = _post(client, body)
    assert response.status_code == 400
    payload = response.get_json()
    assert payload["status"] == 400
    assert "Traceback" not in response.get_data(as_text=True)
    # the server still answers normally afterwards
    assert client.post(CALLBACK_URL, json=ROUTER_BODY).status_code == 200


def test_non_json_callback_is_rejected(client):
    response = _post(client, "a=1", content_type="application/x-www-form-urlencoded")
    assert response.status_code in {400, 415}
    assert response.get_json()["status"] == response.status_code


def test_huge_body_is_413_and_server_survives(client):
    response = _post(client, b'{"output": "' + b"x" * (2 * 1024 * 1024) + b'"}')
    assert response.status_code == 413
    assert client.get("/healthz").status_code == 200
    assert client.post(CALLBACK_URL, json=ROUTER_BODY).status_code == 200


PATTERN_MAP = {
    '..{"index":["ALL"],"type":"g"}.figure..': {
        "inputs": [{"id": '{"index":["ALL"],"type":"b"}', "property": "n_clicks"}],
        "state": [],
        "callback": object(),
    }
}


def test_validate_body_matches_pattern_matching_ids():
    body = {
        "output": '..{"index":["ALL"],"type":"g"}.figure..',
        "outputs": [[{"id": {"type": "g", "index": "a"}, "property": "figure"}]],
        "inputs": [[{"id": {"type": "b", "index": 1}, "property": "n_clicks", "value": 2}]],
        "state": [],
        "changedPropIds": ['{"index":1,"type":"b"}.n_clicks'],
    }
    validate_body(body, PATTERN_MAP)
    for wrong in (
        {"type": "other", "index": 1},  # a static key that differs
        {"type": "b"},  # a key missing
        {"type": "b", "index": [1]},  # not a plain value
    ):
        bad = {**body, "inputs": [[{"id": wrong, "property": "n_clicks", "value": 2}]]}
        with pytest.raises(MalformedCallback):
            validate_body(bad, PATTERN_MAP)
    with pytest.raises(MalformedCallback):  # ALL names a list of components, never one
        validate_body({**body, "outputs": [body["outputs"][0][0]]}, PATTERN_MAP)


def test_callback_errors_are_500_json_and_prevent_update_204(client, dash_app):
    app = dash_app.app

    @app.callback(Output("pesem-test-boom", "children"), Input("pesem-test-boom-in", "n_clicks"))
    def boom(_n):
        raise ValueError("deliberate failure in a page callback")

    @app.callback(Output("pesem-test-skip", "children"), Input("pesem-test-skip-in", "n_clicks"))
    def skip(_n):
        raise PreventUpdate

    def body(name: str) -> dict:
        return {
            "output": f"pesem-test-{name}.children",
            "outputs": {"id": f"pesem-test-{name}", "property": "children"},
            "inputs": [{"id": f"pesem-test-{name}-in", "property": "n_clicks", "value": 1}],
            "changedPropIds": [f"pesem-test-{name}-in.n_clicks"],
        }

    try:
        failed = client.post(CALLBACK_URL, json=body("boom"))
        assert failed.status_code == 500
        assert failed.get_json()["status"] == 500
        assert "deliberate" not in failed.get_data(as_text=True)
        assert client.post(CALLBACK_URL, json=body("skip")).status_code == 204
        assert client.post(CALLBACK_URL, json=ROUTER_BODY).status_code == 200
    finally:
        # The app is shared by the session: later tests (the fuzzer) enumerate its callbacks.
        for name in ("boom", "skip"):
            app.callback_map.pop(f"pesem-test-{name}.children", None)
        app._callback_list[:] = [
            c for c in app._callback_list if not str(c.get("output", "")).startswith("pesem-test-")
        ]


# --------------------------------------------------------------------------- downloads


def test_download_csv(client, ds):
    response = client.get("/download/indicators.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert disposition.endswith(f'filename="{ds.meta.file_prefix}_indicadores.csv"')
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8
    header = data[3:].decode("utf-8").splitlines()[0]
    assert header.startswith("indicator_id,")


def test_download_xlsx(client):
    import openpyxl

    response = client.get("/download/indicators.xlsx")
    assert response.status_code == 200
    assert "spreadsheetml" in response.headers["Content-Type"]
    assert 'indicadores.xlsx"' in response.headers["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.get_data()), read_only=True)
    assert workbook.sheetnames


DOWNLOADS = [
    "/download/indicators.csv",
    "/download/indicators.xlsx",
    "/download/resumen.csv",
    "/download/resumen.xlsx",
]


@pytest.mark.parametrize("url", DOWNLOADS)
def test_download_validators_from_the_data_version(client, ds, url):
    """ETag and Last-Modified come from the data files; a proxy may keep and revalidate."""
    from web.api.caching import data_last_modified, data_version

    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["ETag"].strip('"').startswith(data_version(ds.data_dir) + "-")
    assert response.last_modified == data_last_modified(ds.data_dir)
    newest = max(p.stat().st_mtime for p in Path(ds.data_dir).rglob("*") if p.is_file())
    assert response.last_modified.timestamp() == int(newest)
    assert response.headers["Cache-Control"] == "public, no-cache"


@pytest.mark.parametrize("url", DOWNLOADS)
def test_download_conditional_get_is_304(client, url):
    first = client.get(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    tag = etag.strip('"')
    matching = [
        {"If-None-Match": etag},
        {"If-None-Match": f'W/"{tag}"'},  # nginx's gzip weakens the tag it passes on
        {"If-None-Match": f'"{tag}:gzip"'},  # flask-compress's tag of a compressed answer
        {"If-None-Match": f'"other", {etag}'},
        {"If-None-Match": "*"},
        {"If-Modified-Since": modified},
    ]
    for headers in matching:
        again = client.get(url, headers=headers)
        assert again.status_code == 304, headers
        assert not again.get_data()
        assert again.headers["Cache-Control"] == "public, no-cache"
    not_matching = [
        {"If-None-Match": '"other"'},
        {"If-None-Match": f'"{tag}x"'},
        # If-None-Match wins over If-Modified-Since (RFC 9110 13.1.3)
        {"If-None-Match": '"other"', "If-Modified-Since": modified},
        {"If-Modified-Since": "Thu, 01 Jan 1970 00:00:00 GMT"},
    ]
    for headers in not_matching:
        assert client.get(url, headers=headers).status_code == 200, headers
    # a POST (the explorer's download form) always gets the file
    assert client.post(url, headers={"If-None-Match": etag}).status_code == 200


def test_conditional_get_of_a_filtered_download(client, ds):
    """A filtered view is its own URL, revalidated like the whole file."""
    url = f"/download/indicators.csv?desde={ds.meta.previous_year}"
    first = client.get(url)
    assert first.status_code == 200
    assert len(first.get_data()) < len(client.get("/download/indicators.csv").get_data())
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


# --------------------------------------------------------------------------- assets


EXTERNAL_REFERENCE = re.compile(
    r"""(@import|url\(\s*["']?(https?:)?//|(src|href)\s*=\s*["']?(https?:)?//|fetch\(\s*["']https?:)""",
    re.IGNORECASE,
)


def test_assets_reference_no_external_origin():
    for path in (ROOT / "assets").rglob("*"):
        if path.suffix in {".css", ".js", ".html", ".svg"}:
            text = path.read_text(encoding="utf-8", errors="replace")
            match = EXTERNAL_REFERENCE.search(text)
            assert match is None, f"{path.relative_to(ROOT)} references {match.group(0)!r}"


def test_index_references_only_same_origin(client):
    html = client.get("/no-existe").get_data(as_text=True)
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert url.startswith("/") and not url.startswith("//"), url


# --------------------------------------------------------------------------- start-up


@pytest.mark.slow
def test_malformed_data_stops_gunicorn(tmp_path):
    """preload_app: a broken data file makes gunicorn exit non-zero instead of serving."""
    from pesem.loader import data_dir_from_env

    data = tmp_path / "data"
    shutil.copytree(data_dir_from_env(), data)
    indicators = data / "indicators.csv"
    text = indicators.read_text(encoding="utf-8")
    indicators.write_text(text.replace("indicator_id", "indicador", 1), encoding="utf-8")
    completed = run_gunicorn({"PESEM_DATA_DIR": str(data)})
    assert completed.returncode != 0
    assert "indicators.csv" in completed.stdout + completed.stderr


def test_gunicorn_config_binds_loopback_unless_bind_all(monkeypatch):
    import runpy

    monkeypatch.setenv("PORT", "8123")
    monkeypatch.delenv("BIND_ALL", raising=False)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    config = runpy.run_path(str(Path(ROOT, "gunicorn.conf.py")))
    assert config["bind"] == ["127.0.0.1:8123"]
    assert config["workers"] == 2 and config["preload_app"] is True
    monkeypatch.setenv("BIND_ALL", "1")
    assert runpy.run_path(str(Path(ROOT, "gunicorn.conf.py")))["bind"] == ["0.0.0.0:8123"]


def test_dcc_graph_gets_the_basic_plotly_bundle():
    from app import server

    client = server.test_client()
    response = client.get("/_dash-component-suites/plotly/package_data/plotly.min.js")
    assert response.status_code == 200
    version = get_plotlyjs_version()
    assert f"plotly.js (basic - minified) v{version}".encode() in response.data[:200]
    assert len(response.data) < 2_000_000  # the full bundle is 4.8 MB
    assert response.headers["Content-Security-Policy"]
    etag = response.headers["ETag"]
    again = client.get(
        "/_dash-component-suites/plotly/package_data/plotly.min.js",
        headers={"If-None-Match": etag},
    )
    assert again.status_code == 304


def test_a_pattern_matching_all_output_given_as_one_object_is_400(client):
    """An ALL output names a list of components; one object would be iterated by its keys."""
    body = callback_body(
        ['{"index":["ALL"],"type":"covid-pasajes-cuerpo"}.children'],
        [("covid-pasajes-oes.active_item", ["OES.02"])],
    )
    body["output"] = body["output"].strip(".")
    one = {"id": {"index": "OES.02", "type": "covid-pasajes-cuerpo"}, "property": "children"}
    assert client.post(CALLBACK_URL, json={**body, "outputs": one}).status_code == 400
    ok = client.post(CALLBACK_URL, json={**body, "outputs": [one]})
    assert ok.status_code == 200
    (answer,) = ok.get_json()["response"].values()
    assert answer["children"]  # OES.02's passages


def test_layout_memo_keys_by_url_keywords_and_is_bounded():
    from web.layouts import memoized

    calls: list[dict] = []

    def build(**kwargs):
        calls.append(kwargs)
        return object()

    layout = memoized(build, maxsize=2)
    first = layout(code="OES.01")
    assert layout(code="OES.01") is first and len(calls) == 1
    assert layout(code="OES.02") is not first
    assert layout(unidad=["DGC", "DGA"]) is layout(unidad=["DGC", "DGA"])
    assert calls[-1] == {"unidad": ["DGC", "DGA"]}  # lists reach the page as lists
    layout(code={"not": "hashable"})
    layout(code={"not": "hashable"})
    assert calls[-2:] == [{"code": {"not": "hashable"}}] * 2  # built each time, never kept
    assert layout.cache_info().currsize == 2  # maxsize: the oldest URL was dropped


def test_layout_memo_builds_again_when_its_version_changes():
    from web.layouts import memoized

    version = [1]
    layout = memoized(lambda **kwargs: object(), version=lambda: version[0])
    first = layout(code="OES.01")
    assert layout(code="OES.01") is first
    version[0] = 2  # e.g. the chart pictures were rendered since
    assert layout(code="OES.01") is not first


def test_registered_layouts_are_memoized_and_page_modules_are_not(dash_app):
    import sys

    import dash

    page = next(p for p in dash.page_registry.values() if p["module"] == "pages.resumen")
    assert page["layout"]() is page["layout"]()
    module = sys.modules[page["module"]]
    assert module.layout() is not module.layout()
