"""Reading back what an action left behind: its events, notices, audit entries and memberships."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import select

from app.actions.unit import transactional
from app.extensions import db
from app.models import AuditEntry, Event, Membership, Notification, User, Workspace


def events(ws: Workspace, kind: str | None = None) -> list[Event]:
    """The workspace's events in sequence order, optionally of one kind."""
    query = select(Event).where(Event.workspace_id == ws.id).order_by(Event.seq)
    if kind is not None:
        query = query.where(Event.kind == kind)
    return list(db.session.scalars(query))


def last_event(ws: Workspace, kind: str) -> Event:
    found = events(ws, kind)
    assert found, f"no {kind} event in {ws.slug}"
    return found[-1]


def notices(user: User, kind: str | None = None) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    if kind is not None:
        query = query.where(Notification.kind == kind)
    return list(db.session.scalars(query))


def last_notice(user: User, kind: str) -> dict[str, Any]:
    found = notices(user, kind)
    assert found, f"{user.display_name} was not told {kind}"
    return found[-1].data


def audit_entries(action: str | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def last_audit(action: str) -> AuditEntry:
    found = audit_entries(action)
    assert found, f"no {action} audit entry"
    return found[-1]


def membership_of(user: User, ws: Workspace) -> Membership | None:
    return db.session.scalar(
        select(Membership).where(Membership.workspace_id == ws.id, Membership.user_id == user.id)
    )


def member_count(ws: Workspace) -> int:
    db.session.refresh(ws)
    return ws.member_count


@transactional
def set_attributes(obj: object, **values: Any) -> None:
    """Change stored attributes directly, for states no action makes (an expired link, say)."""
    for name, value in values.items():
        setattr(obj, name, value)


def at_once(app: Flask, *calls: Callable[[], object]) -> list[str]:
    """Run the calls in threads of their own, each with its own database session, released together;
    answers how each ended ("ok" or the error's class name), in the order they ended.

    Each call must load what it needs by id: ORM objects do not cross sessions.
    """
    db.session.commit()  # the test's own snapshot must hold no lock the calls would wait for
    outcomes: list[str] = []
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], object]) -> None:
        with app.test_request_context():
            start.wait(timeout=10)
            try:
                call()
                outcomes.append("ok")
            except Exception as error:
                outcomes.append(type(error).__name__)
            finally:
                db.session.remove()

    runners = [threading.Thread(target=run, args=(call,)) for call in calls]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join(timeout=30)
    db.session.expire_all()
    return outcomes
