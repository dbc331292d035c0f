"""Throughput with wrk (Debian package): N concurrent keep-alive connections for a bounded time
against one URL of a loopback server, POSTing a captured callback body or GETting a page."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import BENCH_DIR

LUA = BENCH_DIR / "wrk_bench.lua"
MARK = "WRKJSON "


@dataclass
class WrkResult:
    label: str
    url_path: str
    connections: int
    seconds: float
    requests: int
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    non_2xx_3xx: int
    socket_errors: int
    timeouts: int

    @property
    def errors(self) -> int:
        return self.non_2xx_3xx + self.socket_errors + self.timeouts

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "errors": self.errors}


def available() -> bool:
    return shutil.which("wrk") is not None


def parse(output: str, label: str, url_path: str, connections: int) -> WrkResult:
    """Read the ``WRKJSON`` line that bench/wrk_bench.lua's done() prints."""
    for line in output.splitlines():
        if line.startswith(MARK):
            d = json.loads(line[len(MARK) :])
            seconds = d["duration_us"] / 1e6
            return WrkResult(
                label=label,
                url_path=url_path,
                connections=connections,
                seconds=seconds,
                requests=d["requests"],
                rps=d["requests"] / seconds if seconds else 0.0,
                p50_ms=d["p50_us"] / 1000,
                p90_ms=d["p90_us"] / 1000,
                p99_ms=d["p99_us"] / 1000,
                max_ms=d["max_us"] / 1000,
                non_2xx_3xx=d["status"],
                socket_errors=d["connect"] + d["read"] + d["write"],
                timeouts=d["timeout"],
            )
    raise ValueError(f"no {MARK.strip()} line in wrk output:\n{output[-2000:]}")


def run(
    port: int,
    path: str,
    label: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    connections: int = 16,
    seconds: int = 10,
    threads: int = 2,
) -> WrkResult:
    url = f"http://127.0.0.1:{port}{path}"
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as tmp:
        body_file = Path(tmp, "body")
        header_file = Path(tmp, "headers")
        if body is not None:
            body_file.write_bytes(body)
        header_file.write_text(
            "".join(f"{k}: {v}\n" for k, v in (headers or {}).items()), encoding="utf-8"
        )
        cmd = [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA),
            url,
            "--",
            str(body_file) if body is not None else "",
            str(header_file),
        ]
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=seconds + 60, check=False
        )
    if proc.returncode != 0:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {proc.stderr or proc.stdout}")
    return parse(proc.stdout, label, path, connections)
