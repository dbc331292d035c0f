"""The "Descargar todos los gráficos" ZIP: a page's charts as slide PNGs, rendered by kaleido.

``GET /download/graficos.zip?pagina=/oes/OES.01`` (other query parameters are the page's own,
e.g. the explorer's filters) answers a ZIP with one PNG per chart of that page, in page order,
plus a ``README.txt`` (source line, generation date, file list). The charts are the page's
``export_figures(**url_params)`` (see docs/architecture.md) passed through
:func:`components.export.slide_figure`, rendered at 1600×900, scale 2 (3200×1800 pixels).

* ``pagina`` is matched against the registered pages with the pages router's own matcher
  (``resolve_page``, app.py's ``is_page_path``); it is never used as a file path. Unknown page →
  404; a page without charts → 404 with a message saying so.
* kaleido 1.x drives a headless Chromium: ``BROWSER_PATH`` (set here to ``/usr/bin/chromium``
  when unset and the file exists). One kaleido sync server per process, started on the first
  download (never in gunicorn's master: ``preload_app`` forks after import), so a chart costs a
  few tenths of a second (the first ZIP of a process also waits a few seconds for Chromium,
  which is closed again after 10 idle minutes: it holds about 200 MB). Without Chromium the
  route answers 503 and the button says why.
* Answers are kept in a small in-process cache (the data do not change while the process runs).

``install(app, resolve_page)`` registers the route and adds the button to the app shell: a bar
above every page, filled by one callback from the current URL (nothing to add to pages).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import shutil
import sys
import threading
import time
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final
from urllib.parse import urlencode

import dash
import plotly.graph_objects as go
from dash import Dash, Input, Output, html
from flask import Flask, Response, request

from components.export import (
    SLIDE_HEIGHT,
    SLIDE_SCALE,
    SLIDE_WIDTH,
    figure_title,
    slide_figure,
)
from components.graph import safe_filename
from components.routing import page_for
from components.theme import SOURCE_LINE

log = logging.getLogger(__name__)

ROUTE: Final = "/download/graficos.zip"
PAGE_PARAM: Final = "pagina"
FILE_PREFIX: Final = "pesem-rree-2020"
BUTTON_LABEL: Final = "Descargar todos los gráficos"
NO_CHROMIUM_MESSAGE: Final = "La descarga de todos los gráficos requiere Chromium en el servidor"
NO_CHARTS_MESSAGE: Final = "Esta página no tiene gráficos para descargar."
UNKNOWN_PAGE_MESSAGE: Final = "Página desconocida: no hay gráficos que descargar."
RENDER_FAILED_MESSAGE: Final = (
    "No se pudieron generar las imágenes de los gráficos en el servidor. Intente de nuevo."
)
#: Id of the shell's bar that holds the button (filled by the callback of :func:`install`).
BAR_ID: Final = "shell-png-zip"
#: Browsers kaleido can drive, in order of preference (Debian's chromium first).
BROWSER_CANDIDATES: Final[tuple[str, ...]] = (
    "/usr/bin/chromium",
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
)
#: kaleido's limit for one chart; the watchdog's limit for one chart (Chromium start included).
RENDER_TIMEOUT_S: Final = 15
WATCHDOG_S: Final = 25
#: The browser is closed after this long without a ZIP request (started again on the next one).
IDLE_STOP_S: Final = 600
CACHE_SIZE: Final = 8
MAX_PAGE_LENGTH: Final = 300
MAX_QUERY_KEYS: Final = 20
MAX_SEARCH_LENGTH: Final = 2000

ResolvePage = Callable[[str], bool]


# --------------------------------------------------------------------------- Chromium


def chromium_path() -> str | None:
    """The browser kaleido will use: ``$BROWSER_PATH`` if set (None if it does not exist), else
    the first of :data:`BROWSER_CANDIDATES` found."""
    configured = os.environ.get("BROWSER_PATH")
    if configured:
        return configured if os.path.isfile(configured) else None
    for candidate in BROWSER_CANDIDATES:
        found = candidate if os.path.isabs(candidate) else shutil.which(candidate)
        if found and os.path.isfile(found) and os.access(found, os.X_OK):
            return found
    return None


def ensure_browser_path() -> str | None:
    """Set ``BROWSER_PATH`` for kaleido/choreographer when unset and a browser exists."""
    path = chromium_path()
    if path and not os.environ.get("BROWSER_PATH"):
        os.environ["BROWSER_PATH"] = path
    return path


# --------------------------------------------------------------------------- rendering


class RenderError(RuntimeError):
    """kaleido could not render a chart (no browser, a crash, a timeout)."""


class _Renderer:
    """One kaleido sync server per process; calls serialized (its result queue is shared)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._last_use = 0.0
        self._idle_timer: threading.Timer | None = None
        self.timings: list[float] = []  # seconds per chart, last renders (for logs and tests)

    def _server(self) -> Any:
        import kaleido

        return kaleido._global_server  # the singleton behind start_sync_server/calc_fig_sync

    def _start(self) -> None:
        import kaleido

        if ensure_browser_path() is None:
            raise RenderError(NO_CHROMIUM_MESSAGE)
        server = self._server()
        if server.is_running() and self._pid != os.getpid():
            # started before a fork: its thread and browser belong to the parent
            self.stop()
        if not server.is_running():
            kaleido.start_sync_server(
                n=1, timeout=RENDER_TIMEOUT_S, mathjax=False, silence_warnings=True
            )
            self._pid = os.getpid()
            log.info(
                "kaleido sync server started (pid %s, %s)",
                self._pid,
                os.environ.get("BROWSER_PATH"),
            )

    def _stop_when_idle(self) -> None:
        """Close Chromium (about 200 MB) once no ZIP was asked for :data:`IDLE_STOP_S`."""
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        self._idle_timer = threading.Timer(IDLE_STOP_S, self._idle_check)
        self._idle_timer.daemon = True
        self._idle_timer.start()

    def _idle_check(self) -> None:
        with self._lock:
            if time.monotonic() - self._last_use >= IDLE_STOP_S - 1 and self._pid == os.getpid():
                log.info("kaleido idle for %s s: stopping its browser", IDLE_STOP_S)
                self.stop()

    def stop(self) -> None:
        import kaleido

        try:
            if self._server().is_running():
                kaleido.stop_sync_server(silence_warnings=True)
        except Exception:  # a dead server thread: forget it
            log.exception("stopping the kaleido server failed")
        self._pid = None

    def _call(self, figure: go.Figure) -> bytes:
        import kaleido

        result: dict[str, Any] = {}

        def work() -> None:
            try:
                result["png"] = kaleido.calc_fig_sync(
                    figure,
                    opts={
                        "format": "png",
                        "width": SLIDE_WIDTH,
                        "height": SLIDE_HEIGHT,
                        "scale": SLIDE_SCALE,
                    },
                )
            except BaseException as error:  # noqa: BLE001 - reported to the caller
                result["error"] = error

        # calc_fig_sync waits on a queue without timeout: a browser that died at start-up would
        # block the request forever. The watchdog gives up and restarts the server next time.
        worker = threading.Thread(target=work, name="kaleido-call", daemon=True)
        worker.start()
        worker.join(WATCHDOG_S)
        if worker.is_alive():
            self._pid = None
            # abandon the stuck server (kaleido has no API for it): the next call starts a new one
            self._server()._initialized = False
            raise RenderError(f"kaleido did not answer within {WATCHDOG_S} s")
        if "error" in result:
            self.stop()
            raise RenderError(str(result["error"])) from result["error"]
        return result["png"]

    def render(self, figures: Sequence[go.Figure]) -> list[bytes]:
        """PNG bytes of each (already slide-sized) figure."""
        with self._lock:
            self._start()
            images = []
            for figure in figures:
                start = time.perf_counter()
                images.append(self._call(figure))
                elapsed = time.perf_counter() - start
                self.timings = [*self.timings[-31:], elapsed]
                log.info("kaleido: %.2f s for %r", elapsed, figure_title(figure)[:60])
            self._last_use = time.monotonic()
            self._stop_when_idle()
            return images


