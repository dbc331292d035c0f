"""What the app is made of at run time: pages, callbacks, routes (run in a subprocess).

``python -m bench.discover [app|bench.app_with_noop]`` (data from ``$PESEM_DATA_DIR``) imports the
module and asks its Flask app (test client, no network) for ``/_dash-dependencies`` and
``/_dash-layout`` as the renderer does; it reads ``app.callback_map`` (filled from dash's
GLOBAL_CALLBACK_LIST on the first request) and ``dash.page_registry``, and prints one JSON
document. Page modules arrive over time, so nothing here is hard-coded: the suite benchmarks what
exists when it runs.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
from typing import Any

from bench import REPO_ROOT


def _fill_template(template: str, samples: dict[str, list[str]]) -> str | None:
    """``/oes/<code>`` -> ``/oes/OES.01`` using the dataset's codes (None if no sample fits)."""
    parts = []
    for part in template.strip("/").split("/"):
        if part.startswith("<") and part.endswith(">"):
            prefix = parts[-1].lower() if parts else ""
            codes = samples.get(prefix)
            if not codes:
                return None
            parts.append(codes[0])
        else:
            parts.append(part)
    return "/" + "/".join(parts)


def _samples() -> dict[str, list[str]]:
    from pesem.loader import get_dataset

    ds = get_dataset()
    aes_with_indicators = [c for c in ds.aes["aes_code"] if c in set(ds.indicators["aes_code"])]
    return {
        "oes": list(ds.oes["oes_code"]),
        "aes": aes_with_indicators or list(ds.aes["aes_code"]),
        "indicador": list(ds.indicators["indicator_id"]),
        "indicator": list(ds.indicators["indicator_id"]),
    }


def _describe_function(entry: dict[str, Any]) -> tuple[str, str]:
    func = entry.get("callback")
    inner = getattr(func, "__wrapped__", func)
    return getattr(inner, "__module__", "?") or "?", getattr(inner, "__qualname__", "?") or "?"


def discover(target: str) -> dict[str, Any]:
    sys.path.insert(0, str(REPO_ROOT))
    module = importlib.import_module(target)
    import dash

    app = module.app
    client = app.server.test_client()
    deps_resp = client.get("/_dash-dependencies")
    layout_resp = client.get("/_dash-layout")
    index_resp = client.get("/")
    deps = deps_resp.get_json() or []

    callbacks = []
    for dep in deps:
        key = dep["output"]
        entry = app.callback_map.get(key, {})
        mod, name = _describe_function(entry)
        callbacks.append(
            {
                "key": key,
                "module": mod,
                "function": name,
                "clientside": bool(dep.get("clientside_function")),
                "prevent_initial_call": bool(dep.get("prevent_initial_call")),
                "inputs": dep.get("inputs", []),
                "state": dep.get("state", []),
            }
        )

    samples = _samples()
    pages = []
    for page in dash.page_registry.values():
        template = page.get("path_template")
        path = _fill_template(template, samples) if template else page.get("path")
        pages.append(
            {
                "module": page.get("module"),
                "path": page.get("path"),
                "path_template": template,
                "sample_path": path,
                "name": page.get("name"),
                "title": page.get("title") if isinstance(page.get("title"), str) else None,
                "order": page.get("order"),
                "nav": bool(page.get("nav")),
            }
        )
    routes = sorted(
        f"{','.join(sorted(r.methods - {'HEAD', 'OPTIONS'}))} {r.rule}"
        for r in app.server.url_map.iter_rules()
    )
    return {
        "target": target,
        "data_dir": os.environ.get("PESEM_DATA_DIR", ""),
        "pages": pages,
        "callbacks": callbacks,
        "routes": routes,
        "layout": layout_resp.get_json(),
        "index_status": index_resp.status_code,
        "dependencies_status": deps_resp.status_code,
    }


def run_subprocess(target: str, env_extra: dict[str, str] | None = None) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "PESEM_DATA_DIR"}
    env.update(env_extra or {})
    proc = subprocess.run(
        [sys.executable, "-m", "bench.discover", target],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"discovering {target} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _strip_noop(layout: Any, container_id: str) -> Any:
    """The layout tree without the no-op container the wrapper appends."""
    if isinstance(layout, dict):
        props = layout.get("props")
        if isinstance(props, dict) and isinstance(props.get("children"), list):
            kids = [
                k
                for k in props["children"]
                if not (isinstance(k, dict) and k.get("props", {}).get("id") == container_id)
            ]
            props = {**props, "children": [_strip_noop(k, container_id) for k in kids]}
            return {**layout, "props": props}
    return layout


def wrapper_differences(plain: dict[str, Any], wrapped: dict[str, Any]) -> list[str]:
    """Everything that differs between app:server and bench.app_with_noop:server but the no-op."""
    from bench.payloads import NOOP_CONTAINER, NOOP_KEY

    problems = []
    if plain["routes"] != wrapped["routes"]:
        problems.append(f"routes differ: {sorted(set(plain['routes']) ^ set(wrapped['routes']))}")
    plain_cbs = {c["key"]: c for c in plain["callbacks"]}
    wrapped_cbs = {c["key"]: c for c in wrapped["callbacks"] if c["key"] != NOOP_KEY}
    if NOOP_KEY not in {c["key"] for c in wrapped["callbacks"]}:
        problems.append("the no-op callback is missing from the wrapper")
    if plain_cbs != wrapped_cbs:
        problems.append(f"callbacks differ: {sorted(set(plain_cbs) ^ set(wrapped_cbs))}")
    if _strip_noop(wrapped["layout"], NOOP_CONTAINER) != plain["layout"]:
        problems.append("shell layout differs beyond the appended no-op container")
    if [p["path"] for p in plain["pages"]] != [p["path"] for p in wrapped["pages"]]:
        problems.append("page registry differs")
    for name in ("index_status", "dependencies_status"):
        if plain[name] != wrapped[name]:
            problems.append(f"{name}: {plain[name]} vs {wrapped[name]}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", nargs="?", default="app")
    args = parser.parse_args(argv)
    # Page modules and the app may log or print while importing: keep stdout for the JSON.
    real_stdout = sys.stdout
    sys.stdout = sys.stderr
    try:
        result = discover(args.target)
    finally:
        sys.stdout = real_stdout
    print(json.dumps(result, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
