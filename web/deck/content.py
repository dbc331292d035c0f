"""What goes on the deck's slides: the chart slides of a page, and the whole report's plan.

A chart slide is a page chart (``export_figures``) made a slide by
:func:`components.slide.slide_figure`, as the PNG export does, with two changes for the deck:
the chart's title and source line move out of the picture onto the slide (the title into the
layout's title placeholder, the source as the slide's source line), so they are real text, not
drawn twice. Its key message comes from :mod:`pesem.key_messages`, its speaker notes are the
numbers of the figure's traces (its data table) and the source.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import pandas as pd
import plotly.graph_objects as go

from components.slide import AXIS_BAND, SLIDE_WIDTH, is_source_annotation, plain_text, slide_figure
from pesem import covid, explore, key_messages, outlook
from pesem.loader import Dataset
from pesem.vocabulary import OBJECTIVE

#: The deck's pictures: the slide's width and a height that keeps the PNG slide's room for the
#: plot once its title and source line are text on the slide (10 indicators with two-line
#: labels still fit); about 10.3 × 5.35 in on the slide.
PICTURE_WIDTH: Final = SLIDE_WIDTH
PICTURE_HEIGHT: Final = 830
#: 2400 × 1245 pixels: about 230 per inch on the slide, sharper than any projector; scale 2
#: took 0.71-0.98 s per chart against 0.57-0.64 s (measured in one browser, same charts).
PICTURE_SCALE: Final = 1.5
PICTURE_OPTIONS: Final = {
    "format": "png",
    "width": PICTURE_WIDTH,
    "height": PICTURE_HEIGHT,
    "scale": PICTURE_SCALE,
}
#: Top margin of a picture without its title: room for the notes drawn above the plot.
PICTURE_TOP: Final = 96
_BR: Final = re.compile(r"<br\s*/?>", re.IGNORECASE)
_OES_IN_STEM: Final = re.compile(rf"{OBJECTIVE}\.\d{{2}}")
#: Most rows a notes table lists per series (the notes stay readable; the data API has all).
MAX_NOTE_ROWS: Final = 60


@dataclass(frozen=True)
class ChartSlide:
    """One chart of a deck: what the slide says and the figure its picture is rendered from."""

    stem: str
    title: str
    subtitle: str
    message: str
    notes: str
    figure: go.Figure = field(repr=False)


@dataclass(frozen=True)
class TableSlide:
    """A slide of numbers as a native (editable) table."""

    title: str
    message: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: str
    widths: tuple[float, ...] = ()  # relative column widths (default: equal)


@dataclass(frozen=True)
class TextSlide:
    """A title slide (``cover``) or the closing slide: a title and lines under it."""

    title: str
    lines: tuple[str, ...]
    cover: bool = False


Slide = ChartSlide | TableSlide | TextSlide


# --------------------------------------------------------------------------- charts


def _title_parts(slide: go.Figure) -> tuple[str, str]:
    """(title, subtitle) of a slide figure as plain text (subtitle lines joined by " · ")."""
    title = " ".join(plain_text(slide.layout.title.text).split())
    subtitle = slide.layout.title.subtitle.text or ""
    lines = [" ".join(plain_text(line).split()) for line in _BR.split(subtitle)]
    return title, " · ".join(line for line in lines if line)


def picture_figure(slide: go.Figure) -> go.Figure:
    """The slide figure without its title and source line (they are text on the deck's slide),
    sized for the deck's picture."""
    picture = go.Figure(slide)
    # assigned, not updated: update_layout merges a shorter list into the old one
    picture.layout.annotations = [
        a for a in slide.layout.annotations if not is_source_annotation(a.to_plotly_json())
    ]
    picture.update_layout(
        title={"text": "", "subtitle": {"text": ""}},
        margin={"t": PICTURE_TOP, "b": AXIS_BAND},
        width=PICTURE_WIDTH,
        height=PICTURE_HEIGHT,
    )
    return picture


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        if math.isnan(value):
            return "—"
        return (
            f"{value:,.2f}".rstrip("0").rstrip(".") if not value.is_integer() else f"{value:,.0f}"
        )
    if isinstance(value, int):
        return f"{value:,}"
    return " ".join(plain_text(value).split()) or "—"


def _pairs(trace: Any) -> list[tuple[Any, Any]]:
    """(category, value) of each point of a trace: horizontal bars read y → x."""
    xs, ys = getattr(trace, "x", None), getattr(trace, "y", None)
    if xs is None or ys is None:
        return []
    if getattr(trace, "orientation", None) == "h":
        xs, ys = ys, xs
    return list(zip(list(xs), list(ys), strict=False))


def data_table(figure: go.Figure) -> str:
    """The numbers behind a chart, one block per series: ``Serie «name»`` then ``category: value``
    lines (what the figure plots, straight from its traces)."""
    blocks = []
    for index, trace in enumerate(figure.data, start=1):
        pairs = _pairs(trace)
        if not pairs:
            continue
        name = _cell(getattr(trace, "name", None) or "")
        lines = [f"Serie «{name if name != '—' else f'Serie {index}'}»:"]
        lines += [f"  {_cell(x)}: {_cell(y)}" for x, y in pairs[:MAX_NOTE_ROWS]]
        if len(pairs) > MAX_NOTE_ROWS:
            lines.append(f"  … y {len(pairs) - MAX_NOTE_ROWS} valores más")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) or "El gráfico no tiene valores."


