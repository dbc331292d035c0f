// Candidate controls of a page for the click-through, tagged with data-bench-n.
() => {
  const root = document.getElementById('_pages_content') || document.body;
  const out = [];
  let n = 0;
  const owner = (el) => { const o = el.closest('[id]'); return o ? o.id : ''; };
  const text = (el) => (el.innerText || el.value || el.getAttribute('aria-label') || '')
      .trim().slice(0, 40);
  const add = (el, kind, sig) => {
    if (!el.getClientRects().length) return;  // not displayed
    el.setAttribute('data-bench-n', String(n));
    out.push({n: n++, kind, sig: kind + ':' + sig});
  };
  root.querySelectorAll('button.dash-dropdown').forEach((el) => add(el, 'dropdown', el.id || owner(el)));
  root.querySelectorAll('select').forEach((el) => add(el, 'select', el.id || el.name || owner(el)));
  const groups = new Set();
  root.querySelectorAll('label.dash-options-list-option:not(.selected):not(.dash-dropdown-option)')
    .forEach((el) => { const g = owner(el); if (!groups.has(g)) { groups.add(g); add(el, 'option', g + '/' + text(el)); } });
  // Native radios/checkboxes (dbc.RadioItems, dbc.Checklist, btn-check toggles): click the label,
  // the input itself may be visually hidden.
  root.querySelectorAll('input[type=radio]:not(:checked), input[type=checkbox]').forEach((el) => {
    if (el.closest('.dash-options-list, .dash-dropdown-wrapper, .ag-root-wrapper')) return;
    const g = el.name || owner(el);
    if (groups.has(g)) return;
    const label = (el.id && root.querySelector('label[for="' + CSS.escape(el.id) + '"]'))
      || el.closest('label') || el;
    groups.add(g);
    add(label, 'check', g + '/' + (el.value || ''));
  });
  root.querySelectorAll('.tab:not(.tab--selected), [role=tab][aria-selected=false], .nav-tabs .nav-link:not(.active)')
    .forEach((el) => add(el, 'tab', owner(el) + '/' + text(el)));
  root.querySelectorAll('button:not(.dash-dropdown):not([disabled])').forEach((el) => {
    if (el.closest('.modebar, .js-plotly-plot, .ag-root-wrapper, .dash-dropdown-wrapper, nav')) return;
    if (el.classList.contains('navbar-toggler')) return;
    add(el, 'button', (el.id || owner(el)) + '/' + text(el));
  });
  root.querySelectorAll('[role=slider]').forEach((el) => add(el, 'slider', owner(el)));
  root.querySelectorAll('input[type=text], input[type=search], input[type=number], input:not([type])')
    .forEach((el) => {
      if (el.closest('.dash-dropdown-wrapper, .dash-dropdown-options, .ag-root-wrapper, .dash-slider-container')) return;
      if (el.readOnly || el.disabled) return;
      add(el, 'input', el.id || owner(el));
    });
  let graphs = 0;
  root.querySelectorAll('.js-plotly-plot').forEach((gd) => {
    const pt = gd.querySelector('.point path, path.point, .point, .slice path, .surface');
    if (pt && graphs < 3) { graphs++; add(pt, 'graph-point', owner(gd)); }
  });
  root.querySelectorAll('.ag-center-cols-container .ag-row[row-index="0"] .ag-cell')
    .forEach((el, i) => { if (i === 0) add(el, 'grid-cell', owner(el)); });
  root.querySelectorAll('details > summary').forEach((el) => add(el, 'summary', owner(el) + '/' + text(el)));
  return out;
}