renderer = _Renderer()


# --------------------------------------------------------------------------- pages


def _export_function(page: Mapping[str, Any]) -> Callable[..., Any] | None:
    module = sys.modules.get(str(page.get("module", "")))
    function = getattr(module, "export_figures", None)
    return function if callable(function) else None


def _page_title(page: Mapping[str, Any], variables: Mapping[str, Any]) -> str:
    title = page.get("title")
    if callable(title):
        try:
            title = title(**variables)
        except Exception:  # a title is a nicety in the README
            title = None
    return str(title or page.get("name") or "")


def _slug(path: str) -> str:
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return safe_filename(last) if last else "resumen"


def zip_filename(page_path: str) -> str:
    """``pesem-rree-2020_OES.01_graficos.zip`` (``…_resumen_…`` for ``/``)."""
    return f"{FILE_PREFIX}_{_slug(page_path)}_graficos.zip"


def download_url(page_path: str, query: Mapping[str, Any] | None = None) -> str:
    params: list[tuple[str, Any]] = [(PAGE_PARAM, page_path)]
    for key, value in (query or {}).items():
        if key == PAGE_PARAM:
            continue
        for item in value if isinstance(value, list | tuple) else [value]:
            params.append((key, item))
    return f"{dash.get_relative_path(ROUTE)}?{urlencode(params)}"


