"""Flask hooks of the dashboard: security headers, caching, compression, health, downloads, errors.

Flask only (no dash import): ``app.py`` passes what only Dash knows as plain callables::

    register(server, page_matcher=is_page_path, script_hashes=app.csp_hashes)

``register`` adds

* security headers on every response (a strict Content-Security-Policy, nosniff, no referrer,
  no framing);
* cache headers: a year (immutable) for Dash's fingerprinted component bundles, an hour for
  the other bundles (plotly.min.js, with ETag) and ``/assets``, ``no-cache`` for HTML and
  ``no-store`` for callback answers;
* compression (zstd/br/gzip through flask-compress; compressed component bundles are kept in
  memory, so the 4.7 MB plotly bundle is compressed once per worker and encoding);
* ``GET /healthz`` -> ``{"status": "ok", "indicators": N}``;
* ``GET /download/indicators.csv`` and ``.xlsx`` (tidy long export of ``pesem.export``); with the
  explorer's filter keys in the query (or the fields of a POSTed form) and optionally ``ids``,
  exactly that filtered view (``pesem.explore.filtered_download``);
* a body limit (``MAX_CONTENT_LENGTH``, 413 beyond it);
* a per-process memo of callback answers (:mod:`pesem.callback_cache`, ``PESEM_CALLBACK_CACHE``
  entries, 0 turns it off): identical callback requests are answered from memory;
* JSON errors for ``/_dash-update-component``: a malformed request (broken JSON, missing fields,
  wrong types, unknown callback, outputs/inputs that do not fit the callback, a pathname that is
  no path) is answered 400, any other exception (e.g. raised by a page's callback) 500, both
  without a trace; ``PreventUpdate`` keeps Dash's own 204;
* HTTP 404 (still with the Dash index, which then shows ``pages/not_found_404.py``) for a GET of a
  path that is no registered page, and a plain 404 for an unknown ``/_dash-component-suites/``
  file (Dash raises a 500 there);
* no error body ever carries a trace, a file path or an exception message.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from flask import Flask, Response, jsonify, request
from flask_compress import Compress
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound

from pesem.callback_cache import CallbackResponseCache

log = logging.getLogger(__name__)

MAX_CONTENT_LENGTH: Final = 1024 * 1024  # 1 MiB: a callback body of this app is a few KiB
CALLBACK_ENDPOINT: Final = "/_dash-update-component"
YEAR_SECONDS: Final = 31_536_000
ASSETS_MAX_AGE: Final = 3600
UTF8_BOM: Final = b"\xef\xbb\xbf"
CALLBACK_CACHE_ENV: Final = "PESEM_CALLBACK_CACHE"
DEFAULT_CALLBACK_CACHE_ENTRIES: Final = 512


#: Download formats: fixed whitelist, never a path.
DOWNLOAD_FORMATS: Final[dict[str, tuple[str, str]]] = {
    "csv": ("to_csv_bytes", "text/csv; charset=utf-8"),
    "xlsx": (
        "to_xlsx_bytes",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}

SECURITY_HEADERS: Final[dict[str, str]] = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}

PageMatcher = Callable[[str], bool]
HashProvider = Callable[[], Iterable[str]]


def build_csp(script_hashes: Iterable[str] = ()) -> str:
    """The Content-Security-Policy header value.

    ``script_hashes`` are the ``'sha256-…'`` sources of Dash's inline scripts (the renderer start-up
    line and string clientside callbacks, from ``Dash.csp_hashes()``); nothing else is inline.
    """
    script_src = " ".join(["'self'", *sorted(set(script_hashes))])
    directives = {
        "default-src": "'self'",
        "script-src": script_src,
        # plotly.js and React inject <style> elements and style attributes.
        "style-src": "'self' 'unsafe-inline'",
        # PNG export renders the SVG through data:/blob: images.
        "img-src": "'self' data: blob:",
        "font-src": "'self' data:",
        "connect-src": "'self'",
        "object-src": "'none'",
        "frame-ancestors": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


# --------------------------------------------------------------------------- callback requests


class MalformedCallback(ValueError):
    """The body of a ``/_dash-update-component`` request does not have Dash's shape."""


