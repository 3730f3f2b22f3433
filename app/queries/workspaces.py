"""Reading workspaces and their members."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.sql import Select

from app import policy
from app.extensions import db
from app.models import Membership, MembershipState, User, Visibility, Workspace


def visible_workspaces_query(user: User | None) -> Select[Workspace]:
    """Workspaces the user may see, as a query (the same rule as policy.can_view_workspace)."""
    query = select(Workspace)
    if policy.is_admin(user):
        return query
    if not policy.is_signed_in(user) or user is None:
        return query.where(Workspace.visibility == Visibility.PUBLIC)
    mine = select(Membership.workspace_id).where(Membership.user_id == user.id)
    active = mine.where(Membership.state == MembershipState.ACTIVE)
    banned = mine.where(Membership.state == MembershipState.BANNED)
    return query.where(
        or_(Workspace.visibility != Visibility.PRIVATE, Workspace.id.in_(active)),
        Workspace.id.not_in(banned),
    )


def list_workspaces(user: User | None) -> list[Workspace]:
    """The directory: live workspaces first by latest activity, archived ones last."""
    query = visible_workspaces_query(user).order_by(
        Workspace.archived, Workspace.last_activity_at.desc(), Workspace.id.desc()
    )
    return list(db.session.scalars(query))


def my_memberships(user: User | None) -> dict[int, Membership]:
    """The user's memberships keyed by workspace id, in one query."""
    if user is None:
        return {}
    rows = db.session.scalars(select(Membership).where(Membership.user_id == user.id))
    return {m.workspace_id: m for m in rows}


def list_members(ws: Workspace) -> list[Membership]:
    query = (
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(Membership.workspace_id == ws.id, Membership.state == MembershipState.ACTIVE)
        .order_by(Membership.role, User.display_name)
    )
    return list(db.session.scalars(query))


def list_user_workspaces(profile: User, viewer: User | None) -> list[Workspace]:
    """The workspaces a person is in, of those the viewer may see."""
    theirs = select(Membership.workspace_id).where(
        Membership.user_id == profile.id, Membership.state == MembershipState.ACTIVE
    )
    query = visible_workspaces_query(viewer).where(Workspace.id.in_(theirs)).order_by(Workspace.name)
    return list(db.session.scalars(query))
