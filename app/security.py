"""Response headers that every page and API answer carries, and how much of a request is read."""

from __future__ import annotations

from flask import Flask, Response, request

from app.identity import current_actor
from app.links import websocket_origin


def content_security_policy(public_url: str) -> str:
    """The policy of every answer. Scripts may connect to this site only: 'self' and its own ws(s)
    origin, which some browsers do not count as 'self' (never `ws: wss:`, which means any host)."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            f"connect-src 'self' {websocket_origin(public_url)}",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def install_body_limit(app: Flask) -> None:
    """Read a request without a file (a form, JSON) only up to MAX_TEXT_BODY_BYTES; beyond: 413.

    MAX_CONTENT_LENGTH must let an upload through (20 MB), but a url-encoded form is decoded on the
    hub in one go: 18 MB of percent-escapes took 3.6 s, in which no other client was answered. The
    largest text anyone may save (200,000 characters) fits in the smaller limit. Installed before
    the other request hooks, since CSRF protection reads the form.
    """
    @app.before_request
    def limit_text_body() -> None:
        if request.mimetype != "multipart/form-data":
            request.max_content_length = app.config["MAX_TEXT_BODY_BYTES"]


def install_security_headers(app: Flask) -> None:
    policy = content_security_policy(app.config["PUBLIC_URL"])

    @app.after_request
    def add_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if current_actor() is not None and "Cache-Control" not in headers:
            # A signed-in page must not come back from the browser's cache after signing out.
            headers["Cache-Control"] = "no-store"
        if app.config["SESSION_COOKIE_SECURE"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
