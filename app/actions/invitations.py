"""Invitations into a workspace: single-use, expiring, unguessable links for a user or an email address."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from app import policy
from app.access import get_membership
from app.actions.accounts import do_register, find_user_by_email, normalise_email
from app.actions.audit import audit
from app.actions.membership import moderate, moderate_unseen
from app.actions.notifications import notify
from app.actions.unit import transactional
from app.actions.workspaces import do_add_member, lock_workspace
from app.errors import Conflict, Forbidden, NotFound
from app.extensions import db
from app.links import invitation_url
from app.live.deliver import after_commit
from app.live.log import record_event
from app.mail import send_mail
from app.models import Invitation, Membership, Role, User, utcnow
from app.validation import FieldErrors, is_safe_key

TOKEN_BYTES = 32


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transactional
def do_invite(
    actor: User, slug: str, email: object = None, user_id: object = None, role: object = Role.MEMBER,
) -> tuple[Invitation, str]:
    """Invite an existing user (by id) or an email address; answers the invitation and its token.

    The link (`invitation_url(token)`, on PUBLIC_URL) is mailed to the person (and shown to an
    existing user as a notice); the token is returned so the inviter may also share the link another
    way. Only the token's SHA-256 is stored.
    """
    seen = moderate(actor, slug)
    ws = seen.workspace
    errors = FieldErrors()
    clean_role = errors.choice("role", role, [r.value for r in Role], Role.MEMBER)
    invitee, address = _invitee(errors, email, user_id)
    errors.raise_if_any()
    if not policy.can_invite(actor, seen.membership, ws, clean_role):
        raise Forbidden(_("You cannot invite people into that role."))
    if invitee is not None:
        membership = get_membership(invitee, ws.id)
        if membership is not None and membership.is_active:
            raise Conflict(_("%(name)s is already a member.", name=invitee.display_name))
        if policy.is_banned(membership):
            raise Conflict(_("%(name)s is banned from this workspace; lift the ban first.", name=invitee.display_name))
    _withdraw_earlier(ws.id, invitee, address)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    invitation = Invitation(
        workspace_id=ws.id, inviter_id=actor.id, user_id=invitee.id if invitee else None, email=address,
        role=clean_role, token_hash=_token_hash(token),
        expires_at=utcnow() + timedelta(days=current_app.config["INVITATION_DAYS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    link = invitation_url(token)
    label = invitee.display_name if invitee else address
    audit(actor, "invitation.created", "invitation", invitation.id, label, ws, role=clean_role)
    record_event(ws, "invitation.created", {"id": invitation.id}, audience="moderators")
    if invitee is not None:
        notify(invitee.id, "invitation.received", workspace_name=ws.name, url=link, inviter=actor.display_name)
    _mail_after_commit(invitee.email if invitee else address, actor, ws.name, link)
    return invitation, token


def _invitee(errors: FieldErrors, email: object, user_id: object) -> tuple[User | None, str]:
    """The existing account invited, or the address of someone without one (exactly one of the two)."""
    if (email in (None, "")) == (user_id is None):
        errors.add("email", _("Give either an email address or a user."))
        return None, ""
    if user_id is not None:
        user = db.session.get(User, user_id) if isinstance(user_id, int) and not isinstance(user_id, bool) else None
        if user is None or not user.is_active:
            errors.add("user_id", _("No such person."))
        return user, ""
    address = errors.text("email", email, max_length=254)
    if address and ("@" not in address or not is_safe_key(address)):
        errors.add("email", _("Enter a valid email address."))
        return None, ""
    address = normalise_email(address) if address else ""
    existing = find_user_by_email(address) if address else None
    if existing is not None and existing.is_active:
        return existing, ""
    return None, address


def _withdraw_earlier(workspace_id: int, invitee: User | None, address: str) -> None:
    """A new invitation replaces the person's earlier pending ones, so only the newest link works."""
    query = update(Invitation).where(
        Invitation.workspace_id == workspace_id, Invitation.accepted_at.is_(None), Invitation.withdrawn_at.is_(None)
    )
    who = Invitation.user_id == invitee.id if invitee else Invitation.email == address
    db.session.execute(query.where(who).values(withdrawn_at=utcnow()))


