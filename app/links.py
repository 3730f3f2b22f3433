"""Links that leave the server (mail, invitations, exports, printouts), built from PUBLIC_URL.

A request's own Host (or X-Forwarded-Host) is chosen by whoever sends it: a link built from it
and mailed to someone else would lead them wherever the sender liked. So every link that leaves
the server is built from the configured public origin, never from the request.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app


class ConfigurationError(RuntimeError):
    """A setting the app cannot start without is missing or malformed."""


def check_public_url(value: object) -> str:
    """PUBLIC_URL normalised (no trailing slash); ConfigurationError says what is wrong with it."""
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(
            "PUBLIC_URL is not set. Set it to the address people open the site at, e.g. "
            "PUBLIC_URL=https://kortteli.example.fi (links in mail are built from it)."
        )
    url = value.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment \
            or parts.username or parts.password:
        raise ConfigurationError(
            f"PUBLIC_URL={value!r} is not a site address: use http(s)://host[:port][/path], "
            "e.g. https://kortteli.example.fi"
        )
    return url


def install_links(app: Flask) -> None:
    """Refuse to build an app without a usable PUBLIC_URL (called by create_app, before anything else)."""
    app.config["PUBLIC_URL"] = check_public_url(app.config.get("PUBLIC_URL"))
    app.jinja_env.globals["public_url_for"] = public_url_for


def public_url_for(endpoint: str, **values: Any) -> str:
    """The absolute address of `endpoint` on the public site, whatever the current request's host."""
    base = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def public_origin(public_url: str) -> str:
    """scheme://host[:port] of the site, as a browser sends it in `Origin`."""
    parts = urlsplit(public_url)
    return f"{parts.scheme}://{parts.netloc}"


def websocket_origin(public_url: str) -> str:
    """The ws(s) origin of the site's own Socket.IO endpoint: https -> wss, http -> ws, same host."""
    parts = urlsplit(public_url)
    return f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}"


def reset_password_url(token: str) -> str:
    return public_url_for("auth.reset_password", token=token)


def invitation_url(token: str) -> str:
    return public_url_for("invitations.show", token=token)
