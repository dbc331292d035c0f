"""The .pptx file of a deck (python-pptx): 16:9, Calibri, Spanish, real title placeholders.

Every slide's title is its layout's title placeholder (what screen readers and PowerPoint's
accessibility checker read as the slide title), moved to the 16:9 geometry. A chart slide has
the chart's picture, its key message under the title, the source line at the bottom and the
speaker notes; a table slide has a native (editable) table.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import Final

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.presentation import Presentation as PresentationType
from pptx.shapes.base import BaseShape
from pptx.slide import Slide as PptxSlide
from pptx.text.text import TextFrame
from pptx.util import Emu, Inches, Pt

from pesem.report import ReportMeta
from web.deck.content import PICTURE_HEIGHT, PICTURE_WIDTH, ChartSlide, Slide, TableSlide, TextSlide

#: Present on Windows and macOS (and metric-compatible Carlito on Linux/LibreOffice).
FONT: Final = "Calibri"
LANGUAGE: Final = MSO_LANGUAGE_ID.SPANISH_PERU
TEXT: Final = RGBColor(0x21, 0x25, 0x29)
MUTED: Final = RGBColor(0x59, 0x5F, 0x66)
ACCENT: Final = RGBColor(0x0B, 0x4F, 0x8A)
HEIGHT: Final = Inches(7.5)
WIDTH: Final = Emu(HEIGHT * 16 // 9)  # exactly 16:9 (13.333 in)
MARGIN: Final = Inches(0.5)
CONTENT_WIDTH: Final = Emu(WIDTH - 2 * MARGIN)
TITLE_TOP, TITLE_HEIGHT = Inches(0.2), Inches(0.8)
MESSAGE_TOP, MESSAGE_HEIGHT = Inches(1.0), Inches(0.6)
BODY_TOP: Final = Inches(1.65)
#: Sizes (points) of a chart's subtitle and key message, and the average width of a Calibri
#: character in ems (to know how many lines a text takes across the slide).
SUBTITLE_SIZE, MESSAGE_SIZE = 14, 18
CHAR_EM: Final = 0.52
SOURCE_TOP, SOURCE_HEIGHT = Inches(7.0), Inches(0.4)
#: Layouts of python-pptx's default template.
COVER_LAYOUT, TITLE_ONLY_LAYOUT = 0, 5
#: A longer title gets a smaller size (two lines at most across the slide): (most characters,
#: points), the last one for any longer title.
TITLE_SIZES: Final = ((70, 30), (120, 24), (10_000, 20))
LONG_TITLE: Final = TITLE_SIZES[0][0]
#: Tables of a few columns (counts) are narrower than the slide.
NARROW_TABLE: Final = Inches(7)


def _style(frame: TextFrame, size: int, *, color: RGBColor = TEXT, bold: bool = False) -> None:
    for paragraph in frame.paragraphs:
        for run in paragraph.runs:
            run.font.name = FONT
            run.font.size = Pt(size)
            run.font.bold = bold
            run.font.color.rgb = color
            run.font.language_id = LANGUAGE


def _add_paragraphs(frame: TextFrame, lines: Sequence[tuple[str, int, RGBColor, bool]]) -> None:
    """Write ``(text, size, colour, bold)`` lines into ``frame``, one paragraph each."""
    frame.clear()
    frame.word_wrap = True
    for index, (text, size, color, bold) in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = text
        run.font.name, run.font.size, run.font.bold = FONT, Pt(size), bold
        run.font.color.rgb = color
        run.font.language_id = LANGUAGE


def title_size(text: str) -> int:
    """The title's font size in points for its length."""
    return next(size for longest, size in TITLE_SIZES if len(text) <= longest)


def _title(slide: PptxSlide, text: str, size: int | None = None) -> None:
    """The layout's title placeholder: the slide's title, left-aligned at the top."""
    title = slide.shapes.title
    title.left, title.top, title.width, title.height = (
        MARGIN,
        TITLE_TOP,
        CONTENT_WIDTH,
        TITLE_HEIGHT,
    )
    title.text_frame.text = text
    title.text_frame.word_wrap = True
    title.text_frame.margin_left = title.text_frame.margin_right = 0  # aligned with the text
    title.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    title.text_frame.paragraphs[0].alignment = PP_ALIGN.LEFT
    _style(title.text_frame, size or title_size(text), bold=True)


def _text_box(
    slide: PptxSlide, top: int, height: int, lines: Sequence[tuple[str, int, RGBColor, bool]]
) -> None:
    box = slide.shapes.add_textbox(MARGIN, top, CONTENT_WIDTH, height)
    box.text_frame.margin_left = box.text_frame.margin_right = 0
    _add_paragraphs(box.text_frame, lines)


def _source(slide: PptxSlide, source: str) -> None:
    _text_box(slide, SOURCE_TOP, SOURCE_HEIGHT, [(source, 12, MUTED, False)])


def text_height(text: str, size: int) -> int:
    """About how tall ``text`` is at ``size`` points across the slide (EMU, 1.2 line spacing)."""
    per_line = CONTENT_WIDTH / Pt(size * CHAR_EM)
    lines = max(1, math.ceil(len(text) / per_line)) if text else 0
    return int(Pt(size * 1.2) * lines)


def _message(slide: PptxSlide, message: str, subtitle: str = "") -> int:
    """The subtitle and key message under the title; returns where the text ends (EMU)."""
    lines = [(subtitle, SUBTITLE_SIZE, MUTED, False)] if subtitle else []
    if message:
        lines.append((message, MESSAGE_SIZE, ACCENT, True))
    height = max(
        MESSAGE_HEIGHT, sum(text_height(text, size) for text, size, _, _ in lines) + Inches(0.1)
    )
    if lines:
        _text_box(slide, MESSAGE_TOP, height, lines)
    return MESSAGE_TOP + height