#: dcc.Location properties (the pages router's inputs): always strings (or null).
_URL_PROPERTIES: Final = frozenset({"pathname", "search", "hash", "href"})
#: The pages router's dcc.Location: a browser always sends its pathname as a string (Dash's router
#: raises TypeError on null).
_ROUTER_LOCATION: Final = "_pages_location"


def _check_dependency(item: Any, where: str) -> None:
    if isinstance(item, list):  # pattern-matching ALL / ALLSMALLER: a list of dependencies
        for position, sub in enumerate(item):
            _check_dependency(sub, f"{where}[{position}]")
        return
    if not isinstance(item, dict):
        raise MalformedCallback(f"{where}: expected an object")
    component_id = item.get("id")
    if not isinstance(component_id, str | dict) or not component_id:
        raise MalformedCallback(f"{where}.id: expected a string or an object")
    if isinstance(component_id, dict) and not all(
        isinstance(key, str) and isinstance(value, str | int | float | bool)
        for key, value in component_id.items()
    ):
        raise MalformedCallback(f"{where}.id: expected an object of plain values")
    prop = item.get("property")
    if not isinstance(prop, str):
        raise MalformedCallback(f"{where}.property: expected a string")
    value = item.get("value")
    if prop in _URL_PROPERTIES and value is not None and not isinstance(value, str):
        raise MalformedCallback(f"{where}.value: expected a string for {prop!r}")
    if component_id == _ROUTER_LOCATION and prop == "pathname" and not isinstance(value, str):
        raise MalformedCallback(f"{where}.value: expected a string for the page's pathname")
    if prop == "pathname" and isinstance(value, str) and not value.startswith("/"):
        # a browser's location.pathname always starts with "/" (Dash raises on other paths)
        raise MalformedCallback(f"{where}.value: expected a path starting with '/'")


#: The output key of a callback without outputs (Dash names it by a sha256 hex digest).
_NO_OUTPUT_KEY: Final = re.compile(r"^[0-9a-f]{64}$")


#: A wildcard that matches any number of components, in a pattern-matching output key.
_MULTI_WILDCARD: Final = re.compile(r'\["(ALL|ALLSMALLER)"\]')


def _check_outputs_shape(output: str, outputs: Any) -> None:
    """``outputs`` has one entry per output of the ``output`` key, never empty for a plain id.

    Dash checks each output the request names against the callback, but an empty list where the
    callback has a plain (not pattern-matching) output names none: Dash would run the callback and
    fail on its return value (a 500, after the work is done).
    """
    if _NO_OUTPUT_KEY.match(output):
        return
    multi = output.startswith("..") and output.endswith("..")
    parts = output[2:-2].split("...") if multi else [output]
    if multi:
        if not isinstance(outputs, list) or len(outputs) != len(parts):
            raise MalformedCallback(f"outputs: expected a list of {len(parts)} outputs")
        items = outputs
    else:
        items = [outputs]
    for position, (part, item) in enumerate(zip(parts, items, strict=True)):
        # "{": a pattern-matching id, whose ALL may match no component at all
        if item == [] and not part.startswith("{"):
            raise MalformedCallback(f"outputs[{position}]: expected the output {part!r}")
        # An ALL/ALLSMALLER output names a list of matched components, never one object (the
        # callback would index the object's keys as outputs and fail after doing its work).
        if part.startswith("{") and _MULTI_WILDCARD.search(part) and not isinstance(item, list):
            raise MalformedCallback(f"outputs[{position}]: expected a list for {part!r}")


