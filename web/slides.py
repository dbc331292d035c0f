"""PNG slides of a page's charts: one chart (``Descargar PNG``) or all of them in a ZIP.

``GET /download/grafico.png?pagina=<page path>&grafico=<file stem>`` and
``GET /download/graficos.zip?pagina=<page path>[&formato=svg]`` (other query parameters are the
page's own, e.g. the explorer's filters). ``formato=svg`` gives the same charts as vector SVG,
under the same names (``.svg``); another ``formato`` → 404. The ZIP answers with a weak ETag
(data version + query) and 304 on ``If-None-Match``.

The charts are the page's ``export_figures(**url_params)`` (see
docs/architecture.md), each turned into its slide by :func:`components.slide.slide_figure` and
rendered by :func:`render_pngs` at 1600×900, scale 2 (3200×1800 pixels): the button and the ZIP
give the same picture, byte for byte.

* ``pagina`` is matched against the registered pages (``resolve_page``, app.py's
  ``is_page_path``); it is never used as a file path. Unknown page or chart → 404.
* kaleido renders through its public API on the system's Chromium (:func:`chromium_path`):
  one browser per request, closed when the request's charts are done. Without Chromium the
  routes answer 503 and the ZIP button says why.

``install(app, resolve_page)`` registers the routes and puts the bar at the top of every page
with charts (nothing to add to pages): "Descargar todos los gráficos" and "Descargar
presentación" (the page's deck, web/deck.py; on ``/`` also the whole report's deck). The bar is
part of the page's layout, built from the router's keywords, not a callback on the URL: that was
one more request, dcc.Location and React pass on every first visit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import io
import logging
import zipfile
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final
from urllib.parse import parse_qs, urlencode

import dash
import plotly.graph_objects as go
from dash import Dash, html
from flask import Flask, Response, request

from components.graph import CHART_PARAM, PNG_ROUTE, safe_filename
from components.routing import page_for, page_path, split_keywords
from components.slide import (
    SLIDE_HEIGHT,
    SLIDE_SCALE,
    SLIDE_WIDTH,
    plain_text,
    slide_figure,
)
from pesem.loader import get_dataset
from web.api.caching import CACHE_CONTROL, data_version
from web.render import RenderError, chromium_path, render_images

log = logging.getLogger(__name__)

ZIP_ROUTE: Final = "/download/graficos.zip"
DECK_ROUTE: Final = "/download/presentacion.pptx"
PAGE_PARAM: Final = "pagina"
FORMAT_PARAM: Final = "formato"
#: Query keys of the downloads themselves: never passed to a page's ``export_figures``.
OWN_PARAMS: Final = (PAGE_PARAM, CHART_PARAM, FORMAT_PARAM)
BUTTON_LABEL: Final = "Descargar todos los gráficos"
DECK_LABEL: Final = "Descargar presentación"
WHOLE_DECK_LABEL: Final = "Presentación del reporte completo"
#: What the deck buttons say while the server builds the deck (assets/pesem.js, deck section).
DECK_BUSY_LABEL: Final = "Preparando…"
UNKNOWN_FORMAT_MESSAGE: Final = "Formato desconocido: use formato=png o formato=svg."
NO_CHROMIUM_MESSAGE: Final = "La descarga de los gráficos requiere Chromium en el servidor"
NO_CHARTS_MESSAGE: Final = "Esta página no tiene gráficos para descargar."
UNKNOWN_PAGE_MESSAGE: Final = "Página desconocida: no hay gráficos que descargar."
UNKNOWN_CHART_MESSAGE: Final = "Gráfico desconocido en esta página."
BAD_PARAMS_MESSAGE: Final = "Parámetros de la página no válidos."
RENDER_FAILED_MESSAGE: Final = (
    "No se pudieron generar las imágenes de los gráficos en el servidor. Intente de nuevo."
)
#: Id prefix of the bar's elements (its status line, the reason its buttons are disabled).
BAR_ID: Final = "shell-png-zip"
PNG_OPTIONS: Final = {
    "format": "png",
    "width": SLIDE_WIDTH,
    "height": SLIDE_HEIGHT,
    "scale": SLIDE_SCALE,
}
#: ``formato`` of the ZIP: kaleido's options and the file extension (SVG: vector, same layout).
ZIP_FORMATS: Final = {
    "png": PNG_OPTIONS,
    "svg": {"format": "svg", "width": SLIDE_WIDTH, "height": SLIDE_HEIGHT},
}
MAX_PAGE_LENGTH: Final = 300
MAX_QUERY_KEYS: Final = 20
MAX_SEARCH_LENGTH: Final = 2000

ResolvePage = Callable[[str], bool]
Charts = list[tuple[str, go.Figure]]


class HttpError(Exception):
    """A request that gets a plain-text error answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