def notes_text(message: str, figure: go.Figure, source: str) -> str:
    """Speaker notes of a chart slide: the key message, the data table and the source."""
    parts = [message] if message else []
    parts += ["Datos del gráfico:", data_table(figure), source]
    return "\n\n".join(parts)


def _covid_message(name: str, params: Mapping[str, Any], ds: Dataset) -> str:
    _, scope = covid.parse_view(params)
    comp = covid.filter_scope(covid.comparison(ds), scope)
    code = _OES_IN_STEM.search(name)
    if code:
        comp = comp[comp["oes_code"] == code.group(0)]
    years = covid.period(ds.meta)
    return key_messages.covid_message(comp, years.before, years.pandemic)


def _indicator_message(name: str, ds: Dataset) -> str | None:
    match = re.fullmatch(r"(?P<iid>.+)_(?P<kind>serie|avance)", name)
    if not match:
        return None
    rows = ds.summary[ds.summary["indicator_id"] == match["iid"]]
    if rows.empty:
        return None
    row = rows.iloc[0].to_dict()
    if match["kind"] == "serie":
        return key_messages.indicator_message(row, ds.meta)
    return key_messages.avance_message(row, ds.meta)


def key_message(stem: str, params: Mapping[str, Any], ds: Dataset) -> str:
    """The key message of the chart named ``stem`` (a page chart's file stem) for the page's
    query ``params``, from the domain data; "" for a chart this module does not know."""
    meta, rules = ds.meta, ds.status_rules
    prefix = f"{meta.file_prefix}_"
    name = stem[len(prefix) :] if stem.startswith(prefix) else stem
    if name.startswith("covid_"):
        return _covid_message(name, params, ds)
    if name == "resumen_oes":
        return key_messages.oes_overview_message(ds.summary, meta, rules)
    if name == "perspectiva_ritmo":
        return key_messages.outlook_message(outlook.with_outlook(ds), meta)
    if name == "unidades_estado":
        return key_messages.units_message(explore.unit_summary(ds.summary), meta)
    if name.startswith("explorar_cumplimiento"):
        filters, _ = explore.parse_query(dict(params), ds)
        filtered = explore.apply(outlook.with_outlook(ds), filters)
        return key_messages.explorer_message(filtered, meta, rules)
    return _indicator_message(name, ds) or ""


def chart_slides(
    charts: Sequence[tuple[str, go.Figure]], params: Mapping[str, Any], ds: Dataset
) -> list[ChartSlide]:
    """A :class:`ChartSlide` per ``(stem, figure)`` of a page, in order."""
    out = []
    for stem, figure in charts:
        slide = slide_figure(figure, source=ds.meta.source)
        title, subtitle = _title_parts(slide)
        message = key_message(stem, params, ds)
        out.append(
            ChartSlide(
                stem=stem,
                title=title or stem,
                subtitle=subtitle,
                message=message,
                notes=notes_text(message, figure, ds.meta.source),
                figure=picture_figure(slide),
            )
        )
    return out


# --------------------------------------------------------------------------- whole report


def cover(heading: str, ds: Dataset, detail: str = "") -> TextSlide:
    """The title slide: page (or report) title, the report's title and year, the source."""
    meta = ds.meta
    lines = [
        *([meta.title] if heading != meta.title else []),
        *([detail] if detail else []),
        f"Año evaluado: {meta.year}",
        meta.source,
    ]
    return TextSlide(heading, tuple(lines), cover=True)


def closing(ds: Dataset) -> TextSlide:
    """The last slide of the whole report: the source."""
    meta = ds.meta
    return TextSlide(
        "Fuente",
        (
            meta.source,
            f"Tablero de seguimiento del {meta.plan} del Sector {meta.sector} ({meta.ministry}).",
            "Los datos de cada gráfico están en las notas del orador.",
        ),
    )


def _counts_table(
    title: str, message: str, counts: Sequence[tuple[str, int]], source: str
) -> TableSlide:
    rows = tuple((label, str(n)) for label, n in counts)
    notes = "\n".join(f"{label}: {n}" for label, n in counts)
    return TableSlide(
        title,
        message,
        ("Categoría", "Indicadores"),
        rows,
        f"{message}\n\n{notes}\n\n{source}",
        (3, 1),
    )


