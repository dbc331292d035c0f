"""The /covid section "what each strategic action reports": per OES, each AES's numbers next to
the sentences of its narrative that mention the pandemic (:func:`pesem.covid.pandemic_passages`).
"""

from __future__ import annotations

import re
from typing import Any, Final

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from components.covid_sections import change_text
from components.covid_views import before_cell, pandemic_cell
from components.format import fmt_change, fmt_pct
from components.navigation import code_href
from pesem import covid
from pesem.covid import BEFORE_YEAR, PANDEMIC_YEAR
from pesem.loader import Dataset

TAG_CLASSES: Final = {
    "postponed_cancelled": "covid-tag covid-tag-postponed",
    "online": "covid-tag covid-tag-online",
    "other": "covid-tag covid-tag-other",
}
TAG_ICONS: Final = {"postponed_cancelled": "✕", "online": "⇄", "other": "•"}
TALLY_WORDS: Final = {
    "postponed_cancelled": ("postergación o cancelación", "postergaciones o cancelaciones"),
    "online": ("actividad virtual", "actividades virtuales"),
    "other": ("otra mención", "otras menciones"),
}


def _numbers_item(row: pd.Series) -> html.Li:
    change = (
        fmt_pct(row["change_pct"], 1, signed=True)
        if not pd.isna(row["change_pct"])
        else fmt_change(row["change_abs"], row["unit"])
    )
    return html.Li(
        [
            html.Span(f"{row['name'].rstrip('.')}: ", className="covid-indicator-name"),
            html.Strong(f"{before_cell(row)} → {pandemic_cell(row)}"),
            f" ({change_text(row)}{', ' + change if change != '—' else ''})",
            html.Span(f" — {row['note']}", className="covid-note") if row["note"] else None,
        ]
    )


def _numbers_line(comp: pd.DataFrame, code: str) -> html.Ul | html.P:
    rows = comp[comp["code"] == code]
    if rows.empty:
        return html.P(
            "Sin indicador en el reporte (la AES no tiene indicador proxy).",
            className="covid-aes-numbers text-body-secondary mb-2",
        )
    return html.Ul(
        [_numbers_item(row) for _, row in rows.iterrows()], className="covid-aes-numbers mb-2"
    )


def _context(text: str) -> str:
    """``c. Chile`` → ``Chile`` (the report's enumerators add nothing out of their list)."""
    return re.sub(r"^[a-z]\.\s+", "", text)


def tag_badge(tag: str) -> html.Span:
    """A passage's tag: icon and Spanish label, in the tag's colour."""
    return html.Span(
        [html.Span(TAG_ICONS[tag], **{"aria-hidden": "true"}), " ", covid.PASSAGE_TAG_LABELS[tag]],
        className=TAG_CLASSES[tag],
    )


def _passage_item(row: pd.Series) -> html.Li:
    return html.Li(
        [
            tag_badge(row["tag"]),
            " ",
            html.Span(f"{_context(row['context'])}: ", className="covid-context")
            if row["context"]
            else None,
            html.Q(row["text"], className="covid-passage-text"),
            None
            if row["explicit"]
            else html.Span(
                " (esta frase no nombra la pandemia)",
                className="covid-implicit text-body-secondary",
            ),
        ],
        className="covid-passage",
    )


def _tally(rows: pd.DataFrame) -> str:
    counts = rows["tag"].value_counts()
    return " · ".join(
        f"{int(counts[tag])} {TALLY_WORDS[tag][0 if int(counts[tag]) == 1 else 1]}"
        for tag in covid.PASSAGE_TAGS
        if counts.get(tag, 0)
    )


def _code_block(code: str, title: str, comp: pd.DataFrame, rows: pd.DataFrame) -> html.Article:
    href = code_href(code)
    return html.Article(
        [
            html.H3(
                [
                    dcc.Link(code, href=href) if href else code,
                    " ",
                    html.Span(title, className="fw-normal"),
                ],
                className="h6 mb-1",
            ),
            _numbers_line(comp, code),
            html.P(_tally(rows), className="covid-tally mb-1"),
            html.Ul([_passage_item(r) for _, r in rows.iterrows()], className="covid-passages"),
        ],
        className="covid-aes mb-3",
    )


