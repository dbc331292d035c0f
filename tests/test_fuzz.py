"""Property-based fuzzing of the real app (Flask test client): bad input never breaks the server.

Hypothesis generates hundreds of malformed ``/_dash-update-component`` bodies -- broken JSON,
random JSON, missing fields, wrong types, unknown outputs, values that are in no option list,
huge strings within the 1 MiB body limit -- most of them *near-valid*: built from the real
callback signatures of ``app.callback_map`` with one thing wrong. Every answer must be a client
error (4xx) or a harmless 200/204, never a 5xx and never a trace. GET paths and query strings of
the pages (``/explorar?...``, ``/oes/...``) and the pages router with random URLs never answer 5xx.
After each batch a normal callback still answers 200.
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.callback_bodies import CALLBACK_URL, router_body

ROUTER_BODY = router_body()
#: What a bad request may answer: a client error, or a harmless success / no update.
HARMLESS = {200, 204, 400, 404, 405, 413, 415}
TRACE_MARKERS = ("Traceback", 'File "', "/work/", '.py"', "site-packages", "Error:")

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,  # afterwards_ok runs once, after the batch
    ],
    database=None,  # no state between runs: a failure prints its reproducible example
)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def client(dash_app):
    test_client = dash_app.server.test_client()
    assert test_client.get("/_dash-dependencies").status_code == 200  # registers the callbacks
    return test_client


def _split_outputs(output: str) -> list[tuple[Any, str]]:
    """Dash's output key (``..a.children...b.data..`` or ``a.children``) as (id, property)."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    pairs = []
    for part in parts:
        component_id, _, prop = part.rpartition(".")
        pairs.append((_plain_id(component_id), prop))
    return pairs


def _plain_id(component_id: Any) -> Any:
    """A callback id as the renderer sends it: strings stay, pattern ids become dicts."""
    text = str(component_id)
    if text.startswith("{"):
        pattern = json.loads(text)
        return {key: ("x" if isinstance(value, list) else value) for key, value in pattern.items()}
    return text


@pytest.fixture(scope="module")
def signatures(client, dash_app) -> list[dict[str, Any]]:
    """The server-side callbacks of the real app: output key, outputs, inputs, state."""
    found = []
    for key, spec in dash_app.app.callback_map.items():
        if "callback" not in spec:  # clientside callbacks have no server function
            continue
        found.append(
            {
                "output": key,
                "outputs": _split_outputs(key),
                "inputs": [(_plain_id(item["id"]), item["property"]) for item in spec["inputs"]],
                "state": [(_plain_id(item["id"]), item["property"]) for item in spec["state"]],
            }
        )
    assert len(found) >= 5, f"expected the pages' callbacks, found {[f['output'] for f in found]}"
    return found


@pytest.fixture(scope="module")
def known_values(dash_app) -> dict[str, list[Any]]:
    """Realistic values to mix in: page paths, codes, unit names, statuses."""
    import dash

    from pesem.loader import get_dataset

    ds = get_dataset()
    paths = [page["path"] for page in dash.page_registry.values() if not page["path_template"]]
    codes = list(ds.oes["oes_code"]) + list(ds.aes["aes_code"])
    units = sorted(
        {u.strip() for text in ds.indicators["responsible_units"] for u in text.split(",")}
    )
    return {
        "paths": paths + [f"/oes/{c}" for c in codes[:6]] + [f"/aes/{c}" for c in codes[-6:]],
        "words": codes + units + ["OES", "AES", "cumplido", "en_riesgo", "sin_dato", "pct", "abs"],
    }


# --------------------------------------------------------------------------- strategies

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=12), children, max_size=6)
    ),
    max_leaves=25,
)
NASTY_TEXT = st.sampled_from(
    [
        "",
        " ",
        "../../app.py",
        "%2e%2e%2fapp.py",
        "\x00",
        "\ud7ff\ue000",
        "'; DROP TABLE x; --",
        "<script>alert(1)</script>",
        "{{7*7}}",
        "${jndi:ldap://x}",
        "NaN",
        "-1",
        "1e309",
        "OES.99",
        "AES.01.99",
        "ñandú",
        "a" * 5000,
    ]
)


