"""Budgets, the one results table, and its plain-text rendering."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

MB = 1_000_000  # transfer sizes: decimal megabytes, as DevTools and Lighthouse count them
MIB = 1024 * 1024  # memory: mebibytes, as ps/top count them


@dataclass(frozen=True)
class Budgets:
    first_visit_ms: float = 1000.0
    first_visit_bytes: float = 1.5 * MB
    callback_p95_ms: float = 15.0
    callback_p95_vs_noop: float = 3.0
    callback_rps: float = 200.0
    worker_rss_bytes: float = 150 * MIB
    growth_ratio: float = 2.0
    lighthouse_performance: float = 90.0
    #: issue 14: /explorar (a grid of every indicator) on a phone
    lighthouse_performance_explorer_mobile: float = 80.0
    #: "within 3 points of the chartless Dash page in the same run" also meets the score
    lighthouse_floor_margin: float = 3.0
    lighthouse_tbt_ms: float = 200.0
    lighthouse_lcp_ms: float = 2500.0
    lighthouse_accessibility: float = 100.0


BUDGETS = Budgets()


@dataclass
class Row:
    area: str
    item: str
    metric: str
    value: str
    reference: str = ""
    ratio: str = ""
    budget: str = ""
    result: str = "INFO"  # PASS | FAIL | INFO | SKIP

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def verdict(ok: bool | None) -> str:
    if ok is None:
        return "SKIP"
    return "PASS" if ok else "FAIL"


def fmt_ms(v: float | None) -> str:
    return "—" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:,.1f} ms"


def fmt_mb(v: float | None) -> str:
    return "—" if v is None else f"{v / MB:,.2f} MB"


def fmt_mib(v: float | None) -> str:
    return "—" if v is None else f"{v / MIB:,.1f} MiB"


def fmt_ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or not b or math.isnan(a) or math.isnan(b):
        return "—"
    return f"{a / b:,.2f}×"


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or not b or math.isnan(a) or math.isnan(b):
        return None
    return a / b


def render(rows: list[Row]) -> str:
    """One fixed-width table; the header names what every column means."""
    head = ("Area", "Item", "Metric", "Value", "Reference", "Ratio", "Budget", "Result")
    cells = [head] + [
        (r.area, r.item, r.metric, r.value, r.reference, r.ratio, r.budget, r.result) for r in rows
    ]
    widths = [max(len(str(c[i])) for c in cells) for i in range(len(head))]
    numeric = {3, 4, 5}

    def line(c: tuple[str, ...]) -> str:
        out = []
        for i, text in enumerate(c):
            text = str(text)
            out.append(text.rjust(widths[i]) if i in numeric else text.ljust(widths[i]))
        return " | ".join(out).rstrip()

    sep = "-+-".join("-" * w for w in widths)
    lines = [line(head), sep]
    last_area = None
    for c in cells[1:]:
        if last_area is not None and c[0] != last_area:
            lines.append(sep)
        last_area = c[0]
        lines.append(line(c))
    passed = sum(r.result == "PASS" for r in rows)
    failed = sum(r.result == "FAIL" for r in rows)
    skipped = sum(r.result == "SKIP" for r in rows)
    lines.append(sep)
    lines.append(f"budgets: {passed} PASS, {failed} FAIL, {skipped} SKIP")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# results JSON -> table rows
# ---------------------------------------------------------------------------------------------

NOOP_KEY = "bench-noop-output.children"  # bench.payloads.NOOP_KEY (kept import-free here)


def _short(label: str, width: int = 58) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def _first_visit_rows(res: dict[str, Any], b: Budgets) -> list[Row]:
    rows: list[Row] = []
    fv = res.get("first_visit", [])
    base = next((r for r in fv if r.get("server") == "baseline" and r.get("n")), None)
    time_budget = f"≤ {b.first_visit_ms:.0f} ms"
    for r in fv:
        if r.get("server") != "app":
            continue
        if not r.get("n"):
            rows.append(
                Row(
                    "first visit",
                    r["path"],
                    "error",
                    r.get("error", "")[:70],
                    "",
                    "",
                    time_budget,
                    "FAIL",
                )
            )
            continue
        item = f"{r['path']} ({r.get('expected_charts', 0)} charts)"
        # (metric, results key, format, budget text, budget limit; None: the metric has none)
        measures = (
            (
                f"time to charts drawn (median of {r['n']})",
                "median_ms",
                fmt_ms,
                time_budget,
                b.first_visit_ms,
            ),
            (
                "bytes transferred (compressed)",
                "median_bytes",
                fmt_mb,
                f"≤ {b.first_visit_bytes / MB:.1f} MB",
                b.first_visit_bytes,
            ),
            ("requests", "median_requests", "{:.0f}".format, "", None),
        )
        for metric, key, fmt, budget, limit in measures:
            rows.append(
                Row(
                    "first visit",
                    item,
                    metric,
                    fmt(r[key]),
                    fmt(base[key]) if base else "",
                    fmt_ratio(r[key], base and base[key]),
                    budget,
                    "INFO" if limit is None else verdict(r[key] <= limit),
                )
            )
    if base:
        rows.append(
            Row(
                "first visit",
                "baseline: bench/baseline_app.py /",
                "time · bytes · requests",
                f"{base['median_ms']:,.0f} ms · {base['median_bytes'] / MB:.2f} MB · "
                f"{base['median_requests']:.0f}",
            )
        )
    return rows


def _callback_rows(res: dict[str, Any], b: Budgets) -> list[Row]:
    rows: list[Row] = []
    cbs = res.get("callbacks", {})
    lat = cbs.get("latency", [])
    noop = next((r for r in lat if r["key"] == NOOP_KEY), None)
    metric = "p50 / p95 / p99 · server CPU/req"
    for r in lat:
        value = (
            f"{r['p50_ms']:.1f} / {r['p95_ms']:.1f} / {r['p99_ms']:.1f} ms · "
            f"{_num(r.get('server_cpu_ms_per_req'))} ms"
        )
        if r["errors"]:
            value += f" ({r['errors']} errors)"
        if r["key"] == NOOP_KEY:
            rows.append(Row("callbacks", "no-op (floor, same server)", metric, value))
            continue
        p95 = r["p95_ms"]
        q = ratio(p95, noop and noop["p95_ms"])
        ok = p95 <= b.callback_p95_ms and (q is None or q <= b.callback_p95_vs_noop)
        rows.append(
            Row(
                "callbacks",
                _short(r["label"]),
                metric,
                value,
                (f"noop p95 {noop['p95_ms']:.1f} ms" if noop else "")
                + (f" · cold {r['cold_ms']:,.0f} ms" if r.get("cold_ms") is not None else ""),
                fmt_ratio(p95, noop and noop["p95_ms"]),
                f"p95 ≤ {b.callback_p95_ms:.0f} ms & ≤ {b.callback_p95_vs_noop:.0f}× noop",
                verdict(ok and r["errors"] == 0),
            )
        )
    for key in cbs.get("uncovered", []):
        rows.append(
            Row(
                "callbacks",
                _short(key),
                "not exercised by the click-through",
                "no request captured",
                result="SKIP",
            )
        )
    return rows


def _num(v: float | None, digits: int = 1) -> str:
    return "—" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.{digits}f}"


def _throughput_rows(res: dict[str, Any], b: Budgets) -> list[Row]:
    rows: list[Row] = []
    for r in res.get("throughput", []):
        if "error" in r:
            rows.append(
                Row("throughput", r.get("label", "?"), "wrk", r["error"][:70], result="FAIL")
            )
            continue
        is_cb = r.get("kind") == "callback"
        ok = r["errors"] == 0 and (r["rps"] >= b.callback_rps if is_cb else True)
        rows.append(
            Row(
                "throughput",
                _short(r["label"]),
                f"req/s · p99 · errors ({r['connections']} conn, {r['seconds']:.0f} s)",
                f"{r['rps']:,.0f}/s · {r['p99_ms']:,.1f} ms · {r['errors']}",
                "",
                "",
                f"≥ {b.callback_rps:.0f}/s & 0 errors" if is_cb else "0 errors",
                verdict(ok),
            )
        )
    return rows


def _memory_rows(res: dict[str, Any], b: Budgets) -> list[Row]:
    rows: list[Row] = []
    for m in res.get("memory", []):
        if m.get("role") != "worker" or "rss" not in m:
            continue
        budgeted = m["when"] == "after load"
        rows.append(
            Row(
                "memory",
                f"{m['server']} worker {m['pid']} ({m['when']})",
                "RSS · PSS",
                f"{fmt_mib(m['rss'])} · {fmt_mib(m['pss'])}",
                "",
                "",
                f"RSS ≤ {b.worker_rss_bytes / MIB:.0f} MiB" if budgeted else "",
                verdict(m["rss"] <= b.worker_rss_bytes) if budgeted else "INFO",
            )
        )
    return rows


def _growth_rows(res: dict[str, Any], b: Budgets) -> list[Row]:
    rows: list[Row] = []
    growth = res.get("growth", {})
    factor = growth.get("factor", "?")
    if growth.get("error"):
        rows.append(
            Row("growth", f"synthetic ×{factor}", "error", growth["error"][:70], result="FAIL")
        )
    for g in growth.get("rows", []):
        q = ratio(g["big_p95_ms"], g["real_p95_ms"])
        size = fmt_ratio(g["big_response_bytes_avg"], g["real_response_bytes_avg"])
        cpu = fmt_ratio(g.get("big_cpu_ms_per_req"), g.get("real_cpu_ms_per_req"))
        rows.append(
            Row(
                "growth",
                _short(g["label"]),
                f"p95 on ×{factor} data (CPU ×, answer size ×)",
                f"{fmt_ms(g['big_p95_ms'])} (cpu {cpu}, size {size})"
                + (f" {g['big_errors']} errors" if g.get("big_errors") else ""),
                f"real {fmt_ms(g['real_p95_ms'])}"
                + (
                    f" · cold big {g['big_cold_ms']:,.0f} ms"
                    if g.get("big_cold_ms") is not None
                    else ""
                ),
                fmt_ratio(g["big_p95_ms"], g["real_p95_ms"]),
                f"≤ {b.growth_ratio:.0f}×",
                verdict(q is not None and q <= b.growth_ratio and not g.get("big_errors")),
            )
        )
    return rows


def _lighthouse_target(r: dict[str, Any], b: Budgets) -> float:
    if r["preset"] == "mobile" and r["path"].startswith("/explorar"):
        return b.lighthouse_performance_explorer_mobile
    return b.lighthouse_performance


def lighthouse_verdict(
    r: dict[str, Any], floor: dict[str, Any] | None, b: Budgets = BUDGETS
) -> tuple[str, str]:
    """(budget text, PASS/FAIL) of an app page: performance ≥ its target or within
    ``lighthouse_floor_margin`` of the floor's (same preset, same run), TBT ≤ 200 ms,
    accessibility 100; LCP ≤ 2.5 s or no later than the floor's."""
    target = _lighthouse_target(r, b)
    metrics = r.get("metrics", {})
    floor_perf = (floor or {}).get("performance")
    floor_lcp = ((floor or {}).get("metrics") or {}).get("largest-contentful-paint")
    perf_ok = r["performance"] >= target or (
        floor_perf is not None and r["performance"] >= floor_perf - b.lighthouse_floor_margin
    )
    tbt = metrics.get("total-blocking-time")
    lcp = metrics.get("largest-contentful-paint")
    lcp_limit = max(b.lighthouse_lcp_ms, floor_lcp or 0)
    ok = (
        perf_ok
        and tbt is not None
        and tbt <= b.lighthouse_tbt_ms
        and lcp is not None
        and lcp <= lcp_limit
        and (r.get("accessibility") or 0) >= b.lighthouse_accessibility
    )
    budget = (
        f"perf ≥ {target:.0f} or ≥ floor−{b.lighthouse_floor_margin:.0f}; "
        f"TBT ≤ {b.lighthouse_tbt_ms:.0f} ms; LCP ≤ {lcp_limit / 1000:.2f} s; a11y 100"
    )
    return budget, verdict(ok)


