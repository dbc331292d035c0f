"""Lighthouse 12.2.3 (npm, pinned in bench/package.json + package-lock.json, installed into
bench/node_modules with ``npm ci --prefix bench``) on the system Chromium."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import BENCH_DIR, CHROME_FLAGS, CHROMIUM

CLI = BENCH_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
METRICS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
    "speed-index",
    "interactive",
)


@dataclass
class LighthouseResult:
    path: str
    preset: str  # "mobile" (Lighthouse's default) or "desktop"
    performance: float | None
    accessibility: float | None
    metrics: dict[str, float] = field(default_factory=dict)
    opportunities: list[dict[str, Any]] = field(default_factory=list)
    failed_accessibility: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""
    #: Every run behind a median (performance, TBT, LCP): the spread; [] for a single run.
    runs: list[dict[str, Any]] = field(default_factory=list)


def ensure_installed(log: list[str]) -> str | None:
    """None when usable, else the reason it is skipped (installing it first if npm is here)."""
    if CLI.exists():
        return None
    npm = shutil.which("npm")
    if npm is None:
        return "npm not found: install Node.js + npm, then `npm ci --prefix bench`"
    cmd = [npm, "ci", "--prefix", str(BENCH_DIR), "--no-audit", "--no-fund"]
    log.append("installing Lighthouse: " + " ".join(cmd))
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    if proc.returncode != 0 or not CLI.exists():
        return f"`npm ci --prefix bench` failed: {(proc.stderr or proc.stdout)[-500:]}"
    return None


def parse_report(report: dict[str, Any], path: str, preset: str) -> LighthouseResult:
    cats = report.get("categories", {})
    audits = report.get("audits", {})

    def score(name: str) -> float | None:
        value = cats.get(name, {}).get("score")
        return None if value is None else round(value * 100, 1)

    metrics = {
        name: audits[name]["numericValue"]
        for name in METRICS
        if name in audits and audits[name].get("numericValue") is not None
    }
    opportunities = []
    for audit in audits.values():
        details = audit.get("details") or {}
        if details.get("type") == "opportunity" and (audit.get("score") or 1) < 0.9:
            opportunities.append(
                {
                    "id": audit.get("id"),
                    "title": audit.get("title"),
                    "savings_ms": details.get("overallSavingsMs"),
                    "savings_bytes": details.get("overallSavingsBytes"),
                }
            )
    failed_a11y = []
    for ref in cats.get("accessibility", {}).get("auditRefs", []):
        audit = audits.get(ref.get("id"), {})
        if ref.get("weight") and audit.get("score") is not None and audit["score"] < 1:
            items = (audit.get("details") or {}).get("items") or []
            failed_a11y.append(
                {
                    "id": audit.get("id"),
                    "title": audit.get("title"),
                    "weight": ref.get("weight"),
                    "examples": [
                        str((i.get("node") or {}).get("snippet", ""))[:160] for i in items[:3]
                    ],
                }
            )
    return LighthouseResult(
        path=path,
        preset=preset,
        performance=score("performance"),
        accessibility=score("accessibility"),
        metrics=metrics,
        opportunities=opportunities,
        failed_accessibility=failed_a11y,
    )


#: Lighthouse's own words for a trace it failed to record ("... Please run Lighthouse again.").
RETRYABLE = ("run Lighthouse again", "NO_NAVSTART", "NO_FCP")


def run(
    base_url: str, path: str, preset: str, timeout: float = 180.0, attempts: int = 3
) -> LighthouseResult:
    """Score ``path``; a run whose trace Lighthouse failed to record is repeated (``attempts``)."""
    result = _run_once(base_url, path, preset, timeout)
    for _ in range(attempts - 1):
        if not result.error or not any(word in result.error for word in RETRYABLE):
            break
        result = _run_once(base_url, path, preset, timeout)
    return result


def _run_once(base_url: str, path: str, preset: str, timeout: float) -> LighthouseResult:
    with tempfile.TemporaryDirectory(prefix="bench-lh-") as tmp:
        out = Path(tmp, "report.json")
        cmd = [
            "node",
            str(CLI),
            base_url + path,
            "--output=json",
            f"--output-path={out}",
            "--only-categories=performance,accessibility",
            "--quiet",
            "--chrome-flags=" + " ".join(CHROME_FLAGS),
        ]
        if preset == "desktop":
            cmd.append("--preset=desktop")
        env = {**os.environ, "CHROME_PATH": CHROMIUM}
        try:
            proc = subprocess.run(
                cmd, capture_output=True, text=True, timeout=timeout, env=env, check=False
            )
        except subprocess.TimeoutExpired:
            return LighthouseResult(path, preset, None, None, error=f"timed out ({timeout:.0f} s)")
        if not out.exists():
            return LighthouseResult(
                path, preset, None, None, error=(proc.stderr or proc.stdout)[-500:]
            )
        report = json.loads(out.read_text(encoding="utf-8"))
    result = parse_report(report, path, preset)
    if report.get("runtimeError"):
        result.error = str(report["runtimeError"].get("message", ""))
    return result


def median(results: list[LighthouseResult]) -> LighthouseResult:
    """One result from repeated runs of a page: the median score and the median of each metric
    (Lighthouse's simulated TBT moves by ±70 ms between identical runs here), the lowest
    accessibility, the opportunities of the run nearest the median score; the failed runs'
    errors only when no run succeeded."""
    done = [r for r in results if r.performance is not None]
    if not done:
        return results[-1]
    score = statistics.median(r.performance for r in done)
    names = {name for r in done for name in r.metrics}
    middle = min(done, key=lambda r: abs(r.performance - score))
    return LighthouseResult(
        path=done[0].path,
        preset=done[0].preset,
        performance=score,
        accessibility=min(r.accessibility or 0 for r in done),
        metrics={
            name: statistics.median(r.metrics[name] for r in done if name in r.metrics)
            for name in sorted(names)
        },
        opportunities=middle.opportunities,
        failed_accessibility=middle.failed_accessibility,
        runs=[
            {
                "performance": r.performance,
                "total-blocking-time": r.metrics.get("total-blocking-time"),
                "largest-contentful-paint": r.metrics.get("largest-contentful-paint"),
                "error": r.error,
            }
            for r in results
        ],
    )
