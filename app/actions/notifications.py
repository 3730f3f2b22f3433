"""Notices to one person (a request decided, a post hidden, an invitation, a ban), stored and pushed live."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from app.actions.unit import transactional
from app.extensions import db, socketio
from app.live.deliver import after_commit
from app.live.rooms import user_room
from app.models import Notification, User, utcnow
from app.schemas.notifications import NotificationSchema

_NOTIFICATION = NotificationSchema()


def notify(user_id: int, kind: str, **data: Any) -> Notification:
    """Store a notice in the current transaction and push it to the user's open pages after commit."""
    notice = Notification(user_id=user_id, kind=kind, data=data, created_at=utcnow())
    db.session.add(notice)
    db.session.flush()
    message = _NOTIFICATION.dump(notice)
    after_commit(lambda: socketio.emit("notification", message, to=user_room(user_id)))
    return notice


@transactional
def do_mark_notifications_read(user: User, up_to_id: int | None = None) -> int:
    """Mark the user's notices read (all, or those up to an id); answers how many changed."""
    query = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if up_to_id is not None:
        query = query.where(Notification.id <= up_to_id)
    result = db.session.execute(query.values(read_at=utcnow()))
    return int(getattr(result, "rowcount", 0) or 0)

