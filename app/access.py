"""Loaders that fetch a thing together with the actor's standing towards it, and refuse alike.

Each `access_*` returns the object(s) or raises NotFound — the same error for "does not exist"
and "exists, but not yours to see" — so no caller can reveal that a private thing exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app import policy
from app.errors import NotFound
from app.extensions import db
from app.models import Membership, Post, Thread, User, Workspace
from app.validation import SLUG_RE


@dataclass(frozen=True)
class WorkspaceAccess:
    """A workspace as seen by one actor."""

    workspace: Workspace
    membership: Membership | None


@dataclass(frozen=True)
class ThreadAccess(WorkspaceAccess):
    thread: Thread


@dataclass(frozen=True)
class PostAccess(ThreadAccess):
    post: Post


def get_membership(user: User | None, workspace_id: int) -> Membership | None:
    if user is None:
        return None
    return db.session.scalar(
        select(Membership).where(
            Membership.workspace_id == workspace_id, Membership.user_id == user.id
        )
    )


def _visible(user: User | None, ws: Workspace | None) -> WorkspaceAccess:
    if ws is None:
        raise NotFound()
    membership = get_membership(user, ws.id)
    if not policy.can_view_workspace(user, ws, membership):
        raise NotFound()
    return WorkspaceAccess(ws, membership)


def access_workspace(user: User | None, slug: str) -> WorkspaceAccess:
    if not SLUG_RE.fullmatch(slug):
        raise NotFound()
    ws = db.session.scalar(select(Workspace).where(Workspace.slug == slug))
    return _visible(user, ws)


def access_workspace_by_id(user: User | None, workspace_id: int) -> WorkspaceAccess:
    return _visible(user, db.session.get(Workspace, workspace_id))


def access_thread(user: User | None, thread_id: int) -> ThreadAccess:
    thread = db.session.get(Thread, thread_id)
    if thread is None:
        raise NotFound()
    seen = _visible(user, thread.workspace)
    if not policy.can_see_thread(user, thread, seen.membership):
        raise NotFound()
    return ThreadAccess(seen.workspace, seen.membership, thread)


def access_post(user: User | None, post_id: int) -> PostAccess:
    post = db.session.get(Post, post_id)
    if post is None:
        raise NotFound()
    seen = access_thread(user, post.thread_id)
    if not policy.can_see_post(user, post, seen.membership):
        raise NotFound()
    return PostAccess(seen.workspace, seen.membership, seen.thread, post)


def access_profile(viewer: User | None, user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not policy.can_view_profile(viewer, user):
        raise NotFound()
    return user
