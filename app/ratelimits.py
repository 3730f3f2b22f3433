"""Rate limits counted per signed-in person (falling back to the address for anonymous visitors).

Many people of one city hall share one public address, so posting, reporting, join requests and
invitations are counted per account, not per address. With REDIS_URL set, Flask-Limiter keeps the
counts in Redis, so every server process enforces the same limit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app
from flask_limiter.util import get_remote_address

from app.extensions import limiter
from app.identity import current_actor


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
