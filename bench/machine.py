"""How busy the machine is: the suite shares 2 cores with whatever else runs on them.

Wall-clock timings are only as good as the machine is quiet, so the suite records the load around
every section, can wait (bounded) for a quiet moment, and also measures what contention cannot
inflate: CPU time a gunicorn worker spends per request (``/proc/<pid>/task/*/schedstat``, ns).
"""

from __future__ import annotations

import os
import time
from pathlib import Path


def cpu_times() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    total = sum(fields[:8])
    return total - idle, total


def busy_fraction(seconds: float = 1.0) -> float:
    """Share of all cores busy over the next ``seconds`` (0..1)."""
    b0, t0 = cpu_times()
    time.sleep(seconds)
    b1, t1 = cpu_times()
    return (b1 - b0) / (t1 - t0) if t1 > t0 else 0.0


def loadavg() -> float:
    return os.getloadavg()[0]


def wait_quiet(max_seconds: float, threshold: float = 0.25, log=None) -> dict[str, float]:
    """Wait until less than ``threshold`` of the CPUs are busy (at most ``max_seconds``)."""
    start = time.monotonic()
    busy = busy_fraction(1.0)
    while busy > threshold and time.monotonic() - start < max_seconds:
        if log:
            log(f"machine busy ({busy:.0%} of {os.cpu_count()} cores): waiting for a quiet moment")
        time.sleep(4.0)
        busy = busy_fraction(1.0)
    return {
        "busy": round(busy, 3),
        "waited_s": round(time.monotonic() - start, 1),
        "loadavg1": round(loadavg(), 2),
    }


def task_schedstat(pid: int) -> tuple[int, int]:
    """(on-CPU ns, run-queue wait ns) summed over the threads of ``pid``; (0, 0) if gone."""
    cpu = wait = 0
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return 0, 0
    for task in tasks:
        try:
            parts = (task / "schedstat").read_text().split()
        except OSError:
            continue
        cpu += int(parts[0])
        wait += int(parts[1])
    return cpu, wait


class CpuMeter:
    """CPU and run-queue time of a set of processes between start() and stop()."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = list(pids)
        self._start: dict[int, tuple[int, int]] = {}

    def start(self) -> None:
        self._start = {p: task_schedstat(p) for p in self.pids}

    def stop(self) -> tuple[float, float]:
        """(cpu ms, run-queue wait ms) since start()."""
        cpu = wait = 0
        for p, (c0, w0) in self._start.items():
            c1, w1 = task_schedstat(p)
            if c1 >= c0:
                cpu += c1 - c0
                wait += w1 - w0
        return cpu / 1e6, wait / 1e6


def wait_server_idle(pids: list[int], max_seconds: float = 60.0, window: float = 0.5) -> float:
    """Wait until the workers stop using CPU (requests left queued by a load test are done).

    gunicorn's sync workers keep answering requests that were queued in the listen backlog even
    after the load generator closed its connections; measuring the next target before they are
    gone would charge it with the previous target's work. Returns the seconds waited.
    """
    start = time.monotonic()
    while time.monotonic() - start < max_seconds:
        meter = CpuMeter(pids)
        meter.start()
        time.sleep(window)
        cpu_ms, _ = meter.stop()
        if cpu_ms < 0.05 * window * 1000:  # < 5 % of one core over the window
            break
    return time.monotonic() - start
