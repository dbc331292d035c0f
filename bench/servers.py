"""Start and stop gunicorn the way ``make run`` does, on a free loopback port.

``make run`` is ``gunicorn -c gunicorn.conf.py app:server`` with ``PORT`` (and ``WEB_CONCURRENCY``)
in the environment; gunicorn.conf.py binds 127.0.0.1 unless ``BIND_ALL=1``, which the suite
removes from the environment. The only thing that changes between servers is the WSGI target
(``app:server``, ``bench.app_with_noop:server``, ``bench.baseline_app:server``) and, for the growth
benchmark, ``PESEM_DATA_DIR``.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench import REPO_ROOT

WORKERS = 2
CONF = REPO_ROOT / "gunicorn.conf.py"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def gunicorn_command(target: str) -> list[str]:
    """The venv's gunicorn (as ``make run`` uses it) with the project's config file."""
    script = Path(sys.executable).with_name("gunicorn")
    base = [str(script)] if script.exists() else [sys.executable, "-m", "gunicorn"]
    return [*base, "-c", str(CONF), target]


@dataclass
class Server:
    """A running gunicorn master; ``workers()`` lists its worker pids."""

    name: str
    target: str
    port: int
    proc: subprocess.Popen
    log_path: Path
    env: dict[str, str] = field(repr=False, default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    @property
    def pid(self) -> int:
        return self.proc.pid

    def workers(self) -> list[int]:
        """Children of the master (gunicorn workers), from /proc."""
        path = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        try:
            return [int(p) for p in path.read_text().split()]
        except (FileNotFoundError, ProcessLookupError, ValueError):
            return []

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def _probe(port: int, path: str) -> int | None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        resp.read()
        return resp.status
    except OSError:
        return None
    finally:
        conn.close()


def _wait_ready(server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(
                f"{server.name}: gunicorn exited with {server.proc.returncode}\n{server.log_tail()}"
            )
        status = _probe(server.port, "/")
        if status == 200 and len(server.workers()) >= WORKERS:
            # Let every worker answer once (they are forked from a preloaded master, but the first
            # request of each still pays lazy imports and the index render).
            for _ in range(WORKERS * 2):
                _probe(server.port, "/")
            return
        time.sleep(0.2)
    raise RuntimeError(f"{server.name}: not ready after {timeout:.0f} s\n{server.log_tail()}")


def start(
    name: str,
    target: str,
    log_dir: Path,
    *,
    extra_env: dict[str, str] | None = None,
    timeout: float = 90.0,
) -> Server:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("BIND_ALL", "PESEM_DATA_DIR")}
    env.update(
        {
            "PORT": str(port),
            "WEB_CONCURRENCY": str(WORKERS),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra_env or {})
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"gunicorn-{name}.log"
    with log_path.open("w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            gunicorn_command(target),
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    server = Server(name=name, target=target, port=port, proc=proc, log_path=log_path, env=env)
    try:
        _wait_ready(server, timeout)
    except BaseException:
        stop(server)
        raise
    return server


def stop(server: Server, timeout: float = 25.0) -> None:
    """SIGTERM the master (it stops its workers), SIGKILL our own process group if it hangs."""
    if server.proc.poll() is None:
        server.proc.send_signal(signal.SIGTERM)
        try:
            server.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.proc.pid, signal.SIGKILL)
            server.proc.wait(timeout=5)


@contextlib.contextmanager
def running(name: str, target: str, log_dir: Path, **kwargs) -> Iterator[Server]:
    server = start(name, target, log_dir, **kwargs)
    try:
        yield server
    finally:
        stop(server)