# --------------------------------------------------------------------------- rendering


def render_pngs(
    figures: Sequence[go.Figure], options: Mapping[str, Any] = PNG_OPTIONS
) -> list[bytes]:
    """PNG bytes (3200×1800) of each slide figure, in order (or other kaleido ``options``);
    :class:`RenderError` on failure."""
    browser = chromium_path()
    if browser is None:
        raise RenderError(NO_CHROMIUM_MESSAGE)
    return render_images(figures, options, browser)


# --------------------------------------------------------------------------- pages


def _valid_page_path(path: Any) -> bool:
    return isinstance(path, str) and path.startswith("/") and len(path) <= MAX_PAGE_LENGTH


def page_params(args: Mapping[str, list[str]]) -> dict[str, Any]:
    """The page's own query (without :data:`OWN_PARAMS`), shaped as Dash passes it to
    ``layout``: one value as a string, a repeated key as a list."""
    params = {k: v for k, v in args.items() if k not in OWN_PARAMS and v}
    return {key: values[0] if len(values) == 1 else values for key, values in params.items()}


def page_entry(page_path: Any, resolve_page: ResolvePage) -> tuple[dict[str, Any], dict[str, Any]]:
    """The registry entry and path variables of ``page_path``; 404 when it is not a page."""
    if not _valid_page_path(page_path) or not resolve_page(page_path):
        raise HttpError(404, UNKNOWN_PAGE_MESSAGE)
    return page_for(page_path)


def export_function(page: Mapping[str, Any]) -> Callable[..., Charts] | None:
    """The page module's ``export_figures`` (None for a page without charts)."""
    module = importlib.import_module(str(page["module"])) if page.get("module") else None
    function = getattr(module, "export_figures", None)
    return function if callable(function) else None


def page_charts(page_path: Any, params: Mapping[str, Any], resolve_page: ResolvePage) -> Charts:
    """``(file stem, figure)`` of each chart of the page at ``page_path`` for its query."""
    page, variables = page_entry(page_path, resolve_page)
    export = export_function(page)
    if export is None:
        raise HttpError(404, NO_CHARTS_MESSAGE)
    if len(params) > MAX_QUERY_KEYS:
        raise HttpError(400, BAD_PARAMS_MESSAGE)
    try:
        charts = list(export(**{**params, **variables}))
    except (TypeError, ValueError) as error:
        log.warning("export_figures(%r) of %s failed", params, page_path, exc_info=True)
        raise HttpError(400, BAD_PARAMS_MESSAGE) from error
    if not charts:
        raise HttpError(404, NO_CHARTS_MESSAGE)
    return [(safe_filename(stem), figure) for stem, figure in charts]


def page_title(page: Mapping[str, Any], variables: Mapping[str, Any]) -> str:
    """The page's tab title (its ``title``, called with the path variables, or its name)."""
    title = page.get("title")
    if callable(title):
        try:
            title = title(**variables)
        except Exception:  # a title is a nicety in the README
            title = None
    return str(title or page.get("name") or "")


# --------------------------------------------------------------------------- files


def _page_slug(page_path: str) -> str:
    last = page_path.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return safe_filename(last) if last else "resumen"


def zip_filename(page_path: str) -> str:
    """``<file prefix>_OES.01_graficos.zip`` (``…_resumen_…`` for ``/``)."""
    return f"{get_dataset().meta.file_prefix}_{_page_slug(page_path)}_graficos.zip"