def _floor_delta(r: dict[str, Any], floor: dict[str, Any] | None) -> str:
    if not floor or floor.get("performance") is None or r["server"] == "floor":
        return ""
    lcp = (r.get("metrics") or {}).get("largest-contentful-paint")
    floor_lcp = (floor.get("metrics") or {}).get("largest-contentful-paint")
    tbt = (r.get("metrics") or {}).get("total-blocking-time")
    floor_tbt = (floor.get("metrics") or {}).get("total-blocking-time")
    parts = [f"perf {r['performance'] - floor['performance']:+.0f}"]
    if lcp is not None and floor_lcp:
        parts.append(f"LCP ×{lcp / floor_lcp:.2f}")
    if tbt is not None and floor_tbt is not None:
        parts.append(f"TBT {tbt - floor_tbt:+.0f} ms")
    return ", ".join(parts)


def _spread(r: dict[str, Any]) -> str:
    """ " median of 5, TBT 120-240" for a result of repeated runs, "" for one run."""
    tbts = [run["total-blocking-time"] for run in r.get("runs") or [] if run.get("performance")]
    if len(tbts) < 2:
        return ""
    return f" median of {len(tbts)}, TBT {min(tbts):.0f}-{max(tbts):.0f}"


def _lighthouse_rows(res: dict[str, Any], b: Budgets) -> list[Row]:
    rows: list[Row] = []
    lh = res.get("lighthouse", {})
    floors = {
        r["preset"]: r
        for r in lh.get("results", [])
        if r["server"] == "floor" and r.get("performance") is not None
    }
    if lh.get("skipped"):
        rows.append(
            Row("lighthouse", "all pages", "performance", lh["skipped"][:80], result="SKIP")
        )
    for r in lh.get("results", []):
        item = f"{r['server']} {r['path']} ({r['preset']})"
        is_app = r["server"] == "app"
        if r["performance"] is None:
            rows.append(
                Row(
                    "lighthouse",
                    item,
                    "error",
                    (r.get("error") or "?")[:70],
                    result="FAIL" if is_app else "INFO",
                )
            )
            continue
        lcp = r.get("metrics", {}).get("largest-contentful-paint")
        tbt = r.get("metrics", {}).get("total-blocking-time")
        rows.append(
            Row(
                "lighthouse",
                item,
                "performance · accessibility (LCP, TBT)",
                f"{r['performance']:.0f} · {r['accessibility']:.0f} "
                f"({_num(lcp and lcp / 1000, 2)} s, {_num(tbt, 0)} ms){_spread(r)}",
                "floor" if r["server"] == "floor" else "",
                _floor_delta(r, floors.get(r["preset"])),
                *(lighthouse_verdict(r, floors.get(r["preset"]), b) if is_app else ("", "INFO")),
            )
        )
    return rows


def build_rows(res: dict[str, Any], b: Budgets = BUDGETS) -> list[Row]:
    """The table: one row per measured thing, PASS/FAIL where a budget applies."""
    return [
        *_first_visit_rows(res, b),
        *_callback_rows(res, b),
        *_throughput_rows(res, b),
        *_memory_rows(res, b),
        *_growth_rows(res, b),
        *_lighthouse_rows(res, b),
    ]
