"""Sequential callback latency over one kept-alive HTTP connection (re-opened when the server closes
it; the TCP connect is never inside the timed span).

What is timed: from writing the request to having read the whole (compressed) response body; on
loopback this is the server's time plus a few tens of microseconds, the same for every row, so the
no-op callback on the same server is the floor the other rows are compared to.
"""

from __future__ import annotations

import http.client
import math
import time
from dataclasses import dataclass, field
from typing import Any

from bench.machine import CpuMeter
from bench.payloads import CallbackPayloads


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (numpy's default), q in [0, 100]; NaN for no values."""
    if not values:
        return math.nan
    data = sorted(values)
    pos = (len(data) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


@dataclass
class LatencyResult:
    label: str
    key: str
    samples_ms: list[float] = field(repr=False, default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    response_bytes: int = 0
    variants: int = 0
    server_cpu_ms: float = math.nan  # on-CPU time of the workers during the timed requests
    server_runq_ms: float = math.nan  # time the workers were runnable but waiting for a CPU

    def stats(self) -> dict[str, Any]:
        s = self.samples_ms
        return {
            "label": self.label,
            "key": self.key,
            "n": len(s),
            "variants": self.variants,
            "p50_ms": percentile(s, 50),
            "p95_ms": percentile(s, 95),
            "p99_ms": percentile(s, 99),
            "mean_ms": sum(s) / len(s) if s else math.nan,
            "max_ms": max(s) if s else math.nan,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "errors": self.errors,
            "response_bytes_avg": round(self.response_bytes / len(s)) if s else 0,
            "server_cpu_ms_per_req": self.server_cpu_ms / len(s) if s else math.nan,
            "server_runq_ms_per_req": self.server_runq_ms / len(s) if s else math.nan,
        }


class KeepAliveClient:
    """A minimal HTTP/1.1 client that reuses its connection while the server allows it."""

    def __init__(self, port: int, host: str = "127.0.0.1", timeout: float = 60.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.conn: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self.conn.connect()
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, bytes, float]:
        """(status, body, elapsed seconds); retries once on a connection the server had closed."""
        for attempt in (0, 1):
            conn = self._connect()
            try:
                start = time.perf_counter()
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                elapsed = time.perf_counter() - start
            except (http.client.RemoteDisconnected, ConnectionError, BrokenPipeError):
                self.close()
                if attempt:
                    raise
                continue
            if resp.will_close:
                self.close()
            return resp.status, data, elapsed
        raise AssertionError("unreachable")


def measure(
    port: int,
    payloads: CallbackPayloads,
    *,
    requests: int,
    warmup: int,
    pids: list[int] | None = None,
) -> LatencyResult:
    """``warmup`` untimed, then ``requests`` timed sequential POSTs, round-robin on variants."""
    result = LatencyResult(label=payloads.label, key=payloads.key, variants=len(payloads.variants))
    client = KeepAliveClient(port)
    variants = payloads.variants
    meter = CpuMeter(pids or [])
    try:
        for i in range(warmup + requests):
            if i == warmup:
                meter.start()
            v = variants[i % len(variants)]
            try:
                status, data, elapsed = client.request("POST", v.path, v.body, v.headers)
            except OSError:
                result.errors += 1
                client.close()
                continue
            if i < warmup:
                continue
            result.samples_ms.append(elapsed * 1000.0)
            result.statuses[status] = result.statuses.get(status, 0) + 1
            result.response_bytes += len(data)
            if status >= 400:
                result.errors += 1
        if pids:
            result.server_cpu_ms, result.server_runq_ms = meter.stop()
    finally:
        client.close()
    return result


def replay_once(port: int, payloads: CallbackPayloads) -> list[tuple[int, bytes]]:
    """Every variant once: (status, body) — used to check two servers answer alike."""
    client = KeepAliveClient(port)
    out = []
    try:
        for v in payloads.variants:
            headers = {**v.headers, "accept-encoding": "identity"}
            status, data, _ = client.request("POST", v.path, v.body, headers)
            out.append((status, data))
    finally:
        client.close()
    return out
