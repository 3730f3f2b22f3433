"""Response headers that every page and API answer carries."""

from __future__ import annotations

from flask import Flask, Response

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
