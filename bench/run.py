"""``python -m bench``: the whole suite, one table, one JSON file (see bench/README.md).

Order of work (each server is gunicorn + gunicorn.conf.py, 2 workers, a free loopback port):

1. discovery (subprocesses): pages and callbacks of ``app`` and of ``bench.app_with_noop``;
2. servers ``baseline`` (bench/baseline_app.py) and ``app`` (app.py): first visits, click-through
   (captures the callback requests), Lighthouse;
3. server ``app+noop`` (bench/app_with_noop.py): every captured request answered like ``app``?
   then callback latency (and the no-op floor), wrk throughput, worker memory after the load;
4. server ``app+noop big`` on a synthetic dataset ~100x larger: the same callbacks' latency.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench import (
    FIRST_VISIT_PATHS,
    LIGHTHOUSE_PATHS,
    REPO_ROOT,
    RESULTS_DIR,
    latency,
    lighthouse,
    machine,
    memory,
    payloads,
    servers,
    synth,
    throughput,
)
from bench import cluster as cluster_bench
from bench import deck as deck_bench
from bench import discover as disc
from bench.report import BUDGETS, build_rows, render

APP_TARGET = "app:server"
NOOP_TARGET = "bench.app_with_noop:server"
BASELINE_TARGET = "bench.baseline_app:server"
FLOOR_TARGET = "bench.floor_app:server"
SKIP_CLICK_PATHS = ("/404",)


@dataclass(frozen=True)
class Settings:
    quick: bool
    first_visit_runs: int
    requests: int
    warmup: int
    min_samples: int
    growth_min_samples: int
    max_seconds_per_row: float
    growth_max_seconds_per_row: float
    wrk_seconds: int
    wrk_connections: int
    max_actions: int
    lighthouse: bool
    lighthouse_presets: tuple[str, ...]
    lighthouse_only: bool
    lighthouse_runs: int
    growth_sectors: int
    growth_years: int
    wait_quiet: float

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Settings:
        quick = bool(args.quick)
        return cls(
            quick=quick,
            first_visit_runs=args.runs or (1 if quick else 7),
            requests=args.requests or (20 if quick else 300),
            warmup=3 if quick else 30,
            min_samples=3 if quick else 30,
            growth_min_samples=1 if quick else 3,
            max_seconds_per_row=2.0 if quick else 30.0,
            growth_max_seconds_per_row=2.0 if quick else 20.0,
            wrk_seconds=2 if quick else 10,
            wrk_connections=16,
            max_actions=6 if quick else 20,
            lighthouse=not args.skip_lighthouse,
            lighthouse_presets=("mobile",) if quick else ("mobile", "desktop"),
            lighthouse_only=bool(args.lighthouse_only),
            lighthouse_runs=args.lighthouse_runs or (1 if quick else 5),
            growth_sectors=5 if quick else 20,
            growth_years=2 if quick else 5,
            wait_quiet=args.wait_quiet if args.wait_quiet is not None else (0 if quick else 120),
        )


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description="PESEM dashboard benchmarks")
    p.add_argument("--quick", action="store_true", help="short smoke run (1 load, few requests)")
    p.add_argument("--out", type=Path, help="JSON file (default bench/results/<timestamp>.json)")
    p.add_argument("--skip-lighthouse", action="store_true", help="do not run Lighthouse")
    p.add_argument(
        "--lighthouse-only",
        action="store_true",
        help="only Lighthouse: the floor and every main page, mobile and desktop (~20 min)",
    )
    p.add_argument("--runs", type=int, help="first-visit loads per page (median reported)")
    p.add_argument(
        "--lighthouse-runs",
        type=int,
        help="Lighthouse runs per page and preset, interleaved with the floor's (median "
        "reported; default 5, 1 with --quick)",
    )
    p.add_argument("--requests", type=int, help="timed requests per callback row")
    p.add_argument(
        "--wait-quiet",
        type=float,
        help="before each timed section wait up to this many seconds for idle CPUs "
        "(default 120, 0 with --quick)",
    )
    return p.parse_args(argv)


# ---------------------------------------------------------------------------------------------
# browser sections
# ---------------------------------------------------------------------------------------------


def first_visits(
    bench: Any,
    s: Settings,
    app_srv: servers.Server,
    base_srv: servers.Server,
    paths: list[str],
    capture: list[payloads.Captured],
) -> list[dict[str, Any]]:
    results = [("baseline", base_srv, "/", None)] + [("app", app_srv, p, capture) for p in paths]
    out = []
    for name, srv, path, sink in results:
        log(f"first visit: {name} {path} x{s.first_visit_runs}")
        r = bench.first_visit(name, srv.base_url, path, s.first_visit_runs, sink)
        summary = r.summary()
        if r.runs:  # where the bytes of the first measured load went
            summary["runs_ms"] = [round(v.ms, 1) for v in r.runs]
            summary["top_resources"] = [
                {
                    "url": x["url"].split("?")[0].removeprefix(srv.base_url),
                    "type": x["type"],
                    "bytes": x["bytes"],
                }
                for x in r.runs[0].resources[:10]
            ]
        out.append(summary)
        if summary.get("n"):
            log(
                f"  median {summary['median_ms']:.0f} ms, {summary['median_bytes'] / 1e6:.2f} MB, "
                f"{summary['median_requests']:.0f} requests, {summary['charts']} charts"
            )
        else:
            log(f"  error: {summary.get('error')}")
    return out


def callback_input_ids(callbacks: list[dict[str, Any]]) -> set[str]:
    """Component ids (or pattern-matching ``type`` values) that trigger server-side callbacks."""
    ids: set[str] = set()
    for cb in callbacks:
        if cb["clientside"]:
            continue
        for dep in cb["inputs"]:
            cid = dep.get("id")
            if isinstance(cid, str) and cid.startswith("{"):
                with contextlib.suppress(ValueError):
                    cid = json.loads(cid)
            if isinstance(cid, dict):
                ids.update(str(v) for v in cid.values() if isinstance(v, str))
            elif isinstance(cid, str):
                ids.add(cid)
    return ids


def click_through(
    bench: Any,
    s: Settings,
    app_srv: servers.Server,
    pages: list[dict[str, Any]],
    capture: list[payloads.Captured],
    input_ids: set[str],
) -> dict[str, list[str]]:
    actions = {}
    for page in pages:
        path = page.get("sample_path")
        if not path or path in SKIP_CLICK_PATHS or path in actions:
            continue
        log(f"click-through: {path}")
        actions[path] = bench.click_through(
            app_srv.base_url, path, capture, max_actions=s.max_actions, input_ids=input_ids
        )
    return actions


def prerender_charts(notes: list[str]) -> None:
    """Render the static charts (web/chart_images.py) before the app starts, as a server that
    has run once has them: the measured pages show pictures, and no background rendering
    competes with the measurements."""
    log("static charts: python -m web.prerender")
    proc = subprocess.run(
        [sys.executable, "-m", "web.prerender"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if proc.returncode != 0:
        notes.append("static charts were not rendered: " + proc.stderr.strip()[-300:])


def lighthouse_paths(
    pages: list[dict[str, Any]], wanted: tuple[str, ...] = LIGHTHOUSE_PATHS
) -> list[str]:
    """The ``wanted`` paths (default :data:`LIGHTHOUSE_PATHS`) that a registered page serves."""
    registered = {p["sample_path"] for p in pages if p.get("sample_path")}
    templates = [p for p in pages if p.get("path_template")]
    return [p for p in wanted if p in registered or _matches(p, templates)]


def _lighthouse_only(s: Settings, res: dict[str, Any], log_dir: Path, notes: list[str]) -> None:
    """``--lighthouse-only``: the floor and the app's main pages, nothing else."""
    plain = disc.run_subprocess("app")
    paths = lighthouse_paths(plain["pages"])
    prerender_charts(notes)
    res["machine"]["lighthouse"] = machine.wait_quiet(s.wait_quiet, log=log)
    with servers.running("app", APP_TARGET, log_dir) as app_srv:
        lh, skipped = run_lighthouse(s, app_srv, None, paths, notes, log_dir)
    if not skipped:
        # The same pages with every chart interactive from the start (PESEM_STATIC_CHARTS=0):
        # what the static pictures save, in the same run (issue 14's decision).
        with servers.running(
            "interactive", APP_TARGET, log_dir, extra_env={"PESEM_STATIC_CHARTS": "0"}
        ) as plain_srv:
            for path in paths:
                log(f"lighthouse (mobile): interactive {path}")
                res_lh = lighthouse.run(plain_srv.base_url, path, "mobile")
                lh.append({"server": "interactive", **asdict(res_lh)})
                log(f"  performance {res_lh.performance} {res_lh.error}")
    res["lighthouse"] = {"results": lh, "skipped": skipped}


