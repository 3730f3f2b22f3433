"""Workspaces: create, join, leave."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from slugify import slugify
from sqlalchemy import func, select, update

from app import policy
from app.access import access_workspace, get_membership
from app.actions.unit import transactional
from app.errors import Conflict, Forbidden
from app.extensions import db
from app.live.control import evict_outsiders_after_commit, leave_rooms_after_commit
from app.live.log import record_event
from app.live.rooms import workspace_moderators_room, workspace_room
from app.models import JoinPolicy, Membership, MembershipState, Role, User, Visibility, Workspace
from app.schemas.common import UserRefSchema
from app.schemas.workspaces import WorkspaceSchema
from app.validation import SLUG_RE, FieldErrors, check_themes

_USER_REF = UserRefSchema()
_WORKSPACE_REF = WorkspaceSchema(exclude=["my_role"])


def _check_slug(errors: FieldErrors, slug: object, name: str) -> str:
    if slug in (None, ""):
        return slugify(name, max_length=60) or ""
    value = errors.text("slug", slug, max_length=60)
    if value and not SLUG_RE.fullmatch(value):
        errors.add("slug", _("Use lowercase letters, digits and hyphens."))
    return value


@transactional
def do_create_workspace(
    actor: User,
    name: object,
    description: object = "",
    themes: object = None,
    visibility: object = "network",
    join_policy: object = "open",
    slug: object = None,
) -> Workspace:
    """Create a workspace with the actor as its owner."""
    if not policy.can_create_workspace(actor, current_app.config["WORKSPACE_CREATION"]):
        raise Forbidden(_("Only administrators may create workspaces here."))
    errors = FieldErrors()
    clean_name = errors.text("name", name, max_length=100, min_length=2)
    clean_slug = _check_slug(errors, slug, clean_name)
    about = errors.text("description", description, max_length=2000, min_length=0, multiline=True)
    tags = check_themes(errors, themes)
    seen = errors.choice("visibility", visibility, [v.value for v in Visibility], Visibility.NETWORK)
    joining = errors.choice("join_policy", join_policy, [j.value for j in JoinPolicy], JoinPolicy.OPEN)
    if clean_slug and db.session.scalar(select(func.count()).where(Workspace.slug == clean_slug)):
        errors.add("slug", _("This address is already in use."))
    elif clean_name and not clean_slug:
        errors.add("slug", _("Use lowercase letters, digits and hyphens."))
    errors.raise_if_any()
    ws = Workspace(
        slug=clean_slug, name=clean_name, description=about, themes=tags,
        visibility=seen, join_policy=joining, created_by_id=actor.id, member_count=1,
    )
    db.session.add(ws)
    db.session.flush()
    db.session.add(Membership(workspace_id=ws.id, user_id=actor.id, role=Role.OWNER))
    return ws


def member_event(ws: Workspace, kind: str, user: User, role: str | None) -> None:
    """member.joined / member.left: who, in which role, and the workspace's new member count; to
    signed-in readers only, as the member list is (policy.can_view_members)."""
    record_event(ws, kind, {"user": _USER_REF.dump(user), "role": role, "member_count": ws.member_count},
                 audience="people")


def bump_thread_count(workspace_id: int, delta: int) -> None:
    """Change the stored thread count in the database (not in Python), safe under concurrency."""
    db.session.execute(
        update(Workspace).where(Workspace.id == workspace_id).values(thread_count=Workspace.thread_count + delta)
    )


def bump_member_count(ws: Workspace, delta: int) -> None:
    """Change the stored member count in the database (not in Python), safe under concurrency."""
    db.session.execute(
        update(Workspace).where(Workspace.id == ws.id).values(member_count=Workspace.member_count + delta)
    )
    db.session.refresh(ws, ["member_count"])


@transactional
def do_join_workspace(actor: User, slug: str, message: object = "") -> Membership:
    """Join an open workspace at once, or ask to join one that takes requests.

    Returns the membership; its state says which ("active" or "requested").
    """
    seen = access_workspace(actor, slug)
    ws, membership = seen.workspace, seen.membership
    if membership is not None and membership.state == MembershipState.ACTIVE:
        raise Conflict(_("You are already a member of this workspace."))
    if ws.join_policy == JoinPolicy.REQUEST and not policy.is_banned(membership) and not ws.archived:
        return _request_to_join(actor, ws, membership, message)
    if not policy.can_join_workspace(actor, ws, membership):
        raise Forbidden(_("This workspace takes new members by invitation only."))
    if membership is None:
        membership = Membership(workspace_id=ws.id, user_id=actor.id, role=Role.MEMBER)
        db.session.add(membership)
    membership.state = MembershipState.ACTIVE
    membership.role = Role.MEMBER
    db.session.flush()
    bump_member_count(ws, 1)
    member_event(ws, "member.joined", actor, Role.MEMBER)
    return membership


def _request_to_join(actor: User, ws: Workspace, membership: Membership | None, message: object) -> Membership:
    """Queue a request for the moderators, who see it arrive live in their queue."""
    if membership is not None and membership.state == MembershipState.REQUESTED:
        raise Conflict(_("You have already asked to join. The moderators will answer soon."))
    errors = FieldErrors()
    note = errors.text("message", message, max_length=1000, min_length=0, multiline=True)
    errors.raise_if_any()
    if membership is None:
        membership = Membership(workspace_id=ws.id, user_id=actor.id)
        db.session.add(membership)
    membership.state, membership.role, membership.note = MembershipState.REQUESTED, Role.MEMBER, note
    db.session.flush()
    record_event(ws, "join_request.created", {"id": membership.id, "user": _USER_REF.dump(actor), "message": note},
                 audience="moderators")
    return membership


def lock_workspace(ws: Workspace) -> None:
    """Hold the workspace's row lock to commit: membership decisions about one workspace (the last
    owner leaving, two moderators approving one request) then go one after the other."""
    db.session.execute(select(Workspace.id).where(Workspace.id == ws.id).with_for_update())


def count_owners(workspace_id: int) -> int:
    return db.session.scalar(
        select(func.count()).where(
            Membership.workspace_id == workspace_id,
            Membership.role == Role.OWNER,
            Membership.state == MembershipState.ACTIVE,
        )
    ) or 0


@transactional
def do_leave_workspace(actor: User, slug: str) -> None:
    """Leave the workspace, or withdraw a request to join it that the moderators have not decided."""
    seen = access_workspace(actor, slug)
    lock_workspace(seen.workspace)
    ws, membership = seen.workspace, get_membership(actor, seen.workspace.id, fresh=True)
    if membership is not None and membership.state == MembershipState.REQUESTED:
        _withdraw_request(ws, membership)
        return
    if membership is None or not membership.is_active:
        raise Conflict(_("You are not a member of this workspace."))
    if not policy.can_leave_workspace(actor, membership, count_owners(ws.id)):
        raise Conflict(_("You are the last owner: name another owner before leaving."))
    end_membership(ws, actor, membership)


def end_membership(ws: Workspace, user: User, membership: Membership) -> None:
    """Take an active member out (leaving or removed): count, announce, and stop live delivery of
    what they may no longer see (a private workspace's events, the moderators' events)."""
    role = membership.role
    db.session.delete(membership)
    db.session.flush()
    bump_member_count(ws, -1)
    member_event(ws, "member.left", user, role)
    if not policy.can_view_workspace(user, ws, None):
        leave_rooms_after_commit(user.id, [workspace_room(ws.id), workspace_moderators_room(ws.id)], ws.slug, ws.id)
    else:
        leave_rooms_after_commit(user.id, [workspace_moderators_room(ws.id)])


def _withdraw_request(ws: Workspace, request: Membership) -> None:
    """Take a pending request out of the moderators' queue (their open queues drop it at once)."""
    request_id = request.id
    db.session.delete(request)
    db.session.flush()
    record_event(ws, "join_request.withdrawn", {"id": request_id}, audience="moderators")


