"""Faults and load against the real start command (gunicorn -c gunicorn.conf.py app:server).

1. A corrupted data file stops the start-up: exit code != 0, and stderr names file, row, column.
2. A worker killed with SIGKILL mid-load: the master replaces it; only requests that were in
   flight in the killed worker may fail, every request started after the replacement succeeds,
   and the replacement worker serves on its own.
3. A bounded load test: 32 concurrent connections for 30 s (wrk; a thread pool when wrk is
   missing) mixing page GETs and callback POSTs: zero non-2xx answers, zero socket errors.
4. /healthz answers 200 with the number of indicators loaded.

Everything listens on and talks to 127.0.0.1 only.
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import os
import runpy
import shutil
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.callback_bodies import CALLBACK_URL, callback_body, router_body
from tests.conftest import ROOT, _stop, run_gunicorn, start_gunicorn, wait_healthy

LOAD_CONNECTIONS = 32
LOAD_SECONDS = 30


def _explorer_view_body() -> dict:
    outputs = ["unidad.options", "oes.options", "nivel.options", "estado.options"]
    outputs += ["grid.rowData", "grid.columnDefs", "grafico-caja.children", "conteo.children"]
    outputs += ["descarga-filtros.value"]
    return callback_body(
        [f"exp-{o}" for o in outputs],
        [("exp-filtros.data", {"units": ["DGC"], "levels": []})],
    )


#: The load mix: (method, path, JSON body) — pages, static files and real callbacks.
LOAD_MIX: list[tuple[str, str, dict | None]] = [
    ("GET", "/", None),
    ("GET", "/explorar?unidad=DGC", None),
    ("GET", "/oes/OES.02", None),
    ("GET", "/aes/AES.03.04", None),
    ("GET", "/healthz", None),
    ("GET", "/assets/app.css", None),
    ("GET", "/_dash-layout", None),
    ("GET", "/_dash-dependencies", None),
    ("POST", CALLBACK_URL, router_body("/")),
    ("POST", CALLBACK_URL, router_body("/oes/OES.01")),
    ("POST", CALLBACK_URL, router_body("/aes/AES.01.10")),
    ("POST", CALLBACK_URL, router_body("/explorar", "?nivel=AES")),
    ("POST", CALLBACK_URL, router_body("/unidades")),
    ("POST", CALLBACK_URL, router_body("/calidad")),
    ("POST", CALLBACK_URL, router_body("/covid")),
    ("POST", CALLBACK_URL, _explorer_view_body()),
]


def _request(base_url: str, method: str, path: str, body: dict | None, timeout: float = 15):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base_url + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_load_mix_is_valid(live_server):
    """Every request of the load mix succeeds on its own (so the load test measures load)."""
    for method, path, body in LOAD_MIX:
        status, payload = _request(live_server, method, path, body)
        assert status == 200, f"{method} {path} -> {status}: {payload[:300]!r}"


# --------------------------------------------------------------------------- 1. broken data


def test_corrupted_data_file_stops_startup_naming_file_row_and_column(tmp_path):
    from pesem.loader import data_dir_from_env

    data = tmp_path / "data"
    shutil.copytree(data_dir_from_env(), data)
    values = data / "values.csv"
    rows = list(csv.reader(io.StringIO(values.read_text(encoding="utf-8"))))
    header = rows[0]
    row = 7  # the 7th data row (line 8 of the file)
    rows[row][header.index("value")] = "treinta"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    values.write_text(out.getvalue(), encoding="utf-8")

    started = time.monotonic()
    completed = run_gunicorn({"PESEM_DATA_DIR": str(data)})
    assert completed.returncode != 0, "gunicorn started on a corrupted data file"
    assert time.monotonic() - started < 60
    stderr = completed.stderr
    message = next((line for line in stderr.splitlines() if "DataFileError" in line), "")
    assert "values.csv" in message, stderr[-2000:]
    assert f"row {row}" in message, message
    assert "column 'value'" in message, message
    assert "treinta" in message, message
    assert "Booting worker" not in completed.stdout + stderr  # no worker ever served


# --------------------------------------------------------------------------- 2. worker killed


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may contain spaces, so split after the last ")"
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.add(int(entry.name))
    return found


@dataclass
class Outcome:
    start: float
    end: float
    ok: bool
    detail: str


@pytest.fixture
def own_server(tmp_path) -> Iterator[tuple[subprocess.Popen[bytes], str, Path]]:
    log_path = tmp_path / "gunicorn.log"
    process, base_url = start_gunicorn(log_path=log_path)
    try:
        wait_healthy(process, base_url, log_path)
        yield process, base_url, log_path
    finally:
        _stop(process)


def test_killed_worker_is_replaced_and_requests_keep_being_served(own_server):
    process, base_url, log_path = own_server
    deadline = time.monotonic() + 30  # /healthz answers as soon as the first worker is up
    while len(workers := _children(process.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(workers) == 2, f"expected 2 workers, found {workers}"
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client(index: int) -> None:
        position = index
        while not stop.is_set():
            method, path, body = LOAD_MIX[position % len(LOAD_MIX)]
            position += 1
            start = time.monotonic()
            try:
                status, _ = _request(base_url, method, path, body, timeout=20)
                ok, detail = status == 200, f"{method} {path} -> {status}"
            # reset / refused / timeout, or an answer cut short by the killed worker
            except (OSError, http.client.HTTPException) as error:
                ok, detail = False, f"{method} {path} -> {type(error).__name__}: {error}"
            with lock:
                outcomes.append(Outcome(start, time.monotonic(), ok, detail))

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(6)]
    for thread in threads:
        thread.start()
    time.sleep(2.0)
    victim = min(workers)
    killed_at = time.monotonic()
    os.kill(victim, signal.SIGKILL)
    replaced_at = None
    deadline = killed_at + 30
    while time.monotonic() < deadline:
        current = _children(process.pid)
        if victim not in current and len(current) == 2:
            replaced_at = time.monotonic()
            break
        time.sleep(0.05)
    assert replaced_at is not None, f"the master did not replace worker {victim}"
    new_worker = (_children(process.pid) - workers).pop()
    settle_deadline = time.monotonic() + 20  # then keep going: 20 requests after the restart
    while time.monotonic() < settle_deadline:
        with lock:
            if sum(o.start >= replaced_at for o in outcomes) >= 20:
                break
        time.sleep(0.1)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)

    failed = [o for o in outcomes if not o.ok]
    in_flight = [o for o in outcomes if o.start <= killed_at <= o.end]
    after = [o for o in outcomes if o.start >= replaced_at]
    print(
        f"worker kill: {len(outcomes)} requests, {len(in_flight)} in flight at the kill, "
        f"{len(failed)} failed, {len(after)} after the replacement "
        f"({replaced_at - killed_at:.2f} s to replace pid {victim} by {new_worker}); "
        f"failed: {[o.detail for o in failed]}"
    )
    assert all(o.start <= killed_at <= o.end for o in failed), (
        "requests not in flight at the kill failed: "
        + "; ".join(o.detail for o in failed if not o.start <= killed_at <= o.end)
    )
    # A sync worker handles one request at a time (gthread: `threads` at a time).
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    per_worker = int(config.get("threads", 1)) if config.get("worker_class") == "gthread" else 1
    assert len(failed) <= min(len(in_flight), per_worker), [o.detail for o in failed]
    assert len(after) >= 20 and all(o.ok for o in after)

    # The replacement serves on its own: with the other original worker stopped, only it accepts.
    survivor = (workers - {victim}).pop()
    os.kill(survivor, signal.SIGSTOP)
    try:
        for method, path, body in LOAD_MIX[:8]:
            status, _ = _request(base_url, method, path, body, timeout=10)
            assert status == 200, f"{method} {path} on the new worker -> {status}"
    finally:
        os.kill(survivor, signal.SIGCONT)
    log = log_path.read_text(errors="replace")
    assert f"Booting worker with pid: {new_worker}" in log


# --------------------------------------------------------------------------- 3. load

WRK_SCRIPT = """
local requests = {}
local position = 0
non2xx = 0  -- global: done() reads it from every thread with thread:get()
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local f = assert(io.open(args[1], "rb"))
  for line in f:lines() do
    local method, path, body = line:match("^(%S+) (%S+) ?(.*)$")
    local headers = {}
    if body == "" then
      body = nil
    else
      headers["Content-Type"] = "application/json"
    end
    table.insert(requests, wrk.format(method, path, headers, body))
  end
  f:close()
  position = math.random(#requests)
end

function request()
  position = position % #requests + 1
  return requests[position]
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests_)
  local e = summary.errors
  local total_non2xx = 0
  for _, thread in ipairs(threads) do
    total_non2xx = total_non2xx + thread:get("non2xx")
  end
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"non2xx":%d,"timeout":%d,"p50_us":%d,"p99_us":%d,"max_us":%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, total_non2xx,
    e.timeout, latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def _load_with_wrk(base_url: str, tmp_path: Path) -> dict:
    script = tmp_path / "mix.lua"
    script.write_text(WRK_SCRIPT, encoding="utf-8")
    mix = tmp_path / "mix.txt"
    mix.write_text(
        "".join(
            f"{method} {path}{' ' + json.dumps(body) if body else ''}\n"
            for method, path, body in LOAD_MIX
        ),
        encoding="utf-8",
    )
    completed = subprocess.run(
        [
            "wrk",
            "-t4",
            f"-c{LOAD_CONNECTIONS}",
            f"-d{LOAD_SECONDS}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            base_url + "/",
            "--",
            str(mix),
        ],
        capture_output=True,
        text=True,
        timeout=LOAD_SECONDS + 60,
    )
    line = next((x for x in completed.stdout.splitlines() if x.startswith("WRKJSON ")), None)
    assert line, f"wrk failed ({completed.returncode}): {completed.stdout}\n{completed.stderr}"
    result = json.loads(line.removeprefix("WRKJSON "))
    result["tool"] = "wrk"
    result["socket_errors"] = result["connect"] + result["read"] + result["write"]
    result["non_2xx"] = max(result["non2xx"], result["status"])
    return result