def _value_strategy(prop: str, known: dict[str, list[Any]]) -> st.SearchStrategy[Any]:
    """Values for a property: mostly of a plausible shape, always possibly absurd."""
    words = st.sampled_from(known["words"]) | NASTY_TEXT | st.text(max_size=30)
    plausible: dict[str, st.SearchStrategy[Any]] = {
        "pathname": st.sampled_from(known["paths"]) | words.map(lambda w: "/" + w),
        "search": st.dictionaries(
            st.text(string.ascii_lowercase, max_size=8), words, max_size=5
        ).map(lambda d: "?" + urlencode(d))
        | words,
        "value": words | st.lists(words, max_size=6) | st.lists(st.integers(), max_size=4),
        "n_clicks": st.integers(min_value=-5, max_value=10**9),
        "data": st.dictionaries(
            st.sampled_from(["units", "oes", "levels", "statuses", "year_from", "year_to"])
            | st.text(max_size=8),
            JSON_VALUES,
            max_size=6,
        ),
        "virtualRowData": st.lists(st.dictionaries(st.text(max_size=12), SCALARS), max_size=5),
        "filterModel": st.dictionaries(st.text(max_size=12), JSON_VALUES, max_size=4),
    }
    return st.one_of(plausible.get(prop, JSON_VALUES), JSON_VALUES)


@st.composite
def near_valid_bodies(draw, signatures: list[dict[str, Any]], known: dict[str, list[Any]]):
    """A body for a real callback with random values, sometimes with one part broken."""
    spec = draw(st.sampled_from(signatures))

    def dependency(pair: tuple[Any, str], with_value: bool) -> dict[str, Any]:
        component_id, prop = pair
        item: dict[str, Any] = {"id": component_id, "property": prop}
        if with_value:
            item["value"] = draw(_value_strategy(prop, known))
        return item

    outputs = [dependency(pair, False) for pair in spec["outputs"]]
    body: dict[str, Any] = {
        "output": spec["output"],
        "outputs": outputs if spec["output"].startswith("..") else outputs[0],
        "inputs": [dependency(pair, True) for pair in spec["inputs"]],
        "state": [dependency(pair, True) for pair in spec["state"]],
        "changedPropIds": draw(
            st.lists(
                st.sampled_from([f"{i}.{p}" for i, p in spec["inputs"]] + ["x.y", ""]),
                max_size=3,
            )
        ),
    }
    mutation = draw(
        st.sampled_from(
            [
                "none",
                "none",
                "none",
                "drop-field",
                "wrong-type",
                "unknown-output",
                "drop-input",
                "extra-input",
                "swap-ids",
            ]
        )
    )
    if mutation == "drop-field":
        body.pop(draw(st.sampled_from(sorted(body))))
    elif mutation == "wrong-type":
        body[draw(st.sampled_from(sorted(body)))] = draw(JSON_VALUES)
    elif mutation == "unknown-output":
        body["output"] = draw(
            st.sampled_from(["nope.children", "..a.b...c.d..", spec["output"] + "x", ".", ""])
        )
    elif mutation == "drop-input" and body["inputs"]:
        body["inputs"].pop(draw(st.integers(0, len(body["inputs"]) - 1)))
    elif mutation == "extra-input":
        body["inputs"].append({"id": "extra", "property": "value", "value": draw(JSON_VALUES)})
    elif mutation == "swap-ids" and body["inputs"]:
        body["inputs"][0]["id"] = draw(JSON_VALUES)
    return spec["output"], mutation, body


# --------------------------------------------------------------------------- checks


def _check(response: Any, what: str) -> None:
    text = response.get_data(as_text=True)
    assert response.status_code in HARMLESS, (
        f"{what} -> HTTP {response.status_code} (expected 4xx or 200/204): {text[:500]}"
    )
    leaked = [marker for marker in TRACE_MARKERS if marker in text and response.status_code >= 400]
    assert not leaked, f"{what} -> error body leaks {leaked}: {text[:500]}"


def _still_serves(client: Any) -> None:
    response = client.post(CALLBACK_URL, json=ROUTER_BODY)
    assert response.status_code == 200
    assert "_pages_content" in response.get_json()["response"]


@pytest.fixture
def afterwards_ok(client) -> Iterator[None]:
    yield
    _still_serves(client)


# --------------------------------------------------------------------------- callback bodies


