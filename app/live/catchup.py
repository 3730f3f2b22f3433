"""Catch-up: the events a client missed while it was away, from the durable log.

The log keeps each event as it was sent then; what the reader may see is decided now. An event
about a thread that has since moved to another workspace, or been deleted for good, is left out
(the `thread.moved` / `thread.deleted` tombstone stays), a post's text that has since gone or been
hidden is withheld, and a place a thread moved to is named only if the reader may see it today.

One answer is bounded (MAX_PAGE_EVENTS events and about MAX_PAGE_BYTES on the wire, the query
itself limited in SQL): when more remain it says `more` and its `seq` is where it stopped, so the
client asks again with `since=seq`. Events left out are still covered by `seq`: the client never
waits for them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from app import policy
from app.database import see_latest_commits
from app.extensions import db
from app.live.publish import event_message
from app.models import Event, Membership, Post, Thread, User, Workspace

MAX_REPLAY = 1_000          # further back than this: reload the view (`reset`)
MAX_PAGE_EVENTS = 200       # events read for one answer (a LIMIT in SQL)
MAX_PAGE_BYTES = 1_000_000  # about this much JSON in one answer; one event more at most
_FETCH_BATCH = 20           # rows fetched at a time, so a page that fills up early stops reading

Message = dict[str, Any]


@dataclass(frozen=True)
class CatchUp:
    seq: int                # everything up to here is accounted for (the latest unless `more`)
    events: list[Message]   # what the reader missed and may see, oldest first
    reset: bool             # `since` is older than the log keeps: reload the view
    more: bool = False      # the answer was full: ask again with since=seq
    latest: int = 0         # the workspace's latest sequence number


def catch_up(ws: Workspace, since: int | None, moderator: bool, reader: User | None = None) -> CatchUp:
    """One page of the events after `since`, as the reader may see them now; `reset` when some
    were pruned or there are too many to replay.

    Call it after joining the room: the counter is read afresh here, so an event committed between
    loading the workspace and joining is replayed rather than lost (the client drops duplicates).
    """
    see_latest_commits(db.session())
    latest = int(db.session.scalar(select(Workspace.event_seq).where(Workspace.id == ws.id)) or 0)
    if since is None or since >= latest:
        return CatchUp(latest, [], False, latest=latest)
    if since < 0 or latest - since > MAX_REPLAY or _oldest_kept(ws) > since + 1:
        return CatchUp(latest, [], True, latest=latest)
    audiences = ["all", *(["people"] if reader is not None else []), *(["moderators"] if moderator else [])]
    events, full = _read_page(ws, since, audiences)
    reached = events[-1]["seq"] if events else since
    shown = as_seen_now(events, ws, moderator, reader)
    if full:
        return CatchUp(reached, shown, False, more=reached < latest, latest=max(latest, reached))
    return CatchUp(max(latest, reached), shown, False, latest=max(latest, reached))


def _read_page(ws: Workspace, since: int, audiences: list[str]) -> tuple[list[Message], bool]:
    """Up to MAX_PAGE_EVENTS events after `since` and about MAX_PAGE_BYTES of them; `full` when
    the page stopped at a bound (more may follow). Rows are streamed and reading stops at the
    byte bound, so a log of large posts is never loaded whole."""
    query = (select(Event).where(Event.workspace_id == ws.id, Event.seq > since, Event.audience.in_(audiences))
             .order_by(Event.seq).limit(MAX_PAGE_EVENTS))
    events: list[Message] = []
    size = 0
    result = db.session.scalars(query, execution_options={"yield_per": _FETCH_BATCH})
    try:
        for row in result:
            message = event_message(row, ws.slug)
            size += len(json.dumps(message))
            if events and size > MAX_PAGE_BYTES:
                return events, True
            events.append(message)
    finally:
        result.close()
    return events, len(events) >= MAX_PAGE_EVENTS


# --- today's visibility --------------------------------------------------------------------------

_CARRY_TEXT = ("post.created", "post.updated")
_TOMBSTONES = ("thread.moved", "thread.deleted")  # they carry ids only: the client needs them
_NAME_POST = ("attachment.added", "flag.created", "flag.resolved")


def _named(event: Message) -> tuple[int | None, int | None]:
    """The thread and the post an event is about (either may be None)."""
    kind, data = event["kind"], event["data"]
    if kind.startswith("thread."):
        return data.get("id"), None
    if kind.startswith("post."):
        return data.get("thread_id"), data.get("id")
    if kind in _NAME_POST:
        return data.get("thread_id"), data.get("post_id")
    return None, None


def as_seen_now(events: list[Message], ws: Workspace, moderator: bool, reader: User | None) -> list[Message]:
    """The events as the reader may see them today, with one query for the posts they name, one
    for their threads (and, when threads moved, one each for the places they went)."""
    posts = _posts_now({p for _, p in map(_named, events) if p is not None})
    thread_ids = {t for t, _ in map(_named, events) if t is not None} | {p.thread_id for p in posts.values()}
    here = _threads_here(ws, thread_ids)
    shown_places = _places_seen(reader, [e["data"].get("to") for e in events if e["kind"] == "thread.moved"])
    seen: list[Message] = []
    for event in events:
        kept = _as_seen(event, here, posts, shown_places, moderator, reader)
        if kept is not None:
            seen.append(kept)
    return seen


def _as_seen(event: Message, here: set[int], posts: dict[int, Any], shown_places: set[str],
             moderator: bool, reader: User | None) -> Message | None:
    """One event as the reader may see it now, or None to leave it out."""
    kind = event["kind"]
    if kind == "thread.moved":
        place = event["data"].get("to")
        if place is not None and place.get("slug") not in shown_places:
            return {**event, "data": {**event["data"], "to": None}}
        return event
    if kind in _TOMBSTONES:
        return event
    thread_id, post_id = _named(event)
    post = posts.get(post_id) if post_id is not None else None
    if thread_id is None and post is not None:
        thread_id = post.thread_id
    if thread_id is not None and thread_id not in here:
        return None  # moved away or deleted for good since
    if kind in _CARRY_TEXT:
        return _withhold_text_gone_since(event, post, moderator, reader)
    if kind == "attachment.added" and post_id is not None and not _body_visible(post, moderator, reader):
        return None
    return event


def _body_visible(post: Any, moderator: bool, reader: User | None) -> bool:
    """The rule of policy.can_see_post_body, on the columns read here."""
    if post is None or post.deleted_at is not None:
        return False
    return post.hidden_at is None or moderator or (reader is not None and post.author_id == reader.id)


def _withhold_text_gone_since(event: Message, post: Any, moderator: bool, reader: User | None) -> Message:
    """An event replays the post as it was then; if it has since been hidden, deleted or deleted for
    good, replay it without its text (a hidden post's text stays for its author and the moderators)."""
    if _body_visible(post, moderator, reader):
        return event
    gone = post is None or post.deleted_at is not None
    return {**event, "data": {**event["data"], "body": "", "html": "", "hidden_reason": "",
                              "hidden": bool(post is not None and post.hidden_at), "deleted": gone}}


def _posts_now(ids: set[int]) -> dict[int, Any]:
    if not ids:
        return {}
    rows = db.session.execute(select(Post.id, Post.thread_id, Post.author_id, Post.hidden_at, Post.deleted_at)
                              .where(Post.id.in_(ids)))
    return {row.id: row for row in rows}


def _threads_here(ws: Workspace, ids: set[int]) -> set[int]:
    """The threads among `ids` that still exist and are still in this workspace."""
    if not ids:
        return set()
    return set(db.session.scalars(select(Thread.id).where(Thread.id.in_(ids), Thread.workspace_id == ws.id)))


def _places_seen(reader: User | None, places: Iterable[dict[str, Any] | None]) -> set[str]:
    """The slugs among the places threads moved to that the reader may see today."""
    slugs = {p["slug"] for p in places if p and isinstance(p.get("slug"), str)}
    if not slugs:
        return set()
    workspaces = list(db.session.scalars(select(Workspace).where(Workspace.slug.in_(slugs))))
    memberships: dict[int, Membership] = {}
    if reader is not None:
        memberships = {m.workspace_id: m for m in db.session.scalars(select(Membership).where(
            Membership.user_id == reader.id, Membership.workspace_id.in_([w.id for w in workspaces])))}
    return {w.slug for w in workspaces if policy.can_view_workspace(reader, w, memberships.get(w.id))}


def _oldest_kept(ws: Workspace) -> int:
    oldest = db.session.scalar(select(func.min(Event.seq)).where(Event.workspace_id == ws.id))
    return int(oldest) if oldest is not None else ws.event_seq + 1
