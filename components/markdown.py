"""The report's markdown rendered on the server into plain Dash html components.

dcc.Markdown parses on the phone: two lazy chunks (~0.47 MB of JavaScript) that each page with a
narrative loaded and parsed before its text appeared. markdown-it-py (CommonMark) parses here once
and the page receives ordinary elements. Raw HTML in the text stays text (``html`` is off, so
markdown-it never emits it as markup and Dash escapes every string); a token type this module does
not know degrades to its text content.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache

from dash import html
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

#: Block and inline containers that map one-to-one onto an html component.
_CONTAINERS: dict[str, Callable[..., html.Div]] = {
    "blockquote": html.Blockquote,
    "bullet_list": html.Ul,
    "list_item": html.Li,
    "strong": html.Strong,
    "em": html.Em,
    "s": html.Del,
    "table": html.Table,
    "thead": html.Thead,
    "tbody": html.Tbody,
    "tr": html.Tr,
}
_HEADINGS = {f"h{n}": getattr(html, f"H{n}") for n in range(1, 7)}
_CELLS = {"th": html.Th, "td": html.Td}
#: Leaf tokens whose ``content`` is the text.
_LEAVES_AS_TEXT = frozenset({"text", "html_inline", "html_block"})


@cache
def _parser() -> MarkdownIt:
    # html=False: "<b>" in the report is text, never markup (as dcc.Markdown without
    # dangerously_allow_html). Tables and strikethrough as GitHub-flavoured markdown has them.
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def plain_text(node: SyntaxTreeNode) -> str:
    """The text content of a parsed node (what a reader sees, without markup)."""
    if node.type in _LEAVES_AS_TEXT or node.type in ("code_inline", "code_block", "fence"):
        return node.content
    if node.type in ("softbreak", "hardbreak"):
        return "\n"
    # blocks (paragraphs, list items) on their own lines, as a browser lays them out
    separator = "\n" if node.is_root or node.block else ""
    return separator.join(plain_text(child) for child in node.children)


def _children(node: SyntaxTreeNode) -> list:
    return [part for child in node.children for part in _convert(child)]


def _leaf(node: SyntaxTreeNode) -> list | None:
    """Components of a node without children, or None when it is not a leaf type."""
    leaves: dict[str, Callable[[], list]] = {
        "softbreak": lambda: ["\n"],
        "hardbreak": lambda: [html.Br()],
        "hr": lambda: [html.Hr()],
        "code_inline": lambda: [html.Code(node.content)],
        "code_block": lambda: [html.Pre(html.Code(node.content))],
        "fence": lambda: [html.Pre(html.Code(node.content))],
    }
    if node.type in _LEAVES_AS_TEXT:
        return [node.content] if node.content else []
    make = leaves.get(node.type)
    return make() if make else None


def _container(node: SyntaxTreeNode) -> list | None:
    """Components of a node with children, or None when its type is unknown."""
    kids = _children(node)
    if node.type in ("root", "inline") or (node.type == "paragraph" and node.hidden):
        return kids  # a tight list's paragraphs render without <p>, as in HTML output
    if node.type == "paragraph":
        return [html.P(kids)]
    if node.type == "heading":
        return [_HEADINGS[node.tag](kids)]
    if node.type == "ordered_list":
        start = node.attrs.get("start")
        return [html.Ol(kids, start=int(start)) if start is not None else html.Ol(kids)]
    if node.type == "link":
        title = node.attrs.get("title")
        extra = {"title": str(title)} if title else {}
        return [html.A(kids, href=str(node.attrs.get("href", "")), **extra)]
    if node.type == "image":
        return [html.Img(src=str(node.attrs.get("src", "")), alt=plain_text(node))]
    if node.type in _CELLS:
        style = node.attrs.get("style")  # "text-align:right" from the table's delimiter row
        extra = {"style": {"textAlign": str(style).split(":")[1]}} if style else {}
        return [_CELLS[node.type](kids, **extra)]
    make = _CONTAINERS.get(node.type)
    return [make(kids)] if make else None


def _convert(node: SyntaxTreeNode) -> list:
    converted = _leaf(node) if not node.children else None
    if converted is None:
        converted = _container(node)
    if converted is None:  # a token type this module does not know: keep its words
        text = plain_text(node)
        converted = [text] if text else []
    return converted


def tokens_to_components(tokens: Sequence[Token]) -> list:
    """The components (and strings) of markdown-it ``tokens``, in document order."""
    return _convert(SyntaxTreeNode(tokens))


def markdown_components(text: str) -> list:
    """The components (and strings) of markdown ``text``, in document order."""
    return tokens_to_components(_parser().parse(text or ""))


def markdown_plain_text(text: str) -> str:
    """The text a reader sees of markdown ``text``, without markup (as markdown-it parses it)."""
    return plain_text(SyntaxTreeNode(_parser().parse(text or "")))
