// Init script of every measured page: counts in-flight Dash callback requests (fetch).
(() => {
  const b = {inflight: 0, started: 0, finished: 0, readySince: null};
  Object.defineProperty(window, '__bench', {value: b});
  const orig = window.fetch;
  window.fetch = function (input, init) {
    const url = typeof input === 'string' ? input : (input && input.url) || String(input);
    if (url.indexOf('_dash-update-component') < 0) return orig.apply(this, arguments);
    b.inflight++; b.started++;
    const done = () => { b.inflight--; b.finished++; };
    return orig.apply(this, arguments).then(
      (r) => { done(); return r; }, (e) => { done(); throw e; });
  };
})();