def _silent(codes: list[str]) -> html.P:
    """The AES whose analysis never mentions the pandemic, linked."""
    links: list[Any] = []
    for code in codes:
        if links:
            links.append(", ")
        links.append(dcc.Link(code, href=code_href(code) or "/"))
    return html.P(
        [html.Strong("Sin mención de la pandemia en su análisis: "), *links, "."],
        className="covid-silent mb-0",
    )


def oes_passages(ds: Dataset, oes_code: str) -> list[Any]:
    """The blocks of one OES in the passages section: per AES, numbers next to its passages."""
    comp = covid.comparison(ds)
    passages = covid.pandemic_passages(ds)
    blocks: list[Any] = []
    oes_rows = passages[passages["code"] == oes_code]
    if not oes_rows.empty:
        blocks.append(_code_block(oes_code, "Análisis del OES", comp, oes_rows))
    silent = []
    for row in ds.aes[ds.aes["oes_code"] == oes_code].itertuples(index=False):
        mine = passages[passages["code"] == row.aes_code]
        if mine.empty:
            silent.append(row.aes_code)
        else:
            blocks.append(_code_block(row.aes_code, row.description, comp, mine))
    if silent:
        blocks.append(_silent(silent))
    return blocks


def _item_title(ds: Dataset, passages: pd.DataFrame, oes: Any) -> str:
    aes = ds.aes[ds.aes["oes_code"] == oes.oes_code]
    mentioned = int(aes["aes_code"].isin(passages["code"]).sum())
    hit = covid.postponed_or_online_count(passages[passages["oes_code"] == oes.oes_code])
    return (
        f"{oes.oes_code} · {oes.name.rstrip('.')} — {mentioned} de {len(aes)} AES "
        f"mencionan la pandemia; {hit} informan actividades postergadas, canceladas "
        "o virtuales"
    )


def passages_section(
    ds: Dataset, section_id: str, accordion_id: str, body_type: str
) -> html.Section:
    """Per OES, each AES's numbers next to its narrative's pandemic passages.

    Every OES starts closed and empty; the page fills an item (:func:`oes_passages`) when it is
    opened: the whole section is ~640 components, and even the first OES's ~420, built open on
    every first visit, cost a phone ~0.4 s of blocking time (Lighthouse mobile, bench/). An
    item's body has the id ``{"type": body_type, "index": <OES code>}``.
    """
    passages = covid.pandemic_passages(ds)
    items = [
        dbc.AccordionItem(
            html.Div([], id={"type": body_type, "index": oes.oes_code}),
            title=_item_title(ds, passages, oes),
            item_id=oes.oes_code,
        )
        for oes in ds.oes.itertuples(index=False)
    ]
    return html.Section(
        [
            html.H2("Lo que informa cada acción estratégica (AES)", className="h4"),
            html.P(
                [
                    "Frases del «Análisis descriptivo» de cada AES que mencionan la pandemia o sus "
                    f"efectos, junto a las cifras {BEFORE_YEAR} → {PANDEMIC_YEAR} de su indicador. "
                    "Cada frase lleva una etiqueta: ",
                    tag_badge("postponed_cancelled"),
                    " ",
                    tag_badge("online"),
                    " ",
                    tag_badge("other"),
                    ". La selección es automática (por palabras como pandemia, COVID-19, "
                    "postergó, suspendió, virtual o videoconferencia); el texto es el del reporte.",
                ]
            ),
            dbc.Accordion(
                items, id=accordion_id, always_open=True, active_item=[], start_collapsed=True
            ),
        ],
        id=section_id,
        className="mb-4",
        tabIndex="-1",
    )
