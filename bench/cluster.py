"""Throughput through nginx with 1 and with 2 replicas, in the same run (issue 17).

``flock /tmp/heavy.lock .venv/bin/python -m bench.cluster`` prints the rows; ``python -m bench``
runs it too (``measure`` + ``rows``). For REPLICAS = 1, then 2: ``python -m deploy.cluster``
(what ``make cluster`` runs: Debian's nginx over REPLICAS gunicorn instances like ``make run``,
2 sync workers each) on free loopback ports, then wrk (16 keep-alive connections, 2 s warm-up,
then ``seconds``) against nginx for two targets: ``GET /`` (the page HTML, compressed by the
app) and the router callback of ``/explorar`` (the POST every navigation sends). In the
1-replica run the same targets also go straight to the replica's gunicorn: the reference
that shows what nginx itself costs. A third run, 1 replica with 4 workers, tells whether the
2-replica gain comes from the replicas or simply from 4 worker processes instead of 2.

On this machine's 2 cores the 2:1 ratio says more about overhead than about scale: one replica's
2 workers can already keep both cores busy, so a second replica adds processes, not CPU. The
numbers are for comparing configurations on one machine, not a capacity promise.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from bench import REPO_ROOT, machine, servers, throughput
from bench.report import Row
from deploy.cluster import free_port_block, module_command, stop_group

#: (replicas, gunicorn workers per replica) of each run, in order.
CONFIGS: Final = ((1, 2), (2, 2), (1, 4))
CONNECTIONS: Final = 16
WARMUP_S: Final = 2
STARTUP_TIMEOUT_S: Final = 180.0
ACCEPT: Final = {"Accept": "text/html", "Accept-Encoding": "gzip, deflate, br, zstd"}


def router_body(pathname: str) -> bytes:
    """The body Dash's pages router POSTs when the address becomes ``pathname``."""
    location = [
        {"id": "_pages_location", "property": "pathname", "value": pathname},
        {"id": "_pages_location", "property": "search", "value": ""},
    ]
    body = {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [
            {"id": "_pages_content", "property": "children"},
            {"id": "_pages_store", "property": "data"},
        ],
        "inputs": location,
        "changedPropIds": ["_pages_location.pathname"],
    }
    return json.dumps(body).encode()


def targets() -> list[dict[str, Any]]:
    """What wrk sends: the page and a navigation callback."""
    return [
        {"label": "GET / (page HTML)", "path": "/", "body": None, "headers": ACCEPT},
        {
            "label": "callback: navigation to /explorar",
            "path": "/_dash-update-component",
            "body": router_body("/explorar"),
            "headers": {"Content-Type": "application/json", "Accept-Encoding": "gzip"},
        },
    ]


@contextlib.contextmanager
def cluster(replicas: int, workers: int, log_dir: Path) -> Iterator[dict[str, Any]]:
    """``python -m deploy.cluster`` on free ports until ready; yields its state; Ctrl+C after."""
    state_file = Path(tempfile.mkdtemp(prefix="pesem-bench-cluster-")) / "state.json"
    port, first = servers.free_port(), free_port_block(replicas)
    command = module_command(port, replicas, first, state_file)
    with (log_dir / f"cluster-{replicas}x{workers}.log").open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env={**os.environ, "WEB_CONCURRENCY": str(workers)},
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        yield _wait_ready(process, state_file)
    finally:
        stop_group(process, signal.SIGINT, timeout=90)  # as Ctrl+C in `make cluster`


def _wait_ready(process: subprocess.Popen[bytes], state_file: Path) -> dict[str, Any]:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"deploy.cluster exited with {process.returncode}")
        with contextlib.suppress(OSError, ValueError):
            state = json.loads(state_file.read_text())
            if state["ready"]:
                return state
        time.sleep(0.25)
    raise RuntimeError(f"deploy.cluster not ready within {STARTUP_TIMEOUT_S:.0f} s")


def _wrk(port: int, target: dict[str, Any], seconds: int) -> dict[str, Any]:
    def run(duration: int) -> throughput.WrkResult:
        return throughput.run(
            port,
            target["path"],
            target["label"],
            body=target["body"],
            headers=target["headers"],
            connections=CONNECTIONS,
            seconds=duration,
        )

    busy = machine.busy_fraction(0.5)  # others' work (the cluster itself is idle here)
    run(WARMUP_S)  # every worker builds its memoized layouts before the timed run
    return {**run(seconds).to_json(), "busy_before": busy}


