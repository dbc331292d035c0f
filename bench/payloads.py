"""Callback payloads: what the browser POSTs to ``/_dash-update-component``, captured and replayed.

The browser pass (bench.browser) records every callback request the real pages make while they load
and while their controls are clicked. This module turns those records into replayable variants,
grouped per callback (the ``output`` key of the body is the key of ``app.callback_map``). The page
router's callback (``_pages_content.children``) is split per URL path, since every page's layout
function is a different piece of work.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

UPDATE_PATH = "/_dash-update-component"
PAGES_CONTENT = "_pages_content.children"
NOOP_INPUT = "bench-noop-input"
NOOP_OUTPUT = "bench-noop-output"
NOOP_KEY = f"{NOOP_OUTPUT}.children"
NOOP_CONTAINER = "bench-noop"

# Request headers worth replaying (the rest are per-connection or set by the HTTP client).
REPLAY_HEADERS = ("content-type", "accept", "accept-encoding", "accept-language", "x-csrftoken")
DEFAULT_HEADERS = {
    "content-type": "application/json",
    "accept": "application/json",
    "accept-encoding": "gzip, deflate, br, zstd",
}


@dataclass
class Captured:
    """One callback request as the browser sent it (and what the server answered)."""

    page: str  # the page (URL path) the browser was on
    action: str  # "load" or the control that was used
    path: str  # request path + query, e.g. /_dash-update-component?endId=...
    body: str  # the JSON body, verbatim
    headers: dict[str, str] = field(default_factory=dict)
    status: int | None = None
    response_bytes: int | None = None

    @property
    def data(self) -> dict[str, Any]:
        return json.loads(self.body)

    @property
    def key(self) -> str:
        return callback_key(self.data)


@dataclass
class Variant:
    """A distinct request of one callback, ready to replay."""

    path: str
    body: bytes
    headers: dict[str, str]
    source: str  # page + action that produced it


@dataclass
class CallbackPayloads:
    """All the distinct requests captured for one benchmark row."""

    label: str  # row name: "layout /covid" or the callback's output key
    key: str  # key of app.callback_map (body["output"])
    variants: list[Variant]

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "key": self.key,
            "variants": [{**asdict(v), "body": v.body.decode("utf-8")} for v in self.variants],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CallbackPayloads:
        return cls(
            label=data["label"],
            key=data["key"],
            variants=[
                Variant(
                    path=v["path"],
                    body=v["body"].encode("utf-8"),
                    headers=dict(v["headers"]),
                    source=v["source"],
                )
                for v in data["variants"]
            ],
        )


def is_update_request(method: str, url: str) -> bool:
    return method.upper() == "POST" and urlsplit(url).path.endswith(UPDATE_PATH)


def request_path(url: str) -> str:
    """``http://127.0.0.1:8050/_dash-update-component?endId=x`` -> path + query."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def callback_key(body: dict[str, Any]) -> str:
    """The ``app.callback_map`` key a request body addresses."""
    output = body.get("output")
    if not isinstance(output, str) or not output:
        raise ValueError("not a Dash callback request: no 'output' key")
    return output


def input_value(body: dict[str, Any], component_id: str, prop: str) -> Any:
    for item in body.get("inputs", []):
        if (
            isinstance(item, dict)
            and item.get("id") == component_id
            and item.get("property") == prop
        ):
            return item.get("value")
    return None


def row_label(body: dict[str, Any]) -> str:
    """Benchmark row of a request: the page router is split per path, other callbacks per key."""
    key = callback_key(body)
    if PAGES_CONTENT in key:
        path = input_value(body, "_pages_location", "pathname") or "?"
        search = input_value(body, "_pages_location", "search") or ""
        return f"layout {path}{search}"
    return key


def replay_headers(headers: dict[str, str]) -> dict[str, str]:
    """The captured headers that matter to the server, lower-cased, with sane defaults."""
    kept = {k.lower(): v for k, v in headers.items() if k.lower() in REPLAY_HEADERS}
    return {**DEFAULT_HEADERS, **kept}


def canonical(body: str | bytes) -> bytes:
    """Compact, key-sorted JSON: two requests are the same variant iff this is equal."""
    return json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()


def group(captured: list[Captured], max_variants: int = 8) -> list[CallbackPayloads]:
    """Distinct requests per row, in first-seen order; unparsable bodies are skipped."""
    rows: dict[str, CallbackPayloads] = {}
    seen: set[tuple[str, bytes]] = set()
    for item in captured:
        try:
            data = item.data
            key = callback_key(data)
            label = row_label(data)
            fingerprint = canonical(item.body)
        except (ValueError, TypeError):
            continue
        if (label, fingerprint) in seen:
            continue
        seen.add((label, fingerprint))
        row = rows.setdefault(label, CallbackPayloads(label=label, key=key, variants=[]))
        if len(row.variants) < max_variants:
            row.variants.append(
                Variant(
                    path=item.path,
                    body=item.body.encode("utf-8"),
                    headers=replay_headers(item.headers),
                    source=f"{item.page} · {item.action}",
                )
            )
    return list(rows.values())


def noop_payload(
    path: str = UPDATE_PATH, headers: dict[str, str] | None = None
) -> CallbackPayloads:
    """The request the renderer would send for bench/app_with_noop.py's no-op callback."""
    body = {
        "output": NOOP_KEY,
        "outputs": {"id": NOOP_OUTPUT, "property": "children"},
        "inputs": [{"id": NOOP_INPUT, "property": "data", "value": 1}],
        "changedPropIds": [f"{NOOP_INPUT}.data"],
        "parsedChangedPropsIds": [f"{NOOP_INPUT}.data"],
        "state": [],
    }
    return CallbackPayloads(
        label="no-op (floor)",
        key=NOOP_KEY,
        variants=[
            Variant(
                path=path,
                body=json.dumps(body, separators=(",", ":")).encode(),
                headers=replay_headers(headers or {}),
                source="bench/app_with_noop.py",
            )
        ],
    )


def save(path: Path, captured: list[Captured]) -> None:
    path.write_text(
        json.dumps([asdict(c) for c in captured], ensure_ascii=False, indent=1), encoding="utf-8"
    )


def load(path: Path) -> list[Captured]:
    return [Captured(**item) for item in json.loads(path.read_text(encoding="utf-8"))]