@transactional
def do_add_member(ws: Workspace, user: User, role: str = Role.MEMBER) -> Membership:
    """Make a user an active member with a role, whatever the join policy.

    For trusted callers that already decided (an accepted invitation, the demo seed); not a
    user-facing permission check.
    """
    membership = get_membership(user, ws.id)
    if membership is None:
        membership = Membership(workspace_id=ws.id, user_id=user.id)
        db.session.add(membership)
    was_active = membership.is_active
    membership.role, membership.state = Role(role), MembershipState.ACTIVE
    db.session.flush()
    if not was_active:
        bump_member_count(ws, 1)
        member_event(ws, "member.joined", user, role)
    return membership


_SETTINGS = ("name", "description", "themes", "visibility", "join_policy", "archived", "premoderation")


@transactional
def do_update_workspace(actor: User, slug: str, **changes: object) -> Workspace:
    """Change a workspace's settings (owners and admins); emits workspace.updated.

    Narrowing who may see it (private, or network only) takes everyone who may no longer see it
    out of its live rooms and its threads' at once.
    """
    seen = access_workspace(actor, slug)
    ws = seen.workspace
    if not policy.can_manage_workspace(actor, seen.membership):
        raise Forbidden(_("Only the workspace's owners can change its settings."))
    unknown = set(changes) - set(_SETTINGS)
    errors = FieldErrors()
    for name in unknown:
        errors.add(name, _("This setting cannot be changed."))
    values = _check_settings(errors, ws, changes)
    errors.raise_if_any()
    was_visibility, was_premoderated = ws.visibility, ws.premoderation
    for name, value in values.items():
        setattr(ws, name, value)
    if ws.premoderation and not was_premoderated:
        _trust_current_members(ws)
    db.session.flush()
    record_event(ws, "workspace.updated", _WORKSPACE_REF.dump(ws))
    if ws.visibility != was_visibility:  # narrower (public to network, say) takes out who may no longer see
        evict_outsiders_after_commit(ws.id, viewers_of(ws), ws.slug)
    return ws