def _query_params() -> dict[str, Any]:
    """The request's query without ``pagina``, shaped as Dash passes it to ``layout``."""
    params = request.args.to_dict(flat=False)
    params.pop(PAGE_PARAM, None)
    return {key: values[0] if len(values) == 1 else values for key, values in params.items()}


# --------------------------------------------------------------------------- ZIP


def build_zip(
    charts: Sequence[tuple[str, go.Figure]],
    *,
    page_path: str,
    page_title: str,
    now: dt.datetime | None = None,
) -> bytes:
    """The ZIP: one slide PNG per (stem, figure), in order, and a README.txt."""
    slides = [(safe_filename(stem), slide_figure(figure)) for stem, figure in charts]
    images = renderer.render([slide for _, slide in slides])
    now = now or dt.datetime.now().astimezone()
    names: list[str] = []
    lines = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for (stem, slide), png in zip(slides, images, strict=True):
            name = f"{stem}.png"
            counter = 2
            while name in names:  # two charts with one stem: keep both
                name = f"{stem}-{counter}.png"
                counter += 1
            names.append(name)
            archive.writestr(zipfile.ZipInfo(name, now.timetuple()[:6]), png)
            title = " ".join(figure_title(slide).split()) or "(sin título)"
            lines.append(f"- {name}: {title}")
        readme = "\n".join(
            [
                f"Gráficos de la página «{page_title}» ({page_path})",
                "Tablero de seguimiento del PESEM 2015-2021 del Sector Relaciones Exteriores.",
                "",
                SOURCE_LINE,
                f"Generado el {now.isoformat(sep=' ', timespec='minutes')}.",
                "",
                f"{len(names)} {'imagen' if len(names) == 1 else 'imágenes'} PNG de "
                f"{SLIDE_WIDTH * SLIDE_SCALE} × "
                f"{SLIDE_HEIGHT * SLIDE_SCALE} píxeles (diapositiva 16:9: {SLIDE_WIDTH} × "
                f"{SLIDE_HEIGHT} a escala {SLIDE_SCALE}), con título y fuente:",
                *lines,
                "",
            ]
        )
        archive.writestr(zipfile.ZipInfo("README.txt", now.timetuple()[:6]), readme)
    return buffer.getvalue()