def validate_callback_body(body: Any) -> None:
    """Raise :class:`MalformedCallback` unless ``body`` has the shape Dash's renderer sends."""
    if not isinstance(body, dict):
        raise MalformedCallback("body: expected a JSON object")
    output = body.get("output")
    if not isinstance(output, str) or not output:
        raise MalformedCallback("output: expected a non-empty string")
    # Dash's renderer always sends ``outputs``; without it Dash would run the callback and then
    # fail on the return value (a 500, after the work is done).
    outputs = body.get("outputs")
    if isinstance(outputs, dict):
        _check_dependency(outputs, "outputs")
    elif isinstance(outputs, list):
        for position, item in enumerate(outputs):
            _check_dependency(item, f"outputs[{position}]")
    else:
        raise MalformedCallback("outputs: expected an object or a list")
    _check_outputs_shape(output, outputs)
    for key, required in (("inputs", True), ("state", False)):
        items = body.get(key)
        if items is None and not required:
            continue
        if not isinstance(items, list):
            raise MalformedCallback(f"{key}: expected a list")
        for position, item in enumerate(items):
            _check_dependency(item, f"{key}[{position}]")
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(item, str) for item in changed):
        raise MalformedCallback("changedPropIds: expected a list of strings")


#: Dash functions that call a page's callback function: an exception raised below them is the
#: page's (a server error, 500).
_DASH_CALLBACK_CALLS: Final = frozenset({"_invoke_callback", "_async_invoke_callback"})
#: Dash functions that only match the request body against the callback's definition (number
#: and shape of outputs, inputs and state): an exception raised below them is the client's (400).
_DASH_REQUEST_PARSING: Final = frozenset(
    {"_initialize_context", "_prepare_callback", "_inputs_to_vals", "validate_and_group_input_args"}
)


def _dash_functions_in_traceback(error: BaseException) -> set[str]:
    """Names of the functions of Dash's own modules that ``error`` went through."""
    names: set[str] = set()
    trace = error.__traceback__
    while trace is not None:
        frame = trace.tb_frame
        if str(frame.f_globals.get("__name__", "")).startswith("dash."):
            names.add(frame.f_code.co_name)
        trace = trace.tb_next
    return names


#: Exceptions that Dash's request parsing raises on a body that does not fit the callback.
_CLIENT_ERROR_TYPES: Final = (KeyError, IndexError, TypeError, ValueError, AttributeError)


def is_client_error(error: BaseException) -> bool:
    """Whether an exception of the callback view comes from a body that does not fit the callback.

    Raised while Dash reads the body (``Wrong length output_spec``, ``Inputs do not match callback
    definition``, a missing key): 400. Raised by a page's callback function, or by Dash checking
    what it returned: a server error (500), whatever its type.
    """
    functions = _dash_functions_in_traceback(error)
    if functions & _DASH_CALLBACK_CALLS:
        return False
    if functions & _DASH_REQUEST_PARSING:
        return True
    return isinstance(error, _CLIENT_ERROR_TYPES)


def _json_error(status: int, message: str, **extra: Any) -> Response:
    response = jsonify({"error": message, "status": status, **extra})
    response.status_code = status
    return response


def _guard_callback_view(view: Callable[..., Any]) -> Callable[..., Any]:
    """Validate the callback body before Dash reads it (Dash would raise KeyError/TypeError)."""

    def guarded_dispatch(*args: Any, **kwargs: Any) -> Any:
        body = request.get_json()  # BadRequest (400) / UnsupportedMediaType (415) / 413
        try:
            validate_callback_body(body)
        except MalformedCallback as error:
            log.warning("rejected callback request: %s", error)
            return _json_error(400, "Solicitud de actualización inválida.", detail=str(error))
        try:
            return view(*args, **kwargs)
        except Exception as error:
            # Dash reading a body that has the right shape but does not fit the callback (unknown
            # output, missing inputs): a client error. PreventUpdate, HTTP errors and anything
            # raised by a page's callback go on to their handlers.
            if is_client_error(error):
                log.warning("rejected callback request: %s: %s", type(error).__name__, error)
                return _json_error(400, "Solicitud de actualización inválida.")
            raise

    guarded_dispatch.__name__ = getattr(view, "__name__", "dispatch")
    guarded_dispatch.__qualname__ = getattr(view, "__qualname__", "dispatch")
    guarded_dispatch.__module__ = getattr(view, "__module__", __name__)
    return guarded_dispatch


# --------------------------------------------------------------------------- register


def _is_callback_request() -> bool:
    return request.path.endswith(CALLBACK_ENDPOINT)