def summary_slide(ds: Dataset) -> TableSlide:
    """Semáforo counts and the previous → assessed year change counts, as one table."""
    meta, summary = ds.meta, ds.summary
    status = summary["status"].value_counts()
    labels = ds.status_rules["labels"]
    counts: list[tuple[str, int]] = [
        (f"{labels[code]['icon']} {labels[code]['label']}", int(status.get(code, 0)))
        for code in labels
    ]
    change = summary["change_abs"]
    span = f"{meta.previous_year} → {meta.year}"
    counts += [
        (f"▼ Bajaron ({span})", int((change < 0).sum())),
        (f"▲ Subieron ({span})", int((change > 0).sum())),
        (f"= Sin cambio ({span})", int((change == 0).sum())),
        (f"○ Sin comparación ({span})", int(change.isna().sum())),
    ]
    message = key_messages.status_counts_message(summary, ds.status_rules)
    return _counts_table(
        f"Resumen {meta.year}: semáforo y variación {span}", message, counts, meta.source
    )


def oes_slide(ds: Dataset, code: str) -> TableSlide:
    """An OES and its indicators (the OES's own and its AES's): value, change, semáforo."""
    meta = ds.meta
    names = ds.oes.set_index("oes_code")["name"]
    rows = ds.summary[ds.summary["oes_code"] == code]
    table = tuple(
        (
            str(row["indicator_id"]),
            " ".join(str(row["name"]).split()),
            key_messages.fmt_value(row["achieved_current"], str(row["unit"])),
            key_messages.fmt_pct(row["change_pct"], 1, signed=True),
            f"{row['status_icon']} {row['status_label']}",
        )
        for _, row in rows.iterrows()
    )
    columns = (
        "Indicador",
        "Nombre",
        f"Valor {meta.year}",
        f"Variación vs {meta.previous_year}",
        "Estado",
    )
    message = key_messages.status_counts_message(rows, ds.status_rules)
    notes = "\n".join(" · ".join(r) for r in table)
    title = f"{code} · {' '.join(str(names.get(code, '')).split())}".rstrip(" ·")
    return TableSlide(
        title,
        message,
        columns,
        table,
        f"{message}\n\n{notes}\n\n{meta.source}",
        (1.4, 5, 1.3, 1.5, 1.6),
    )


def findings_slides(findings: pd.DataFrame, ds: Dataset, per_slide: int = 6) -> list[TableSlide]:
    """The report's inconsistencies (/calidad), ``per_slide`` to a slide."""
    meta = ds.meta
    columns = ("Hallazgo", "Dónde", "Campo", "El reporte dice", "Calculado u otra tabla")
    rows = [
        (
            f"{r['finding_id']} · {r['code'] or r['indicator_id'] or ''}".rstrip(" ·"),
            str(r["where"]),
            str(r["field"]),
            str(r["reported"]),
            str(r["computed"]),
        )
        for _, r in findings.iterrows()
    ]
    kinds = findings["kind_label"].value_counts()
    message = (
        f"{len(findings)} inconsistencias de {len(kinds)} tipos; la más frecuente: "
        f"{kinds.index[0].lower()} ({int(kinds.iloc[0])})"
    )
    pages = max(1, math.ceil(len(rows) / per_slide))
    out = []
    for page in range(pages):
        chunk = tuple(rows[page * per_slide : (page + 1) * per_slide])
        messages = "\n".join(
            f"{r['finding_id']}: {r['message']}"
            for _, r in findings.iloc[page * per_slide : (page + 1) * per_slide].iterrows()
        )
        title = "Inconsistencias del reporte" + (f" ({page + 1}/{pages})" if pages > 1 else "")
        out.append(
            TableSlide(
                title,
                message,
                columns,
                chunk,
                f"{messages}\n\n{meta.source}",
                (1.4, 1.4, 2, 2.2, 2.2),
            )
        )
    return out


#: Pages of the whole report's deck after its summary: (path template, what it shows).
OUTLOOK_PATH: Final = "/perspectiva"
COVID_PATH: Final = "/covid"
SUMMARY_PATH: Final = "/"


def report_slides(ds: Dataset, charts_of: Any) -> list[Slide]:
    """The whole report's slides, in the issue's order: cover, summary (counts, then the
    summary chart), each OES (its indicators, then their charts), COVID-19, the outlook, the
    inconsistencies and the source. ``charts_of(path)`` gives a page's ``(stem, figure)``
    list for its default view ([] when the page has none)."""
    slides: list[Slide] = [cover(ds.meta.title, ds, ds.meta.ministry), summary_slide(ds)]
    slides += chart_slides(charts_of(SUMMARY_PATH), {}, ds)
    for code in ds.oes["oes_code"]:
        slides.append(oes_slide(ds, str(code)))
        slides += chart_slides(charts_of(f"/oes/{code}"), {}, ds)
    slides += chart_slides(charts_of(COVID_PATH), {}, ds)
    slides += chart_slides(charts_of(OUTLOOK_PATH), {}, ds)
    if len(ds.findings):
        slides += findings_slides(ds.findings, ds)
    slides.append(closing(ds))
    return slides