@FUZZ
@given(data=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_fuzz_broken_bodies(client, afterwards_ok, data):
    response = client.post(CALLBACK_URL, data=data, content_type="application/json")
    _check(response, f"body {data[:120]!r}")


@FUZZ
@given(body=JSON_VALUES)
def test_fuzz_random_json_bodies(client, afterwards_ok, body):
    response = client.post(CALLBACK_URL, json=body)
    _check(response, f"JSON body {json.dumps(body)[:200]}")


@settings(FUZZ, max_examples=200)
@given(data=st.data())
def test_fuzz_near_valid_bodies_for_every_callback(
    client, afterwards_ok, signatures, known_values, data
):
    output, mutation, body = data.draw(near_valid_bodies(signatures, known_values))
    response = client.post(CALLBACK_URL, json=body)
    _check(response, f"callback {output} ({mutation}): {json.dumps(body)[:600]}")


def test_huge_values_within_the_body_limit(client, afterwards_ok, signatures):
    """Every callback with ~600 KB strings and a 20,000-item list as input values."""
    from web import MAX_CONTENT_LENGTH

    for spec in signatures:
        for huge in ("x" * 600_000, ["OES.01"] * 20_000, {"k" * 1000: "v" * 100_000}):
            body = {
                "output": spec["output"],
                "outputs": [{"id": i, "property": p} for i, p in spec["outputs"]]
                if spec["output"].startswith("..")
                else {"id": spec["outputs"][0][0], "property": spec["outputs"][0][1]},
                "inputs": [{"id": i, "property": p, "value": huge} for i, p in spec["inputs"]],
                "state": [{"id": i, "property": p, "value": huge} for i, p in spec["state"][:1]],
                "changedPropIds": [f"{spec['inputs'][0][0]}.{spec['inputs'][0][1]}"],
            }
            raw = json.dumps(body).encode()
            if len(raw) >= MAX_CONTENT_LENGTH:
                body["state"] = []
                body["inputs"] = body["inputs"][:1]
                raw = json.dumps(body).encode()
            assert len(raw) < MAX_CONTENT_LENGTH
            response = client.post(CALLBACK_URL, data=raw, content_type="application/json")
            _check(response, f"callback {spec['output']} with a {len(raw):,}-byte body")


# --------------------------------------------------------------------------- URLs

PATH_SEGMENTS = st.sampled_from(
    ["oes", "aes", "explorar", "covid", "calidad", "unidades", "download", "assets", "_dash-x"]
) | st.text(min_size=1, max_size=20)


@FUZZ
@given(
    base=st.sampled_from(["/", "/explorar", "/oes/", "/aes/", "/covid", "/unidades", "/calidad"]),
    tail=st.lists(PATH_SEGMENTS, max_size=3),
    query=st.lists(st.tuples(st.text(max_size=10), st.text(max_size=30)), max_size=5),
)
def test_fuzz_get_paths_and_query_strings(client, afterwards_ok, base, tail, query):
    path = base.rstrip("/") + "".join("/" + quote(part, safe="") for part in tail) or "/"
    if base in {"/oes/", "/aes/"} and not tail:
        path = base
    url = path + ("?" + urlencode(query) if query else "")
    response = client.get(url)
    _check(response, f"GET {url}")
    assert response.status_code in {200, 404}, f"GET {url} -> {response.status_code}"


@settings(FUZZ, max_examples=100)
@given(data=st.data())
def test_fuzz_router_with_random_urls(client, afterwards_ok, known_values, data):
    """The pages router renders a layout (``layout(**query)``) for any URL a user can type."""
    pathname = data.draw(
        st.sampled_from(known_values["paths"])
        | st.sampled_from(["/oes/", "/aes/"]).map(lambda p: p + data.draw(NASTY_TEXT))
        | st.text(max_size=40).map(lambda t: "/" + t)
    )
    search = data.draw(
        st.dictionaries(
            st.sampled_from(["unidad", "oes", "nivel", "estado", "desde", "hasta", "modo"])
            | st.text(max_size=8),
            st.lists(st.sampled_from(known_values["words"]) | NASTY_TEXT, min_size=1, max_size=3),
            max_size=5,
        ).map(lambda d: "?" + urlencode(d, doseq=True) if d else "")
        | st.text(max_size=60)
    )
    body = json.loads(json.dumps(ROUTER_BODY))
    body["inputs"][0]["value"] = pathname
    body["inputs"][1]["value"] = search
    response = client.post(CALLBACK_URL, json=body)
    _check(response, f"router {pathname!r} {search!r}")
    assert response.status_code == 200, f"router {pathname!r} {search!r} -> {response.status_code}"
