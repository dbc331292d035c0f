"""Reference for the first-visit benchmark: the smallest useful Dash app, one plotly express chart.

Served by gunicorn with the project's gunicorn.conf.py exactly like the dashboard
(``bench.baseline_app:server``), with flask-compress at its defaults (as any production Dash app
would be), so "ours / baseline" shows what the dashboard adds on top of Dash + plotly.js itself.
"""

from __future__ import annotations

import plotly.express as px
from dash import Dash, dcc, html
from flask_compress import Compress

_frame = px.data.gapminder().query("country == 'Peru'")

app = Dash(__name__, title="Baseline", compress=False)
app.layout = html.Div(
    [
        html.H1("Baseline"),
        dcc.Graph(id="chart", figure=px.line(_frame, x="year", y="lifeExp")),
    ]
)
server = app.server
Compress(server)
