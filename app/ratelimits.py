"""Rate limits counted per signed-in person (falling back to the address for anonymous visitors),
and for guessing passwords per address *and* per account tried.

Many people of one city hall share one public address, so posting, reporting, join requests and
invitations are counted per account, not per address. Sign-in and reset attempts are counted per
client address and per email address tried, and the page and the API draw from the same counts:
neither a second door nor a second address gives a guesser a fresh allowance. With REDIS_URL set,
Flask-Limiter keeps the counts in Redis, so every server process enforces the same limit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from flask import current_app, request
from flask_limiter.util import get_remote_address

from app.actions.accounts import normalise_email
from app.extensions import limiter
from app.identity import current_actor

View = Callable[..., Any]


def actor_key() -> str:
    user = current_actor()
    return f"user:{user.id}" if user is not None else f"addr:{get_remote_address()}"


def per_actor_limit(setting: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Limit a view's POSTs by the setting named `setting` (e.g. "10 per minute;50 per day").

    The count is shared by every view limited by the same setting, so the page and the API
    draw from one allowance.
    """
    return limiter.shared_limit(lambda: current_app.config[setting], scope=setting, key_func=actor_key,
                                methods=["POST"])


def attempted_account_key() -> str:
    """The account a sign-in or reset request is about: its email (form field or JSON member),
    normalised and hashed to a bounded key; without one, the client's address."""
    email = request.form.get("email") if request.form else None
    if email is None and request.is_json:
        body = request.get_json(silent=True)
        email = body.get("email") if isinstance(body, dict) else None
    if not isinstance(email, str) or not email.strip():
        return f"addr:{get_remote_address()}"
    return "account:" + hashlib.sha256(normalise_email(email).encode()).hexdigest()


def per_address_and_account_limit(setting: str, scope: str) -> Callable[[View], View]:
    """Limit a view's POSTs by `setting`, counted per client address and per account tried.

    Every view decorated with the same `scope` shares the counts (the page and the API alike).
    """
    def limit() -> str:
        return str(current_app.config[setting])

    by_address = limiter.shared_limit(limit, scope=scope, key_func=get_remote_address, methods=["POST"])
    by_account = limiter.shared_limit(limit, scope=f"{scope}:account", key_func=attempted_account_key,
                                      methods=["POST"])
    return lambda view: by_address(by_account(view))


def per_address_limit(setting: str, scope: str) -> Callable[[View], View]:
    """Limit a view's POSTs by `setting` per client address, one count for every view of `scope`."""
    return limiter.shared_limit(lambda: current_app.config[setting], scope=scope, key_func=get_remote_address,
                                methods=["POST"])