def measure(
    log_dir: Path | None = None, log: Any = print, seconds: int = 10, wait_quiet: float = 60.0
) -> dict[str, Any]:
    """req/s of each target through nginx with 1 and 2 replicas, and straight to gunicorn.

    Before each run it waits up to ``wait_quiet`` s for idle CPUs (other work on the machine
    inflates wall-clock numbers); each result keeps how busy the CPUs were just before it.
    """
    if not throughput.available():
        return {"error": "wrk not installed (apt-get install wrk)"}
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="pesem-bench-cluster-logs-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    results: list[dict[str, Any]] = []
    try:
        for replicas, workers in CONFIGS:
            machine.wait_quiet(wait_quiet, log=log)
            _measure_config(replicas, workers, log_dir, seconds, results, log)
    except RuntimeError as error:  # a cluster that did not start: keep what was measured
        return {"error": str(error)[:500], "results": results}
    return {"cpus": os.cpu_count(), "seconds": seconds, "results": results}


def _measure_config(
    replicas: int,
    workers: int,
    log_dir: Path,
    seconds: int,
    results: list[dict[str, Any]],
    log: Any,
) -> None:
    """Every target through nginx (and, in the first run, straight to gunicorn)."""
    with cluster(replicas, workers, log_dir) as state:
        ports = [("nginx", state["port"])]
        if (replicas, workers) == CONFIGS[0]:
            ports.append(("gunicorn", state["replicas"][0]["port"]))
        for target in targets():
            for via, port in ports:
                name = f"{replicas} replica(s) x {workers} workers via {via}"
                log(f"cluster: {name}: {target['label']}")
                res = _wrk(port, target, seconds)
                results.append({**res, "via": via, "replicas": replicas, "workers": workers})
                log(
                    f"  {res['rps']:,.0f} req/s, p99 {res['p99_ms']:.1f} ms, "
                    f"errors {res['errors']}, CPUs busy before {res['busy_before']:.0%}"
                )


def _find(results: list[dict[str, Any]], label: str, via: str, config: tuple[int, int]) -> dict:
    """The result of ``label`` sent ``via`` nginx or gunicorn in the (replicas, workers) run."""
    for r in results:
        if (r["label"], r["via"], (r["replicas"], r["workers"])) == (label, via, config):
            return r
    return {}


def rows(result: dict[str, Any] | None) -> list[Row]:
    """One row per target: 2 replicas through nginx, against 1 replica, and the direct gunicorn."""
    if not result:
        return []
    if "error" in result:
        return [Row("cluster", "nginx + replicas", "req/s", result["error"], result="SKIP")]
    out = []
    for target in targets():
        label = target["label"]
        one = _find(result["results"], label, "nginx", (1, 2))
        two = _find(result["results"], label, "nginx", (2, 2))
        direct = _find(result["results"], label, "gunicorn", (1, 2))
        four = _find(result["results"], label, "nginx", (1, 4))
        if not (one and two and direct and four):
            continue
        errors = sum(r["errors"] for r in (one, two, direct, four))
        out.append(
            Row(
                "cluster",
                label,
                "req/s via nginx, 2 replicas",
                f"{two['rps']:,.0f} (p99 {two['p99_ms']:.0f} ms)",
                f"1 replica {one['rps']:,.0f} · gunicorn alone {direct['rps']:,.0f} · "
                f"1 replica x 4 workers {four['rps']:,.0f}",
                ratio=f"{two['rps'] / one['rps']:.2f}× (2:1)" if one["rps"] else "—",
                result="INFO" if errors == 0 else "FAIL",
            )
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="timed wrk run per target")
    parser.add_argument("--out", type=Path, help="also write the JSON result here")
    parser.add_argument("--wait-quiet", type=float, default=60.0, help="max wait for idle CPUs")
    args = parser.parse_args(argv)
    result = measure(
        log=lambda m: print(m, file=sys.stderr, flush=True),
        seconds=args.seconds,
        wait_quiet=args.wait_quiet,
    )
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(f"cpus: {result.get('cpus')}")
    for row in rows(result):
        cells = (row.item, row.metric, row.value, row.reference, row.ratio, row.result)
        print(" | ".join(cells))
    return 0 if all(r.result != "FAIL" for r in rows(result)) else 1


if __name__ == "__main__":
    raise SystemExit(main())
