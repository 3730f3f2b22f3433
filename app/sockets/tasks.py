"""Each process's background work for its sockets: the heartbeat, and the safety net that closes
sockets whose session or token is gone even if the order to close them was lost."""

from __future__ import annotations

import logging

from flask import Flask, current_app
from sqlalchemy import select

from app.extensions import db, socketio
from app.live.control import control
from app.live.presence import announce_changes, store
from app.live.registry import sockets
from app.live.rooms import workspace_room
from app.models import ApiToken, User, UserSession, Workspace

log = logging.getLogger(__name__)
PRESENCE_SECONDS = 1.0
_started: set[int] = set()


def ensure_background_tasks() -> None:
    """Start the heartbeat and the control listener once per process (on its first socket)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if id(app) in _started:
        return
    _started.add(id(app))
    socketio.start_background_task(_heartbeat_forever, app)
    socketio.start_background_task(_presence_forever, app)
    control.start_listener()


def _presence_forever(app: Flask) -> None:
    while True:
        socketio.sleep(PRESENCE_SECONDS)
        try:
            with app.app_context():
                announce_changes()
        except Exception:  # the next round tries again
            log.warning("presence announcement failed", exc_info=True)


def _heartbeat_forever(app: Flask) -> None:
    while True:
        socketio.sleep(app.config["HEARTBEAT_SECONDS"])
        try:
            with app.app_context():  # its teardown returns the database session
                beat()
                close_dead_sockets()
        except Exception:  # the next beat tries again
            log.warning("heartbeat failed", exc_info=True)


def beat() -> None:
    """Tell this process's sockets the latest seq of each workspace they follow."""
    followed = {ws_id for info in sockets.values() for ws_id in info.workspaces}
    if not followed:
        return
    rows = db.session.execute(select(Workspace.id, Workspace.slug, Workspace.event_seq)
                              .where(Workspace.id.in_(followed)))
    for ws_id, slug, seq in rows:
        socketio.emit("heartbeat", {"workspace": slug, "seq": seq}, to=workspace_room(ws_id), ignore_queue=True)
    for sid, info in list(sockets.items()):
        for scope in info.scopes:
            store().join(scope, sid, info.viewer)


def close_dead_sockets() -> None:
    """Disconnect sockets whose sign-in session, token or account no longer stands."""
    infos = list(sockets.items())
    hashes = {i.session_hash for _, i in infos if i.session_hash}
    token_ids = {i.token_id for _, i in infos if i.token_id}
    user_ids = {i.user_id for _, i in infos if i.user_id}
    live_hashes = set(db.session.scalars(select(UserSession.key_hash).where(UserSession.key_hash.in_(hashes))))
    live_tokens = set(db.session.scalars(select(ApiToken.id).where(ApiToken.id.in_(token_ids))))
    active = set(db.session.scalars(select(User.id).where(User.id.in_(user_ids), User.suspended_at.is_(None))))
    for sid, info in infos:
        gone = (
            (info.session_hash and info.session_hash not in live_hashes)
            or (info.token_id and info.token_id not in live_tokens)
            or (info.user_id and info.user_id not in active)
        )
        if gone:
            socketio.server.disconnect(sid, namespace="/", ignore_queue=True)