#: The slug of the whole report's deck (no page).
WHOLE_REPORT_SLUG: Final = "reporte"


def deck_filename(page_path: str | None = None) -> str:
    """``<file prefix>_OES.01_presentacion.pptx``; ``…_reporte_presentacion.pptx`` for the whole
    report (``page_path`` None)."""
    slug = WHOLE_REPORT_SLUG if page_path is None else _page_slug(page_path)
    return f"{get_dataset().meta.file_prefix}_{slug}_presentacion.pptx"


def _unique_names(stems: Sequence[str], extension: str = "png") -> list[str]:
    """``<stem>.png`` for each stem; a repeated stem gets ``-2``, ``-3``… (keep both charts)."""
    names: list[str] = []
    for stem in stems:
        name, counter = f"{stem}.{extension}", 2
        while name in names:
            name, counter = f"{stem}-{counter}.{extension}", counter + 1
        names.append(name)
    return names


def _readme(
    page_path: str,
    page_title: str,
    lines: Sequence[str],
    now: dt.datetime,
    count: int,
    image_format: str = "png",
) -> str:
    meta = get_dataset().meta
    if image_format == "svg":
        kind = (
            f"{count} {'imagen' if count == 1 else 'imágenes'} SVG (vectoriales: se amplían sin "
            f"perder nitidez) de {SLIDE_WIDTH} × {SLIDE_HEIGHT} (diapositiva 16:9), con título "
            "y fuente:"
        )
    else:
        kind = (
            f"{count} {'imagen' if count == 1 else 'imágenes'} PNG de "
            f"{SLIDE_WIDTH * SLIDE_SCALE} × {SLIDE_HEIGHT * SLIDE_SCALE} píxeles (diapositiva "
            f"16:9: {SLIDE_WIDTH} × {SLIDE_HEIGHT} a escala {SLIDE_SCALE}), con título y fuente:"
        )
    return "\n".join(
        [
            f"Gráficos de la página «{page_title}» ({page_path})",
            f"Tablero de seguimiento del {meta.plan} del Sector {meta.sector}.",
            "",
            meta.source,
            f"Generado el {now.isoformat(sep=' ', timespec='minutes')}.",
            "",
            kind,
            *lines,
            "",
        ]
    )


def build_zip(
    charts: Charts,
    *,
    page_path: str,
    page_title: str,
    now: dt.datetime | None = None,
    image_format: str = "png",
) -> bytes:
    """The ZIP: one slide PNG (or SVG) per (stem, figure), in order, and a README.txt."""
    slides = [slide_figure(figure) for _, figure in charts]
    images = render_pngs(slides, ZIP_FORMATS[image_format])
    now = now or dt.datetime.now().astimezone()
    names = _unique_names([stem for stem, _ in charts], image_format)
    lines = [
        f"- {name}: {' '.join(plain_text(slide.layout.title.text).split()) or '(sin título)'}"
        for name, slide in zip(names, slides, strict=True)
    ]
    buffer = io.BytesIO()
    stamp = now.timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, png in zip(names, images, strict=True):
            archive.writestr(zipfile.ZipInfo(name, stamp), png)
        readme = _readme(page_path, page_title, lines, now, len(names), image_format)
        archive.writestr(zipfile.ZipInfo("README.txt", stamp), readme)
    return buffer.getvalue()


def text_response(status: int, message: str) -> Response:
    """A plain-text answer that no cache keeps."""
    response = Response(message + "\n", status=status, mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response


def attachment(data: bytes, mimetype: str, filename: str) -> Response:
    """``data`` as a file download named ``filename``."""
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-cache"
    return response


def download_etag(*parts: str) -> str:
    """A weak ETag for a rendered download: the data version plus what the request asked for.

    Weak: the same data and query give the same content, not always the same bytes (a ZIP
    member's date, the deck's package dates).
    """
    version = data_version(get_dataset().data_dir)
    digest = hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:16]
    return f"{version}-{digest}"


