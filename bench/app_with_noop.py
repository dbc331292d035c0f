"""The real app (``app.py``) plus one no-op callback: the floor of the callback benchmark.

bench/ serves ``bench.app_with_noop:server`` with the same gunicorn.conf.py as ``make run``. This
module changes nothing of the app but two hidden components appended to the shell layout and one
callback between them, which does no work: its latency is what Dash + Flask + flask-compress +
gunicorn cost for any callback on this server. bench.discover checks that the rest (routes,
dependencies, layout) is identical to ``app:server``.
"""

from __future__ import annotations

from dash import Input, Output, dcc, html

import app as real_app
from bench.payloads import NOOP_CONTAINER, NOOP_INPUT, NOOP_OUTPUT

app = real_app.app


def _hidden() -> html.Div:
    return html.Div(
        [dcc.Store(id=NOOP_INPUT, data=0), html.Div(id=NOOP_OUTPUT)],
        id=NOOP_CONTAINER,
        hidden=True,
    )


def _append(layout):
    children = layout.children
    if children is None:
        children = []
    elif not isinstance(children, list | tuple):
        children = [children]
    layout.children = [*children, _hidden()]
    return layout


_shell = app.layout
if callable(_shell):

    def _layout(*args, **kwargs):
        return _append(_shell(*args, **kwargs))

    app.layout = _layout
else:
    app.layout = _append(_shell)


@app.callback(
    Output(NOOP_OUTPUT, "children"),
    Input(NOOP_INPUT, "data"),
    prevent_initial_call=True,
)
def bench_noop(data):
    return data


server = app.server