def run_lighthouse(
    s: Settings,
    app_srv: servers.Server,
    base_srv: servers.Server | None,
    paths: list[str],
    notes: list[str],
    log_dir: Path,
) -> tuple[list[dict[str, Any]], str | None]:
    if not s.lighthouse:
        return [], "skipped (--skip-lighthouse)"
    reason = lighthouse.ensure_installed(notes)
    if reason:
        return [], f"skipped: {reason}"
    targets = [("app", app_srv, p) for p in paths]
    if base_srv is not None:
        targets.insert(0, ("baseline", base_srv, "/"))
    if s.quick:
        targets = [("app", app_srv, paths[0])] if paths else []
    with contextlib.ExitStack() as stack:
        if not s.quick:
            # The framework's floor: Dash without charts (bench/floor_app.py), same server
            # setup, measured in every round with the pages (a drift of the machine hits both).
            floor_srv = stack.enter_context(servers.running("floor", FLOOR_TARGET, log_dir))
            targets.insert(0, ("floor", floor_srv, "/"))
        runs: dict[tuple[str, str, str], list[lighthouse.LighthouseResult]] = {}
        for round_ in range(1, s.lighthouse_runs + 1):
            for name, srv, path in targets:
                for preset in s.lighthouse_presets:
                    log(f"lighthouse ({preset}) {round_}/{s.lighthouse_runs}: {name} {path}")
                    res = lighthouse.run(srv.base_url, path, preset)
                    runs.setdefault((name, path, preset), []).append(res)
                    log(
                        f"  performance {res.performance} accessibility {res.accessibility} "
                        f"{res.error}"
                    )
    out = [
        {"server": name, **asdict(lighthouse.median(results))}
        for (name, _, _), results in runs.items()
    ]
    return out, None


