"""Append events to the workspace's log, numbered in commit order.

The sequence number comes from a counter on the workspace row, bumped with an UPDATE that holds
the row lock until commit: two concurrent transactions in one workspace therefore commit in the
order of their numbers, and a client that has seen 11 can never miss a 10 that commits later.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from app.extensions import db
from app.live.publish import publish_after_commit
from app.models import Event, Workspace, utcnow


def next_seq(workspace_id: int) -> int:
    """Take the workspace's next sequence number; the caller's transaction now holds its row lock."""
    seq = db.session.scalar(
        update(Workspace)
        .where(Workspace.id == workspace_id)
        .values(event_seq=Workspace.event_seq + 1)
        .returning(Workspace.event_seq)
    )
    if seq is None:
        raise LookupError(f"workspace {workspace_id} is gone")
    return int(seq)


def record_event(
    workspace: Workspace, kind: str, data: dict[str, Any], audience: str = "all"
) -> Event:
    """Store one event in the current transaction; it is published only if the transaction commits."""
    event = Event(
        workspace_id=workspace.id,
        seq=next_seq(workspace.id),
        kind=kind,
        payload=data,
        audience=audience,
        created_at=utcnow(),
    )
    db.session.add(event)
    publish_after_commit(event, workspace.slug)
    return event
