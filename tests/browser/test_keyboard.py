"""Keyboard use (WCAG 2.1.1, 2.1.2, 2.4.1, 2.4.7): Tab reaches every control, focus is visible.

The test walks the page with real Tab presses in Chromium. Before the first press it lists every
element in the tab order (tabindex >= 0, enabled, rendered) and records the focus styles of every
focusable element and its ancestors; at each stop it checks that the focused element (or its
::before/::after, or one of its three nearest ancestors, e.g. a card with :focus-within) shows an
outline or box-shadow it did not have before, i.e. a visible focus indicator.

Composite widgets have their own keyboard model: AG Grid moves Tab cell by cell (~600 presses on
/explorar), so the grid counts as one stop; the elements after it are reached by walking the page
backwards with Shift+Tab from the end, and Shift+Tab from inside the grid must leave it (no trap).
Dash 4's dcc.Dropdown puts a focus proxy in the tab order that forwards focus to its button.
"""

from __future__ import annotations

from typing import Any

import pytest

KEYBOARD_PAGES = ["/", "/explorar"]
MAX_PRESSES = 400

SETUP_JS = """() => {
    const FOCUSABLE = 'a[href], area[href], button, input, select, textarea, summary, iframe, '
        + '[tabindex], [contenteditable="true"]';
    const transparent = c => c === 'transparent' || /rgba\\([^)]*,\\s*0\\)$/.test(c);
    const ring = (el, pseudo) => {
        const s = getComputedStyle(el, pseudo);
        const parts = [];
        if (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
                && !transparent(s.outlineColor)) {
            parts.push('outline ' + s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor);
        }
        const shadows = s.boxShadow === 'none' ? [] : s.boxShadow.split(/,(?![^(]*\\))/);
        const visible = shadows.filter(sh => !/rgba\\([^)]*,\\s*0\\)/.test(sh));
        if (visible.length) parts.push('box-shadow ' + visible.join(','));
        return parts.join('; ');
    };
    const snap = el => [ring(el, null), ring(el, '::before'), ring(el, '::after')];
    const chain = el => {
        const out = [];
        for (let n = el; n && n !== document.body && out.length < 4; n = n.parentElement) {
            out.push(n);
        }
        return out;
    };
    const describe = el => {
        const text = (el.getAttribute('aria-label') || el.textContent || el.value || '')
            .replace(/\\s+/g, ' ').trim().slice(0, 50);
        const cls = typeof el.className === 'string' ? el.className.trim().split(/\\s+/)
            .slice(0, 3).join('.') : '';
        return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (cls ? '.' + cls : '')
            + (text ? ' "' + text + '"' : '');
    };
    const base = new Map();
    document.querySelectorAll(FOCUSABLE).forEach(el => chain(el).forEach(n => {
        if (!base.has(n)) base.set(n, snap(n));
    }));
    window.__kb = {base, snap, chain, describe};
    const candidates = [];
    document.querySelectorAll(FOCUSABLE).forEach(el => {
        if (el.tabIndex < 0 || el.disabled || el.closest('[inert]')) return;
        const style = getComputedStyle(el);
        if (!el.getClientRects().length || style.visibility === 'hidden') return;
        // Numbered outside the grid only: the grid's own (virtualised) cells do not shift keys.
        const grid = Boolean(el.closest('.ag-root-wrapper'));
        const key = grid ? 'grid' : 'kb' + candidates.filter(c => !c.composite).length;
        el.setAttribute('data-kb', key);
        candidates.push({key, composite: grid ? 'grid' : '', desc: describe(el)});
    });
    return candidates;
}"""

