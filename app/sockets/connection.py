"""Connecting and disconnecting: who the socket is, and tidying up after it."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_socketio import join_room

from app.actions.accounts import load_token_user, session_key_hash
from app.extensions import socketio
from app.identity import current_actor
from app.live.registry import SocketInfo, sockets
from app.live.rooms import session_room, token_room, user_room
from app.sockets.presence import forget_socket
from app.sockets.tasks import ensure_background_tasks


@socketio.on("connect")
def on_connect(auth: Any = None) -> None:
    """Accept the page's signed-in session, an API token in the connect payload, or an anonymous
    reader (who may then follow public workspaces only)."""
    sid = request.sid  # type: ignore[attr-defined]
    if isinstance(auth, dict) and auth.get("token") is not None:
        found = load_token_user(auth["token"]) if isinstance(auth["token"], str) else None
        if found is None:
            raise ConnectionRefusedError("unauthenticated")
        user, token = found
        info = SocketInfo(user.id, user.display_name, token=auth["token"], token_id=token.id)
        join_room(token_room(token.id))
    else:
        session_user = current_actor()
        info = SocketInfo(session_user.id if session_user else None,
                          session_user.display_name if session_user else None)
        if session_user is not None and session_user.session_key:
            info.session_hash = session_key_hash(session_user.session_key)
            join_room(session_room(info.session_hash))
    if info.user_id is not None:
        join_room(user_room(info.user_id))
    sockets[sid] = info
    ensure_background_tasks()


@socketio.on("disconnect")
def on_disconnect(*_args: Any) -> None:
    forget_socket(request.sid)  # type: ignore[attr-defined]