def _dataset_indicator_count() -> int:
    from pesem.loader import get_dataset  # lazy: the server module must import without data

    return len(get_dataset().indicators)


def _is_unknown_bundle(error: BaseException) -> bool:
    """A ``/_dash-component-suites/`` path that is no registered file of a registered package.

    Dash serves only the files its component packages register (a whitelist, so no path can
    escape), but answers any other path with an unhandled ``DependencyException`` (a 500).
    """
    if not request.path.startswith("/_dash-component-suites/"):
        return False
    names = {cls.__name__ for cls in type(error).__mro__}
    return bool(names & {"DependencyException", "InvalidResourceError"}) or isinstance(
        error, FileNotFoundError
    )


def download_filename(fmt: str, report: Mapping[str, Any] | None = None) -> str:
    year = (report or {}).get("year", 2020)
    return f"pesem-rree-{year}_indicadores.{fmt}"


def _static_cache_key(req: Any) -> str:
    # Only component bundles are kept compressed (see _CompressedStaticCache).
    return f"{req.path}?{req.query_string.decode('latin-1')}"


#: Component bundles, without query string: files of installed packages, fixed while we run.
_COMPONENT_BUNDLE = re.compile(r"^/_dash-component-suites/[^?]+\?$")


class _CompressedStaticCache:
    """flask-compress cache that keeps only component bundles (package files, fixed bytes)."""

    def __init__(self) -> None:
        self._data: dict[str, bytes] = {}

    @staticmethod
    def _cacheable(key: str) -> bool:
        _, _, path = key.partition(";")
        return _COMPONENT_BUNDLE.match(path) is not None

    def get(self, key: str) -> bytes | None:
        return self._data.get(key) if self._cacheable(key) else None

    def set(self, key: str, value: bytes) -> None:
        if self._cacheable(key) and len(self._data) < 256:
            self._data[key] = value


def callback_cache_entries(environ: Mapping[str, str] | None = None) -> int:
    """Size of the callback answer cache from ``PESEM_CALLBACK_CACHE`` (0 turns it off)."""
    raw = (os.environ if environ is None else environ).get(CALLBACK_CACHE_ENV, "")
    try:
        return max(0, int(raw)) if raw.strip() else DEFAULT_CALLBACK_CACHE_ENTRIES
    except ValueError:
        log.warning(
            "%s=%r is not a whole number; using %d",
            CALLBACK_CACHE_ENV,
            raw,
            DEFAULT_CALLBACK_CACHE_ENTRIES,
        )
        return DEFAULT_CALLBACK_CACHE_ENTRIES


