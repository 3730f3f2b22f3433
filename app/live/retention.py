"""How long the event log keeps events: catch-up reaches back this far, older clients reload."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select

from app.actions.unit import transactional
from app.extensions import db
from app.models import Event, utcnow


@transactional
def prune_events(keep_days: int, keep_count: int) -> int:
    """Delete events older than `keep_days` that are not among their workspace's newest
    `keep_count`; return how many went. Either rule alone keeps an event."""
    cutoff = utcnow() - timedelta(days=keep_days)
    ranked = select(
        Event.id,
        func.row_number().over(partition_by=Event.workspace_id, order_by=Event.seq.desc()).label("rank"),
    ).subquery()
    newest = select(ranked.c.id).where(ranked.c.rank <= keep_count)
    result = db.session.execute(
        delete(Event).where(Event.created_at < cutoff, Event.id.not_in(newest)).execution_options(
            synchronize_session=False
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
