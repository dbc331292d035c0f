"""web/first_paint.py: the page's layout as static HTML in the index (no browser)."""

from __future__ import annotations

import re

import dash_bootstrap_components as dbc
import pytest
from dash import dcc, html

from components.static_html import ISLAND_ATTR, island, to_html
from pesem import explore
from web import first_paint


def test_html_components_become_their_elements():
    node = html.Div(
        [html.H1("Título & <más>"), html.Img(src="/a.svg", alt="Gráfico"), html.Br(), 3],
        id="x",
        className="box",
        style={"marginTop": 8, "--ratio": "4 / 3", "opacity": 0.5},
        n_clicks=2,
        hidden=True,
        **{"aria-label": "Caja", "data-graph": '{"a": 1}'},
    )
    out = to_html(node)
    assert out.startswith('<div class="box" ')
    assert 'style="margin-top: 8px; --ratio: 4 / 3; opacity: 0.5"' in out
    assert 'aria-label="Caja"' in out and 'data-graph="{&quot;a&quot;: 1}"' in out
    assert " hidden" in out and "<h1>Título &amp; &lt;más&gt;</h1>" in out
    assert '<img alt="Gráfico" src="/a.svg"><br>3</div>' in out
    assert "id=" not in out and "n_clicks" not in out  # the renderer's copy owns ids and state


def test_core_components_links_and_invisible_state():
    assert to_html(dcc.Link("OES", href="/oes/OES.01", className="a")) == (
        '<a class="a" href="/oes/OES.01">OES</a>'
    )
    assert to_html([dcc.Location(id="u"), dcc.Store(id="s", data=[1])]) == ""
    assert to_html(dcc.Graph(id="g", className="chart-graph")) == '<div class="chart-graph"></div>'


def test_bootstrap_components_write_bootstraps_classes():
    row = dbc.Row([dbc.Col("a", xs=6, md=4, lg=True), dbc.Col("b")], className="g-3")
    assert to_html(row) == (
        '<div class="g-3 row"><div class="col-6 col-md-4 col-lg">a</div>'
        '<div class="col">b</div></div>'
    )
    card = dbc.Card([dbc.CardHeader("T"), dbc.CardBody("B")], className="chart-card")
    assert to_html(card) == (
        '<div class="chart-card card"><div class="card-header">T</div>'
        '<div class="card-body">B</div></div>'
    )
    table = to_html(dbc.Table(html.Tbody([]), size="sm", striped=True, responsive=True))
    assert table == (
        '<div class="table-responsive"><table class="table table-sm table-striped">'
        "<tbody></tbody></table></div>"
    )
    alert = to_html(dbc.Alert("¡Ojo!", color="warning", class_name="n"))
    assert alert == '<div class="n fade alert alert-warning show" role="alert">¡Ojo!</div>'


def test_checklists_keep_their_options_and_choices():
    out = to_html(
        dbc.Checklist(
            id="c",
            options=[{"label": "DAC", "value": "DAC"}, "DGC"],
            value=["DGC"],
            inline=True,
            class_name="exp-checklist",
        )
    )
    assert out.startswith('<div class="exp-checklist">')
    assert out.count('class="form-check form-check-inline"') == 2
    assert '<input class="form-check-input" type="checkbox" value="DGC" checked>' in out
    assert '<label class="form-check-label">DAC</label>' in out


def test_accordion_opens_its_active_items_only():
    acc = dbc.Accordion(
        [dbc.AccordionItem("uno", title="A", item_id="a"), dbc.AccordionItem("dos", title="B")],
        active_item=["a"],
    )
    out = to_html(acc)
    assert out.count('class="accordion-item"') == 2
    assert '<button class="accordion-button" type="button" aria-expanded="true">A</button>' in out
    assert 'class="accordion-button collapsed" type="button" aria-expanded="false">B' in out
    assert '<div class="accordion-collapse collapse show"><div class="accordion-body">uno' in out


def test_an_island_carries_its_html_and_the_copy_writes_it_inside():
    box = island(html.Table(html.Tr(html.Td(dcc.Link("AES.01.01", href="/aes/AES.01.01")))), id="t")
    markup = getattr(box, ISLAND_ATTR)
    assert markup == '<table><tr><td><a href="/aes/AES.01.01">AES.01.01</a></td></tr></table>'
    assert box.children is None and box.id == "t"  # React builds no children; the id stays out
    assert to_html(box) == f'<div class="html-island">{markup}</div>'


@pytest.fixture(scope="module")
def index(dash_app):
    client = dash_app.server.test_client()
    return lambda path: client.get(path).get_data(as_text=True)


def _copy(page: str) -> str:
    match = re.search(r'<div class="first-paint">(.*?)<div id="react-entry-point"', page, re.S)
    assert match, "no first paint in the index"
    return match.group(1)


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("/", "¿se alcanzar"),
        ("/oes/OES.01", "OES.01"),
        ("/aes/AES.01.01", "Fortalecer la defensa de la democracia"),
        ("/covid", "Impacto de la COVID-19"),
        ("/calidad", "Calidad de datos"),
    ],
)
def test_the_index_carries_the_page_before_its_scripts(index, path, text):
    page = index(path)
    copy = _copy(page)
    assert text in copy
    assert page.index('class="first-paint"') < page.index("<script")
    assert " id=" not in copy  # no duplicate ids beside the renderer's tree
    assert f'<div class="{first_paint.PAGE_CLASS}">' in copy
    # the current page's navbar link is marked, the others are not
    assert copy.count('class="nav-link active"') == (
        1 if path in ("/", "/covid", "/calidad") else 0
    )


def test_explorer_query_reaches_the_copy(index):
    copy = _copy(index("/explorar?unidad=DGC"))
    assert '<input class="form-check-input" type="checkbox" value="DGC" checked>' in copy
    # the download form's hidden filter field: the form posts the filters without scripts
    assert f'<input type="hidden" name="{explore.KEY_QUERY}" value="unidad=DGC">' in copy


def test_unknown_pages_and_failing_layouts_get_no_copy(index, monkeypatch):
    assert 'class="first-paint"' not in index("/no-existe")
    assert 'class="first-paint"' not in index("/oes/OES.99")

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(first_paint, "page_html", broken)
    page = index("/covid")  # the renderer still draws it: the index is served without a copy
    assert 'id="react-entry-point"' in page and 'class="first-paint"' not in page


def test_every_registered_page_root_carries_the_marker():
    import dash

    for page in dash.page_registry.values():
        variables = {"code": "OES.01"} if "<" in str(page.get("path_template") or "") else {}
        if "aes" in str(page.get("path_template") or ""):
            variables = {"code": "AES.01.01"}
        root = page["layout"](**variables)
        assert first_paint.PAGE_CLASS in root.className, page["module"]
