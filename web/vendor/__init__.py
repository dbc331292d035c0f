"""Vendored front-end bundle, served in place of plotly.min.js (see web/plotly_bundle.py).

``plotly-basic.min.js`` is npm ``plotly.js-basic-dist-min`` (MIT, LICENSE-plotly.js) at the
plotly.js version the Python plotly package ships (``plotly.offline.get_plotlyjs_version()``;
tests/test_plotly_bundle.py checks it). It has exactly the trace types the dashboard draws
(scatter and bar; also pie) at a quarter of the full bundle's size (1.2 MB instead of 4.8 MB; the
cartesian bundle, 1.5 MB, adds box/heatmap/histogram/contour traces we never use).

One edit: the default ``topojsonURL`` (map outlines, used only by geo traces, which this bundle
lacks) points at ``/assets/topojson/`` instead of plotly's CDN, so not even a default names an
outside origin.
"""