def query_key() -> str:
    """The request's query as a canonical string (sorted keys, values in order)."""
    args = request.args.to_dict(flat=False)
    return urlencode(sorted((key, value) for key in args for value in args[key]))


def conditional(etag: str, make: Callable[[], Response]) -> Response:
    """304 when ``If-None-Match`` names ``etag`` (weak comparison, as GET asks), else
    ``make()`` with the weak ``etag`` (errors keep ``no-store``)."""
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304)
    else:
        response = make()
        if response.status_code != 200:
            return response
    response.set_etag(etag, weak=True)
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


def answer(make: Callable[[], Response]) -> Response:
    """``make()``, or the plain-text answer of its :class:`HttpError` / :class:`RenderError`."""
    try:
        return make()
    except HttpError as error:
        return text_response(error.status, error.message)
    except RenderError:
        log.exception("rendering %s failed", request.full_path)
        message = NO_CHROMIUM_MESSAGE if chromium_path() is None else RENDER_FAILED_MESSAGE
        return text_response(503, message)


def register(server: Flask, resolve_page: ResolvePage) -> None:
    """Add ``GET`` :data:`ZIP_ROUTE` and :data:`PNG_ROUTE` to ``server``.

    ``resolve_page(path)`` says whether ``path`` is a registered page (app.py's
    ``is_page_path``).
    """
    if chromium_path() is None:
        log.warning("%s: the PNG and ZIP downloads answer 503", NO_CHROMIUM_MESSAGE)

    def one_png() -> Response:
        page_path = request.args.get(PAGE_PARAM, "")
        wanted = safe_filename(request.args.get(CHART_PARAM, ""))
        charts = page_charts(page_path, page_params(request.args.to_dict(flat=False)), resolve_page)
        figure = dict(charts).get(wanted)
        if figure is None:
            raise HttpError(404, UNKNOWN_CHART_MESSAGE)
        if chromium_path() is None:
            raise RenderError(NO_CHROMIUM_MESSAGE)
        [png] = render_pngs([slide_figure(figure)])
        return attachment(png, "image/png", f"{wanted}.png")

    def all_images() -> Response:
        page_path = request.args.get(PAGE_PARAM, "")
        image_format = request.args.get(FORMAT_PARAM, "png")
        if image_format not in ZIP_FORMATS:
            raise HttpError(404, UNKNOWN_FORMAT_MESSAGE)
        charts = page_charts(page_path, page_params(request.args.to_dict(flat=False)), resolve_page)
        if chromium_path() is None:
            raise RenderError(NO_CHROMIUM_MESSAGE)
        page, variables = page_for(page_path)

        def make() -> Response:
            data = build_zip(
                charts,
                page_path=page_path,
                page_title=page_title(page, variables),
                image_format=image_format,
            )
            name = zip_filename(page_path)
            if image_format != "png":
                name = name.replace("_graficos.zip", f"_graficos-{image_format}.zip")
            return attachment(data, "application/zip", name)

        return conditional(download_etag(ZIP_ROUTE, query_key()), make)

    server.add_url_rule(PNG_ROUTE, "download_chart_png", lambda: answer(one_png))
    server.add_url_rule(ZIP_ROUTE, "download_charts_zip", lambda: answer(all_images))


# --------------------------------------------------------------------------- ZIP button


def download_url(
    page_path: str, query: Mapping[str, Any] | None = None, route: str = ZIP_ROUTE
) -> str:
    """The URL of ``route`` (the ZIP, or the deck) for ``page_path`` and its page query."""
    params: list[tuple[str, Any]] = [(PAGE_PARAM, page_path)]
    for key, value in (query or {}).items():
        if key in OWN_PARAMS:
            continue
        params += [(key, item) for item in (value if isinstance(value, list | tuple) else [value])]
    return f"{dash.get_relative_path(route)}?{urlencode(params)}"


