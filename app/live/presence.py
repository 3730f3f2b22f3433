"""Who is looking at a workspace or a thread right now. Not part of the event log: never replayed.

Each process records its own sockets; with REDIS_URL set the records live in Redis hashes so
every process sees the same viewers. Entries carry a timestamp that the heartbeat refreshes, so
the sockets of a process that died fade out instead of lingering.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import redis
from flask import current_app

from app.extensions import socketio
from app.live.registry import sockets

log = logging.getLogger(__name__)
STALE_AFTER = 75.0  # seconds without a refresh before a viewer no longer counts
Viewer = dict[str, Any]  # {"id": int, "display_name": str} or {} for an anonymous reader


class MemoryPresence:
    """For one process (no Redis)."""

    def __init__(self) -> None:
        self.scopes: dict[str, dict[str, tuple[Viewer, float]]] = {}

    def join(self, scope: str, sid: str, viewer: Viewer) -> None:
        self.scopes.setdefault(scope, {})[sid] = (viewer, time.time())

    def leave(self, scope: str, sid: str) -> None:
        self.scopes.get(scope, {}).pop(sid, None)

    def entries(self, scope: str) -> list[tuple[Viewer, float]]:
        return list(self.scopes.get(scope, {}).values())


class RedisPresence:
    """Shared by all processes through Redis hashes `<channel>:presence:<scope>` of sid -> viewer.

    Presence is a courtesy: with Redis away it reads as empty and writes are dropped, so following
    a workspace and catching up keep working.
    """

    def __init__(self, url: str, prefix: str) -> None:
        self.redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.prefix = prefix

    def _key(self, scope: str) -> str:
        return f"{self.prefix}:presence:{scope}"

    def join(self, scope: str, sid: str, viewer: Viewer) -> None:
        try:
            self.redis.hset(self._key(scope), sid, json.dumps([viewer, time.time()]))
            self.redis.expire(self._key(scope), int(STALE_AFTER * 4))
        except redis.RedisError:
            log.warning("presence not recorded: Redis unreachable")

    def leave(self, scope: str, sid: str) -> None:
        try:
            self.redis.hdel(self._key(scope), sid)
        except redis.RedisError:
            log.warning("presence not cleared: Redis unreachable (it expires by itself)")

    def entries(self, scope: str) -> list[tuple[Viewer, float]]:
        try:
            raw: dict[bytes, bytes] = self.redis.hgetall(self._key(scope))  # type: ignore[assignment]
        except redis.RedisError:
            return []
        return [tuple(json.loads(value)) for value in raw.values()]


PresenceStore = MemoryPresence | RedisPresence


def summarise(store: PresenceStore, scope: str) -> dict[str, Any]:
    """The viewers of a scope: how many sockets, and the named people among them (once each)."""
    now = time.time()
    fresh = [viewer for viewer, seen in store.entries(scope) if now - seen < STALE_AFTER]
    people: dict[int, Viewer] = {}
    for viewer in fresh:
        if viewer.get("id") is not None:
            people.setdefault(int(viewer["id"]), viewer)
    anonymous = sum(1 for v in fresh if v.get("id") is None)
    users = sorted(people.values(), key=lambda v: str(v["display_name"]).lower())
    return {"count": len(users) + anonymous, "users": users}


def make_store(redis_url: str | None, prefix: str = "virtuaalikortteli") -> PresenceStore:
    return RedisPresence(redis_url, prefix) if redis_url else MemoryPresence()


# --- this process's store, and the announcements -------------------------------------------------


def store() -> PresenceStore:
    """The app's presence store (made on first use)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get("presence")
    if found is None:
        found = app.extensions["presence"] = make_store(app.config.get("REDIS_URL"), app.config["REDIS_CHANNEL"])
    return found


# Scopes whose viewers changed since the last announcement. Announcing every join at once would
# send N messages for each of N joining sockets (N² after a restart); once a second is enough.
_changed: set[str] = set()


def announce(scope: str) -> dict[str, Any]:
    """Mark the scope for the next announcement and return who is there now. A scope is the name
    of the room whose members it counts (workspace:<id>, thread:<id>)."""
    _changed.add(scope)
    return summarise(store(), scope)


def announce_changes() -> None:
    """Tell each changed scope's room who is there now (run about once a second)."""
    while _changed:
        scope = _changed.pop()
        kind, _, ident = scope.partition(":")
        socketio.emit("presence", {"scope": kind, "id": ident, **summarise(store(), scope)}, to=scope)


def leave_scope(scope: str, sid: str) -> None:
    """The socket no longer counts in `scope` (it left, or lost the right to be there)."""
    info = sockets.get(sid)
    store().leave(scope, sid)
    if info is not None:
        info.scopes.discard(scope)
    announce(scope)