def set_alt_text(shape: BaseShape, text: str) -> None:
    """The picture's alternative text (what PowerPoint's accessibility checker asks for):
    python-pptx has no setter, so the OOXML ``descr`` attribute of its ``cNvPr`` (ECMA-376,
    stable) is written on the shape's public ``element``."""
    shape.element.xpath("./p:nvPicPr/p:cNvPr")[0].set("descr", text)


def alt_text(shape: BaseShape) -> str:
    """The alternative text of a picture ("" without one)."""
    return str(shape.element.xpath("./p:nvPicPr/p:cNvPr")[0].get("descr") or "")


def _notes(slide: PptxSlide, text: str) -> None:
    slide.notes_slide.notes_text_frame.text = text


def add_chart(deck: PresentationType, spec: ChartSlide, picture: bytes, source: str) -> None:
    """A chart slide: title placeholder, key message, the picture, the source, the notes."""
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY_LAYOUT])
    _title(slide, spec.title)
    # the picture fills what the title, subtitle and message leave (a long subtitle pushes
    # it down and makes it smaller, never under the text)
    top = max(BODY_TOP, _message(slide, spec.message, spec.subtitle))
    height = Emu(SOURCE_TOP - top)
    width = Emu(min(CONTENT_WIDTH, int(height * PICTURE_WIDTH / PICTURE_HEIGHT)))
    height = Emu(int(width * PICTURE_HEIGHT / PICTURE_WIDTH))
    shape = slide.shapes.add_picture(
        io.BytesIO(picture), Emu((WIDTH - width) // 2), top, width, height
    )
    set_alt_text(shape, ". ".join(part for part in (spec.title, spec.message) if part))
    _source(slide, source)
    _notes(slide, spec.notes)


def add_table(deck: PresentationType, spec: TableSlide, source: str) -> None:
    """A slide with a native table (header row, then ``spec.rows``)."""
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY_LAYOUT])
    _title(slide, spec.title)
    _message(slide, spec.message)
    narrow = len(spec.columns) <= 3
    size = 16 if narrow else 12
    row_height = Inches(0.4 if narrow else 0.36)
    width = NARROW_TABLE if narrow else CONTENT_WIDTH
    shape = slide.shapes.add_table(
        len(spec.rows) + 1,
        len(spec.columns),
        MARGIN,
        BODY_TOP,
        width,
        row_height * (len(spec.rows) + 1),
    )
    table = shape.table
    weights = spec.widths or (1,) * len(spec.columns)
    for column, weight in zip(table.columns, weights, strict=True):
        column.width = Emu(int(width * weight / sum(weights)))
    for col, header in enumerate(spec.columns):
        table.cell(0, col).text = header
        _style(table.cell(0, col).text_frame, size, color=RGBColor(0xFF, 0xFF, 0xFF), bold=True)
    for row_index, row in enumerate(spec.rows, start=1):
        for col, value in enumerate(row):
            table.cell(row_index, col).text = value
            _style(table.cell(row_index, col).text_frame, size)
    _source(slide, source)
    _notes(slide, spec.notes)


def add_text(deck: PresentationType, spec: TextSlide, source: str) -> None:
    """The cover (title slide layout: title and subtitle placeholders) or the closing slide."""
    if spec.cover:
        slide = deck.slides.add_slide(deck.slide_layouts[COVER_LAYOUT])
        title, subtitle = slide.shapes.title, slide.placeholders[1]
        title.left, title.top, title.width, title.height = (
            MARGIN,
            Inches(1.6),
            CONTENT_WIDTH,
            Inches(2.0),
        )
        subtitle.left, subtitle.top, subtitle.width, subtitle.height = (
            MARGIN,
            Inches(3.8),
            CONTENT_WIDTH,
            Inches(2.6),
        )
        title.text_frame.text = spec.title
        title.text_frame.word_wrap = True
        _style(
            title.text_frame, 36 if len(spec.title) <= LONG_TITLE else 30, bold=True, color=ACCENT
        )
        sizes = [22] + [18] * (len(spec.lines) - 2) + [14]
        colors = [TEXT] * (len(spec.lines) - 1) + [MUTED]
        _add_paragraphs(
            subtitle.text_frame,
            [
                (line, size, color, False)
                for line, size, color in zip(spec.lines, sizes, colors, strict=True)
            ],
        )
        _notes(slide, "\n".join([spec.title, *spec.lines]))
        return
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY_LAYOUT])
    _title(slide, spec.title)
    box = slide.shapes.add_textbox(MARGIN, BODY_TOP, CONTENT_WIDTH, Inches(3))
    _add_paragraphs(box.text_frame, [(line, 22, TEXT, False) for line in spec.lines])
    for paragraph in box.text_frame.paragraphs:
        paragraph.space_after = Pt(12)
    _notes(slide, "\n".join(spec.lines))


def write(
    slides: Sequence[Slide], pictures: Sequence[bytes], meta: ReportMeta, heading: str
) -> bytes:
    """The .pptx bytes of ``slides``; ``pictures`` are the chart slides' PNGs, in order."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    properties = deck.core_properties
    properties.title = f"{heading} — {meta.title}"
    properties.subject = meta.title
    properties.author = meta.ministry
    properties.language = "es-PE"
    properties.keywords = f"{meta.plan}; {meta.sector}; {meta.year}"
    images = iter(pictures)
    for spec in slides:
        if isinstance(spec, ChartSlide):
            add_chart(deck, spec, next(images), meta.source)
        elif isinstance(spec, TableSlide):
            add_table(deck, spec, meta.source)
        else:
            add_text(deck, spec, meta.source)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
