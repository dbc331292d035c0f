"""First visit with Playwright on the system Chromium; the click-through that captures callbacks.

A measurement is one fresh browser context (empty HTTP cache, no cookies) loading one URL. The
clock is the page's own ``performance.now()``, whose zero is the navigation start. The page is
"drawn" when, for a continuous stable window:

* the renderer has mounted (no ``._dash-loading`` placeholder);
* no ``/_dash-update-component`` request is in flight (``window.fetch`` is wrapped by an init
  script) and no element has ``data-dash-is-loading="true"``;
* at least the expected number of ``.js-plotly-plot`` elements exist and every one has been drawn
  by plotly.js (``_fullLayout`` set, ``.main-svg`` layers present, a ``canvas`` for WebGL traces).

The reported time is the start of that stable window. The expected number of charts is counted from
the page itself in an unmeasured calibration load that waits for the network to be idle.

Bytes are the compressed bytes on the wire (CDP ``Network.loadingFinished.encodedDataLength``,
headers included) and requests are CDP ``Network.requestWillBeSent`` events (``data:`` URLs
excluded).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from bench import CHROME_FLAGS, CHROMIUM
from bench.payloads import Captured, is_update_request, request_path

VIEWPORT = {"width": 1366, "height": 900}
JS_DIR = Path(__file__).resolve().parent / "js"


def _js(name: str) -> str:
    return (JS_DIR / name).read_text(encoding="utf-8")


INIT_JS = _js("init.js")

READY_JS = _js("ready.js")

TIMING_JS = _js("timing.js")

# Candidate controls of a page, tagged with data-bench-n so Python can click them by locator.
SCAN_JS = _js("scan.js")


@dataclass
class Visit:
    """One measured load."""

    ms: float
    bytes: int
    requests: int
    failed: int
    charts: int
    callbacks: int
    timing: dict[str, Any] = field(default_factory=dict)
    resources: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class FirstVisitResult:
    server: str
    path: str
    expected_charts: int = 0
    runs: list[Visit] = field(default_factory=list)
    error: str = ""

    def summary(self) -> dict[str, Any]:
        if not self.runs:
            return {"server": self.server, "path": self.path, "error": self.error, "n": 0}
        return {
            "server": self.server,
            "path": self.path,
            "n": len(self.runs),
            "expected_charts": self.expected_charts,
            "median_ms": statistics.median(r.ms for r in self.runs),
            "min_ms": min(r.ms for r in self.runs),
            "max_ms": max(r.ms for r in self.runs),
            "median_bytes": statistics.median(r.bytes for r in self.runs),
            "median_requests": statistics.median(r.requests for r in self.runs),
            "median_fcp_ms": _median_of(self.runs, "fcp_ms"),
            "median_ttfb_ms": _median_of(self.runs, "ttfb_ms"),
            "charts": self.runs[0].charts,
            "callbacks": self.runs[0].callbacks,
            "failed_requests": max(r.failed for r in self.runs),
            "error": self.error,
        }


def _median_of(runs: list[Visit], key: str) -> float | None:
    vals = [r.timing.get(key) for r in runs if r.timing.get(key) is not None]
    return statistics.median(vals) if vals else None


class Bench:
    """One Chromium for the whole suite; a new context (empty cache) per load."""

    def __init__(self) -> None:
        self._pw = sync_playwright().start()
        self.browser: Browser = self._pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=list(CHROME_FLAGS)
        )

    def close(self) -> None:
        try:
            self.browser.close()
        finally:
            self._pw.stop()

    # -- one load --------------------------------------------------------------------------
    def _context(self) -> BrowserContext:
        ctx = self.browser.new_context(viewport=VIEWPORT, locale="es-PE")
        ctx.add_init_script(INIT_JS)
        return ctx

    def load(
        self,
        url: str,
        *,
        expected: int,
        stable_ms: int = 500,
        idle_first: bool = False,
        capture: list[Captured] | None = None,
        current: dict[str, str] | None = None,
        keep_open: bool = False,
        timeout_ms: int = 60_000,
    ) -> tuple[Visit, BrowserContext, Page]:
        ctx = self._context()
        page = ctx.new_page()
        cdp = ctx.new_cdp_session(page)
        reqs: dict[str, dict[str, Any]] = {}
        net = {"bytes": 0, "requests": 0, "failed": 0}

        def will_send(e: dict[str, Any]) -> None:
            url_ = e["request"]["url"]
            if url_.startswith("data:"):
                return
            net["requests"] += 1
            reqs[e["requestId"]] = {"url": url_, "type": e.get("type", ""), "bytes": 0}

        def finished(e: dict[str, Any]) -> None:
            n = int(e.get("encodedDataLength") or 0)
            net["bytes"] += n
            if e["requestId"] in reqs:
                reqs[e["requestId"]]["bytes"] += n

        def failed(e: dict[str, Any]) -> None:
            if e["requestId"] in reqs:
                net["failed"] += 1

        cdp.on("Network.requestWillBeSent", will_send)
        cdp.on("Network.loadingFinished", finished)
        cdp.on("Network.loadingFailed", failed)
        cdp.send("Network.enable")
        if capture is not None:
            _start_capture(page, capture, urlsplit(url).path, current)
        try:
            page.goto(url, wait_until="networkidle" if idle_first else "commit", timeout=timeout_ms)
            handle = page.wait_for_function(
                READY_JS,
                arg={"expected": expected, "stable": stable_ms},
                polling="raf",
                timeout=timeout_ms,
            )
            ready = handle.json_value()
            timing = page.evaluate(TIMING_JS)  # also flushes pending CDP events
        except BaseException:
            _PENDING.pop(id(page), None)
            ctx.close()
            raise
        visit = Visit(
            ms=float(ready["t"]),
            bytes=net["bytes"],
            requests=net["requests"],
            failed=net["failed"],
            charts=int(ready["charts"]),
            callbacks=int(ready["callbacks"]),
            timing=timing,
            resources=sorted(reqs.values(), key=lambda r: -r["bytes"]),
        )
        if not keep_open:
            _flush_capture(page)
            ctx.close()
        return visit, ctx, page

    # -- first visit -----------------------------------------------------------------------
    def first_visit(
        self, server: str, base_url: str, path: str, runs: int, capture: list[Captured] | None
    ) -> FirstVisitResult:
        result = FirstVisitResult(server=server, path=path)
        url = base_url + path
        try:
            calib, _, _ = self.load(
                url, expected=0, stable_ms=1500, idle_first=True, capture=capture
            )
            result.expected_charts = calib.charts
            for _ in range(runs):
                visit, _, _ = self.load(url, expected=result.expected_charts)
                result.runs.append(visit)
        except PlaywrightError as exc:
            result.error = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
        return result

    # -- click-through ---------------------------------------------------------------------
    def click_through(
        self,
        base_url: str,
        path: str,
        capture: list[Captured],
        max_actions: int = 20,
        input_ids: set[str] | None = None,
    ) -> list[str]:
        """Use every kind of control of the page once (bounded), capturing callback requests.

        Controls that are Inputs of a server-side callback (``input_ids``: component ids, or the
        ``type`` of pattern-matching ids) go first, then by kind (KIND_ORDER).
        """
        done: list[str] = []
        current = {"action": "load"}
        try:
            _, ctx, page = self.load(
                base_url + path,
                expected=0,
                stable_ms=800,
                idle_first=True,
                capture=capture,
                current=current,
                keep_open=True,
            )
        except PlaywrightError as exc:
            return [f"load failed: {str(exc).splitlines()[0]}"]
        tried: set[str] = set()
        try:
            _mount_near(page)
            while len(done) < max_actions:
                candidates = [c for c in page.evaluate(SCAN_JS) if c["sig"] not in tried]
                if not candidates:
                    break
                cand = min(candidates, key=lambda c: _priority(c, input_ids or set()))
                tried.add(cand["sig"])
                current["action"] = cand["sig"]
                ok = _act(page, cand)
                _settle(page)
                if urlsplit(page.url).path != path:
                    done.append(f"{cand['sig']} (navigated to {urlsplit(page.url).path})")
                    page.goto(base_url + path, wait_until="networkidle")
                    _settle(page)
                elif ok:
                    done.append(cand["sig"])
        finally:
            _flush_capture(page)
            ctx.close()
        return done


KIND_ORDER = (
    "dropdown",
    "select",
    "option",
    "check",
    "tab",
    "slider",
    "input",
    "grid-cell",
    "button",
    "graph-point",
    "summary",
)


def _priority(cand: dict[str, Any], input_ids: set[str]) -> tuple[int, int, int]:
    owner = cand["sig"].split(":", 1)[1].split("/", 1)[0]
    is_input = any(i == owner or (len(i) > 3 and i in owner) for i in input_ids)
    rank = KIND_ORDER.index(cand["kind"]) if cand["kind"] in KIND_ORDER else len(KIND_ORDER)
    return (0 if is_input else 1, rank, cand["n"])


def _act(page: Page, cand: dict[str, Any]) -> bool:
    loc = page.locator(f'[data-bench-n="{cand["n"]}"]')
    kind = cand["kind"]
    try:
        if kind == "dropdown":
            loc.click(timeout=5000)
            option = page.locator(".dash-dropdown-options [role=option][aria-selected=false]").first
            option.wait_for(timeout=3000)
            option.click(timeout=3000)
            page.keyboard.press("Escape")
        elif kind == "select":
            count = loc.locator("option").count()
            if count < 2:
                return False
            loc.select_option(index=1, timeout=5000)
        elif kind == "slider":
            loc.focus(timeout=5000)
            page.keyboard.press("ArrowRight")
        elif kind == "input":
            loc.fill("a", timeout=5000)
            page.keyboard.press("Enter")
        elif kind == "graph-point":
            box = loc.bounding_box(timeout=5000)
            if not box:
                return False
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        else:
            loc.click(timeout=5000)
        return True
    except PlaywrightError:
        page.keyboard.press("Escape")
        return False


def _mount_near(page: Page) -> None:
    """Scroll to what mounts only when near the screen (the explorer's grid), as a reader
    would, so that its controls are used too; then back to the top."""
    if page.evaluate(MOUNT_NEAR_JS):
        _settle(page)
        page.evaluate("() => window.scrollTo(0, 0)")


MOUNT_NEAR_JS = """() => {
    const boxes = document.querySelectorAll('[data-mount-near]');
    boxes.forEach((box) => box.scrollIntoView());
    return boxes.length;
}"""


def _settle(page: Page, timeout_ms: int = 20_000) -> None:
    try:
        page.wait_for_timeout(150)
        page.wait_for_function(
            READY_JS, arg={"expected": 0, "stable": 400}, polling="raf", timeout=timeout_ms
        )
    except PlaywrightError:
        pass


_PENDING: dict[int, list[tuple[Any, dict[str, str], list[Captured]]]] = {}


def _start_capture(
    page: Page, sink: list[Captured], page_path: str, current: dict[str, str] | None = None
) -> None:
    """Record every callback request of ``page`` (bodies + answers are read after the fact)."""
    state = current if current is not None else {"action": "load"}
    pending = _PENDING.setdefault(id(page), [])

    def on_finished(request: Any) -> None:
        if is_update_request(request.method, request.url):
            pending.append((request, {"page": page_path, "action": state["action"]}, sink))

    page.on("requestfinished", on_finished)
    page.on("requestfailed", on_finished)


def _flush_capture(page: Page) -> None:
    for request, where, sink in _PENDING.pop(id(page), []):
        status, size = None, None
        try:
            resp = request.response()
            if resp is not None:
                status = resp.status
                size = len(resp.body())
            headers = request.all_headers()
        except PlaywrightError:
            headers = dict(request.headers)
        sink.append(
            Captured(
                page=where["page"],
                action=where["action"],
                path=request_path(request.url),
                body=request.post_data or "",
                headers=headers,
                status=status,
                response_bytes=size,
            )
        )
