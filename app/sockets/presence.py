"""Presence and typing: who is looking now, and who is writing. Outside the event sequence."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_socketio import join_room, leave_room

from app import policy
from app.access import access_thread
from app.errors import Forbidden
from app.extensions import socketio
from app.live.presence import announce, leave_scope, store
from app.live.registry import sockets
from app.live.rooms import thread_room
from app.sockets.handling import Ack, int_field, socket_actor, socket_event, this_socket


def enter(scope: str) -> dict[str, Any]:
    info = this_socket()
    store().join(scope, request.sid, info.viewer)  # type: ignore[attr-defined]
    info.scopes.add(scope)
    return announce(scope)


def leave(scope: str) -> None:
    leave_scope(scope, request.sid)  # type: ignore[attr-defined]


def forget_socket(sid: str) -> None:
    """A socket went away: it no longer counts anywhere."""
    info = sockets.pop(sid, None)
    if info is None:
        return
    for scope in list(info.scopes):
        store().leave(scope, sid)
        announce(scope)


@socket_event("watch_thread")
def watch_thread(data: dict[str, Any]) -> Ack:
    """Count this socket among the thread's viewers and let it see who types there."""
    thread_id = int_field(data, "thread") or 0
    seen = access_thread(socket_actor(), thread_id)
    join_room(thread_room(thread_id))
    this_socket().threads[thread_id] = seen.workspace.id  # to leave it if the workspace is lost
    return {"ok": True, "presence": enter(thread_room(thread_id))}


@socket_event("unwatch_thread")
def unwatch_thread(data: dict[str, Any]) -> Ack:
    thread_id = int_field(data, "thread") or 0
    leave_room(thread_room(thread_id))
    this_socket().threads.pop(thread_id, None)
    leave(thread_room(thread_id))
    return {"ok": True}


@socket_event("typing")
def typing(data: dict[str, Any]) -> Ack:
    """Show others in the thread that this member is writing (clients clear it after a few seconds)."""
    thread_id = int_field(data, "thread") or 0
    user = socket_actor()
    seen = access_thread(user, thread_id)
    if user is None or not policy.can_reply(user, seen.thread, seen.membership):
        raise Forbidden("You cannot write in this thread.")
    socketio.emit("typing", {"thread": thread_id, "user": {"id": user.id, "display_name": user.display_name}},
                  to=thread_room(thread_id), skip_sid=request.sid)  # type: ignore[attr-defined]
    return {"ok": True}
