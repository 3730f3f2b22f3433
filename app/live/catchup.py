"""Catch-up: the events a client missed while it was away, from the durable log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from app.database import see_latest_commits
from app.extensions import db
from app.live.publish import event_message
from app.models import Event, Post, Workspace

MAX_REPLAY = 1_000


@dataclass(frozen=True)
class CatchUp:
    seq: int                       # the workspace's latest sequence number
    events: list[dict[str, Any]]   # what the reader missed and may see, oldest first
    reset: bool                    # `since` is older than the log keeps: reload the view


def catch_up(ws: Workspace, since: int | None, moderator: bool, reader_id: int | None = None) -> CatchUp:
    """Events after `since`; `reset` when some of them were pruned or there are too many to replay.

    Call it after joining the room: the counter is read afresh here, so an event committed between
    loading the workspace and joining is replayed rather than lost (the client drops duplicates).
    """
    see_latest_commits(db.session())
    latest = int(db.session.scalar(select(Workspace.event_seq).where(Workspace.id == ws.id)) or 0)
    if since is None or since >= latest:
        return CatchUp(latest, [], False)
    if since < 0 or latest - since > MAX_REPLAY or _oldest_kept(ws) > since + 1:
        return CatchUp(latest, [], True)
    audiences = ["all", "moderators"] if moderator else ["all"]
    rows = db.session.scalars(
        select(Event)
        .where(Event.workspace_id == ws.id, Event.seq > since, Event.audience.in_(audiences))
        .order_by(Event.seq)
    )
    events = [event_message(e, ws.slug) for e in rows]
    _withhold_text_gone_since(events, moderator, reader_id)
    return CatchUp(max([latest, *(e["seq"] for e in events)]), events, False)


_CARRY_TEXT = ("post.created", "post.updated")


def _withhold_text_gone_since(events: list[dict[str, Any]], moderator: bool, reader_id: int | None) -> None:
    """An event replays the post as it was then; if it has since been hidden, deleted or deleted for
    good, replay it without its text (a hidden post's text stays for its author and the moderators)."""
    ids = {e["data"].get("id") for e in events if e["kind"] in _CARRY_TEXT}
    if not ids:
        return
    now = {row.id: row for row in db.session.execute(
        select(Post.id, Post.author_id, Post.hidden_at, Post.deleted_at).where(Post.id.in_(ids)))}
    for event in events:
        if event["kind"] not in _CARRY_TEXT:
            continue
        post = now.get(event["data"].get("id"))
        gone = post is None or post.deleted_at is not None
        hidden = post is not None and post.hidden_at is not None and not moderator and post.author_id != reader_id
        if gone or hidden:
            event["data"] = {**event["data"], "body": "", "html": "", "hidden_reason": "",
                             "hidden": bool(post and post.hidden_at), "deleted": gone}


def _oldest_kept(ws: Workspace) -> int:
    oldest = db.session.scalar(select(func.min(Event.seq)).where(Event.workspace_id == ws.id))
    return int(oldest) if oldest is not None else ws.event_seq + 1
