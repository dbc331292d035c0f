"""The presenter deck: a PowerPoint (16:9) of a page's charts or of the whole report.

``GET /download/presentacion.pptx?pagina=<page path>`` (plus the page's own query, as the ZIP
of web/slides.py): a title slide, then one slide per chart of the page in page order.
``GET /download/presentacion.pptx`` (no ``pagina``): the whole report (cover, summary, each OES
with its indicators, COVID-19, the outlook, the inconsistencies, the source).
Unknown page → 404, a page without charts → 404 saying so (the ZIP's messages).

Pictures, not native charts: each chart is the PNG export's slide figure
(:func:`components.slide.slide_figure`) rendered by the same renderer (:mod:`web.render`), all
of a deck's charts in ONE ``render_images`` call (one Chromium start). Native python-pptx
charts would be editable, but the dashboard's charts are plotly figures with what python-pptx
charts cannot draw (target markers and reference lines, per-point semáforo colours and text,
dumbbells, small multiples, annotations): a native copy would be a second, different drawing
of each chart. The numbers stay editable anyway: each slide's notes hold its data table, and
the summary, OES and inconsistency slides are native tables.

Cache: decks are kept on disk per data version (:mod:`web.deck.cache`): shared by every
gunicorn worker of the host (a worker does not rebuild what another built), written
atomically, bounded. Conditional GET: weak ETag (data version + query), 304 on
``If-None-Match`` before anything is built.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Final

from flask import Flask, Response, request

from pesem.loader import Dataset, get_dataset
from web import slides
from web.api.caching import data_version
from web.deck import cache, content, pptx_file
from web.render import RenderError, chromium_path

log = logging.getLogger(__name__)

PPTX_MIMETYPE: Final = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def page_heading(
    page: Mapping[str, Any], variables: Mapping[str, Any], ds: Dataset
) -> tuple[str, str]:
    """(title, detail) of a page's cover: ``Objetivo estratégico sectorial OES.01`` and the
    objective's name (detail "" for a page without a code)."""
    name = str(page.get("name") or "")
    code = str(variables.get("code") or "").upper()
    if not code:
        return name, ""
    names = {
        **dict(zip(ds.oes["oes_code"], ds.oes["name"], strict=True)),
        **dict(zip(ds.aes["aes_code"], ds.aes["description"], strict=True)),
    }
    return f"{name} {code}", " ".join(str(names.get(code, "")).split())


def build(deck_slides: list[content.Slide], ds: Dataset, heading: str) -> bytes:
    """The .pptx of ``deck_slides``: every chart rendered in one call (one browser start)."""
    charts = [spec for spec in deck_slides if isinstance(spec, content.ChartSlide)]
    pictures = (
        slides.render_pngs([c.figure for c in charts], content.PICTURE_OPTIONS) if charts else []
    )
    return pptx_file.write(deck_slides, pictures, ds.meta, heading)


def page_deck(page_path: str, params: Mapping[str, Any], resolve_page: slides.ResolvePage) -> bytes:
    """A page's deck (cover + one slide per chart); :class:`web.slides.HttpError` 404 for an
    unknown page or a page without charts (a cached deck is served before its charts are
    built: only a page that had charts was cached)."""
    ds = get_dataset()
    charts = slides.page_charts(page_path, params, resolve_page)
    page, variables = slides.page_entry(page_path, resolve_page)
    heading, detail = page_heading(page, variables, ds)
    deck_slides: list[content.Slide] = [content.cover(heading, ds, detail)]
    deck_slides += content.chart_slides(charts, params, ds)
    return build(deck_slides, ds, heading)


def report_deck(resolve_page: slides.ResolvePage) -> bytes:
    """The whole report's deck (see :func:`web.deck.content.report_slides`)."""
    ds = get_dataset()

    def charts_of(path: str) -> slides.Charts:
        try:
            return slides.page_charts(path, {}, resolve_page)
        except slides.HttpError:  # a page this report does not have, or without charts
            return []

    return build(content.report_slides(ds, charts_of), ds, ds.meta.title)


def register(server: Flask, resolve_page: slides.ResolvePage) -> None:
    """Add ``GET`` :data:`web.slides.DECK_ROUTE` to ``server``."""

    def deck() -> Response:
        page_path = request.args.get(slides.PAGE_PARAM)
        params = slides.page_params(request.args.to_dict(flat=False))
        if page_path is not None:  # an unknown page, or one without charts: 404 at once
            page, _ = slides.page_entry(page_path, resolve_page)
            if slides.export_function(page) is None:
                raise slides.HttpError(404, slides.NO_CHARTS_MESSAGE)
        if chromium_path() is None:
            raise RenderError(slides.NO_CHROMIUM_MESSAGE)
        key = slides.query_key() if page_path is not None else ""
        version = data_version(get_dataset().data_dir)

        def make() -> Response:
            data = cache.get_or_build(
                version,
                key,
                lambda: (
                    report_deck(resolve_page)
                    if page_path is None
                    else page_deck(page_path, params, resolve_page)
                ),
            )
            return slides.attachment(data, PPTX_MIMETYPE, slides.deck_filename(page_path))

        return slides.conditional(slides.download_etag(slides.DECK_ROUTE, key), make)

    server.add_url_rule(slides.DECK_ROUTE, "download_deck", lambda: slides.answer(deck))


def install(server: Flask, resolve_page: slides.ResolvePage) -> None:
    """The deck route (web.install calls it with app.py's ``is_page_path``)."""
    register(server, resolve_page)