# ---------------------------------------------------------------------------------------------
# HTTP sections
# ---------------------------------------------------------------------------------------------


def compare_servers(
    rows: list[payloads.CallbackPayloads], a: servers.Server, b: servers.Server
) -> dict[str, Any]:
    """Replay every captured request on the real app and on the wrapper: same answers?"""
    same = differ = 0
    details = []
    for row in rows:
        ra = latency.replay_once(a.port, row)
        rb = latency.replay_once(b.port, row)
        for (sa, ba), (sb, bb), v in zip(ra, rb, row.variants, strict=True):
            if sa == sb and _same_json(ba, bb):
                same += 1
            else:
                differ += 1
                details.append(
                    {
                        "row": row.label,
                        "source": v.source,
                        "status": [sa, sb],
                        "first_difference": first_difference(ba, bb),
                    }
                )
    return {"identical": same, "different": differ, "details": details[:20]}


def _same_json(a: bytes, b: bytes) -> bool:
    try:
        return json.loads(a or b"null") == json.loads(b or b"null")
    except ValueError:
        return a == b


def first_difference(a: bytes, b: bytes) -> str:
    """Where two JSON answers first differ (a path like ``.response.x.children[2]``)."""
    try:
        ja, jb = json.loads(a or b"null"), json.loads(b or b"null")
    except ValueError:
        return "not JSON"

    def walk(x: Any, y: Any, where: str) -> str | None:
        if type(x) is not type(y):
            return f"{where}: {type(x).__name__} vs {type(y).__name__}"
        if isinstance(x, dict):
            for k in sorted(set(x) | set(y)):
                if k not in x or k not in y:
                    return f"{where}.{k}: only in one"
                found = walk(x[k], y[k], f"{where}.{k}")
                if found:
                    return found
            return None
        if isinstance(x, list):
            if len(x) != len(y):
                return f"{where}: {len(x)} vs {len(y)} items"
            for i, (xi, yi) in enumerate(zip(x, y, strict=True)):
                found = walk(xi, yi, f"{where}[{i}]")
                if found:
                    return found
            return None
        return None if x == y else f"{where}: {str(x)[:60]!r} vs {str(y)[:60]!r}"

    return walk(ja, jb, "") or ""


