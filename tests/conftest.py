"""Shared fixtures: a live gunicorn server and a Playwright page on Debian's /usr/bin/chromium.

For page authors (tests in ``tests/browser/`` are marked ``browser`` automatically)::

    def test_resumen(page):
        page.open("/")        # live server URL + path, waits for Dash to settle
        assert page.get_by_role("heading", level=1).is_visible()
        page.assert_clean()   # no console/page errors, CSP violations or external requests

``page`` is a normal Playwright ``Page`` with extra attributes: ``base_url``, ``console_errors``,
``page_errors``, ``csp_violations``, ``external_requests`` (lists of str), and the helpers
``open(path)``, ``wait_for_dash()`` and ``assert_clean(allow_console=())``. Downloads are accepted
(``with page.expect_download() as info: ...``).

``live_server`` is the base URL (``http://127.0.0.1:PORT``) of the real app under gunicorn with
the project's gunicorn.conf.py (2 workers); it uses ``$PESEM_DATA_DIR`` when set.
``gunicorn_server(env)`` is a context manager that starts another one (e.g. on other data);
``run_gunicorn(env)`` runs the start command in the foreground until it exits.

``ds`` (the real dataset) and ``summary`` (its ``indicator_summary``) serve the unit tests.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bench import CHROME_FLAGS, CHROMIUM  # the one set of Chromium flags (bench has no test deps)

if TYPE_CHECKING:
    import pandas as pd

    from pesem.loader import Dataset

ROOT = Path(__file__).resolve().parents[1]

# Chart cards as interactive plotly charts in the in-process app and every test server (most
# tests inspect plotly's drawing); tests/test_chart_images.py and
# tests/browser/test_static_charts.py turn the static pictures on for themselves.
os.environ.setdefault("PESEM_STATIC_CHARTS", "0")
#: The production start command (run from ROOT).
GUNICORN_COMMAND = (sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "app:server")
STARTUP_TIMEOUT_S = 90
BROWSER_DIR = Path(__file__).resolve().parent / "browser"


# --------------------------------------------------------------------------- markers


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test under tests/browser/ is a browser test."""
    for item in items:
        if BROWSER_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


# --------------------------------------------------------------------------- domain data


@pytest.fixture(scope="module")
def dash_app():
    """The app module (pages registered, routes installed), imported once."""
    import app as dashboard

    return dashboard


@pytest.fixture
def client(dash_app):
    """A Flask test client of the app (a test module may define its own)."""
    return dash_app.server.test_client()


@pytest.fixture(scope="module")
def ds() -> Dataset:
    """The real dataset of data/ (``pesem.loader.get_dataset()``, loaded once per process)."""
    from pesem.loader import get_dataset

    return get_dataset()


@pytest.fixture(scope="module")
def summary(ds: Dataset) -> pd.DataFrame:
    """``pesem.metrics.indicator_summary(ds)``: one row per indicator."""
    from pesem.metrics import indicator_summary

    return indicator_summary(ds)


def page_variants(page: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Layout keyword sets covering a registered page: ``[{}]``, or every existing code.

    A page with a ``path_template`` (``/oes/<code>``) gets each OES and AES code of the dataset
    that its ``path_exists`` accepts.
    """
    template = page.get("path_template")
    if not template:
        return [{}]
    from pesem.loader import get_dataset

    ds = get_dataset()
    (variable,) = re.findall(r"<([^<>]+)>", template)
    exists = page.get("path_exists") or (lambda **_: True)
    codes = [*ds.oes["oes_code"], *ds.aes["aes_code"]]
    return [{variable: code} for code in codes if exists(**{variable: code})]


# --------------------------------------------------------------------------- live server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, timeout: float = 5.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def start_gunicorn(
    env: Mapping[str, str] | None = None, *, log_path: Path
) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``gunicorn --config gunicorn.conf.py app:server`` on a free port (no waiting)."""
    port = free_port()
    full_env = {**os.environ, "PORT": str(port), "WEB_CONCURRENCY": "2", **(env or {})}
    full_env.pop("BIND_ALL", None)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            GUNICORN_COMMAND,
            cwd=ROOT,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, stopped as a whole
        )
    return process, f"http://127.0.0.1:{port}"


