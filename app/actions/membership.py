"""Moderators decide who is in a workspace: roles, join requests, removal, bans."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update

from app import policy
from app.access import WorkspaceAccess, access_workspace, get_membership
from app.actions.audit import audit
from app.actions.notifications import notify
from app.actions.unit import transactional
from app.actions.workspaces import bump_member_count, count_owners, end_membership, lock_workspace, member_event
from app.errors import Conflict, Forbidden, NotFound
from app.extensions import db
from app.live.control import join_room_after_commit, leave_rooms_after_commit
from app.live.log import record_event
from app.live.rooms import workspace_moderators_room, workspace_room
from app.models import Invitation, Membership, MembershipState, Role, User, Workspace, utcnow
from app.schemas.common import UserRefSchema
from app.validation import FieldErrors

REASON_MAX = 500
_USER_REF = UserRefSchema()


def moderate(actor: User, slug: str) -> WorkspaceAccess:
    """The workspace, if the actor moderates it; otherwise Forbidden (NotFound if it is not visible)."""
    seen = access_workspace(actor, slug)
    if not policy.can_review(actor, seen.membership):
        raise Forbidden(_("Only the workspace's moderators can do this."))
    return seen


def moderate_unseen(actor: User, slug: str, missing: str) -> WorkspaceAccess:
    """As `moderate`, for a thing addressed by its own id (a request, an invitation, a report): one
    who may not moderate its workspace gets the same NotFound as for an id that does not exist,
    so ids cannot be used to learn what a private workspace holds."""
    try:
        return moderate(actor, slug)
    except (Forbidden, NotFound):
        raise NotFound(missing) from None


def _target(ws: Workspace, user_id: int) -> tuple[User, Membership | None]:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such person."))
    return user, get_membership(user, ws.id, fresh=True)


def _moderate_members(actor: User, slug: str) -> WorkspaceAccess:
    """As `moderate`, then take the workspace's row lock (held to commit) before anyone's membership
    is read: moderators deciding about the same people at once go one after the other, and the
    second sees what the first did (no request approved twice, no workspace left without an owner)."""
    seen = moderate(actor, slug)
    lock_workspace(seen.workspace)
    return seen


def _withdraw_invitations(ws: Workspace, user: User) -> None:
    """A banned person's pending invitations stop working (and leave the moderators' list)."""
    db.session.execute(update(Invitation).where(
        Invitation.workspace_id == ws.id, Invitation.accepted_at.is_(None), Invitation.withdrawn_at.is_(None),
        or_(Invitation.user_id == user.id, func.lower(Invitation.email) == user.email.lower()),
    ).values(withdrawn_at=utcnow()))


def check_reason(reason: object, field: str = "reason", required: bool = False) -> str:
    errors = FieldErrors()
    clean = errors.text(field, reason, max_length=REASON_MAX, min_length=1 if required else 0, multiline=True)
    errors.raise_if_any()
    return clean


def _lose_live_access(user_id: int, ws: Workspace) -> None:
    """Take the person's open sockets out of the workspace's rooms on every process."""
    leave_rooms_after_commit(user_id, [workspace_room(ws.id), workspace_moderators_room(ws.id)], ws.slug, ws.id)


def _follow_moderator_room(membership: Membership, ws: Workspace) -> None:
    """A new role reaches open sockets at once: moderators' events start or stop arriving."""
    if membership.rank >= Role.MODERATOR.rank:
        join_room_after_commit(membership.user_id, workspace_moderators_room(ws.id), ws.id)
    else:
        leave_rooms_after_commit(membership.user_id, [workspace_moderators_room(ws.id)])


@transactional
def do_change_role(actor: User, slug: str, user_id: int, role: object) -> Membership:
    """Give an active member another role, within the limits of policy.can_assign_role."""
    seen = _moderate_members(actor, slug)
    ws = seen.workspace
    errors = FieldErrors()
    new_role = errors.choice("role", role, [r.value for r in Role], "")
    if not new_role and "role" not in errors.fields:
        errors.add("role", _("Choose a role."))
    errors.raise_if_any()
    user, target = _target(ws, user_id)
    if target is None or not target.is_active:
        raise NotFound(_("This person is not a member of the workspace."))
    if not policy.can_assign_role(actor, seen.membership, target, new_role, count_owners(ws.id)):
        raise Forbidden(_("You cannot give this person that role."))
    old_role = target.role
    if old_role == new_role:
        return target
    target.role = new_role
    db.session.flush()
    audit(actor, "member.role_changed", "user", user.id, user.display_name, ws, old=old_role, new=new_role)
    record_event(ws, "member.updated", {"user": _USER_REF.dump(user), "role": new_role}, audience="people")
    notify(user.id, "member.role_changed", workspace=ws.slug, workspace_name=ws.name, role=new_role)
    _follow_moderator_room(target, ws)
    return target