def measure_latency(
    s: Settings,
    srv: servers.Server,
    rows: list[payloads.CallbackPayloads],
    noop: payloads.CallbackPayloads | None,
    max_seconds: float,
    min_samples: int,
) -> list[dict[str, Any]]:
    out = []
    for row in ([noop] if noop else []) + rows:
        res = _measure_row(s, srv, row, max_seconds, min_samples)
        out.append(res)
        log(
            f"latency {srv.name}: {row.label[:60]} p50 {res['p50_ms']:.1f} ms "
            f"p95 {res['p95_ms']:.1f} ms, server CPU {res['server_cpu_ms_per_req']:.1f} ms/req "
            f"(n={res['n']}, errors={res['errors']})"
        )
    return out


def _measure_row(
    s: Settings,
    srv: servers.Server,
    row: payloads.CallbackPayloads,
    max_seconds: float,
    min_samples: int,
) -> dict[str, Any]:
    # The first request of a row is "cold" (each worker fills its own caches: cached layouts,
    # lru_caches). It is recorded as cold_ms, then one request per worker is sent concurrently so
    # every worker is warm, and one more untimed request sizes the run: slow callbacks get fewer
    # timed requests (time cap per row), never fewer than min_samples. A callback that fails after
    # more than 10 s is not repeated.
    cold = latency.measure(srv.port, row, requests=1, warmup=0)
    cold_ms = cold.samples_ms[0] if cold.samples_ms else math.nan
    if cold.errors and (math.isnan(cold_ms) or cold_ms > 10_000):
        res = cold
    else:
        with ThreadPoolExecutor(servers.WORKERS) as pool:
            list(
                pool.map(
                    lambda _: latency.measure(srv.port, row, requests=1, warmup=0),
                    range(servers.WORKERS),
                )
            )
        probe = latency.measure(srv.port, row, requests=1, warmup=0)
        per = probe.samples_ms[0] / 1000 if probe.samples_ms else 30.0
        n = s.requests
        if per * (n + s.warmup) > max_seconds:
            n = max(min_samples, int(max_seconds / max(per, 1e-6)))
        short_warmup = min(s.warmup, 3) if per < 0.5 else 0
        warmup = s.warmup if n >= 100 else short_warmup
        res = latency.measure(srv.port, row, requests=n, warmup=warmup, pids=srv.workers())
    return {**res.stats(), "cold_ms": cold_ms}


def run_wrk(
    s: Settings, srv: servers.Server, targets: list[tuple[str, payloads.Variant | None]]
) -> list[dict[str, Any]]:
    if not throughput.available():
        return [{"label": "wrk", "error": "wrk not installed (apt-get install wrk)"}]
    out = []
    page_headers = {"Accept": "text/html", "Accept-Encoding": "gzip, deflate, br, zstd"}
    for label, variant in targets:
        drained = machine.wait_server_idle(srv.workers())
        log(f"wrk: {label} ({s.wrk_connections} connections, {s.wrk_seconds} s)")
        meter = machine.CpuMeter(srv.workers())
        meter.start()
        try:
            if variant is None:
                res = throughput.run(
                    srv.port,
                    "/",
                    label,
                    headers=page_headers,
                    connections=s.wrk_connections,
                    seconds=s.wrk_seconds,
                )
            else:
                res = throughput.run(
                    srv.port,
                    variant.path,
                    label,
                    body=variant.body,
                    headers=variant.headers,
                    connections=s.wrk_connections,
                    seconds=s.wrk_seconds,
                )
        except (RuntimeError, ValueError, OSError) as exc:
            out.append({"label": label, "error": str(exc)[:500]})
            continue
        cpu_ms, runq_ms = meter.stop()
        row = {**res.to_json(), "kind": "page" if variant is None else "callback"}
        row["drained_before_s"] = round(drained, 1)
        row["server_cpu_ms_per_req"] = cpu_ms / res.requests if res.requests else None
        row["server_runq_ms_per_req"] = runq_ms / res.requests if res.requests else None
        out.append(row)
        log(f"  {res.rps:,.0f} req/s, p99 {res.p99_ms:.1f} ms, errors {res.errors}")
    return out