def _mail_after_commit(to: str, inviter: User, workspace_name: str, link: str) -> None:
    days = current_app.config["INVITATION_DAYS"]
    subject = _("%(name)s invites you to %(workspace)s", name=inviter.display_name, workspace=workspace_name)
    body = _(
        "%(name)s invites you to the workspace %(workspace)s in Virtuaalikortteli.\n\n"
        "Accept within %(days)d days by opening this link:\n\n%(link)s\n\n"
        "The link works once. If you did not expect this, ignore this message.",
        name=inviter.display_name, workspace=workspace_name, days=days, link=link,
    )
    after_commit(lambda: send_mail(to, subject, body))


def find_invitation(token: object) -> Invitation:
    """The invitation a link's token names, if it is still usable.

    A tampered or unknown token is NotFound; a used, withdrawn or expired one is Conflict, with a
    message saying which, so the person knows to ask for a new link.
    """
    if not isinstance(token, str) or not is_safe_key(token, 100):
        raise NotFound(_("This invitation link is not valid."))
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == _token_hash(token)))
    if invitation is None:
        raise NotFound(_("This invitation link is not valid."))
    if invitation.accepted_at is not None:
        raise Conflict(_("This invitation has already been used."))
    if invitation.withdrawn_at is not None:
        raise Conflict(_("This invitation was withdrawn."))
    if invitation.expires_at <= utcnow():
        raise Conflict(_("This invitation has expired. Ask for a new one."))
    check_inviter_may_still_invite(invitation)
    return invitation


def check_inviter_may_still_invite(invitation: Invitation, fresh: bool = False) -> None:
    """An invitation speaks for the person who made it: it works only while they may still invite
    into its role. Removed, demoted, banned or suspended inviters, a deleted inviter account and an
    archived workspace all end it. `fresh` re-reads the inviter's membership (after the row lock)."""
    inviter = invitation.inviter
    membership = get_membership(inviter, invitation.workspace_id, fresh=fresh) if inviter is not None else None
    if inviter is None or not policy.can_invite(inviter, membership, invitation.workspace, invitation.role):
        raise Conflict(_("This invitation is no longer valid. Ask for a new one."))


@transactional
def do_accept_invitation(actor: User, token: object) -> Membership:
    """Join the workspace through an invitation meant for this account; the link is then spent."""
    invitation = find_invitation(token)
    if not policy.invitation_is_for(actor, invitation):
        raise Forbidden(_("This invitation is for another account. Sign in as the person invited."))
    ws = invitation.workspace
    lock_workspace(ws)  # a concurrent demotion or removal of the inviter goes first or waits
    check_inviter_may_still_invite(invitation, fresh=True)
    membership = get_membership(actor, ws.id, fresh=True)
    if policy.is_banned(membership):
        raise Forbidden(_("You cannot join this workspace."))
    invitation.accepted_at, invitation.accepted_by_id = utcnow(), actor.id
    if membership is not None and membership.is_active:
        return membership
    membership = do_add_member(ws, actor, invitation.role)
    audit(actor, "invitation.accepted", "invitation", invitation.id, actor.display_name, ws, role=invitation.role)
    if invitation.inviter_id is not None:
        notify(invitation.inviter_id, "invitation.accepted", workspace=ws.slug, workspace_name=ws.name,
               name=actor.display_name)
    return membership


@transactional
def do_register_with_invitation(
    token: object, password: object, display_name: object, organisation: object = "",
) -> tuple[User, Membership]:
    """Create the account of a person invited by email, and accept the invitation, in one step: an
    invitation that no longer works creates no account (find_invitation refuses it before anything
    is written, and any later refusal rolls the whole step back)."""
    invitation = find_invitation(token)
    if invitation.user_id is not None or not invitation.email:
        raise Forbidden(_("This invitation is for an existing account: sign in to accept it."))
    user = do_register(invitation.email, password, display_name, organisation)
    db.session.flush()
    return user, do_accept_invitation(user, token)


@transactional
def do_withdraw_invitation(actor: User, invitation_id: int) -> None:
    """Cancel a pending invitation: its link stops working at once."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or not invitation.is_pending:
        raise NotFound(_("No such pending invitation."))
    seen = moderate_unseen(actor, invitation.workspace.slug, _("No such pending invitation."))
    invitation.withdrawn_at = utcnow()
    label = invitation.user.display_name if invitation.user else invitation.email
    audit(actor, "invitation.withdrawn", "invitation", invitation.id, label, seen.workspace)
    record_event(seen.workspace, "invitation.withdrawn", {"id": invitation.id}, audience="moderators")

