"""Security headers on every response, through flask-talisman.

A strict Content-Security-Policy: scripts only from this origin plus the sha256 hashes of
Dash's own inline scripts (``Dash.csp_hashes()``: the renderer's start-up line and any inline
clientside callback), never ``'unsafe-inline'`` or ``'unsafe-eval'`` for scripts; plus
``nosniff``, ``X-Frame-Options: DENY`` (and ``frame-ancestors 'none'``), ``no-referrer`` and a
Permissions-Policy that turns off the device APIs; Cross-Origin-Opener-Policy ``same-origin``
(the one header talisman does not cover, set in an ``after_request`` hook). HTTPS is the
proxy's job: no redirect here (gunicorn listens on loopback or inside the container), and HSTS
only on requests that came over HTTPS.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Final

from flask import Flask, Response
from flask_talisman import Talisman

#: The policy without script hashes (see :func:`content_security_policy`).
BASE_POLICY: Final[dict[str, str]] = {
    "default-src": "'self'",
    # plotly.js and React write <style> elements and style attributes.
    "style-src": "'self' 'unsafe-inline'",
    # chart PNGs are drawn through data:/blob: images
    "img-src": "'self' data: blob:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}

PERMISSIONS_POLICY: Final[dict[str, str]] = {
    "camera": "()",
    "microphone": "()",
    "geolocation": "()",
    "payment": "()",
    "usb": "()",
}


def content_security_policy(script_hashes: Iterable[str]) -> dict[str, str]:
    """The CSP: :data:`BASE_POLICY` plus ``script-src 'self'`` and the given hash sources."""
    script_src = " ".join(["'self'", *sorted(set(script_hashes))])
    return {"default-src": BASE_POLICY["default-src"], "script-src": script_src, **BASE_POLICY}


def install(server: Flask, script_hashes: Callable[[], Iterable[str]]) -> Talisman:
    """Add the headers to every response of ``server``.

    ``script_hashes()`` (``app.csp_hashes``) is read on each request: Dash's pages router adds
    its own inline clientside callback (the tab title) on the first request, after start-up.
    """

    @server.after_request
    def opener_policy(response: Response) -> Response:
        # a page opened from this one (a download) gets no handle on it, and the reverse
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response

    talisman = Talisman(
        server,
        force_https=False,
        strict_transport_security=True,
        frame_options="DENY",
        content_security_policy=content_security_policy(script_hashes()),
        referrer_policy="no-referrer",
        permissions_policy=PERMISSIONS_POLICY,
        session_cookie_secure=False,  # the app sets no cookie; keep Flask's default
    )

    @server.before_request
    def hash_inline_scripts() -> None:
        script_src = content_security_policy(script_hashes())["script-src"]
        talisman.content_security_policy["script-src"] = script_src

    return talisman
