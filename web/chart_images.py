"""Static charts: each page's charts rendered ahead as SVG pictures, kept on disk, served as files.

A chart card (:func:`components.graph.chart_card`) shows the picture at once and loads the
interactive ``dcc.Graph`` (and plotly.js, the cost of a first visit on a phone) only when the
reader presses "Interactuar" (``assets/pesem.js``, with Dash's public ``set_props``).

* **What is rendered**: the figures of every page's default state (each registered page's own
  ``layout`` for each existing path, :func:`page_paths`), exactly the figures their cards show,
  by plotly.js in kaleido (:func:`web.render.render_images`) at :data:`WIDTHS` (one per class of
  screen: the text in an SVG shrinks with the picture, so a phone gets a narrow rendering).
  Other states (the explorer's filters, another COVID view) stay interactive.
* **When**: never during a request. gunicorn's ``when_ready`` starts :func:`start_prerender`
  (``python -m web.prerender`` in the background); a card built before its pictures exist is the
  interactive chart, as it is when Chromium is missing or a rendering failed. The server's
  memos of cards are keyed by :meth:`ImageStore.version` (the folder's modification time,
  through :func:`components.graph.pictures_version`): a page asked for during the pre-render
  gets its pictures on the next visit once they exist.
* **Cache**: ``$PESEM_CHART_CACHE`` (default ``.cache/charts``), file names from the SHA-256 of
  the figure's JSON and the renderer's versions (a figure that changes with the data gets a new
  name; a restart renders nothing already there); written to a temporary file then renamed, so
  workers and servers sharing the folder never read half a file; one pre-render at a time per
  folder (a lock file), so replicas started together render each chart once.
* **Route** ``GET /graficos/<name>``: only names of that form (:data:`NAME`), from that folder;
  ``Cache-Control: public, max-age=<a year>, immutable``; 404 otherwise.
* ``PESEM_STATIC_CHARTS=0`` turns it all off (interactive charts, no rendering).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib
import importlib.metadata
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Collection, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import dash
import plotly.graph_objects as go
from dash import Dash
from flask import Flask, Response, abort, send_from_directory

from components import graph
from components.routing import page_path, path_variables
from pesem.loader import get_dataset
from web.render import RenderError, chromium_path, render_images

log = logging.getLogger(__name__)

ROUTE: Final = "/graficos"
ROOT: Final = Path(__file__).resolve().parents[1]
DEFAULT_CACHE: Final = ROOT / ".cache" / "charts"
#: Widths rendered, narrowest first, with the screens each one is for (the last for all others):
#: cards are about 300-370 px wide on a phone, 520-900 on a tablet, 920-1260 on a computer.
WIDTHS: Final[tuple[tuple[int, str], ...]] = (
    (340, "(max-width: 575.98px)"),
    (720, "(max-width: 991.98px)"),
    (1100, ""),
)
NAME: Final = re.compile(r"^[0-9a-f]{32}(?:-\d{2,4}x\d{2,4}\.svg|\.json)$")
YEAR_SECONDS: Final = 31_536_000
#: kaleido's work per figure is small; more figures per browser start is faster.
BATCH: Final = 40


def enabled() -> bool:
    """False when ``PESEM_STATIC_CHARTS=0`` (every chart interactive, nothing rendered)."""
    return os.environ.get("PESEM_STATIC_CHARTS", "1") != "0"


def cache_dir() -> Path:
    """The folder of the pictures (``$PESEM_CHART_CACHE`` or ``.cache/charts``)."""
    return Path(os.environ.get("PESEM_CHART_CACHE") or DEFAULT_CACHE)


@lru_cache(maxsize=1)
def renderer_tag() -> str:
    """Versions that change a picture for the same figure JSON (part of every file name)."""
    return ",".join(f"{name}={importlib.metadata.version(name)}" for name in ("plotly", "kaleido"))


def figure_key(text: str) -> str:
    """The content hash naming a figure's files."""
    return hashlib.sha256(f"{renderer_tag()}\n{text}".encode()).hexdigest()[:32]


def svg_name(key: str, width: int, height: int) -> str:
    return f"{key}-{width}x{height}.svg"


def _url(name: str) -> str:
    return dash.get_relative_path(f"{ROUTE}/{name}")