def _trust_current_members(ws: Workspace) -> None:
    """Pre-moderation is for new members: those already in keep posting at once."""
    db.session.execute(update(Membership).where(
        Membership.workspace_id == ws.id, Membership.state == MembershipState.ACTIVE).values(trusted=True))


def _check_settings(errors: FieldErrors, ws: Workspace, changes: dict[str, object]) -> dict[str, object]:
    values: dict[str, object] = {}
    if "name" in changes:
        values["name"] = errors.text("name", changes["name"], max_length=100, min_length=2)
    if "description" in changes:
        values["description"] = errors.text("description", changes["description"], max_length=2000,
                                            min_length=0, multiline=True)
    if "themes" in changes:
        values["themes"] = check_themes(errors, changes["themes"])
    if "visibility" in changes:
        values["visibility"] = errors.choice("visibility", changes["visibility"],
                                             [v.value for v in Visibility], ws.visibility)
    if "join_policy" in changes:
        values["join_policy"] = errors.choice("join_policy", changes["join_policy"],
                                              [j.value for j in JoinPolicy], ws.join_policy)
    for flag in ("archived", "premoderation"):
        if flag in changes:
            if not isinstance(changes[flag], bool):
                errors.add(flag, _("Must be true or false."))
            values[flag] = bool(changes[flag])
    return values


def viewers_of(ws: Workspace) -> dict[str, Any]:
    """Who may see the workspace now, as a control order carries it to every process (see
    app.live.control.may_stay): policy.can_view_workspace's rule, with the people it names listed.
    Public: anyone but the banned; network: the signed-in but the banned; private: the active
    members and the site admins."""
    admins = select(User.id).where(User.is_admin.is_(True))
    if ws.visibility == Visibility.PRIVATE:
        members = select(Membership.user_id).where(
            Membership.workspace_id == ws.id, Membership.state == MembershipState.ACTIVE)
        return {"anonymous": False, "signed_in": False, "keep": list(db.session.scalars(members.union(admins)))}
    banned = select(Membership.user_id).where(Membership.workspace_id == ws.id,
                                              Membership.state == MembershipState.BANNED,
                                              Membership.user_id.not_in(admins))
    return {"anonymous": ws.visibility == Visibility.PUBLIC, "signed_in": True,
            "banned": list(db.session.scalars(banned))}
