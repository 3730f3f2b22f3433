"""Publish events to Socket.IO rooms after, and only after, their transaction commits.

Events are queued on the SQLAlchemy session; an `after_commit` hook emits them, an
`after_rollback` hook drops them. A failed emit (Redis away, say) is logged and never fails the
request: the database log stays complete, and clients fill the gap by catch-up.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from app.extensions import db, socketio
from app.live.rooms import workspace_moderators_room, workspace_room
from app.models import Event

log = logging.getLogger(__name__)
_PENDING_KEY = "pending_events"


def event_message(event: Event, slug: str) -> dict[str, Any]:
    """The wire shape of an event (API.md: workspace, seq, kind, data, at)."""
    return {
        "workspace": slug,
        "seq": event.seq,
        "kind": event.kind,
        "data": event.payload,
        "at": event.created_at.isoformat() if event.created_at else None,
    }


def queue_for_publish(event: Event, slug: str) -> None:
    """Hold the event's message until commit; built now, since commit expires the ORM object."""
    message = event_message(event, slug)
    db.session().info.setdefault(_PENDING_KEY, []).append((_room_for(event), message))


def _room_for(event: Event) -> str:
    if event.audience == "moderators":
        return workspace_moderators_room(event.workspace_id)
    return workspace_room(event.workspace_id)


def _emit_all(session: Session) -> None:
    pending = session.info.pop(_PENDING_KEY, [])
    for room, message in pending:
        try:
            socketio.emit("event", message, to=room)
        except Exception:
            log.warning("live publish of %s #%s failed", message["kind"], message["seq"], exc_info=True)


def _drop_all(session: Session, previous_transaction: object) -> None:
    session.info.pop(_PENDING_KEY, None)


def install_publish_hooks() -> None:
    """Hook publishing onto every session's commit and rollback (idempotent)."""
    if not sa_event.contains(Session, "after_commit", _emit_all):
        sa_event.listen(Session, "after_commit", _emit_all)
        sa_event.listen(Session, "after_soft_rollback", _drop_all)