def read_memory(srv: servers.Server, when: str) -> list[dict[str, Any]]:
    out = []
    for role, pid in [("master", srv.pid)] + [("worker", p) for p in srv.workers()]:
        base = {"server": srv.name, "when": when, "role": role, "pid": pid}
        try:
            m = memory.read(pid)
        except OSError as exc:
            out.append({**base, "error": str(exc)})
            continue
        out.append(
            {
                **base,
                "rss": m.get("Rss"),
                "pss": m.get("Pss"),
                "pss_anon": m.get("Pss_Anon"),
                "private_dirty": m.get("Private_Dirty"),
            }
        )
    return out


# ---------------------------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    s = Settings.from_args(args)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out_path = args.out or RESULTS_DIR / f"{stamp}.json"
    out_path.parent.mkdir(parents=True, exist_ok=True)
    log_dir = out_path.parent / f"{out_path.stem}-logs"
    if not (REPO_ROOT / "gunicorn.conf.py").exists() or not (REPO_ROOT / "app.py").exists():
        print("bench: app.py and gunicorn.conf.py are needed at the repository root")
        return 2
    notes: list[str] = []
    res: dict[str, Any] = {
        "meta": {
            "started": dt.datetime.now().isoformat(timespec="seconds"),
            "settings": asdict(s),
            "python": sys.version.split()[0],
            "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
            "budgets": asdict(BUDGETS),
            "logs": str(log_dir),
        },
        "machine": {},
        "notes": notes,
    }
    work = Path(tempfile.mkdtemp(prefix="pesem-bench-"))
    status = 0
    try:
        if s.lighthouse_only:
            _lighthouse_only(s, res, log_dir, notes)
        else:
            _run(s, res, work, log_dir, notes)
            # nginx over 1 and 2 replicas (issue 17)
            res["cluster"] = cluster_bench.measure(
                log_dir, log=log, seconds=s.wrk_seconds, wait_quiet=s.wait_quiet
            )
    except (Exception, KeyboardInterrupt):  # keep what was measured: write JSON and table
        status = 1
        res["fatal"] = traceback.format_exc()
        log("FATAL:\n" + res["fatal"])
        notes.append("the run stopped early: " + res["fatal"].strip().splitlines()[-1])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    busy = {k: v["busy"] for k, v in res["machine"].items() if v.get("busy", 0) > 0.25}
    if busy:
        notes.append(
            "other work kept the CPUs busy when these sections started ("
            + ", ".join(f"{k} {v:.0%}" for k, v in busy.items())
            + "): wall-clock timings there are inflated, server CPU ms/req much less"
        )
    rows = [
        *build_rows(res),
        *deck_bench.rows(res.get("deck")),
        *cluster_bench.rows(res.get("cluster")),
    ]
    res["table"] = [r.to_json() for r in rows]
    res["meta"]["finished"] = dt.datetime.now().isoformat(timespec="seconds")
    out_path.write_text(
        json.dumps(_clean_nan(res), ensure_ascii=False, indent=1, default=_json_default),
        encoding="utf-8",
    )
    print(render(rows))
    for note in notes:
        print(f"note: {note}")
    print(f"results: {out_path}")
    return status


def _json_default(o: Any) -> Any:
    if isinstance(o, Path):
        return str(o)
    if isinstance(o, bytes):
        return o.decode("utf-8", "replace")
    return str(o)


def _clean_nan(o: Any) -> Any:
    if isinstance(o, float) and math.isnan(o):
        return None
    if isinstance(o, dict):
        return {k: _clean_nan(v) for k, v in o.items()}
    if isinstance(o, list):
        return [_clean_nan(v) for v in o]
    return o


def _matches(path: str, templates: list[dict[str, Any]]) -> bool:
    for t in templates:
        tp = t["path_template"].strip("/").split("/")
        pp = path.strip("/").split("/")
        if len(tp) == len(pp) and all(
            a == b or (a.startswith("<") and a.endswith(">")) for a, b in zip(tp, pp, strict=True)
        ):
            return True
    return False


