"""Orders to every server process about open sockets: disconnect these, take those out of a room.

A socket keeps the identity it connected with, so ending a session, revoking a token, suspending a
user or taking away a membership must reach the sockets explicitly — on whichever process holds
them. With REDIS_URL set the order goes over a Redis channel of its own, which each process
listens to; without it there is one process and the order is carried out at once.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import redis
from flask import Flask

from app.extensions import socketio
from app.live.deliver import after_commit
from app.live.presence import leave_scope
from app.live.registry import SocketInfo, sockets
from app.live.rooms import (
    thread_room,
    user_room,
    workspace_moderators_room,
    workspace_people_room,
    workspace_room,
)

log = logging.getLogger(__name__)
NAMESPACE = "/"


class ControlChannel:
    """Sends orders to all processes and carries out the ones addressed to this process's sockets."""

    def __init__(self) -> None:
        self.redis_url: str | None = None
        self.channel = "virtuaalikortteli:control"
        self.app: Flask | None = None

    def init_app(self, app: Flask) -> None:
        self.app = app
        self.redis_url = app.config.get("REDIS_URL")
        self.channel = f"{app.config['REDIS_CHANNEL']}:control"
        app.extensions["live_control"] = self

    def send(self, order: dict[str, Any]) -> None:
        carry_out(order)  # the sockets of this process, at once
        if self.redis_url:
            try:
                redis.Redis.from_url(self.redis_url, socket_timeout=2).publish(self.channel, json.dumps(order))
            except redis.RedisError:
                log.warning("control order not sent to other processes: Redis unreachable")

    def start_listener(self) -> None:
        if self.redis_url:
            socketio.start_background_task(self._listen_forever)

    def _listen_forever(self) -> None:
        delay = 1.0
        while True:
            try:
                pubsub = redis.Redis.from_url(self.redis_url or "").pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self.channel)
                delay = 1.0
                for message in pubsub.listen():
                    with self.app.app_context():  # type: ignore[union-attr]  # presence reads the app's store
                        carry_out(json.loads(message["data"]))
            except Exception:  # keep listening whatever happens; Redis may come back
                log.warning("control channel lost; retrying in %.0f s", delay)
                socketio.sleep(delay)
                delay = min(delay * 2, 10.0)


control = ControlChannel()


def _local_sids(room: str) -> list[str]:
    manager = socketio.server.manager
    try:
        return [sid for sid, _eio in manager.get_participants(NAMESPACE, room)]
    except KeyError:
        return []


def carry_out(order: dict[str, Any]) -> None:
    """Apply an order to the sockets this process holds (others ignore what they do not hold)."""
    if order.get("op") == "disconnect":
        for sid in _local_sids(str(order["room"])):
            socketio.server.disconnect(sid, namespace=NAMESPACE, ignore_queue=True)
    elif order.get("op") == "evict":
        _evict(order)
    elif order.get("op") == "leave":
        _leave(order)
    elif order.get("op") == "join":
        _join(order)
    elif order.get("op") == "thread_moved":
        _thread_moved(order)


def _leave(order: dict[str, Any]) -> None:
    """Take a user's local sockets out of rooms; when they lost a whole workspace, also out of the
    rooms of its threads they watch and out of its viewers, and tell them they no longer follow it."""
    rooms = [str(r) for r in order["rooms"]]
    lost = order.get("workspace_id")
    for sid in _local_sids(user_room(int(order["user_id"]))):
        for room in rooms:
            socketio.server.leave_room(sid, room, namespace=NAMESPACE)
        info = sockets.get(sid)
        if lost is not None and info is not None:
            _drop_workspace(sid, info, int(lost))
        if order.get("unsubscribed"):
            socketio.server.emit("unsubscribed", {"workspace": order["unsubscribed"]}, to=sid,
                                 namespace=NAMESPACE, ignore_queue=True)


def _drop_thread(sid: str, info: SocketInfo, thread_id: int) -> None:
    """The socket no longer watches the thread: no typing, no viewer lists, not counted there."""
    socketio.server.leave_room(sid, thread_room(thread_id), namespace=NAMESPACE)
    info.threads.pop(thread_id, None)
    if thread_room(thread_id) in info.scopes:
        leave_scope(thread_room(thread_id), sid)


