"""Vendored front-end bundle, served in place of plotly.min.js (see components/plotly_bundle.py).

``plotly-cartesian.min.js`` is npm ``plotly.js-cartesian-dist-min`` at the plotly.js version the
Python plotly package ships (MIT, LICENSE-plotly.js). It has the trace types the dashboard draws
(scatter, bar and the other cartesian ones) at about a third of the full bundle's size.

One edit: the default ``topojsonURL`` (map outlines, used only by geo traces, which this bundle
lacks) points at ``/assets/topojson/`` instead of plotly's CDN, so not even a default names an
outside origin.
"""

__version__ = "4.1.1"
