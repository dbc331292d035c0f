"""Faults and load against the real start command (gunicorn -c gunicorn.conf.py app:server).

1. A corrupted data file stops the start-up: exit code != 0, and stderr names file, row, column.
2. A worker killed with SIGKILL mid-load: the master replaces it; only requests that were in
   flight in the killed worker may fail, every request started after the replacement succeeds,
   and the replacement worker serves on its own.
3. /healthz answers 200 with the number of indicators loaded and the data version.

Sustained load (wrk, errors and requests/s against budgets) is measured by ``make bench``
(bench/README.md, "Throughput"), not here: it takes minutes and needs a quiet machine.

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
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.callback_bodies import CALLBACK_URL, callback_body, router_body
from tests.conftest import ROOT, _stop, run_gunicorn, start_gunicorn, wait_healthy


def _explorer_view_body() -> dict:
    """The explorer's view callback (grid, chart, counts from the filters), from the app itself."""
    import app

    app.server.test_client().get("/_dash-dependencies")  # pages' callbacks join callback_map
    key = next(
        key
        for key, spec in app.app.callback_map.items()
        if [(str(i["id"]), i["property"]) for i in spec["inputs"]] == [("exp-filtros", "data")]
    )
    outputs = key.strip(".").split("...")
    return callback_body(outputs, [("exp-filtros.data", {"units": ["DGC"], "levels": []})])


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


@pytest.mark.slow
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


class LoadClients:
    """Threads that send the load mix in a loop and record every outcome (the worker-kill test)."""

    def __init__(self, base_url: str, count: int = 6) -> None:
        self.base_url = base_url
        self.outcomes: list[Outcome] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self._client, args=(i,), daemon=True) for i in range(count)
        ]

    def _client(self, index: int) -> None:
        position = index
        while not self.stop.is_set():
            method, path, body = LOAD_MIX[position % len(LOAD_MIX)]
            position += 1
            start = time.monotonic()
            try:
                status, _ = _request(self.base_url, method, path, body, timeout=20)
                ok, detail = status == 200, f"{method} {path} -> {status}"
            # reset / refused / timeout, or an answer cut short by the killed worker
            except (OSError, http.client.HTTPException) as error:
                ok, detail = False, f"{method} {path} -> {type(error).__name__}: {error}"
            with self.lock:
                self.outcomes.append(Outcome(start, time.monotonic(), ok, detail))

    def started_after(self, moment: float) -> int:
        with self.lock:
            return sum(o.start >= moment for o in self.outcomes)

    def __enter__(self) -> LoadClients:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)


def _wait_for(predicate, seconds: float, step: float = 0.05):
    """The first truthy ``predicate()`` within ``seconds``, else None."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return None


def _kill_and_wait_for_replacement(process, victim: int) -> tuple[float, float]:
    """SIGKILL ``victim``; (killed at, replaced at) once the master has 2 workers again."""
    killed_at = time.monotonic()
    os.kill(victim, signal.SIGKILL)
    replaced = _wait_for(
        lambda: victim not in (current := _children(process.pid)) and len(current) == 2, 30
    )
    assert replaced, f"the master did not replace worker {victim}"
    return killed_at, time.monotonic()


def _only_in_flight_requests_failed(outcomes: list[Outcome], killed_at: float) -> None:
    failed = [o for o in outcomes if not o.ok]
    in_flight = [o for o in outcomes if o.start <= killed_at <= o.end]
    assert all(o.start <= killed_at <= o.end for o in failed), (
        "requests not in flight at the kill failed: "
        + "; ".join(o.detail for o in failed if not o.start <= killed_at <= o.end)
    )
    # A sync worker handles one request at a time (gthread: `threads` at a time).
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    per_worker = int(config.get("threads", 1)) if config.get("worker_class") == "gthread" else 1
    assert len(failed) <= min(len(in_flight), per_worker), [o.detail for o in failed]


@pytest.mark.slow
def test_killed_worker_is_replaced_and_requests_keep_being_served(own_server):
    process, base_url, log_path = own_server
    # /healthz answers as soon as the first worker is up
    workers = _wait_for(lambda: found if len(found := _children(process.pid)) >= 2 else None, 30)
    assert workers and len(workers) == 2, f"expected 2 workers, found {workers}"
    victim = min(workers)
    with LoadClients(base_url) as clients:
        _wait_for(lambda: clients.started_after(0) >= 6, 10)
        killed_at, replaced_at = _kill_and_wait_for_replacement(process, victim)
        _wait_for(lambda: clients.started_after(replaced_at) >= 20, 20, step=0.1)
    new_worker = (_children(process.pid) - workers).pop()
    outcomes = clients.outcomes
    after = [o for o in outcomes if o.start >= replaced_at]
    print(
        f"worker kill: {len(outcomes)} requests, {sum(not o.ok for o in outcomes)} failed, "
        f"{len(after)} after the replacement ({replaced_at - killed_at:.2f} s to replace pid "
        f"{victim} by {new_worker})"
    )
    _only_in_flight_requests_failed(outcomes, killed_at)
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
    assert f"Booting worker with pid: {new_worker}" in log_path.read_text(errors="replace")


# --------------------------------------------------------------------------- 3. health


def test_healthz_reports_the_loaded_data(live_server):
    from pesem.loader import data_dir_from_env

    status, payload = _request(live_server, "GET", "/healthz", None)
    assert status == 200
    with (data_dir_from_env() / "indicators.csv").open(encoding="utf-8") as handle:
        rows = sum(1 for _ in csv.DictReader(handle))
    from web.api.caching import data_version

    assert json.loads(payload) == {
        "status": "ok",
        "indicators": rows,
        "data_version": data_version(data_dir_from_env()),
    }