def run_gunicorn(env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the start command in the foreground until it exits (start-ups that must fail).

    On a free loopback port (``BIND_ALL`` unset), with ``env`` over this process's environment;
    stdout and stderr are captured as text. Raises ``subprocess.TimeoutExpired`` after 120 s.
    """
    full_env = {**os.environ, "PORT": str(free_port()), **(env or {})}
    full_env.pop("BIND_ALL", None)
    return subprocess.run(
        GUNICORN_COMMAND, cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120
    )


def wait_healthy(process: subprocess.Popen[bytes], base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited with code {process.returncode} during start-up:\n"
                + log_path.read_text(errors="replace")[-4000:]
            )
        with contextlib.suppress(OSError):
            status, _ = _get(f"{base_url}/healthz", timeout=2)
            if status == 200:
                return
        time.sleep(0.25)
    _stop(process)
    raise RuntimeError(
        f"gunicorn did not answer /healthz within {STARTUP_TIMEOUT_S} s:\n"
        + log_path.read_text(errors="replace")[-4000:]
    )


@contextlib.contextmanager
def gunicorn_server(env: Mapping[str, str] | None = None, *, log_path: Path) -> Iterator[str]:
    """A running gunicorn server (yields its base URL); stopped on exit."""
    process, base_url = start_gunicorn(env, log_path=log_path)
    try:
        wait_healthy(process, base_url, log_path)
        yield base_url
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the real app served by gunicorn (gunicorn.conf.py, 2 workers)."""
    log_path = tmp_path_factory.mktemp("live_server") / "gunicorn.log"
    try:
        with gunicorn_server(log_path=log_path) as base_url:
            yield base_url
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)


# --------------------------------------------------------------------------- browser


def _chromium_missing() -> None:
    message = (
        f"{CHROMIUM} not found: install Debian's chromium and chromium-driver "
        "(`make test` does it with apt-get)."
    )
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Playwright Chromium on /usr/bin/chromium (never a downloaded browser)."""
    if not os.path.exists(CHROMIUM):
        _chromium_missing()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROME_FLAGS))
        try:
            yield instance
        finally:
            instance.close()


DASH_SETTLED_JS = """() => {
    const entry = document.getElementById('react-entry-point');
    if (!entry || entry.querySelector('._dash-loading')) return false;
    return !document.querySelector('[data-dash-is-loading="true"]');
}"""


#: The explorer grid's indicator codes in row order (its code column may be pinned or, on a
#: phone where pinned columns do not fit, not).
GRID_CODES_JS = """() => {
    const codes = {};
    document.querySelectorAll('.exp-grid .ag-row').forEach((row) => {
        const cell = row.querySelector('[col-id="indicator_id"]');
        if (cell) codes[row.getAttribute('row-index')] = cell.innerText.trim();
    });
    return Object.keys(codes).sort((a, b) => a - b).map((key) => codes[key]);
}"""


def mount_near(page: Any) -> None:
    """Scroll to each part that mounts when near the screen (the explorer's grid), wait until
    it is there, then back to the top."""
    for slot in page.locator("[data-mount-near]").all():
        slot.scroll_into_view_if_needed()
        page.wait_for_function(
            "id => !document.getElementById(id).querySelector('[data-mount-waiting]')",
            arg=slot.get_attribute("id"),
        )
    page.evaluate("() => window.scrollTo(0, 0)")


def _same_origin(url: str, base_url: str) -> bool:
    return (
        url == base_url
        or url.startswith(base_url + "/")
        or url.startswith(("data:", "blob:", "about:"))
    )


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[Any]:
    """A fresh page (own context, downloads accepted) that records errors and external requests."""
    context = browser.new_context(
        viewport={"width": 1366, "height": 900},
        accept_downloads=True,
        locale="es-PE",
    )
    context.set_default_timeout(30_000)
    new_page = context.new_page()
    new_page.base_url = live_server
    new_page.console_errors = []
    new_page.page_errors = []
    new_page.csp_violations = []
    new_page.external_requests = []

    def on_console(message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text:
            new_page.csp_violations.append(text)
        if message.type == "error":
            new_page.console_errors.append(text)

    def on_request(request: Any) -> None:
        if not _same_origin(request.url, live_server):
            new_page.external_requests.append(request.url)

    new_page.on("console", on_console)
    new_page.on("pageerror", lambda error: new_page.page_errors.append(str(error)))
    new_page.on("request", on_request)

    def wait_for_dash(timeout: float = 30_000) -> None:
        new_page.wait_for_load_state("networkidle", timeout=timeout)
        new_page.wait_for_function(DASH_SETTLED_JS, timeout=timeout)

    def open_path(path: str = "/", *, wait: bool = True) -> Any:
        response = new_page.goto(live_server + path)
        if wait:
            wait_for_dash()
        return response

    def assert_clean(allow_console: tuple[str, ...] = ()) -> None:
        console = [
            text for text in new_page.console_errors if not any(a in text for a in allow_console)
        ]
        problems = {
            "console errors": console,
            "page errors": new_page.page_errors,
            "CSP violations": new_page.csp_violations,
            "external requests": new_page.external_requests,
        }
        found = {name: items for name, items in problems.items() if items}
        assert not found, f"browser problems on {new_page.url}: {found}"

    new_page.wait_for_dash = wait_for_dash
    new_page.open = open_path
    new_page.assert_clean = assert_clean
    try:
        yield new_page
    finally:
        context.close()
