"""Who is asking: a browser's sign-in session (cookie) or a personal API token (Bearer header).

A token is for programs using the JSON API: it is accepted under /api/v1 only. On pages (account
settings, the token page) a request carrying only a token is anonymous, so a leaked token cannot
reach the settings, mint new tokens or outlive a password change through them.

Flask-Login keeps the sign-in session's key in the signed cookie; every request looks that key up,
so a session that was ended on the server (sign-out, password change, suspension) is refused even
when an old cookie is replayed.
"""

from __future__ import annotations

from flask import Flask, g, request, session
from flask_login import current_user

from app.actions.accounts import load_session_user, load_token_user
from app.errors import Unauthenticated
from app.extensions import login_manager
from app.models import User

API_PREFIX = "/api/v1"


def current_actor() -> User | None:
    """The signed-in user of this request, or None for an anonymous visitor."""
    user = current_user._get_current_object()
    return user if isinstance(user, User) else None


def require_actor() -> User:
    """The signed-in user; Unauthenticated (401, or the sign-in page) for anonymous visitors."""
    user = current_actor()
    if user is None:
        raise Unauthenticated("Sign in, or send an API token as `Authorization: Bearer`.")
    return user


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def is_api_request() -> bool:
    """A request to the JSON API, the only place an API token is accepted."""
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")


def authenticated_by_token() -> bool:
    return bool(g.get("api_token_id"))


def install_identity(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.session_protection = None  # the server-side session row is the protection

    @login_manager.user_loader
    def load_user(key: str) -> User | None:
        return load_session_user(key)

    @login_manager.request_loader
    def load_from_token(_request: object) -> User | None:
        token = bearer_token() if is_api_request() else None
        if token is None:
            return None
        found = load_token_user(token)
        if found is None:
            return None
        g.api_token_id = found[1].id
        return found[0]

    @app.before_request
    def forget_dead_session() -> None:
        # A cookie naming a session that no longer exists carries nothing worth keeping.
        if "_user_id" in session and not current_user.is_authenticated:
            session.clear()
