"""Browser-side probe of a chart card's slide (the 1600×900 figure both PNG exports draw)."""

from __future__ import annotations

#: ``locator(".js-plotly-plot").evaluate(SLIDE_JS)``: the slide of that plot, or None when its
#: card carries no slide patch. ``minFont`` is the smallest font size of the slide's layout,
#: ``minDataFont`` of its traces (Infinity when none sets a size).
SLIDE_JS = """plot => {
    const figure = window.dash_clientside.pesem.slideFigure(plot);
    if (!figure) return null;
    const minFont = root => {
        const sizes = [];
        const walk = node => {
            if (Array.isArray(node)) { node.forEach(walk); return; }
            if (node && typeof node === 'object') {
                for (const [key, value] of Object.entries(node)) {
                    if (key.endsWith('font') && value && typeof value.size === 'number') {
                        sizes.push(value.size);
                    }
                    walk(value);
                }
            }
        };
        walk(root);
        return Math.min(...sizes);
    };
    return {
        width: figure.layout.width,
        height: figure.layout.height,
        title: (figure.layout.title || {}).text || '',
        annotations: (figure.layout.annotations || []).map(a => a.text || ''),
        minFont: minFont(figure.layout),
        minDataFont: minFont(figure.data),
    };
}"""
