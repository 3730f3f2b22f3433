"""Reading what moderators and admins work from: queues, invitations, bans, the audit log, notices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, false, func, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute, joinedload
from sqlalchemy.sql import Select

from app import policy
from app.extensions import db
from app.models import (
    AuditEntry,
    Flag,
    FlagState,
    Invitation,
    Membership,
    MembershipState,
    Notification,
    Post,
    Role,
    Thread,
    User,
    Workspace,
    utcnow,
)
from app.queries.paging import Page, clamp_limit, cursor_int, decode_cursor, encode_cursor

T = TypeVar("T")


def newest_first(query: Select[T], id_column: InstrumentedAttribute[int], cursor: str | None,
                 size: int) -> Page[T]:
    """A keyset page of `query` by descending id: the cursor is the last id shown."""
    after = decode_cursor(cursor, 1)
    if after is not None:
        query = query.where(id_column < cursor_int(after[0]))
    rows = list(db.session.scalars(query.order_by(id_column.desc()).limit(size + 1)))
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows, encode_cursor([getattr(rows[-1], id_column.key)]) if more else None)


def list_join_requests(ws: Workspace) -> list[Membership]:
    """Pending requests to join, oldest first (first come, first served)."""
    query = select(Membership).options(joinedload(Membership.workspace)).where(
        Membership.workspace_id == ws.id, Membership.state == MembershipState.REQUESTED
    ).order_by(Membership.id)
    return list(db.session.scalars(query))


def list_pending_invitations(ws: Workspace) -> list[Invitation]:
    query = (
        select(Invitation)
        .options(joinedload(Invitation.user), joinedload(Invitation.inviter), joinedload(Invitation.workspace))
        .where(Invitation.workspace_id == ws.id, Invitation.accepted_at.is_(None),
               Invitation.withdrawn_at.is_(None), Invitation.expires_at > utcnow())
        .order_by(Invitation.id.desc())
    )
    return list(db.session.scalars(query))


def list_banned(ws: Workspace) -> list[Membership]:
    query = select(Membership).where(
        Membership.workspace_id == ws.id, Membership.state == MembershipState.BANNED
    ).order_by(Membership.id.desc())
    return list(db.session.scalars(query))


def _in(workspace_ids: list[int] | None, column: InstrumentedAttribute[int]) -> ColumnElement[bool]:
    return column.in_(workspace_ids) if workspace_ids is not None else true()


def list_open_flags(workspace_ids: list[int] | None, limit: int = 200) -> list[Flag]:
    """Open reports of posts still standing, oldest first, with their posts, threads and reporters
    loaded (workspace_ids None: the whole network, for admins). A post its author or a moderator
    deleted needs no decision any more."""
    query = (
        select(Flag)
        .join(Post, Post.id == Flag.post_id)
        .options(
            joinedload(Flag.reporter), joinedload(Flag.workspace),
            joinedload(Flag.post).joinedload(Post.author), joinedload(Flag.post).joinedload(Post.thread),
        )
        .where(Flag.state == FlagState.OPEN, Post.deleted_at.is_(None), _in(workspace_ids, Flag.workspace_id))
        .order_by(Flag.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def list_pending_posts(workspace_ids: list[int] | None, limit: int = 200) -> list[Post]:
    """Posts waiting for approval, oldest first."""
    query = (
        select(Post)
        .join(Thread, Thread.id == Post.thread_id)
        .options(joinedload(Post.author), joinedload(Post.thread).joinedload(Thread.workspace))
        .where(Post.pending.is_(True), Post.deleted_at.is_(None), _in(workspace_ids, Thread.workspace_id))
        .order_by(Post.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def count_review_items(ws: Workspace) -> int:
    """Open reports, waiting posts and join requests: the number on the moderators' badge."""
    flags = select(func.count()).select_from(Flag).join(Post, Post.id == Flag.post_id).where(
        Flag.workspace_id == ws.id, Flag.state == FlagState.OPEN, Post.deleted_at.is_(None))
    posts = select(func.count()).select_from(Post).join(Thread, Thread.id == Post.thread_id).where(
        Thread.workspace_id == ws.id, Post.pending.is_(True), Post.deleted_at.is_(None))
    requests = select(func.count()).where(Membership.workspace_id == ws.id,
                                          Membership.state == MembershipState.REQUESTED)
    row = db.session.execute(select(flags.scalar_subquery(), posts.scalar_subquery(),
                                    requests.scalar_subquery())).one()
    return int(sum(row))


# Details of an audit entry that name another workspace: its address and its name, by key.
_WORKSPACE_REFERENCES = (("to", "to_name"), ("source", "source_name"))


@dataclass(frozen=True)
class AuditView:
    """An audit entry as one reader may see it. The log of one workspace may name another (a thread
    moved to or from it); a reader who cannot see that other workspace reads only that it was
    another one, never its name or address. Pages and the API show only these views."""

    id: int
    workspace: Workspace | None
    actor: User | None
    action: str
    target_type: str
    target_id: int | None
    target_label: str
    reason: str
    details: dict[str, Any]
    created_at: datetime