def register(
    server: Flask,
    *,
    page_matcher: PageMatcher | None = None,
    script_hashes: HashProvider | None = None,
) -> None:
    """Install the hooks on ``server`` (the Flask app of the Dash app; call once at start-up).

    ``page_matcher(path)`` says whether a URL path is a registered Dash page (for the 404 status);
    ``script_hashes()`` returns the CSP hash sources of Dash's inline scripts.
    """
    server.config["MAX_CONTENT_LENGTH"] = MAX_CONTENT_LENGTH

    # Wrap the callback view (registered by Dash before this call).
    for endpoint, view in list(server.view_functions.items()):
        if endpoint.endswith(CALLBACK_ENDPOINT):
            server.view_functions[endpoint] = _guard_callback_view(view)

    @server.before_request
    def hide_dev_endpoints() -> None:
        # Dash's hot-reload poll lists installed packages; production never hot-reloads.
        if request.path.endswith("/_reload-hash"):
            raise NotFound()

    @server.get("/healthz")
    def healthz() -> Response:
        try:
            count = _dataset_indicator_count()
        except Exception:  # the data could not be loaded: report, do not crash
            log.exception("health check failed")
            response = _json_error(503, "data not loaded")
            response.headers["Cache-Control"] = "no-store"
            return response
        response = jsonify({"status": "ok", "indicators": count})
        response.headers["Cache-Control"] = "no-store"
        return response

    @server.route("/download/indicators.<fmt>", methods=["GET", "POST"])
    def download_indicators(fmt: str) -> Response:
        if fmt not in DOWNLOAD_FORMATS:
            raise NotFound()
        from pesem import explore, export  # lazy: openpyxl works only when someone downloads
        from pesem.loader import get_dataset
        from pesem.metrics import indicator_summary

        function_name, mimetype = DOWNLOAD_FORMATS[fmt]
        dataset = get_dataset()
        # The explorer's filter keys (and "ids", what the grid's column filters leave visible)
        # come in the query of a link or the fields of its download form.
        query = [*request.args.items(multi=True), *request.form.items(multi=True)]
        if query:
            frame, filename = explore.filtered_download(
                dataset, indicator_summary(dataset), query, fmt
            )
        else:
            frame, filename = export.tidy_long(dataset), download_filename(fmt, dataset.report)
        data: bytes = getattr(export, function_name)(frame)
        if fmt == "csv" and not data.startswith(UTF8_BOM):
            data = UTF8_BOM + data  # Excel reads UTF-8 (tildes, ñ) only with the BOM
        response = Response(data, mimetype=mimetype.split(";")[0])
        response.headers["Content-Type"] = mimetype
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        response.headers["Cache-Control"] = "no-cache"
        return response

    @server.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        if _is_callback_request() and error.code is not None:
            return _json_error(error.code, error.name)
        return error

    @server.errorhandler(Exception)
    def unexpected_error(error: Exception) -> Any:
        # PreventUpdate / InvalidResourceError keep Dash's own, more specific handlers.
        if _is_unknown_bundle(error):
            log.warning("unknown component bundle: %s", request.path)
            return NotFound()
        if not _is_callback_request():
            log.exception("unhandled error on %s %s", request.method, request.path)
            return InternalServerError()
        log.exception("callback request failed")
        return _json_error(500, "Error interno al actualizar la página.")

    def is_unknown_page() -> bool:
        if page_matcher is None or request.method not in {"GET", "HEAD"}:
            return False
        # Dash's index and catch-all routes only. Dash's internals (/_dash-*, /_reload-hash,
        # /_favicon.ico), /assets, /download and /healthz have their own routes: a path under
        # them that reaches the catch-all (e.g. GET /_dash-update-component) is unknown too.
        rule = request.url_rule.rule if request.url_rule is not None else ""
        if rule not in {"/", "/<path:path>"}:
            return False
        return not page_matcher(request.path)

    @server.after_request
    def finish_response(response: Response) -> Response:
        path = request.path
        if response.status_code == 200 and is_unknown_page():
            response.status_code = 404
        hashes = tuple(script_hashes()) if script_hashes is not None else ()
        response.headers["Content-Security-Policy"] = build_csp(hashes)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if path.startswith("/_dash-component-suites/"):
            if response.status_code == 200 and response.cache_control.max_age == YEAR_SECONDS:
                # fingerprinted name (version + mtime): the URL changes when the file does
                response.headers["Cache-Control"] = f"public, max-age={YEAR_SECONDS}, immutable"
            elif response.status_code in {200, 304}:  # plain name (plotly.min.js): ETag + 1 h
                response.headers["Cache-Control"] = f"public, max-age={ASSETS_MAX_AGE}"
        elif path.startswith("/assets/"):
            if response.status_code in {200, 304}:
                response.headers["Cache-Control"] = f"public, max-age={ASSETS_MAX_AGE}"
        elif _is_callback_request():
            response.headers["Cache-Control"] = "no-store"
        elif "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-cache"
        return response

    # Compression runs before finish_response (after_request hooks run in reverse order), so the
    # Dash index is compressed while it is still a 200, before the unknown-page hook sets 404.
    server.config.setdefault("COMPRESS_ALGORITHM", ["zstd", "br", "gzip"])
    server.config.setdefault("COMPRESS_CACHE_BACKEND", _CompressedStaticCache)
    server.config.setdefault("COMPRESS_CACHE_KEY", _static_cache_key)
    Compress(server)

    # Outermost layer: replays the final (compressed, with headers) answers of callbacks.
    server.wsgi_app = CallbackResponseCache(  # type: ignore[method-assign]
        server.wsgi_app, max_entries=callback_cache_entries()
    )