def _noop_for(capture: list[payloads.Captured]) -> payloads.CallbackPayloads:
    """The no-op request, sent to the same URL with the same headers as the browser's requests."""
    first = next((c for c in capture if c.body), None)
    if first is None:
        return payloads.noop_payload()
    return payloads.noop_payload(path=first.path, headers=first.headers)


def _run(s: Settings, res: dict[str, Any], work: Path, log_dir: Path, notes: list[str]) -> None:
    from bench.browser import Bench  # Playwright only when the suite really runs

    log("discovering pages and callbacks (app and bench.app_with_noop)")
    plain = disc.run_subprocess("app")
    wrapped = disc.run_subprocess("bench.app_with_noop")
    diffs = disc.wrapper_differences(plain, wrapped)
    res["discovery"] = {
        "pages": plain["pages"],
        "callbacks": plain["callbacks"],
        "wrapper_differences": diffs,
    }
    if diffs:
        notes.append("bench.app_with_noop differs from app beyond the no-op: " + "; ".join(diffs))
    fv_paths = lighthouse_paths(plain["pages"], FIRST_VISIT_PATHS)
    missing = [p for p in FIRST_VISIT_PATHS if p not in fv_paths]
    if missing:
        notes.append(f"first-visit pages not registered yet (skipped): {', '.join(missing)}")
    click_pages = [{"sample_path": p} for p in fv_paths] + list(plain["pages"])

    capture: list[payloads.Captured] = []
    prerender_charts(notes)
    res["machine"]["first_visit"] = machine.wait_quiet(s.wait_quiet, log=log)
    bench = Bench()
    try:
        with (
            servers.running("baseline", BASELINE_TARGET, log_dir) as base_srv,
            servers.running("app", APP_TARGET, log_dir) as app_srv,
        ):
            res["first_visit"] = first_visits(bench, s, app_srv, base_srv, fv_paths, capture)
            res["click_through"] = click_through(
                bench, s, app_srv, click_pages, capture, callback_input_ids(plain["callbacks"])
            )
            payloads.save(log_dir / "captured.json", capture)
            rows = payloads.group(capture)
            server_side = [c["key"] for c in plain["callbacks"] if not c["clientside"]]
            covered = {r.key for r in rows}
            res["callbacks"] = {
                "captured_requests": len(capture),
                "rows": [r.to_json() for r in rows],
                "uncovered": [k for k in server_side if k not in covered],
            }
            failed = [c for c in capture if c.status is None or c.status >= 400]
            if failed:
                notes.append(
                    f"{len(failed)} callback requests failed in the browser (e.g. "
                    f"{failed[0].page} · {failed[0].action}: HTTP {failed[0].status})"
                )
            if s.lighthouse:
                res["machine"]["lighthouse"] = machine.wait_quiet(s.wait_quiet, log=log)
            lh_paths = lighthouse_paths(plain["pages"])
            lh, skipped = run_lighthouse(s, app_srv, base_srv, lh_paths, notes, log_dir)
            res["lighthouse"] = {"results": lh, "skipped": skipped}
            if skipped:
                log(f"lighthouse {skipped}")

            with servers.running("app+noop", NOOP_TARGET, log_dir) as noop_srv:
                log("checking that app+noop answers every captured request like app")
                check = compare_servers(rows, app_srv, noop_srv)
                res["wrapper_check"] = check
                if check["different"]:
                    notes.append(
                        f"app+noop answered {check['different']} of "
                        f"{check['different'] + check['identical']} captured requests "
                        "differently from app (JSON wrapper_check: data or pages edited "
                        "between the two server starts?)"
                    )
                servers.stop(app_srv)
                servers.stop(base_srv)
                _callbacks_and_load(s, res, rows, capture, noop_srv)
    finally:
        bench.close()
    _growth(s, res, rows, capture, work, log_dir)
    res["deck"] = deck_bench.measure(log_dir, log=log)  # presenter decks (issue 16)


