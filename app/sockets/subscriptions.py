"""Following workspaces: subscribe (with catch-up), unsubscribe, and asking for the latest seqs."""

from __future__ import annotations

from typing import Any

from flask_socketio import join_room, leave_room
from sqlalchemy import select

from app import policy
from app.access import access_workspace
from app.errors import Invalid
from app.extensions import db
from app.live.catchup import catch_up
from app.live.rooms import workspace_moderators_room, workspace_people_room, workspace_room
from app.models import Workspace
from app.sockets.handling import Ack, int_field, socket_actor, socket_event, text_field, this_socket
from app.sockets.presence import enter, leave

MAX_SUBSCRIPTIONS = 50


@socket_event("subscribe")
def subscribe(data: dict[str, Any]) -> Ack:
    """Join the workspace's room first, then replay what the client missed since `since`.

    Joining first means nothing committed in between is lost; the client drops duplicates by seq.
    A workspace the user may not see answers exactly like one that does not exist. A long catch-up
    comes in pages: `more` says ask again with `since` = this answer's `seq`.
    """
    user = socket_actor()
    slug = text_field(data, "workspace", 60)
    since = int_field(data, "since", required=False)
    info = this_socket()
    seen = access_workspace(user, slug)
    ws = seen.workspace
    if ws.id not in info.workspaces and len(info.workspaces) >= MAX_SUBSCRIPTIONS:
        raise Invalid(f"Follow at most {MAX_SUBSCRIPTIONS} workspaces at once.")
    moderator = policy.is_moderator(user, seen.membership)
    join_room(workspace_room(ws.id))
    if user is not None:
        join_room(workspace_people_room(ws.id))
    if moderator:
        join_room(workspace_moderators_room(ws.id))
    info.workspaces[ws.id] = ws.slug
    missed = catch_up(ws, since, moderator, user)
    presence = enter(workspace_room(ws.id))
    return {"ok": True, "seq": missed.seq, "events": missed.events, "reset": missed.reset, "more": missed.more,
            "latest": missed.latest, "presence": presence}


@socket_event("unsubscribe")
def unsubscribe(data: dict[str, Any]) -> Ack:
    slug = text_field(data, "workspace", 60)
    info = this_socket()
    for ws_id, ws_slug in list(info.workspaces.items()):
        if ws_slug == slug:
            leave_room(workspace_room(ws_id))
            leave_room(workspace_people_room(ws_id))
            leave_room(workspace_moderators_room(ws_id))
            del info.workspaces[ws_id]
            leave(workspace_room(ws_id))
    return {"ok": True}


@socket_event("sync")
def sync(data: dict[str, Any]) -> Ack:
    """The latest seq of each followed workspace, so a client can notice a lost event and fetch it."""
    socket_actor()
    info = this_socket()
    rows = db.session.execute(select(Workspace.slug, Workspace.event_seq).where(Workspace.id.in_(info.workspaces)))
    return {"ok": True, "seqs": {slug: seq for slug, seq in rows}}