def list_audit(workspace_id: int | None, cursor: str | None = None, limit: object = None, *, viewer: User,
               action: str | None = None, actor_id: int | None = None, network: bool = False,
               default: int = 50) -> Page[AuditView]:
    """Audit entries as `viewer` may read them, newest first: one workspace's, or (network=True) all
    of them, for admins."""
    size = clamp_limit(limit, default)
    query = select(AuditEntry).options(joinedload(AuditEntry.actor), joinedload(AuditEntry.workspace))
    if not network:
        query = query.where(AuditEntry.workspace_id == workspace_id)
    if action:
        # autoescape: "join_request" must not match as a LIKE pattern ("_" is any character there)
        within = AuditEntry.action.startswith(action + ".", autoescape=True)
        query = query.where(or_(AuditEntry.action == action, within))
    if actor_id is not None:
        query = query.where(AuditEntry.actor_id == actor_id)
    page = newest_first(query, AuditEntry.id, cursor, size)
    seen = _workspaces_seen_by(viewer, {slug for entry in page.items for slug in _named_workspaces(entry)})
    return Page([_as_seen(entry, seen) for entry in page.items], page.next)


def _named_workspaces(entry: AuditEntry) -> list[str]:
    """The addresses of the other workspaces an entry's details name."""
    details = entry.details or {}
    return [details[key] for key, _name in _WORKSPACE_REFERENCES if isinstance(details.get(key), str)]


def _workspaces_seen_by(viewer: User, slugs: set[str]) -> set[str]:
    """Which of these workspaces `viewer` may see (two queries, however many entries name them)."""
    if not slugs:
        return set()
    found = list(db.session.scalars(select(Workspace).where(Workspace.slug.in_(slugs))))
    memberships = {m.workspace_id: m for m in db.session.scalars(select(Membership).where(
        Membership.user_id == viewer.id, Membership.workspace_id.in_([ws.id for ws in found])))}
    return {ws.slug for ws in found if policy.can_view_workspace(viewer, ws, memberships.get(ws.id))}


def _as_seen(entry: AuditEntry, seen: set[str]) -> AuditView:
    details = dict(entry.details or {})
    for key, name in _WORKSPACE_REFERENCES:
        if key in details and details[key] not in seen:
            details[key], details[name] = None, None  # "another workspace"
    return AuditView(entry.id, entry.workspace, entry.actor, entry.action, entry.target_type, entry.target_id,
                     entry.target_label, entry.reason, details, entry.created_at)


def audit_actions(workspace_id: int | None, network: bool = False) -> list[str]:
    """The kinds of action recorded so far, for the filter menu."""
    query = select(AuditEntry.action).distinct().order_by(AuditEntry.action)
    if not network:
        query = query.where(AuditEntry.workspace_id == workspace_id)
    return list(db.session.scalars(query))


def audit_actors(workspace_id: int | None, network: bool = False) -> list[User]:
    """The people who appear as actors in the log, by name, for the filter menu."""
    ids = select(AuditEntry.actor_id).where(AuditEntry.actor_id.is_not(None))
    if not network:
        ids = ids.where(AuditEntry.workspace_id == workspace_id)
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.display_name)))


def list_notifications(user: User, cursor: str | None = None, limit: object = None,
                       default: int = 30) -> Page[Notification]:
    query = select(Notification).where(Notification.user_id == user.id)
    return newest_first(query, Notification.id, cursor, clamp_limit(limit, default))


def unread_count(user: User) -> int:
    return db.session.scalar(
        select(func.count()).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ) or 0


def moderated_workspaces(user: User) -> list[Workspace]:
    """Where the user may move threads: the workspaces they moderate (every one, for admins)."""
    query = select(Workspace).where(Workspace.archived == false()).order_by(Workspace.name)
    if not policy.is_admin(user):
        mine = select(Membership.workspace_id).where(
            Membership.user_id == user.id, Membership.state == MembershipState.ACTIVE,
            Membership.role.in_([Role.OWNER, Role.MODERATOR]))
        query = query.where(Workspace.id.in_(mine))
    return list(db.session.scalars(query))


def list_users(search: str = "", cursor: str | None = None, limit: object = None, default: int = 50) -> Page[User]:
    """Every account, for admins: newest first, optionally matching a name, email or organisation."""
    size = clamp_limit(limit, default)
    query = select(User)
    if search:
        # autoescape: "%" and "_" in the search are letters, not LIKE wildcards
        words = search.lower()
        query = query.where(or_(*(func.lower(column).contains(words, autoescape=True)
                                  for column in (User.display_name, User.email, User.organisation))))
    return newest_first(query, User.id, cursor, size)