def _disabled(labels: Sequence[str]) -> html.Div:
    """The bar's buttons, disabled, with the reason (no Chromium on the server)."""
    reason_id = f"{BAR_ID}-motivo"
    buttons = [
        html.Button(
            label,
            type="button",
            disabled=True,
            className="btn btn-outline-secondary btn-sm",
            **{"aria-describedby": reason_id},
        )
        for label in labels
    ]
    return html.Div(
        [
            *buttons,
            html.Span(NO_CHROMIUM_MESSAGE, id=reason_id, className="small text-body-secondary"),
        ],
        className="png-zip d-flex flex-wrap justify-content-end align-items-center gap-2 mb-2",
    )


def _deck_link(label: str, href: str, filename: str, title: str, **data: str) -> html.A:
    """A deck download: assets/pesem.js fetches it, says "Preparando…" meanwhile (aria-busy,
    the bar's live region) and saves it under ``download``; without scripts the link works."""
    return html.A(
        label,
        href=href,
        download=filename,
        className="btn btn-outline-primary btn-sm",
        title=title,
        **{"data-deck": "1", "data-busy-label": DECK_BUSY_LABEL, **data},
    )


def download_all_button(page_path: str, query: Mapping[str, Any] | None = None) -> html.Div:
    """The bar of a page with charts: "Descargar todos los gráficos" (ZIP), "Descargar
    presentación" (the page's deck) and, on ``/``, the whole report's deck (all disabled, with
    the reason, without Chromium on the server)."""
    whole = page_path == "/"
    if chromium_path() is None:
        labels = [BUTTON_LABEL, DECK_LABEL, *([WHOLE_DECK_LABEL] if whole else [])]
        return _disabled(labels)
    links: list[Any] = [
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
        _deck_link(
            DECK_LABEL,
            download_url(page_path, query, DECK_ROUTE),
            deck_filename(page_path),
            "Presentación de PowerPoint (16:9) de esta página: una diapositiva por gráfico, "
            "con su mensaje clave, la fuente y los datos en las notas del orador",
            # the same refresh by assets/pesem.js as the ZIP link
            **{"data-zip-page": page_path},
        ),
    ]
    if whole:
        links.append(
            _deck_link(
                WHOLE_DECK_LABEL,
                dash.get_relative_path(DECK_ROUTE),
                deck_filename(None),
                "Presentación de PowerPoint (16:9) de todo el reporte: resumen, cada OES, "
                "COVID-19, perspectiva, inconsistencias y fuente",
            )
        )
    # The deck script writes "Preparando…", then the outcome, here (screen readers hear it).
    status = html.Span(
        id=f"{BAR_ID}-estado",
        role="status",
        className="small text-body-secondary deck-status",
        **{"aria-live": "polite"},
    )
    return html.Div(
        [*links, status],
        className="png-zip d-flex flex-wrap justify-content-end align-items-center gap-2 mb-2",
    )


def bar_children(pathname: Any, search: Any, resolve_page: ResolvePage) -> list[Any]:
    """The shell bar's content for the current URL: the button, or nothing without charts."""
    if not _valid_page_path(pathname) or not resolve_page(pathname):
        return []
    if not isinstance(search, str) or len(search) > MAX_SEARCH_LENGTH:
        search = ""
    page, _ = page_for(pathname)
    if export_function(page) is None:
        return []
    query = page_params(parse_qs(search.lstrip("?"), keep_blank_values=True))
    return [download_all_button(pathname, query)]


def with_bar(page: Mapping[str, Any], resolve_page: ResolvePage) -> Callable[..., Any]:
    """The registry ``layout`` of ``page`` with the bar (:func:`bar_children`) on top, built
    from the keywords Dash's router passes (path variables and query)."""
    build = page.get("layout")

    def layout(**kwargs: Any) -> Any:
        content = build(**kwargs) if callable(build) else build
        variables, query = split_keywords(page, kwargs)
        bar = bar_children(page_path(page, variables), urlencode(query, doseq=True), resolve_page)
        if not bar:
            return content
        return [*bar, *(content if isinstance(content, list) else [content])]

    return layout


def install(app: Dash, resolve_page: ResolvePage) -> None:
    """Routes + the ZIP bar of every registered page: call once in app.py."""
    register(app.server, resolve_page)
    for page in dash.page_registry.values():
        page["layout"] = with_bar(page, resolve_page)
