"""The pure parts of the benchmark suite (bench/): fast, no server, no browser, no timing checks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bench import discover, latency, memory, payloads, report, synth, throughput
from pesem.loader import load_dataset

DATA = Path(__file__).resolve().parents[1] / "data"

# --------------------------------------------------------------------------- synthetic data


@pytest.mark.slow
def test_synthetic_dataset_loads_and_is_about_100x(tmp_path: Path):
    stats = synth.generate(DATA, tmp_path / "big", sectors=20, years=5)
    big = load_dataset(tmp_path / "big")
    real = load_dataset(DATA)
    assert stats.factor == 100
    assert len(big.indicators) == 100 * len(real.indicators)
    assert len(big.values) == 100 * len(real.values)
    assert len(big.body_values) == 100 * len(real.body_values)
    assert 90 <= stats.ratio <= 110
    # copy 0 keeps the real ids, so payloads captured on the real data stay valid
    assert set(real.indicators["indicator_id"]) <= set(big.indicators["indicator_id"])
    assert big.indicators["indicator_id"].is_unique
    # same OES/AES codes and the same schema
    assert list(big.oes["oes_code"]) == list(real.oes["oes_code"])
    assert list(big.indicators.columns) == list(real.indicators.columns)


def test_synthetic_dataset_small_factor_and_overwrite(tmp_path: Path):
    target = tmp_path / "big"
    synth.generate(DATA, target, sectors=2, years=1)
    stats = synth.generate(DATA, target, sectors=1, years=3)  # rewrites the folder
    assert stats.factor == 3
    assert len(load_dataset(target).indicators) == 3 * stats.real_rows["indicators.csv"]


def test_synthetic_ids_do_not_collide():
    import pandas as pd

    frame = pd.DataFrame({"indicator_id": ["OES.01-1", "OES.01-2"], "seq": ["1", "2"]})
    stride = synth._stride(frame)
    ids = {v for copy in range(100) for v in synth.id_map(frame, copy, stride).values()}
    assert len(ids) == 200
    assert synth.id_map(frame, 0, stride) == {"OES.01-1": "OES.01-1", "OES.01-2": "OES.01-2"}
    assert synth.copy_label(0, 5) == "S01/2020" and synth.copy_label(7, 5) == "S02/2022"


def test_synthetic_generator_on_a_copy_of_data_does_not_touch_source(tmp_path: Path):
    src = tmp_path / "src"
    shutil.copytree(DATA, src)
    before = {p.name: p.read_bytes() for p in src.glob("*.csv")}
    synth.generate(src, tmp_path / "dst", sectors=1, years=2)
    assert {p.name: p.read_bytes() for p in src.glob("*.csv")} == before


# --------------------------------------------------------------------------- payloads


def _body(output: str, inputs: list[dict], **extra) -> str:
    return json.dumps({"output": output, "outputs": {}, "inputs": inputs, "state": [], **extra})


ROUTER = ".._pages_content.children..._pages_store.data.."


def _captured() -> list[payloads.Captured]:
    nav = [
        {"id": "_pages_location", "property": "pathname", "value": "/covid"},
        {"id": "_pages_location", "property": "search", "value": ""},
    ]
    nav_home = [dict(nav[0], value="/"), nav[1]]
    filt = [{"id": "exp-oes", "property": "value", "value": "OES.01"}]
    path = "/_dash-update-component?endId=abc"
    hdr = {"Content-Type": "application/json", "Cookie": "x=1", "Accept-Encoding": "br"}
    return [
        payloads.Captured("/covid", "load", path, _body(ROUTER, nav), hdr, 200, 10),
        payloads.Captured("/covid", "load", path, _body(ROUTER, nav), hdr, 200, 10),  # same
        payloads.Captured("/", "load", path, _body(ROUTER, nav_home), hdr, 200, 10),
        payloads.Captured("/explorar", "dropdown:exp-oes", path, _body("exp-grid.rowData", filt)),
        payloads.Captured("/explorar", "x", path, "not json"),
    ]


def test_group_splits_router_per_path_and_dedupes():
    rows = payloads.group(_captured())
    labels = [r.label for r in rows]
    assert labels == ["layout /covid", "layout /", "exp-grid.rowData"]
    covid = rows[0]
    assert covid.key == ROUTER and len(covid.variants) == 1
    v = covid.variants[0]
    assert v.path == "/_dash-update-component?endId=abc"
    assert json.loads(v.body)["inputs"][0]["value"] == "/covid"
    # only headers that matter, lower-cased; cookies are not replayed
    assert v.headers["content-type"] == "application/json"
    assert v.headers["accept-encoding"] == "br"
    assert "cookie" not in v.headers


def test_payload_round_trip(tmp_path: Path):
    path = tmp_path / "captured.json"
    payloads.save(path, _captured())
    loaded = payloads.load(path)
    assert [c.body for c in loaded] == [c.body for c in _captured()]
    rows = payloads.group(loaded)
    again = [payloads.CallbackPayloads.from_json(r.to_json()) for r in rows]
    assert [(r.label, [v.body for v in r.variants]) for r in again] == [
        (r.label, [v.body for v in r.variants]) for r in rows
    ]


def test_request_helpers():
    assert payloads.is_update_request("POST", "http://127.0.0.1:1/_dash-update-component?e=1")
    assert not payloads.is_update_request("GET", "http://127.0.0.1:1/_dash-update-component")
    assert not payloads.is_update_request("POST", "http://127.0.0.1:1/_dash-layout")
    assert payloads.request_path("http://h:1/_dash-update-component?a=b") == (
        "/_dash-update-component?a=b"
    )
    assert payloads.canonical('{"b": 1, "a": [1, 2]}') == b'{"a":[1,2],"b":1}'
    with pytest.raises(ValueError):
        payloads.callback_key({"inputs": []})


def test_noop_payload_addresses_the_wrapper_callback():
    row = payloads.noop_payload("/_dash-update-component?endId=z", {"Accept-Encoding": "gzip"})
    body = json.loads(row.variants[0].body)
    assert body["output"] == payloads.NOOP_KEY == f"{payloads.NOOP_OUTPUT}.children"
    assert body["inputs"][0]["id"] == payloads.NOOP_INPUT
    assert row.variants[0].path.endswith("endId=z")
    assert row.variants[0].headers["accept-encoding"] == "gzip"


def test_wrapper_difference_ignores_only_the_noop():
    layout = {"type": "Div", "props": {"children": [{"type": "Header", "props": {}}]}}
    noop_div = {"type": "Div", "props": {"id": payloads.NOOP_CONTAINER, "children": []}}
    wrapped_layout = {
        "type": "Div",
        "props": {"children": [*layout["props"]["children"], noop_div]},
    }
    cb = {"key": "a.children", "inputs": [], "clientside": False}
    plain = {
        "routes": ["GET /"],
        "callbacks": [cb],
        "layout": layout,
        "pages": [{"path": "/"}],
        "index_status": 200,
        "dependencies_status": 200,
    }
    wrapped = {
        **plain,
        "callbacks": [cb, {"key": payloads.NOOP_KEY, "inputs": [], "clientside": False}],
        "layout": wrapped_layout,
    }
    assert discover.wrapper_differences(plain, wrapped) == []
    broken = {**wrapped, "routes": ["GET /", "GET /x"]}
    assert discover.wrapper_differences(plain, broken)


def test_fill_template():
    samples = {"oes": ["OES.01"], "aes": ["AES.01.03"]}
    assert discover._fill_template("/oes/<code>", samples) == "/oes/OES.01"
    assert discover._fill_template("/aes/<code>", samples) == "/aes/AES.01.03"
    assert discover._fill_template("/otro/<code>", samples) is None


# --------------------------------------------------------------------------- parsers


def test_percentile_matches_linear_interpolation():
    values = [float(v) for v in range(1, 101)]
    assert latency.percentile(values, 50) == pytest.approx(50.5)
    assert latency.percentile(values, 95) == pytest.approx(95.05)
    assert latency.percentile([3.0], 99) == 3.0
    assert latency.percentile([], 50) != latency.percentile([], 50)  # NaN


def test_wrk_json_line_parses():
    out = (
        "Running 10s test @ http://127.0.0.1:1/\n"
        'WRKJSON {"requests":2000,"duration_us":10000000,"bytes":100,"connect":0,"read":1,'
        '"write":0,"status":2,"timeout":0,"mean_us":5000.0,"p50_us":4000,"p90_us":7000,'
        '"p99_us":12000,"max_us":30000}\n'
    )
    r = throughput.parse(out, "x", "/", 16)
    assert r.rps == pytest.approx(200.0)
    assert r.p99_ms == pytest.approx(12.0)
    assert r.non_2xx_3xx == 2 and r.socket_errors == 1 and r.errors == 3
    with pytest.raises(ValueError):
        throughput.parse("no marker", "x", "/", 16)


def test_smaps_rollup_parses():
    text = (
        "55d0c0a00000-7ffd1d9f5000 ---p 00000000 00:00 0    [rollup]\n"
        "Rss:              134000 kB\nPss:               88000 kB\n"
        "Pss_Anon:          70000 kB\nPrivate_Dirty:     71000 kB\n"
    )
    m = memory.parse_smaps_rollup(text)
    assert m["Rss"] == 134000 * 1024 and m["Pss"] == 88000 * 1024
    assert m["Private_Dirty"] == 71000 * 1024


def test_table_renders_budgets_from_a_results_document():
    res = {
        "first_visit": [
            {
                "server": "baseline",
                "path": "/",
                "n": 3,
                "median_ms": 500.0,
                "median_bytes": 1_600_000,
                "median_requests": 15,
            },
            {
                "server": "app",
                "path": "/",
                "n": 3,
                "expected_charts": 2,
                "median_ms": 800.0,
                "median_bytes": 2_000_000,
                "median_requests": 27,
            },
        ],
        "callbacks": {
            "latency": [
                {
                    "label": "no-op (floor)",
                    "key": payloads.NOOP_KEY,
                    "p50_ms": 1.0,
                    "p95_ms": 2.0,
                    "p99_ms": 3.0,
                    "errors": 0,
                    "server_cpu_ms_per_req": 0.8,
                },
                {
                    "label": "layout /",
                    "key": payloads.PAGES_CONTENT,
                    "p50_ms": 5.0,
                    "p95_ms": 7.0,
                    "p99_ms": 9.0,
                    "errors": 0,
                    "server_cpu_ms_per_req": 4.0,
                },
            ],
            "uncovered": ["x.children"],
        },
        "memory": [
            {
                "server": "app+noop",
                "when": "after load",
                "role": "worker",
                "pid": 1,
                "rss": 100 * 1024 * 1024,
                "pss": 60 * 1024 * 1024,
            }
        ],
    }
    rows = report.build_rows(res)
    results = {(r.area, r.metric.split(" (")[0]): r.result for r in rows}
    assert results[("first visit", "time to charts drawn")] == "PASS"
    assert results[("first visit", "bytes transferred")] == "FAIL"
    assert [r.result for r in rows if r.item == "layout /"] == ["FAIL"]  # 3.5x the no-op
    assert [r.result for r in rows if r.area == "memory"] == ["PASS"]
    assert any(r.result == "SKIP" for r in rows)
    text = report.render(rows)
    assert "Result" in text.splitlines()[0] and "budgets:" in text.splitlines()[-1]
