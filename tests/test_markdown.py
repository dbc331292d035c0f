"""components/markdown.py: the report's markdown as plain Dash html components (no dcc.Markdown)."""

from __future__ import annotations

from typing import Any

import pytest
from dash import html
from markdown_it.token import Token

from components.cards import markdown
from components.markdown import markdown_components, markdown_plain_text, tokens_to_components
from pesem.loader import load_dataset


def text(node: Any) -> str:
    """The text of components as a browser shows it (``<br>`` is a line break)."""
    if isinstance(node, str):
        return node
    if isinstance(node, list | tuple):
        return "".join(text(child) for child in node)
    if isinstance(node, html.Br):
        return "\n"
    children = getattr(node, "children", None)
    return "" if children is None else text(children)


def collapsed(value: str) -> str:
    return " ".join(value.split())


def only(components: list) -> Any:
    (component,) = components
    return component


def test_paragraphs_are_p_elements():
    first, second = markdown_components("Primer párrafo\ncontinúa.\n\nSegundo.")
    assert isinstance(first, html.P) and isinstance(second, html.P)
    assert collapsed(text(first)) == "Primer párrafo continúa."
    assert text(second) == "Segundo."


def test_bold_and_italic():
    paragraph = only(markdown_components("Un **logro** y un *retraso*."))
    assert isinstance(paragraph, html.P)
    bold, italic = (c for c in paragraph.children if not isinstance(c, str))
    assert isinstance(bold, html.Strong) and bold.children == ["logro"]
    assert isinstance(italic, html.Em) and italic.children == ["retraso"]
    assert text(paragraph) == "Un logro y un retraso."


def test_bullet_list_is_tight_without_paragraphs():
    bullets = only(markdown_components("- **Uno:** primero\n- dos\n"))
    assert isinstance(bullets, html.Ul)
    first, second = bullets.children
    assert isinstance(first, html.Li) and isinstance(second, html.Li)
    assert isinstance(first.children[0], html.Strong)  # no <p> inside a tight list item
    assert text(first) == "Uno: primero" and text(second) == "dos"


def test_ordered_list_keeps_its_start():
    from_one = only(markdown_components("1. a\n2. b\n"))
    from_three = only(markdown_components("3. c\n4. d\n"))
    assert isinstance(from_one, html.Ol) and getattr(from_one, "start", None) is None
    assert isinstance(from_three, html.Ol) and from_three.start == 3
    assert [text(li) for li in from_three.children] == ["c", "d"]


def test_links_keep_href_and_title():
    paragraph = only(markdown_components('Ver [el plan](https://example.org/plan "Plan").'))
    link = paragraph.children[1]
    assert isinstance(link, html.A)
    assert (link.href, link.title, link.children) == (
        "https://example.org/plan",
        "Plan",
        ["el plan"],
    )


def test_unsafe_link_is_not_a_link():
    components = markdown_components("[x](javascript:alert(1))")
    assert not any(isinstance(c, html.A) for c in only(components).children)
    assert text(components) == "[x](javascript:alert(1))"


def test_raw_html_stays_text():
    components = markdown_components('<script>alert("x")</script>\n\nUn <b>texto</b>.')
    block, paragraph = components
    assert text(block) == '<script>alert("x")</script>'
    assert paragraph.children == ["Un <b>texto</b>."]


def test_tables_headings_code_and_breaks():
    table, heading, code = markdown_components(
        "| a | b |\n|--:|---|\n| 1 | 2 |\n\n## Título\n\n`x` y  \nz"
    )
    assert isinstance(table, html.Table)
    head, body = table.children
    (header_row,) = head.children
    right, left = header_row.children
    assert isinstance(right, html.Th) and right.style == {"textAlign": "right"}
    assert getattr(left, "style", None) is None
    assert [text(cell) for cell in body.children[0].children] == ["1", "2"]
    assert isinstance(heading, html.H2) and heading.children == ["Título"]
    assert isinstance(code.children[0], html.Code)
    assert any(isinstance(c, html.Br) for c in code.children)


def test_unknown_token_degrades_to_its_text():
    # Token types of a markdown-it plugin this module does not know (a container with text,
    # and an empty leaf) keep their words and never raise.
    tokens = [
        Token("paragraph_open", "p", 1),
        Token("inline", "", 0, children=[Token("text", "", 0, content="Antes ")]),
        Token("paragraph_close", "p", -1),
        Token("footnote_block_open", "section", 1),
        Token("inline", "", 0, children=[Token("text", "", 0, content="una nota")]),
        Token("footnote_block_close", "section", -1),
        Token("footnote_anchor", "", 0),
    ]
    paragraph, note = tokens_to_components(tokens)
    assert isinstance(paragraph, html.P)
    assert note == "una nota"
    assert markdown_components("") == []


def test_card_wrapper_keeps_the_report_text_class():
    block = markdown("**Hola**")
    assert isinstance(block, html.Div) and block.className == "report-text"
    assert text(block) == "Hola"


@pytest.mark.parametrize("name", sorted(load_dataset().narrative))
def test_every_narrative_file_converts_without_losing_text(name):
    source = load_dataset().narrative[name]
    # compared without whitespace: the components hold no separator between blocks
    rendered = "".join(text(markdown_components(source)).split())
    assert rendered == "".join(markdown_plain_text(source).split())
    assert rendered  # every narrative file has words
    assert "**" not in rendered  # bold markers became <strong>, not literal asterisks
