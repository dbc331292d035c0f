"""Error answers: JSON for callback requests, a bare page otherwise, never a trace.

* ``/_dash-update-component``: a body that does not fit the callback it names is a 400 with a
  short JSON reason (:mod:`web.callbacks`, checked before Dash reads it); any exception after
  that (a page's callback, Dash checking its return value) is a JSON 500. ``PreventUpdate``
  keeps Dash's own 204 handler (Flask picks the most specific exception class).
* an unknown ``/_dash-component-suites/`` file is a 404 (Dash raises an unhandled exception).
* under ``/api/``: a Spanish JSON error (:func:`web.api.views.api_error`); elsewhere the site's
  Spanish error page (:func:`web.api.docs.error_page`), never Flask's default English page.
* every other exception is a 500 the same way. No body carries a trace, a path or an exception
  message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, Final

from dash.exceptions import DependencyException, InvalidResourceError
from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from web.api.docs import error_page
from web.api.views import API_PREFIX, api_error
from web.callbacks import MalformedCallback, validate_body

log = logging.getLogger(__name__)

CALLBACK_ENDPOINT: Final = "/_dash-update-component"
BUNDLE_PREFIX: Final = "/_dash-component-suites/"
INVALID_UPDATE: Final = "Solicitud de actualización inválida."
UPDATE_FAILED: Final = "Error interno al actualizar la página."
#: The Spanish message of each error status (the default for any other: :data:`GENERIC`).
MESSAGES: Final = {
    400: "La solicitud no es válida.",
    404: "No encontramos la dirección que buscaba: no existe en este tablero o se escribió de "
    "otra forma. Revise la dirección o continúe desde aquí.",
    405: "Esta dirección no acepta ese método HTTP.",
    413: "La solicitud supera el tamaño máximo permitido.",
    500: "Error interno del servidor. Vuelva a intentarlo más tarde.",
}
GENERIC: Final = "La solicitud no se pudo atender."


def site_error(status: int, message: str | None = None) -> Response:
    """The Spanish error of the site: JSON under ``/api/``, the site's page elsewhere."""
    text = message or MESSAGES.get(status, GENERIC)
    if request.path.startswith(API_PREFIX):
        return api_error(status, text)
    return error_page(status, text)


def is_callback_request() -> bool:
    """Whether the current request addresses Dash's callback endpoint."""
    return request.path.endswith(CALLBACK_ENDPOINT)


def json_error(status: int, message: str, **extra: Any) -> Response:
    """``{"error": message, "status": status, ...}`` with that status."""
    response = jsonify({"error": message, "status": status, **extra})
    response.status_code = status
    return response


def _is_unknown_bundle(error: BaseException) -> bool:
    """A component-suite path that is no file of a registered package (Dash's whitelist)."""
    return request.path.startswith(BUNDLE_PREFIX) and isinstance(
        error, DependencyException | InvalidResourceError | FileNotFoundError
    )


def install(
    server: Flask,
    callback_map: Callable[[], Mapping[str, Mapping[str, Any]]],
    router: str | None,
) -> None:
    """Validate callback bodies and answer errors (``callback_map()``: the app's callbacks)."""

    @server.before_request
    def reject_malformed_callback() -> Response | None:
        if request.method != "POST" or not is_callback_request():
            return None
        body = request.get_json()  # BadRequest (400) / UnsupportedMediaType (415) / 413
        try:
            validate_body(body, callback_map(), router)
        except MalformedCallback as error:
            log.warning("rejected callback request: %s", error)
            return json_error(400, INVALID_UPDATE, detail=str(error))
        return None

    @server.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        if is_callback_request() and error.code is not None:
            return json_error(error.code, error.name)
        if error.code is None or error.code < 400:  # a redirect (trailing slash) stays one
            return error
        response = site_error(error.code)
        if error.code == 405 and isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @server.errorhandler(Exception)
    def unexpected_error(error: Exception) -> Any:
        if _is_unknown_bundle(error):
            log.warning("unknown component bundle: %s", request.path)
            return site_error(404)
        if is_callback_request():
            log.exception("callback request failed")
            return json_error(500, UPDATE_FAILED)
        log.exception("unhandled error on %s %s", request.method, request.path)
        return site_error(500)