def _load_with_threads(base_url: str) -> dict:
    """Fallback without wrk: the same mix from 32 threads for the same time."""
    deadline = time.monotonic() + LOAD_SECONDS
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def worker(index: int) -> None:
        position = index
        while time.monotonic() < deadline:
            method, path, body = LOAD_MIX[position % len(LOAD_MIX)]
            position += 1
            start = time.monotonic()
            try:
                status, _ = _request(base_url, method, path, body, timeout=10)
                problem = "" if 200 <= status < 300 else f"{method} {path} -> {status}"
            except OSError as error:
                problem = f"{method} {path} -> {type(error).__name__}"
            with lock:
                latencies.append(time.monotonic() - start)
                if problem:
                    errors.append(problem)

    with ThreadPoolExecutor(LOAD_CONNECTIONS) as pool:
        list(pool.map(worker, range(LOAD_CONNECTIONS)))
    latencies.sort()
    return {
        "tool": "threads",
        "requests": len(latencies),
        "duration_us": LOAD_SECONDS * 1_000_000,
        "non_2xx": len([e for e in errors if "->" in e and e.split("-> ")[1].isdigit()]),
        "socket_errors": len([e for e in errors if not e.split("-> ")[1].isdigit()]),
        "timeout": 0,
        "p50_us": int(latencies[len(latencies) // 2] * 1e6) if latencies else 0,
        "p99_us": int(latencies[int(len(latencies) * 0.99)] * 1e6) if latencies else 0,
        "max_us": int(latencies[-1] * 1e6) if latencies else 0,
        "errors": errors[:20],
    }


def test_load_32_connections_for_30_seconds_without_errors(live_server, tmp_path):
    if shutil.which("wrk"):
        result = _load_with_wrk(live_server, tmp_path)
    else:
        result = _load_with_threads(live_server)
    seconds = result["duration_us"] / 1e6
    print(
        f"load ({result['tool']}, {LOAD_CONNECTIONS} connections, {seconds:.0f} s, "
        f"{len(LOAD_MIX)}-request mix): {result['requests']} requests, "
        f"{result['requests'] / seconds:.1f} req/s, p50 {result['p50_us'] / 1000:.0f} ms, "
        f"p99 {result['p99_us'] / 1000:.0f} ms, max {result['max_us'] / 1000:.0f} ms, "
        f"non-2xx {result['non_2xx']}, socket errors {result['socket_errors']}, "
        f"timeouts {result['timeout']}"
    )
    assert result["requests"] > LOAD_CONNECTIONS
    assert result["non_2xx"] == 0, result
    assert result["socket_errors"] == 0, result
    assert result["timeout"] == 0, result
    # the server is still healthy afterwards
    assert _request(live_server, "GET", "/healthz", None)[0] == 200


# --------------------------------------------------------------------------- 4. health


def test_healthz_reports_the_loaded_data(live_server):
    from pesem.loader import data_dir_from_env

    status, payload = _request(live_server, "GET", "/healthz", None)
    assert status == 200
    with (data_dir_from_env() / "indicators.csv").open(encoding="utf-8") as handle:
        rows = sum(1 for _ in csv.DictReader(handle))
    assert json.loads(payload) == {"status": "ok", "indicators": rows}
