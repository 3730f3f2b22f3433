"""What every socket event shares: payload checks, the per-user rate limit, the actor, and the
one mapping from domain errors to error acknowledgements."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from flask import current_app, request
from flask_limiter.util import get_remote_address
from limits import parse

from app.actions.accounts import load_token_user
from app.errors import DomainError, Invalid, RateLimited, Unauthenticated
from app.extensions import limiter, socketio
from app.identity import current_actor
from app.live.registry import SocketInfo, sockets
from app.models import User

log = logging.getLogger(__name__)
Ack = dict[str, Any]
Handler = Callable[[dict[str, Any]], Ack]
CLOSE_AFTER_ANSWER_SECONDS = 0.3


def error_ack(error: DomainError) -> Ack:
    ack: Ack = {"ok": False, "error": error.code, "message": error.message or error.code}
    if error.fields:
        ack["fields"] = error.fields
    return ack


def this_socket() -> SocketInfo:
    info = sockets.get(request.sid)  # type: ignore[attr-defined]
    if info is None:
        raise Unauthenticated("Connect again.")
    return info


def socket_actor() -> User | None:
    """The socket's user, checked afresh on every event: a session that ended or a token that was
    revoked since the connect is refused here even before the order to disconnect arrives."""
    info = this_socket()
    if info.user_id is None:
        return None
    if info.token is not None:
        found = load_token_user(info.token)
        user = found[0] if found else None
    else:
        user = current_actor()
    if user is None or user.id != info.user_id:
        close_after_answer(request.sid)  # type: ignore[attr-defined]
        raise Unauthenticated("Your session has ended. Sign in again.")
    return user


def close_after_answer(sid: str) -> None:
    """Close a refused socket a moment after its error ack has gone out: closed at once, the client
    would lose the ack and see only the close, never why. Until then every event is refused again."""

    def close() -> None:
        socketio.sleep(CLOSE_AFTER_ANSWER_SECONDS)
        socketio.server.disconnect(sid, namespace="/", ignore_queue=True)

    socketio.start_background_task(close)


def _check_rate() -> None:
    """Count a signed-in person's messages per account, an anonymous reader's per address: per
    connection, opening more sockets would multiply the allowance."""
    if not limiter.enabled:
        return
    info = sockets.get(request.sid)  # type: ignore[attr-defined]
    key = f"user:{info.user_id}" if info and info.user_id else f"addr:{get_remote_address()}"
    item = parse(current_app.config["RATELIMIT_SOCKET"])
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""  # as Flask-Limiter prefixes its own keys
    if not limiter.limiter.hit(item, *([prefix] if prefix else []), "socket", key):
        raise RateLimited("Too many messages. Slow down a little.", retry_after=int(item.get_expiry()))


def socket_event(name: str) -> Callable[[Handler], Handler]:
    """Register a handler for event `name` whose payload must be an object and whose answer is an ack."""

    def register(fn: Handler) -> Handler:
        @functools.wraps(fn)
        def handle(data: Any = None) -> Ack:
            try:
                _check_rate()
                if not isinstance(data, dict):
                    raise Invalid("The message must be a JSON object.")
                return fn(data)
            except DomainError as error:
                return error_ack(error)
            except Exception:  # a socket answers, it never crashes
                log.exception("socket event %s failed", name)
                return {"ok": False, "error": "internal_error", "message": "Something went wrong."}

        socketio.on_event(name, handle)
        return handle

    return register


def text_field(data: dict[str, Any], name: str, max_length: int) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value or len(value) > max_length or not value.isprintable():
        raise Invalid(f"`{name}` must be a non-empty string of at most {max_length} characters.",
                      fields={name: "invalid"})
    return value


def int_field(data: dict[str, Any], name: str, required: bool = True) -> int | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**53:
        raise Invalid(f"`{name}` must be a non-negative integer.", fields={name: "invalid"})
    return value
