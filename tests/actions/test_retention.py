"""Pruning the event log keeps the recent and the newest events."""

from datetime import timedelta

from sqlalchemy import select, update

from app.actions.unit import transactional
from app.extensions import db
from app.live.catchup import catch_up
from app.live.retention import prune_events
from app.models import Event, Workspace, utcnow
from tests.factories import make_thread, reply


@transactional
def _age_all_events(days: int) -> None:
    db.session.execute(update(Event).values(created_at=utcnow() - timedelta(days=days)))


def test_recent_events_are_kept(member, workspace: Workspace) -> None:
    make_thread(member, workspace)
    before = len(db.session.scalars(select(Event)).all())
    assert prune_events(keep_days=7, keep_count=0) == 0
    assert len(db.session.scalars(select(Event)).all()) == before


def test_old_events_beyond_the_newest_n_go_and_catch_up_says_reset(member, workspace: Workspace) -> None:
    thread, _ = make_thread(member, workspace)
    for _ in range(5):
        reply(member, thread)
    _age_all_events(30)
    removed = prune_events(keep_days=7, keep_count=3)
    remaining = db.session.scalars(select(Event.seq).where(Event.workspace_id == workspace.id)
                                   .order_by(Event.seq)).all()
    db.session.refresh(workspace)
    assert removed > 0
    assert remaining == [workspace.event_seq - 2, workspace.event_seq - 1, workspace.event_seq]
    assert catch_up(workspace, 1, moderator=False).reset is True
    recent = catch_up(workspace, workspace.event_seq - 3, moderator=False)
    assert recent.reset is False and [e["seq"] for e in recent.events] == remaining
