// Navigation timing of the current page, in ms since navigation start.
() => {
  const nav = performance.getEntriesByType('navigation')[0] || {};
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  return {ttfb_ms: nav.responseStart || null, dom_content_loaded_ms: nav.domContentLoadedEventEnd || null,
          load_ms: nav.loadEventEnd || null, fcp_ms: fcp ? fcp.startTime : null};
}
