"""The floor of the Lighthouse section: Dash with no chart at all, one heading and one paragraph.

Whatever this scores (same gunicorn.conf.py, compression and Chromium) is what the framework
itself costs before any chart or data: React, the Dash renderer and the core component bundles
are downloaded and parsed, then the layout is fetched, before anything is painted. The dashboard
cannot score above it on the same preset.
"""

from __future__ import annotations

from dash import Dash, html
from flask_compress import Compress

app = Dash(__name__, title="Floor", compress=False)
app.layout = html.Main(
    [
        html.H1("Floor"),
        html.P("Dash without charts: the framework's own cost of a first visit."),
    ],
    lang="es",
)
server = app.server
Compress(server)
