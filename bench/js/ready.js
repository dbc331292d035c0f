// Predicate polled every animation frame: the page is drawn (see bench/browser.py).
// Returns false, or {t, charts, callbacks} once ready for `stable` ms (t = start of that window).
({expected, stable}) => {
  const b = window.__bench;
  if (!b) return false;
  const now = performance.now();
  const isGl = (t) => /gl$/.test(t.type || '') || /map/.test(t.type || '');
  const ready = () => {
    const entry = document.getElementById('react-entry-point');
    if (!entry || !entry.firstElementChild || entry.querySelector('._dash-loading')) return false;
    if (b.inflight > 0) return false;
    if (document.querySelector('[data-dash-is-loading="true"]')) return false;
    const plots = document.querySelectorAll('.js-plotly-plot');
    if (plots.length < expected) return false;
    for (const p of plots) {
      if (!p._fullLayout || !p.querySelector('.main-svg')) return false;
      if ((p._fullData || []).some(isGl) && !p.querySelector('canvas')) return false;
    }
    return true;
  };
  if (!ready()) { b.readySince = null; return false; }
  if (b.readySince === null) b.readySince = now;
  if (now - b.readySince < stable) return false;
  return {t: b.readySince, charts: document.querySelectorAll('.js-plotly-plot').length,
          callbacks: b.finished};
}