def _drop_workspace(sid: str, info: SocketInfo, workspace_id: int) -> None:
    """The socket no longer follows the workspace nor watches any of its threads."""
    for room in (workspace_room(workspace_id), workspace_people_room(workspace_id),
                 workspace_moderators_room(workspace_id)):
        socketio.server.leave_room(sid, room, namespace=NAMESPACE)
    info.workspaces.pop(workspace_id, None)
    if workspace_room(workspace_id) in info.scopes:
        leave_scope(workspace_room(workspace_id), sid)
    for thread_id, in_workspace in list(info.threads.items()):
        if in_workspace == workspace_id:
            _drop_thread(sid, info, thread_id)


def may_stay(user_id: int | None, viewers: dict[str, Any]) -> bool:
    """Whether a socket's user may see a workspace, by the account of its viewers that an order
    carries (made by the action from policy.can_view_workspace's rule, see viewers_of)."""
    if user_id is None:
        return bool(viewers["anonymous"])
    if viewers["signed_in"]:
        return user_id not in viewers["banned"]
    return user_id in viewers["keep"]


def _thread_moved(order: dict[str, Any]) -> None:
    """A thread went to another workspace: its watchers who may see that one follow it there, the
    others stop watching it (no more typing or viewer lists from it)."""
    thread_id, target = int(order["thread_id"]), int(order["workspace_id"])
    for sid, info in list(sockets.items()):
        if thread_id not in info.threads:
            continue
        if may_stay(info.user_id, order["viewers"]):
            info.threads[thread_id] = target
        else:
            _drop_thread(sid, info, thread_id)


def _join(order: dict[str, Any]) -> None:
    """Add a user's local sockets that follow a workspace to one of its rooms (a new moderator's
    open pages start receiving the moderators' events without a reload)."""
    workspace_id, room = int(order["workspace_id"]), str(order["room"])
    for sid in _local_sids(user_room(int(order["user_id"]))):
        info = sockets.get(sid)
        if info is not None and workspace_id in info.workspaces:
            socketio.server.enter_room(sid, room, namespace=NAMESPACE)


def _evict(order: dict[str, Any]) -> None:
    """The workspace's visibility narrowed: every local socket that may no longer see it stops
    following it and watching its threads, and is told so."""
    workspace_id = int(order["workspace_id"])
    for sid, info in list(sockets.items()):
        touched = workspace_id in info.workspaces or workspace_id in info.threads.values()
        if touched and not may_stay(info.user_id, order["viewers"]):
            _drop_workspace(sid, info, workspace_id)
            socketio.server.emit("unsubscribed", {"workspace": order.get("unsubscribed")}, to=sid,
                                 namespace=NAMESPACE, ignore_queue=True)


def evict_outsiders_after_commit(workspace_id: int, viewers: dict[str, Any], slug: str) -> None:
    """Take every socket of someone no longer among `viewers` out of the workspace (its rooms, its
    threads' rooms, its viewers), on every process."""
    order = {"op": "evict", "workspace_id": workspace_id, "viewers": viewers, "unsubscribed": slug}
    after_commit(lambda: control.send(order))


def thread_moved_after_commit(thread_id: int, workspace_id: int, viewers: dict[str, Any]) -> None:
    """The thread is now in `workspace_id`: its watchers not among `viewers` stop watching it, on
    every process, once the transaction commits."""
    order = {"op": "thread_moved", "thread_id": thread_id, "workspace_id": workspace_id, "viewers": viewers}
    after_commit(lambda: control.send(order))


def disconnect_room_after_commit(room: str) -> None:
    """Close every socket in `room`, on every process, once the transaction commits."""
    after_commit(lambda: control.send({"op": "disconnect", "room": room}))


def leave_rooms_after_commit(user_id: int, rooms: list[str], unsubscribed: str | None = None,
                             workspace_id: int | None = None) -> None:
    """Take the user's sockets out of `rooms`, on every process, once the transaction commits;
    with `unsubscribed`, tell them they no longer follow that workspace; with `workspace_id`, also
    take them out of the rooms of that workspace's threads they watch."""
    order = {"op": "leave", "user_id": user_id, "rooms": rooms, "unsubscribed": unsubscribed,
             "workspace_id": workspace_id}
    after_commit(lambda: control.send(order))


def join_room_after_commit(user_id: int, room: str, workspace_id: int) -> None:
    """Add the user's sockets that follow the workspace to `room`, on every process, after commit."""
    order = {"op": "join", "user_id": user_id, "room": room, "workspace_id": workspace_id}
    after_commit(lambda: control.send(order))