def _callbacks_and_load(
    s: Settings,
    res: dict[str, Any],
    rows: list[payloads.CallbackPayloads],
    capture: list[payloads.Captured],
    srv: servers.Server,
) -> None:
    noop = _noop_for(capture)
    res["machine"]["callbacks"] = machine.wait_quiet(s.wait_quiet, log=log)
    lat = measure_latency(s, srv, rows, noop, s.max_seconds_per_row, s.min_samples)
    res["callbacks"]["latency"] = lat
    # Throughput: the page, the slowest interaction callback, the home page's router callback
    # (every navigation) and the no-op (the ceiling of this server for any callback).
    by_label = {r.label: r for r in rows}
    interactive = [
        r
        for r in lat
        if r["key"] != payloads.NOOP_KEY
        and payloads.PAGES_CONTENT not in r["key"]
        and r["errors"] == 0
    ]
    targets: list[tuple[str, payloads.Variant | None]] = [
        ("GET / (page HTML)", None),
        ("callback: no-op", noop.variants[0]),
    ]
    if "layout /" in by_label:
        targets.append(("callback: layout / (navigation)", by_label["layout /"].variants[0]))
    if interactive:
        slowest = max(interactive, key=lambda r: r["p50_ms"])
        targets.append(
            (f"slowest callback: {slowest['label']}", by_label[slowest["label"]].variants[0])
        )
    res["machine"]["throughput"] = machine.wait_quiet(s.wait_quiet, log=log)
    res["throughput"] = run_wrk(s, srv, targets)
    machine.wait_server_idle(srv.workers())
    res["memory"] = read_memory(srv, "after load")


def _growth(
    s: Settings,
    res: dict[str, Any],
    rows: list[payloads.CallbackPayloads],
    capture: list[payloads.Captured],
    work: Path,
    log_dir: Path,
) -> None:
    big_dir = work / "data-big"
    log(f"growth: generating a ×{s.growth_sectors * s.growth_years} dataset in {big_dir}")
    stats = synth.generate(
        REPO_ROOT / "data", big_dir, sectors=s.growth_sectors, years=s.growth_years
    )
    growth: dict[str, Any] = {
        "factor": stats.factor,
        "row_ratio": round(stats.ratio, 2),
        "real_rows": stats.real_rows,
        "big_rows": stats.big_rows,
        "rows": [],
    }
    res["growth"] = growth
    try:
        with servers.running(
            "app+noop big",
            NOOP_TARGET,
            log_dir,
            # no background rendering of ~100× the charts while latency is measured
            extra_env={"PESEM_DATA_DIR": str(big_dir), "PESEM_STATIC_CHARTS": "0"},
            timeout=300,
        ) as big_srv:
            res["machine"]["growth"] = machine.wait_quiet(s.wait_quiet, log=log)
            big = measure_latency(
                s,
                big_srv,
                rows,
                _noop_for(capture),
                s.growth_max_seconds_per_row,
                s.growth_min_samples,
            )
            res["memory"] = res.get("memory", []) + read_memory(big_srv, "big data")
    except RuntimeError as exc:
        growth["error"] = str(exc)[:2000]
        return
    real = {r["label"]: r for r in res.get("callbacks", {}).get("latency", [])}
    growth["noop"] = next((r for r in big if r["key"] == payloads.NOOP_KEY), None)
    for r in big:
        base = real.get(r["label"])
        if base is None or r["key"] == payloads.NOOP_KEY:
            continue
        growth["rows"].append(
            {
                "label": r["label"],
                "real_p50_ms": base["p50_ms"],
                "real_p95_ms": base["p95_ms"],
                "big_p50_ms": r["p50_ms"],
                "big_p95_ms": r["p95_ms"],
                "big_errors": r["errors"],
                "big_statuses": r["statuses"],
                "real_response_bytes_avg": base["response_bytes_avg"],
                "big_response_bytes_avg": r["response_bytes_avg"],
                "real_cpu_ms_per_req": base["server_cpu_ms_per_req"],
                "big_cpu_ms_per_req": r["server_cpu_ms_per_req"],
                "real_cold_ms": base.get("cold_ms"),
                "big_cold_ms": r.get("cold_ms"),
            }
        )


if __name__ == "__main__":
    raise SystemExit(main())
