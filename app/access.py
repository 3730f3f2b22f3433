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
from app.models import Attachment, Document, Membership, Post, Thread, User, Workspace
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


@dataclass(frozen=True)
class DocumentAccess(WorkspaceAccess):
    document: Document
    thread: Thread | None  # its discussion


def get_membership(user: User | None, workspace_id: int, fresh: bool = False) -> Membership | None:
    """The user's membership row; `fresh` re-reads it from the database (after taking a lock)."""
    if user is None:
        return None
    query = select(Membership).where(Membership.workspace_id == workspace_id, Membership.user_id == user.id)
    if fresh:
        query = query.execution_options(populate_existing=True)
    return db.session.scalar(query)


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


def access_document(user: User | None, document_id: int, for_update: bool = False) -> DocumentAccess:
    """A document with its discussion thread. `for_update` locks its row until commit (PostgreSQL;
    SQLite writers are serialised already), so saves of one document queue up instead of racing."""
    query = select(Document).where(Document.id == document_id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    document = db.session.scalar(query)
    if document is None:
        raise NotFound()
    seen = _visible(user, document.workspace)
    thread = db.session.scalar(select(Thread).where(Thread.document_id == document.id))
    return DocumentAccess(seen.workspace, seen.membership, document, thread)


def access_attachment(user: User | None, attachment_id: int) -> Attachment:
    """An attachment, for those who may see the document it belongs to, or the text of its post (so
    not a hidden post's, except to its author and moderators, nor a deleted one's); NotFound alike
    for everyone else, so a private workspace's file cannot be found by guessing its number."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound()
    if attachment.post_id is not None:
        seen = access_post(user, attachment.post_id)
        if not policy.can_see_post_body(user, seen.post, seen.membership):
            raise NotFound()
    elif attachment.document_id is not None:
        access_document(user, attachment.document_id)
    else:
        raise NotFound()
    return attachment
