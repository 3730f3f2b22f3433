"""Publish stored events to the Socket.IO rooms of their workspace, after commit."""

from __future__ import annotations

from typing import Any

from app.extensions import socketio
from app.live.deliver import after_commit
from app.live.rooms import workspace_moderators_room, workspace_people_room, workspace_room
from app.models import Event


def event_message(event: Event, slug: str) -> dict[str, Any]:
    """The wire shape of an event (API.md: workspace, seq, kind, data, at)."""
    return {
        "workspace": slug,
        "seq": event.seq,
        "kind": event.kind,
        "data": event.payload,
        "at": event.created_at.isoformat() if event.created_at else None,
    }


def room_for(event: Event) -> str:
    if event.audience == "moderators":
        return workspace_moderators_room(event.workspace_id)
    if event.audience == "people":
        return workspace_people_room(event.workspace_id)
    return workspace_room(event.workspace_id)


def publish_after_commit(event: Event, slug: str) -> None:
    """Emit the event once committed; the message is built now, since commit expires the ORM object."""
    message, room = event_message(event, slug), room_for(event)
    after_commit(lambda: socketio.emit("event", message, to=room))