class ImageStore:
    """The cached pictures of one folder: what a card may show, what is left to render."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._complete: set[str] = set()  # keys whose files all exist (files are never removed)

    def names(self, key: str, height: int) -> list[str]:
        return [f"{key}.json", *(svg_name(key, width, height) for width, _ in WIDTHS)]

    def has(self, key: str, height: int) -> bool:
        if key in self._complete:
            return True
        if all((self.folder / name).is_file() for name in self.names(key, height)):
            self._complete.add(key)
            return True
        return False

    def version(self) -> int | None:
        """The folder's modification time (ns): every picture written changes it (a rename
        into the folder); None before the folder exists."""
        try:
            return self.folder.stat().st_mtime_ns
        except FileNotFoundError:
            return None

    def static_chart(self, text: str, height: int) -> graph.StaticChart | None:
        """The card's pictures of a figure if they are all on disk (``chart_card`` asks)."""
        key = figure_key(text)
        if not self.has(key, height):
            return None
        pictures = tuple(
            graph.Picture(_url(svg_name(key, width, height)), width, height, media)
            for width, media in WIDTHS
        )
        return graph.StaticChart(pictures, _url(f"{key}.json"))

    def write(self, name: str, data: bytes) -> None:
        """Write a file atomically (a temporary file in the folder, then renamed)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, self.folder / name)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise


# --------------------------------------------------------------------------- what to render


def page_paths() -> list[tuple[Mapping[str, Any], dict[str, str]]]:
    """Every registered page with each set of path variables it exists for (codes of the
    dataset's objectives and actions for a page with a ``path_template``)."""
    ds = get_dataset()
    codes = [*ds.oes["oes_code"], *ds.aes["aes_code"]]
    found: list[tuple[Mapping[str, Any], dict[str, str]]] = []
    for page in dash.page_registry.values():
        variables = path_variables(page)
        if not variables:
            found.append((page, {}))
            continue
        exists = page.get("path_exists") or (lambda **_: True)
        if len(variables) == 1:
            found += [(page, {variables[0]: c}) for c in codes if exists(**{variables[0]: c})]
    return found


def default_figures(only: Collection[str] = ()) -> dict[str, tuple[str, int]]:
    """``key -> (figure JSON, height)`` of every card of every page's default state (of the
    pages at the paths in ``only``, if given).

    Built by calling each page module's own ``layout`` (not the server's memo of it) while
    :func:`components.graph.use_static_charts` records the figures instead of answering.
    """
    figures: dict[str, tuple[str, int]] = {}

    def record(text: str, height: int) -> None:
        figures[figure_key(text)] = (text, height)

    graph.use_static_charts(record)  # type: ignore[arg-type]  # records, answers None
    try:
        for page, variables in page_paths():
            if only and page_path(page, variables) not in only:
                continue
            module = importlib.import_module(str(page["module"]))
            layout = getattr(module, "layout", None)
            try:
                if callable(layout):
                    layout(**variables)
            except Exception:  # one broken page must not stop the others' pictures
                log.exception(
                    "layout of %s %s failed: its charts stay interactive", page, variables
                )
    finally:
        graph.use_static_charts(None)
    return figures


def _sized(text: str, width: int, height: int) -> go.Figure:
    """The figure as plotly draws it in a ``width`` × ``height`` box."""
    figure = go.Figure(json.loads(text), skip_invalid=True)
    figure.update_layout(width=width, height=height, autosize=False)
    return figure


def missing(
    store: ImageStore, figures: Mapping[str, tuple[str, int]]
) -> dict[str, tuple[str, int]]:
    return {key: value for key, value in figures.items() if not store.has(key, value[1])}


def _batches(items: list[tuple[str, str, int]]) -> Iterator[list[tuple[str, str, int]]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def render_missing(store: ImageStore, figures: Mapping[str, tuple[str, int]]) -> int:
    """Render and store the pictures of ``figures`` not yet on disk; the number rendered."""
    todo = missing(store, figures)
    browser = chromium_path()
    if not todo or browser is None:
        if todo:
            log.warning("no Chromium: %d charts stay interactive", len(todo))
        return 0
    items = [(key, text, height) for key, (text, height) in todo.items()]
    done = 0
    for batch in _batches(items):
        sized = [_sized(text, w, h) for _, text, h in batch for w, _ in WIDTHS]
        try:
            # each figure carries its size; kaleido renders it at that size
            images = render_images(sized, {"format": "svg"}, browser)
        except RenderError:
            log.exception("rendering %d charts failed: they stay interactive", len(batch))
            continue
        pictures = iter(images)
        for key, text, height in batch:
            for width, _ in WIDTHS:
                store.write(svg_name(key, width, height), next(pictures))
            store.write(f"{key}.json", text.encode())  # last: it completes the set
            done += 1
    return done


@contextlib.contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    """One pre-render at a time per cache folder: replicas of ``make cluster`` (or containers
    sharing a volume) start together; the later ones wait, then find the pictures on disk."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def prerender(only: Collection[str] = ()) -> int:
    """Render every page's default-state charts that are not on disk yet (the CLI); only the
    pages at the paths in ``only`` if given."""
    store = ImageStore(cache_dir())
    figures = default_figures(only)
    with _exclusive(store.folder / ".prerender.lock"):
        count = render_missing(store, figures)
    log.info("static charts: %d figures, %d rendered now, in %s", len(figures), count, store.folder)
    return count


# --------------------------------------------------------------------------- server


def start_prerender() -> subprocess.Popen[bytes] | None:
    """``python -m web.prerender`` (:func:`prerender` for every page) in the background
    (gunicorn's ``when_ready``)."""
    if not enabled():
        return None
    return subprocess.Popen(  # noqa: S603 - our own module with this interpreter
        [sys.executable, "-m", "web.prerender"],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
    )


def stop_prerender(process: subprocess.Popen[bytes] | None) -> None:
    """Stop a background rendering that is still running (gunicorn's ``on_exit``)."""
    if process is not None and process.poll() is None:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)


def register(server: Flask, store: ImageStore) -> None:
    """``GET /graficos/<name>``: a cached picture or figure, immutable; 404 for anything else."""

    def chart_file(name: str) -> Response:
        if not NAME.match(name) or not (store.folder / name).is_file():
            abort(404)
        response = send_from_directory(store.folder, name, max_age=YEAR_SECONDS)
        response.headers["Cache-Control"] = f"public, max-age={YEAR_SECONDS}, immutable"
        return response

    server.add_url_rule(f"{ROUTE}/<name>", "chart_image", chart_file)


def install(app: Dash) -> None:
    """The route and the cards' source of pictures ("Interactuar" is assets/pesem.js)."""
    store = ImageStore(cache_dir())
    register(app.server, store)
    if not enabled():
        graph.use_static_charts(None)
        return
    graph.use_static_charts(store.static_chart, store.version)