STEP_JS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return {body: true};
    const kb = window.__kb;
    let indicator = '';
    for (const node of kb.chain(el)) {
        const now = kb.snap(node);
        const before = kb.base.get(node) || ['', '', ''];
        const where = node === el ? '' : ' (on ancestor ' + kb.describe(node).slice(0, 40) + ')';
        const changed = now.findIndex((value, i) => value && value !== before[i]);
        if (changed >= 0) {
            indicator = now[changed] + (changed ? ' ::' + ['', 'before', 'after'][changed] : '')
                + where;
            break;
        }
    }
    let opacity = 1;
    for (let n = el; n; n = n.parentElement) opacity *= parseFloat(getComputedStyle(n).opacity);
    const rect = el.getBoundingClientRect();
    // Dash 4 dcc.Dropdown: a focus proxy (tabindex 0) forwards focus to its button (tabindex -1).
    const proxy = el.previousElementSibling;
    const key = el.getAttribute('data-kb')
        || (proxy && proxy.matches('.dash-dropdown-focus-target') ? proxy.getAttribute('data-kb')
            : '');
    return {
        body: false,
        key: key || '',
        grid: Boolean(el.closest('.ag-root-wrapper')),
        skip: el.classList.contains('skip-link'),
        desc: kb.describe(el),
        indicator,
        visible: opacity > 0 && rect.width > 0 && rect.height > 0,
    };
}"""


def _step(page: Any, key: str) -> dict[str, Any]:
    page.keyboard.press(key)
    state = page.evaluate(STEP_JS)
    if not state["body"] and not (state["indicator"] and state["visible"]):
        page.wait_for_timeout(400)  # CSS transitions (e.g. plotly's modebar fades in on focus)
        state = page.evaluate(STEP_JS)
    return state


def _walk(page: Any, key: str, stops: list[dict[str, Any]]) -> str:
    """Press ``key`` until focus leaves the document, wraps to the skip link or enters the grid."""
    for presses in range(MAX_PRESSES):
        state = _step(page, key)
        if state["body"]:
            return "end"
        if state["skip"] and presses > 0 and key == "Tab":
            return "end"
        stops.append(state)
        if state["grid"]:
            return "grid"
    return "stuck"


def _open(page: Any, path: str) -> list[dict[str, Any]]:
    page.open(path)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')]"
        ".every(p => p.querySelector('.main-svg'))"
    )
    return page.evaluate(SETUP_JS)


SKIP_LINK_JS = """() => {
    const el = document.activeElement;
    const r = el.getBoundingClientRect();
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return {text: el.textContent, href: el.getAttribute('href'),
            inView: r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.width > 0,
            onTop: top === el || el.contains(top)};
}"""


@pytest.mark.parametrize("path", KEYBOARD_PAGES)
def test_keyboard_skip_link_tab_order_and_visible_focus(page, path):
    candidates = _open(page, path)
    assert candidates, f"nothing focusable on {path}"

    # 1. The first Tab stop is the skip link, visible on top of the page, and it works.
    first = _step(page, "Tab")
    assert first.get("skip"), f"first Tab stop on {path} is not the skip link: {first}"
    skip = page.evaluate(SKIP_LINK_JS)
    assert skip["text"] == "Saltar al contenido principal" and skip["href"] == "#main-content"
    assert skip["inView"] and skip["onTop"], f"skip link not visible when focused: {skip}"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'main-content'")
    after = _step(page, "Tab")
    inside = page.evaluate("() => Boolean(document.activeElement.closest('main#main-content'))")
    assert inside, f"Tab after the skip link does not continue inside <main>: {after['desc']}"

    # 2. Tab from the top reaches every control, in a finite walk, each with a visible focus.
    candidates = _open(page, path)
    stops: list[dict[str, Any]] = []
    forward = _walk(page, "Tab", stops)
    assert forward != "stuck", f"Tab does not leave the page after {MAX_PRESSES} presses: trap?"
    assert stops and stops[0]["skip"]
    if forward == "grid":
        # Shift+Tab from inside the grid goes back out of it (no keyboard trap) ...
        back = _step(page, "Shift+Tab")
        assert not back["body"] and not back["grid"], f"Shift+Tab stays in the grid: {back}"
        # ... and the rest of the page is reached walking backwards from its end.
        candidates = _open(page, path)
        backward = _walk(page, "Shift+Tab", stops)
        assert backward == "grid", f"Shift+Tab from the end of {path} did not reach the grid"

    reached = {stop["key"] for stop in stops if stop["key"]}
    if any(stop["grid"] for stop in stops):
        reached.add("grid")
    unreached = [c["desc"] for c in candidates if c["key"] not in reached]
    assert not unreached, f"not reachable with Tab on {path}:\n" + "\n".join(
        f"- {desc}" for desc in unreached
    )

    no_indicator = [s["desc"] for s in stops if not (s["indicator"] and s["visible"])]
    assert not no_indicator, f"focus not visible on {path}:\n" + "\n".join(
        f"- {desc}" for desc in dict.fromkeys(no_indicator)
    )
    page.assert_clean()