class _ZipCache:
    def __init__(self, size: int) -> None:
        self._size = size
        self._data: OrderedDict[tuple, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> bytes | None:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        return None

    def put(self, key: tuple, value: bytes) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self._size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


cache = _ZipCache(CACHE_SIZE)


def _text(status: int, message: str) -> Response:
    response = Response(message + "\n", status=status, mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response


def register(server: Flask, resolve_page: ResolvePage) -> None:
    """Add ``GET /download/graficos.zip`` to ``server``.

    ``resolve_page(path)`` says whether ``path`` is a registered page (app.py's ``is_page_path``:
    the pages router's matcher plus each page's ``path_exists``).
    """
    if ensure_browser_path() is None:
        log.warning("%s: the ZIP download answers 503", NO_CHROMIUM_MESSAGE)

    @server.get(ROUTE)
    def download_charts_zip() -> Response:
        page_path = request.args.get(PAGE_PARAM, "")
        if not _valid_page_path(page_path) or not resolve_page(page_path):
            return _text(404, UNKNOWN_PAGE_MESSAGE)
        page, variables = page_for(page_path)
        export = _export_function(page)
        if not page or export is None:
            return _text(404, NO_CHARTS_MESSAGE)
        query = _query_params()
        if len(query) > MAX_QUERY_KEYS:
            return _text(400, "Demasiados parámetros.")
        if chromium_path() is None:
            return _text(503, NO_CHROMIUM_MESSAGE)

        key = (page_path, tuple(sorted((k, str(v)) for k, v in query.items())))
        data = cache.get(key)
        if data is None:
            try:
                charts = list(export(**{**query, **variables}))
            except (TypeError, ValueError):
                log.warning("export_figures(%r) of %s failed", query, page_path, exc_info=True)
                return _text(400, "Parámetros de la página no válidos.")
            if not charts:
                return _text(404, NO_CHARTS_MESSAGE)
            start = time.perf_counter()
            try:
                data = build_zip(
                    charts, page_path=page_path, page_title=_page_title(page, variables)
                )
            except RenderError:
                log.exception("ZIP of %s failed", page_path)
                return _text(503, RENDER_FAILED_MESSAGE)
            log.info(
                "ZIP of %s: %d charts in %.2f s",
                page_path,
                len(charts),
                time.perf_counter() - start,
            )
            cache.put(key, data)
        response = Response(data, mimetype="application/zip")
        response.headers["Content-Disposition"] = (
            f'attachment; filename="{zip_filename(page_path)}"'
        )
        response.headers["Cache-Control"] = "no-cache"
        return response


# --------------------------------------------------------------------------- button


def download_all_button(page_path: str, query: Mapping[str, Any] | None = None) -> html.Div:
    """The "Descargar todos los gráficos" link of a page (disabled, with the reason, without
    Chromium on the server)."""
    if chromium_path() is None:
        return html.Div(
            [
                html.Button(
                    BUTTON_LABEL,
                    type="button",
                    disabled=True,
                    className="btn btn-outline-secondary btn-sm",
                    **{"aria-describedby": f"{BAR_ID}-motivo"},
                ),
                html.Span(
                    NO_CHROMIUM_MESSAGE,
                    id=f"{BAR_ID}-motivo",
                    className="small text-body-secondary ms-2",
                ),
            ],
            className="png-zip d-flex justify-content-end align-items-center mb-2",
        )
    return html.Div(
        html.A(
            BUTTON_LABEL,
            href=download_url(page_path, query),
            download=zip_filename(page_path),
            className="btn btn-outline-primary btn-sm",
            # assets/pesem.js refreshes the query from the address bar when clicked (pages such
            # as /explorar change their query without the router knowing)
            **{"data-zip-page": page_path},
            title=(
                "Todos los gráficos de esta página como imágenes PNG para diapositivas "
                f"({SLIDE_WIDTH}×{SLIDE_HEIGHT}, con título y fuente), en un archivo ZIP"
            ),
        ),
        className="png-zip d-flex justify-content-end mb-2",
    )


def _valid_page_path(path: Any) -> bool:
    return isinstance(path, str) and path.startswith("/") and len(path) <= MAX_PAGE_LENGTH


def bar_children(pathname: Any, search: Any, resolve_page: ResolvePage) -> list[Any]:
    """The shell bar's content for the current URL: the button, or nothing without charts."""
    if not _valid_page_path(pathname) or not resolve_page(pathname):
        return []
    if not isinstance(search, str) or len(search) > MAX_SEARCH_LENGTH:
        search = ""
    page, _ = page_for(pathname)
    if _export_function(page) is None:
        return []
    from dash._pages import _parse_query_string

    return [download_all_button(pathname, _parse_query_string(search or ""))]


def _insert_before_pages(node: Any, bar: Any) -> bool:
    """Put ``bar`` right before ``dash.page_container`` in the layout tree (True if done)."""
    children = getattr(node, "children", None)
    if children is dash.page_container:
        node.children = [bar, children]
        return True
    if isinstance(children, list):
        for index, child in enumerate(children):
            if child is dash.page_container:
                children.insert(index, bar)
                return True
            if _insert_before_pages(child, bar):
                return True
    elif children is not None and not isinstance(children, str | int | float):
        return _insert_before_pages(children, bar)
    return False


def install(app: Dash, resolve_page: ResolvePage) -> None:
    """Route + shell button: call once in app.py, after ``app.layout`` is set."""
    register(app.server, resolve_page)
    bar = html.Div(id=BAR_ID)
    if not _insert_before_pages(app.layout, bar):
        raise RuntimeError("png_zip.install: dash.page_container not found in app.layout")

    @app.callback(
        Output(BAR_ID, "children"),
        Input("_pages_location", "pathname"),
        Input("_pages_location", "search"),
    )
    def update_png_zip_bar(pathname: Any, search: Any) -> list[Any]:
        return bar_children(pathname, search, resolve_page)


__all__ = [
    "BAR_ID",
    "NO_CHROMIUM_MESSAGE",
    "ROUTE",
    "RenderError",
    "bar_children",
    "build_zip",
    "chromium_path",
    "download_all_button",
    "download_url",
    "ensure_browser_path",
    "install",
    "register",
    "renderer",
    "zip_filename",
]