@transactional
def do_remove_member(actor: User, slug: str, user_id: int, reason: object = "") -> None:
    """Take a member out of the workspace. They may join again as its join policy allows."""
    seen = _moderate_members(actor, slug)
    ws = seen.workspace
    why = check_reason(reason)
    user, target = _target(ws, user_id)
    if target is None or not target.is_active:
        raise NotFound(_("This person is not a member of the workspace."))
    if not policy.can_remove_member(actor, seen.membership, target, count_owners(ws.id)):
        raise Forbidden(_("You cannot remove this member."))
    audit(actor, "member.removed", "user", user.id, user.display_name, ws, why, role=target.role)
    end_membership(ws, user, target)
    notify(user.id, "member.removed", workspace=ws.slug, workspace_name=ws.name, reason=why)


@transactional
def do_ban(actor: User, slug: str, user_id: object, reason: object = "") -> Membership:
    """Ban someone from the workspace: they lose all access at once and cannot rejoin or ask to."""
    seen = _moderate_members(actor, slug)
    ws = seen.workspace
    why = check_reason(reason)
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        raise NotFound(_("No such person."))
    user, target = _target(ws, user_id)
    if not policy.can_ban(actor, seen.membership, user, target, count_owners(ws.id)):
        if policy.is_banned(target):
            raise Conflict(_("This person is already banned."))
        raise Forbidden(_("You cannot ban this person."))
    was_active, role = target is not None and target.is_active, target.role if target else Role.MEMBER
    if target is None:
        target = Membership(workspace_id=ws.id, user_id=user.id)
        db.session.add(target)
    target.state, target.role, target.note = MembershipState.BANNED, Role.MEMBER, why
    db.session.flush()
    if was_active:
        bump_member_count(ws, -1)
        member_event(ws, "member.left", user, role)
    record_event(ws, "member.banned", {"user": _USER_REF.dump(user), "reason": why}, audience="moderators")
    audit(actor, "member.banned", "user", user.id, user.display_name, ws, why)
    notify(user.id, "member.banned", workspace_name=ws.name, reason=why)
    _withdraw_invitations(ws, user)
    _lose_live_access(user.id, ws)
    return target


@transactional
def do_unban(actor: User, slug: str, user_id: int) -> None:
    """Lift a ban; the person may then join or ask to join again."""
    seen = _moderate_members(actor, slug)
    ws = seen.workspace
    user, target = _target(ws, user_id)
    if not policy.is_banned(target) or target is None:
        raise NotFound(_("This person is not banned here."))
    db.session.delete(target)
    db.session.flush()
    record_event(ws, "member.unbanned", {"user": _USER_REF.dump(user)}, audience="moderators")
    audit(actor, "member.unbanned", "user", user.id, user.display_name, ws)
    notify(user.id, "member.unbanned", workspace=ws.slug, workspace_name=ws.name)


def _pending_request(actor: User, request_id: int) -> tuple[WorkspaceAccess, Membership]:
    """A pending join request the actor may decide on; NotFound alike for missing and not theirs."""
    request = db.session.get(Membership, request_id)
    if request is None or request.state != MembershipState.REQUESTED:
        raise NotFound(_("No such join request."))
    seen = moderate_unseen(actor, request.workspace.slug, _("No such join request."))
    lock_workspace(seen.workspace)
    fresh = select(Membership).where(Membership.id == request_id).execution_options(populate_existing=True)
    request = db.session.scalar(fresh)  # as it is now that another moderator cannot be deciding it
    if request is None or request.state != MembershipState.REQUESTED:
        raise NotFound(_("No such join request."))
    return seen, request


@transactional
def do_approve_request(actor: User, request_id: int) -> Membership:
    """Let the person in; they are told, and appear as a member everywhere at once."""
    seen, request = _pending_request(actor, request_id)
    ws, user = seen.workspace, request.user
    request.state, request.role, request.note = MembershipState.ACTIVE, Role.MEMBER, ""
    db.session.flush()
    bump_member_count(ws, 1)
    member_event(ws, "member.joined", user, Role.MEMBER)
    record_event(ws, "join_request.decided", {"id": request.id, "approved": True}, audience="moderators")
    audit(actor, "join_request.approved", "user", user.id, user.display_name, ws)
    notify(user.id, "join_request.approved", workspace=ws.slug, workspace_name=ws.name)
    return request


@transactional
def do_decline_request(actor: User, request_id: int, reason: object = "") -> None:
    """Say no, optionally with a reason the person is shown; they may ask again later."""
    seen, request = _pending_request(actor, request_id)
    why = check_reason(reason)
    ws, user = seen.workspace, request.user
    request_id = request.id
    db.session.delete(request)
    db.session.flush()
    record_event(ws, "join_request.decided", {"id": request_id, "approved": False}, audience="moderators")
    audit(actor, "join_request.declined", "user", user.id, user.display_name, ws, why)
    notify(user.id, "join_request.declined", workspace_name=ws.name, reason=why)

