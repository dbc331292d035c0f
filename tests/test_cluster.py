"""`make cluster` for real: Debian's nginx over 2 gunicorn replicas (deploy/cluster.py), loopback.

The tests marked slow share one cluster, started with the command the Makefile runs (``python -m
deploy.cluster``). In order: conditional GETs and caching through nginx and directly; 20 s of
load from 8 clients over pages, ``/_dash-layout``, downloads and a callback while one replica
is SIGKILLed (zero failed requests; the replica comes back and serves through nginx again);
Ctrl+C stops everything.
"""

from __future__ import annotations

import contextlib
import gzip
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from deploy.cluster import die_with_parent, free_port_block, module_command, stop_group
from tests.callback_bodies import CALLBACK_URL, router_body
from tests.conftest import ROOT, free_port

STARTUP_TIMEOUT_S = 180
LOAD_SECONDS = 20
CLIENTS = 8
USER_AGENT = "pesem-cluster-test"
REJOIN_AGENT = "pesem-rejoin-check"


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def fetch(
    port: int,
    path: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Answer:
    """One request on its own connection (no exception for 304 or 5xx)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(
            method, path, body=body, headers={"User-Agent": USER_AGENT, **(headers or {})}
        )
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


@dataclass
class Cluster:
    process: subprocess.Popen[bytes]
    port: int
    state_file: Path
    log_path: Path

    def state(self) -> dict[str, Any]:
        return json.loads(self.state_file.read_text(encoding="utf-8"))

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, condition: Any, what: str, timeout: float = STARTUP_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"cluster exited:\n{self.log()[-4000:]}"
            with contextlib.suppress(OSError, ValueError):
                if condition():
                    return
            time.sleep(0.25)
        pytest.fail(f"{what} within {timeout:.0f} s:\n{self.log()[-4000:]}")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if not (shutil.which("nginx") or os.path.exists("/usr/sbin/nginx")):
        pytest.fail("nginx is missing: `make nginx` (a prerequisite of `make test`) installs it")
    work = tmp_path_factory.mktemp("cluster")
    port = free_port()
    first = free_port_block(2)
    log_path = work / "cluster.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            module_command(port, 2, first, work / "state.json"),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=die_with_parent,  # a killed test run leaves no cluster behind
        )
    handle = Cluster(process, port, work / "state.json", log_path)
    try:
        handle.wait_for(lambda: handle.state()["ready"], "the cluster was not ready")
        yield handle
    finally:
        stop_group(process, signal.SIGINT, timeout=90)  # as Ctrl+C in `make cluster`


# --------------------------------------------------------------------------- HTTP semantics


@pytest.mark.slow
@pytest.mark.parametrize("url", ["/download/indicators.csv", "/download/resumen.xlsx"])
def test_conditional_get_of_a_download_is_304_through_nginx_and_directly(cluster, url):
    replica_port = cluster.state()["replicas"][0]["port"]
    for port in (cluster.port, replica_port):
        for encoding in ("gzip", "identity"):
            first = fetch(port, url, headers={"Accept-Encoding": encoding})
            assert first.status == 200 and first.body
            etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
            assert etag and modified
            again = fetch(port, url, headers={"If-None-Match": etag, "Accept-Encoding": encoding})
            assert again.status == 304, (port, encoding, etag)
            assert again.body == b""
            since = fetch(port, url, headers={"If-Modified-Since": modified})
            assert since.status == 304, (port, modified)


@pytest.mark.slow
def test_nginx_gzips_what_the_app_did_not_and_nothing_twice(cluster):
    csv = fetch(cluster.port, "/download/indicators.csv", headers={"Accept-Encoding": "gzip"})
    assert csv.headers["Content-Encoding"] == "gzip"  # nginx: the app leaves CSV alone
    assert gzip.decompress(csv.body).startswith(b"\xef\xbb\xbf")
    layout = fetch(cluster.port, "/_dash-layout", headers={"Accept-Encoding": "gzip"})
    assert layout.headers["Content-Encoding"] == "gzip"  # the app's flask-compress
    assert json.loads(gzip.decompress(layout.body))  # decompressed once: JSON
    health = json.loads(fetch(cluster.port, "/healthz").body)
    assert health["status"] == "ok" and health["data_version"]


@pytest.mark.slow
def test_static_files_are_cached_by_nginx(cluster):
    html = fetch(cluster.port, "/").body.decode()
    bundle = html.split('src="/_dash-component-suites/', 1)[1].split('"', 1)[0]
    for path in ("/assets/app.css", f"/_dash-component-suites/{bundle}"):
        statuses = [
            fetch(cluster.port, path, headers={"Accept-Encoding": "gzip"}).headers["X-Cache-Status"]
            for _ in range(2)
        ]
        assert statuses[-1] == "HIT", (path, statuses)
    page = fetch(cluster.port, "/")
    assert "X-Cache-Status" not in page.headers  # pages always reach a replica
    assert len(page.headers.get_all("Content-Security-Policy")) == 1  # the app's, no second one


# --------------------------------------------------------------------------- load and failover


def request_mix(ds_oes_code: str) -> list[tuple[str, str, bytes | None, dict[str, str]]]:
    callback = json.dumps(router_body("/explorar")).encode()
    gz = {"Accept-Encoding": "gzip"}
    return [
        ("GET", "/", None, gz),
        ("GET", "/explorar", None, gz),
        ("GET", f"/oes/{ds_oes_code}", None, gz),
        ("GET", "/_dash-layout", None, gz),
        ("GET", "/download/indicators.csv", None, gz),
        ("GET", "/download/resumen.xlsx", None, {}),
        ("POST", CALLBACK_URL, callback, {**gz, "Content-Type": "application/json"}),
    ]


def run_load(port: int, mix: list, seconds: float, clients: int) -> tuple[Counter, list[str]]:
    """``clients`` threads sending ``mix`` round and round for ``seconds``."""
    done: Counter = Counter()
    failures: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(offset: int) -> None:
        i = offset
        while time.monotonic() < deadline:
            method, path, body, headers = mix[i % len(mix)]
            i += 1
            try:
                answer = fetch(port, path, method=method, body=body, headers=headers)
                problem = None if answer.status == 200 and answer.body else f"HTTP {answer.status}"
            except (OSError, http.client.HTTPException) as error:
                problem = repr(error)
            with lock:
                done[path] += 1
                if problem:
                    failures.append(f"{method} {path}: {problem}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done, failures


@pytest.mark.slow
def test_load_with_a_replica_killed_fails_no_request_and_the_replica_rejoins(cluster, ds):
    mix = request_mix(ds.oes["oes_code"].iloc[0])
    victim = cluster.state()["replicas"][0]
    result: dict[str, Any] = {}

    def load_run() -> None:
        result["done"], result["failures"] = run_load(cluster.port, mix, LOAD_SECONDS, CLIENTS)

    load = threading.Thread(target=load_run)
    load.start()
    time.sleep(LOAD_SECONDS / 2)
    killed_at = sum(1 for line in cluster.log().splitlines() if USER_AGENT in line)
    os.kill(victim["pid"], signal.SIGKILL)  # `kill -9` of the replica (its gunicorn master)
    load.join()

    done, failures = result["done"], result["failures"]
    served = sum(1 for line in cluster.log().splitlines() if USER_AGENT in line)
    assert failures == [], f"{len(failures)} of {sum(done.values())} failed: {failures[:10]}"
    assert set(done) == {path for _, path, _, _ in mix}
    assert served > killed_at  # the load went on after the kill
    print(f"\ncluster load: {sum(done.values())} requests, 0 failed, {dict(done)}")

    # the supervisor restarted it: healthy on its own port, same data as the other replica
    def back() -> bool:
        replica = cluster.state()["replicas"][0]
        return replica["restarts"] >= 1 and replica["healthy"] and replica["pid"] != victim["pid"]

    cluster.wait_for(back, "the killed replica did not come back")
    own = json.loads(fetch(victim["port"], "/healthz").body)
    other = json.loads(fetch(cluster.state()["replicas"][1]["port"], "/healthz").body)
    assert own["status"] == "ok" and own["data_version"] == other["data_version"]

    # and nginx sends it requests again (its log lines carry the replica's name)
    def rejoined() -> bool:
        fetch(cluster.port, "/", headers={"User-Agent": REJOIN_AGENT})
        restarted = cluster.log().split("back after restart", 1)[1]
        return any(
            line.startswith("replica-1 |") and REJOIN_AGENT in line
            for line in restarted.splitlines()
        )

    cluster.wait_for(rejoined, "nginx did not send requests to the restarted replica", 90)


@pytest.mark.slow
def test_ctrl_c_stops_everything_it_started(cluster):
    state = cluster.state()
    pids = [state["nginx_pid"], *(r["pid"] for r in state["replicas"])]
    ports = [cluster.port, *(r["port"] for r in state["replicas"])]
    os.killpg(cluster.process.pid, signal.SIGINT)  # what the terminal sends on Ctrl+C
    assert cluster.process.wait(timeout=90) == 0
    for pid in pids:  # each was a process group of its own: none is left
        with pytest.raises(ProcessLookupError):
            os.killpg(pid, 0)
    for port in ports:
        with (
            pytest.raises(ConnectionRefusedError),
            socket.create_connection(("127.0.0.1", port), 2),
        ):
            pass
    assert not Path(state["prefix"]).exists()
    assert not cluster.state_file.exists()


@pytest.mark.slow
def test_a_replica_that_cannot_start_stops_the_cluster_with_an_error(tmp_path):
    """A broken data file stops gunicorn's start-up: the cluster says so instead of looping."""
    from pesem.loader import data_dir_from_env

    data = tmp_path / "data"
    shutil.copytree(data_dir_from_env(), data)
    (data / "report.yaml").write_text("plan: [", encoding="utf-8")
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "deploy.cluster",
            "--port",
            str(free_port()),
            "--replicas",
            "1",
            "--first-replica-port",
            str(free_port()),
        ],
        cwd=ROOT,
        env={**os.environ, "PESEM_DATA_DIR": str(data)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 1
    assert "replica-1 could not start" in completed.stderr
    assert "report.yaml" in completed.stdout  # gunicorn's own error, prefixed with its name


def test_the_bench_sends_valid_requests_and_reports_the_ratio():
    """bench/cluster.py's callback is one the app answers; its row shows the 2:1 ratio."""
    from app import server
    from bench import cluster as cluster_bench

    client = server.test_client()
    for target in cluster_bench.targets():
        method = client.post if target["body"] else client.get
        response = method(target["path"], data=target["body"], headers=target["headers"])
        assert response.status_code == 200, target["label"]

    def result(label: str, via: str, replicas: int, workers: int, rps: float) -> dict:
        return {
            "label": label,
            "via": via,
            "replicas": replicas,
            "workers": workers,
            "rps": rps,
            "p99_ms": 50.0,
            "errors": 0,
        }

    label = cluster_bench.targets()[0]["label"]
    measured = {
        "results": [
            result(label, "nginx", 1, 2, 100.0),
            result(label, "gunicorn", 1, 2, 120.0),
            result(label, "nginx", 2, 2, 150.0),
            result(label, "nginx", 1, 4, 110.0),
        ]
    }
    (row,) = cluster_bench.rows(measured)
    assert row.ratio == "1.50× (2:1)" and row.result == "INFO"
    assert "gunicorn alone 120" in row.reference and "4 workers 110" in row.reference


def test_restart_delay_grows_only_while_a_replica_fails_to_start():
    from deploy.cluster import MAX_BACKOFF_S, Replica

    replica = Replica(1, free_port())
    replica.process = subprocess.Popen(["true"], start_new_session=True)
    replica.process.wait()

    def delay_after_death(was_healthy: bool) -> float:
        replica.healthy = was_healthy
        before = time.monotonic()
        replica.schedule_restart(1)
        return round(replica.restart_at - before)

    assert delay_after_death(True) == 0  # it had served: at once
    assert [delay_after_death(False) for _ in range(7)] == [1, 2, 4, 8, 16, 30, 30]
    assert MAX_BACKOFF_S == 30
    assert delay_after_death(True) == 0
